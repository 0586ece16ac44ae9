"""Invoice numbering (BIL-5): consecutive, gapless, never twice (under concurrency on
PostgreSQL); who may issue, what the audit log records, why an invalid draft is refused."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection, connections

from billing import services
from billing.models import Invoice, InvoiceState, NumberCounter
from billing.services import invoices as invoice_service
from billing.services.runs import billing_run_create, billing_run_execute
from provisioning.errors import ApplicationError
from provisioning.models import AuditEvent
from provisioning.permissions import PermissionDeniedError
from tests.billing.conftest import berlin, hold
from tests.factories import World
from tests.realservices import require_postgresql

OCT = dt.date(2026, 10, 1)
pytestmark = pytest.mark.usefixtures("price_lists")


def _platform_drafts(world: World) -> list[Invoice]:
    """October's drafts, not issued: the platform's series holds one per reseller."""
    for customer in (world.customer_a1, world.customer_b1):
        hold(customer, "grundlizenz", berlin(2026, 1, 1))
    run, _ = billing_run_create(month=OCT, acting_user=None, issue_invoices=False)
    billing_run_execute(run_id=run.pk)
    drafts = list(Invoice.objects.filter(issuer_key="platform", state=InvoiceState.DRAFT))
    assert len(drafts) == 2 and {d.document_type for d in drafts} == {"invoice"}
    return drafts


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_issuers_racing_on_one_series_get_consecutive_numbers(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pins the lock on the series' number counter (``select_for_update()`` in
    ``billing.services.invoices._counter``): two finance users issue two different drafts of
    the same series at the same moment, each through ``invoice_finalize`` (no batch lock over
    both drafts). The second must wait for the first and take the next number; without the
    counter lock both read the same last value and the same number is assigned twice."""
    require_postgresql(connection.vendor)
    drafts = _platform_drafts(world)
    # The counter row exists and is committed before the race, so creating it cannot
    # serialise the two issuers by itself.
    NumberCounter.objects.get_or_create(issuer_key="platform", document_type="invoice")

    # Each issuer, once it holds the counter, waits here for the other (3 s at most). With
    # the lock the other cannot arrive (it waits for the counter), the wait times out and the
    # first issuer goes on; without it both arrive having read the same last value.
    rendezvous = threading.Barrier(2, timeout=3)
    real_document_data = invoice_service.document_data

    def meet_then_render(*args: Any, **kwargs: Any) -> Any:
        with contextlib.suppress(threading.BrokenBarrierError):
            rendezvous.wait()
        return real_document_data(*args, **kwargs)

    monkeypatch.setattr(invoice_service, "document_data", meet_then_render)

    start = threading.Barrier(2)
    numbers: list[str | None] = []
    errors: list[BaseException] = []

    def issuer(draft: Invoice) -> None:
        try:
            start.wait(timeout=10)
            numbers.append(
                services.invoice_finalize(invoice=draft, acting_user=world.finance).number
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issuer, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(n or "" for n in numbers) == ["RE-000001", "RE-000002"]
    assert NumberCounter.objects.get(issuer_key="platform", document_type="invoice").last_value == 2
    sequences = Invoice.objects.filter(issuer_key="platform", state=InvoiceState.FINAL)
    assert sorted(s or 0 for s in sequences.values_list("sequence", flat=True)) == [1, 2]


def test_only_finance_and_staff_issue_a_draft(world: World) -> None:
    """Pins the permission check of ``invoice_finalize``: a reseller admin cannot issue the
    platform's invoice to it, and nothing is numbered."""
    draft = _platform_drafts(world)[0]
    with pytest.raises(PermissionDeniedError):
        services.invoice_finalize(invoice=draft, acting_user=world.reseller_admin_a)
    assert not Invoice.objects.filter(state=InvoiceState.FINAL).exists()


def test_issuing_is_audited_with_the_issuer_and_the_number(world: World) -> None:
    """Pins the audit entry of issuing (AUD-1): who issued, draft → final, and the number."""
    draft = _platform_drafts(world)[0]
    issued = services.invoice_finalize(invoice=draft, acting_user=world.finance)
    event = AuditEvent.objects.filter(object_id=str(issued.pk), action="update").get()
    assert event.actor_id == world.finance.pk
    assert event.changes == {"state": ["draft", "final"], "number": [None, "RE-000001"]}


def test_issuing_an_issued_invoice_again_is_refused(world: World) -> None:
    """Pins the refusal of a second issue: 409 ``invoice_final`` with its message."""
    draft = _platform_drafts(world)[0]
    issued = services.invoice_finalize(invoice=draft, acting_user=world.finance)
    with pytest.raises(ApplicationError) as exc:
        services.invoice_finalize(invoice=issued, acting_user=world.finance)
    assert (exc.value.code, exc.value.status) == ("invoice_final", 409)
    assert exc.value.message == "This invoice is already issued."


def test_an_invalid_e_invoice_is_refused_with_its_first_finding(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pins the refusal of a draft whose e-invoice fails validation: 409 ``invoice_invalid``
    naming the first finding's rule and message; the draft keeps no number."""
    draft = _platform_drafts(world)[0]
    monkeypatch.setattr(
        invoice_service.einvoice,
        "validate",
        lambda xml: [invoice_service.einvoice.Finding("BR-CO-15", "/rsm:Invoice", "Total wrong")],
    )
    with pytest.raises(ApplicationError) as exc:
        services.invoice_finalize(invoice=draft, acting_user=world.finance)
    assert (exc.value.code, exc.value.status) == ("invoice_invalid", 409)
    assert exc.value.message == "The e-invoice fails BR-CO-15: Total wrong"
    draft.refresh_from_db()
    assert draft.number is None and draft.state == InvoiceState.DRAFT


def test_the_due_date_follows_the_issuers_payment_terms(world: World) -> None:
    """Pins the due date of an issued invoice (BIL-5): the issue date plus the issuer's
    payment terms as set in its invoicing data."""
    services.issuer_profile_set(acting_user=None, reseller=None, data={"payment_terms_days": 21})
    issued = services.invoice_finalize(invoice=_platform_drafts(world)[0], acting_user=None)
    assert issued.issued_on == invoice_service.today()
    assert issued.due_on == issued.issued_on + dt.timedelta(days=21)  # type: ignore[operator]


def test_issuing_collects_positive_invoices_only_when_payments_are_set_up(
    world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pins the hand-over to payment collection on issue (BIL-6): with Stripe set up an issued
    invoice is collected (one task, its id); a credit note is not, and without Stripe nothing
    is collected."""
    sent: list[tuple[str, ...]] = []
    monkeypatch.setattr(invoice_service, "enqueue", lambda *args: sent.append(args))
    first, second = _platform_drafts(world)
    services.invoice_finalize(invoice=first, acting_user=world.finance)
    assert sent == []
    settings.STIMME_STRIPE_SECRET_KEY = "sk_test_billing"
    issued = services.invoice_finalize(invoice=second, acting_user=world.finance)
    assert sent == [("collect_payment", str(issued.pk))]
    services.credit_note_create(invoice=issued, acting_user=world.finance, reason="Irrtum")
    assert sent == [("collect_payment", str(issued.pk))]


def test_an_invoice_without_anything_to_pay_is_not_collected(
    world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pins the amount rule of the hand-over to collection (BIL-6): an invoice whose total is
    zero is issued but nothing is collected, a total of one cent is collected."""
    sent: list[tuple[str, ...]] = []
    monkeypatch.setattr(invoice_service, "enqueue", lambda *args: sent.append(args))
    settings.STIMME_STRIPE_SECRET_KEY = "sk_test_billing"
    issued = []
    for draft, price in zip(_platform_drafts(world), (0, 1), strict=True):
        draft.lines.update(unit_price_cents=price, net_cents=price, quantity=1)
        Invoice.objects.filter(pk=draft.pk).update(net_cents=price, tax_cents=0, gross_cents=price)
        issued.append(services.invoice_finalize(invoice=draft, acting_user=world.finance))
    assert [i.gross_cents for i in issued] == [0, 1]
    assert sent == [("collect_payment", str(issued[1].pk))]
