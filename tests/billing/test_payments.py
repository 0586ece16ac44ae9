"""BIL-6 payments against localstripe on 127.0.0.1: a Stripe customer and payment method per
buyer, a PaymentIntent for each issued invoice, signed webhooks marking it paid or failed
(replays change nothing), and a mail to finance when a payment fails."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.core import mail
from django.test import Client

from billing import payments
from billing.models import Invoice, Payment, PaymentState
from billing.services.runs import billing_run_create, billing_run_execute
from tests.billing.conftest import berlin, hold
from tests.factories import World
from tests.realservices import require

WEBHOOK_SECRET = "whsec_test_billing"
OCT = dt.date(2026, 10, 1)
pytestmark = pytest.mark.usefixtures("price_lists")


def _free_port() -> int:
    for port in range(20100, 30000):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


class _Sink(http.server.BaseHTTPRequestHandler):
    """Receives localstripe's webhooks so the test can hand them to our endpoint."""

    received: list[tuple[bytes, str]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((body, self.headers["Stripe-Signature"]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def localstripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    data = tmp_path_factory.mktemp("localstripe") / "store.pickle"
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.billing.localstripe_server", str(port), str(data)],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{url}/v1/customers", auth=("sk_test_x", ""), timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            require(False, "localstripe did not start")
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def stripe_sink(localstripe: str, settings: object) -> Iterator[list[tuple[bytes, str]]]:
    settings.STIMME_STRIPE_SECRET_KEY = "sk_test_billing"  # type: ignore[attr-defined]
    settings.STIMME_STRIPE_API_BASE = localstripe  # type: ignore[attr-defined]
    settings.STIMME_STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET  # type: ignore[attr-defined]
    _Sink.received = []
    sink = http.server.HTTPServer(("127.0.0.1", _free_port()), _Sink)
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    requests.post(
        f"{localstripe}/_config/webhooks/billing",
        data={"url": f"http://127.0.0.1:{sink.server_port}/", "secret": WEBHOOK_SECRET},
        timeout=5,
    ).raise_for_status()
    yield _Sink.received
    sink.shutdown()


def _wait_for(received: list[tuple[bytes, str]], event_type: str) -> tuple[bytes, str]:
    for _ in range(100):
        for body, signature in received:
            if json.loads(body)["type"] == event_type:
                return body, signature
        time.sleep(0.1)
    raise AssertionError(f"no {event_type} webhook")


def _post(body: bytes, signature: str) -> dict[str, str]:
    response = Client().post(
        "/api/v1/billing/stripe-webhook/", body, content_type="application/json",
        headers={"Stripe-Signature": signature},
    )  # fmt: skip
    assert response.status_code in (200, 400), response.content
    return response.json()  # type: ignore[no-any-return]


def _bill(world: World) -> None:
    for customer in (world.customer_a1, world.customer_a2):
        hold(customer, "grundlizenz", berlin(2026, 1, 1))
    run, _ = billing_run_create(month=OCT, acting_user=None)
    billing_run_execute(run_id=run.pk)


def test_issued_invoice_is_collected_and_marked_paid_by_signed_webhook(
    world: World, stripe_sink: list[tuple[bytes, str]]
) -> None:
    payments.payment_account_set(
        acting_user=world.finance, customer=world.customer_a1, payment_method="pm_card_visa"
    )
    _bill(world)
    invoice = Invoice.objects.get(buyer_customer=world.customer_a1)
    assert payments.payment_collect(invoice_id=str(invoice.pk)) == PaymentState.PAID
    assert payments.payment_collect(invoice_id=str(invoice.pk)) == "nothing to collect"  # paid
    payment = Payment.objects.get(invoice=invoice)
    assert payment.amount_cents == invoice.gross_cents
    body, signature = _wait_for(stripe_sink, "payment_intent.succeeded")
    assert _post(body, signature)["result"] in {"applied", "unchanged"}
    assert _post(body, signature)["result"] == "replayed"
    invoice.refresh_from_db()
    assert invoice.payment_state == PaymentState.PAID and invoice.paid_at is not None
    assert _post(body, "t=1,v1=forged")["error"] == "invalid_signature"
    # The buyer without a payment method pays by transfer.
    other = Invoice.objects.get(buyer_customer=world.customer_a2)
    assert payments.payment_collect(invoice_id=str(other.pk)) == "buyer pays by transfer"


def test_failed_payment_marks_invoice_failed_and_mails_finance(
    world: World, stripe_sink: list[tuple[bytes, str]], django_capture_on_commit_callbacks: object
) -> None:
    client = payments.stripe_client()
    assert client is not None
    declined = client.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": "4000000000000341", "exp_month": 12, "exp_year": 2030, "cvc": "123"},
        }
    )
    payments.payment_account_set(
        acting_user=world.finance, customer=world.customer_a1, payment_method=declined.id
    )
    _bill(world)
    invoice = Invoice.objects.get(buyer_customer=world.customer_a1)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert payments.payment_collect(invoice_id=str(invoice.pk)) == PaymentState.FAILED
    invoice.refresh_from_db()
    assert invoice.payment_state == PaymentState.FAILED
    assert len(mail.outbox) == 1 and invoice.number in mail.outbox[0].subject
    assert world.finance.email in mail.outbox[0].to
    body, signature = _wait_for(stripe_sink, "payment_intent.payment_failed")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert _post(body, signature)["result"] == "unchanged"
        assert _post(body, signature)["result"] == "replayed"
    assert len(mail.outbox) == 1


def test_sepa_mandate_as_payment_method(world: World, stripe_sink: list[tuple[bytes, str]]) -> None:
    account = payments.payment_account_set(
        acting_user=world.finance, reseller=world.reseller_a, sepa_iban="DE89370400440532013000"
    )
    assert account.stripe_customer_id.startswith("cus_")
    assert (
        account.payment_method_id.startswith("pm_") and account.payment_method_type == "sepa_debit"
    )
