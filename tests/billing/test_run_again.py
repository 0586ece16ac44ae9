"""Billing a month again (BIL-2, BIL-4, BIL-5): a month whose run left buyers without an invoice
(a missing price) can be started again once the cause is fixed; the new run creates and issues
only what is missing. A month billed completely is never billed twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from billing import services
from billing.models import BillingRun, Invoice, InvoiceState, PriceList, RunState
from billing.services.runs import StartOutcome, billing_run_start
from provisioning.models import AuditEvent
from tests.billing.conftest import RETAIL, Portal, berlin, hold
from tests.factories import World

OCT = dt.date(2026, 10, 1)
pytestmark = pytest.mark.usefixtures("price_lists")
Capture = Callable[..., Any]
CONFIRMED_START = {"month": "2026-10", "issue": "on", "action": "start", "confirmed": "yes"}


def _seed_with_reseller_b_unpriced(world: World) -> None:
    for customer in (world.customer_a1, world.customer_a2, world.customer_b1):
        hold(customer, "grundlizenz", berlin(2026, 1, 1))
        hold(customer, "klare_stimme", berlin(2026, 10, 1))
    PriceList.objects.filter(kind="retail", reseller=world.reseller_b).delete()


def _add_retail_prices_of_reseller_b(world: World) -> None:
    services.price_list_create(
        acting_user=world.reseller_admin_b,
        kind="retail",
        reseller=world.reseller_b,
        name="Endkunden B",
        valid_from=dt.date(2026, 1, 1),
        prices=RETAIL,
    )


def _start(world: World, capture: Capture, *, issue: bool = True) -> tuple[BillingRun, str]:
    with capture(execute=True):
        run, outcome = billing_run_start(month=OCT, acting_user=world.finance, issue_invoices=issue)
    return BillingRun.objects.get(pk=run.pk), outcome


def _invoices() -> list[tuple[Any, ...]]:
    return list(Invoice.objects.order_by("id").values_list("id", "number", "state"))


def test_month_with_a_missing_price_runs_again_for_the_missing_buyers_only(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    _seed_with_reseller_b_unpriced(world)
    first, outcome = _start(world, django_capture_on_commit_callbacks)
    assert outcome == StartOutcome.STARTED
    assert first.state == RunState.DONE and first.problems
    assert not Invoice.objects.filter(buyer_customer=world.customer_b1).exists()
    before = _invoices()
    assert len(before) == 4  # two wholesale, two retail of reseller A

    _add_retail_prices_of_reseller_b(world)
    again, outcome = _start(world, django_capture_on_commit_callbacks)
    assert outcome == StartOutcome.RESTARTED
    assert again.pk == first.pk and BillingRun.objects.count() == 1
    assert again.state == RunState.DONE and again.problems == []
    retail_b1 = Invoice.objects.get(buyer_customer=world.customer_b1)
    assert retail_b1.state == InvoiceState.FINAL and retail_b1.number == "RE-000001"
    assert set(before) <= set(_invoices())  # nothing issued earlier changed
    assert Invoice.objects.count() == 5
    restarted = AuditEvent.objects.filter(object_id=str(first.pk), action="update")
    assert restarted.filter(changes__state=["done", "pending"]).exists()


def test_fully_billed_month_is_not_billed_again(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    _seed_with_reseller_b_unpriced(world)
    _add_retail_prices_of_reseller_b(world)
    run, _ = _start(world, django_capture_on_commit_callbacks)
    assert run.state == RunState.DONE and run.problems == []
    before = _invoices()
    finished_at = run.finished_at
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again, outcome = billing_run_start(month=OCT, acting_user=world.finance)
    assert outcome == StartOutcome.COMPLETE and callbacks == []  # nothing handed to a worker
    again = BillingRun.objects.get(pk=run.pk)
    assert again.state == RunState.DONE and again.finished_at == finished_at
    assert _invoices() == before


def test_drafts_left_by_a_draft_run_are_issued_by_a_run_with_issuing(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    _seed_with_reseller_b_unpriced(world)
    _add_retail_prices_of_reseller_b(world)
    _start(world, django_capture_on_commit_callbacks, issue=False)
    assert Invoice.objects.filter(state=InvoiceState.DRAFT).count() == 5
    _same, outcome = _start(world, django_capture_on_commit_callbacks, issue=False)
    assert outcome == StartOutcome.COMPLETE  # drafts wanted, drafts there: nothing to do
    _run, outcome = _start(world, django_capture_on_commit_callbacks, issue=True)
    assert outcome == StartOutcome.RESTARTED
    assert Invoice.objects.filter(state=InvoiceState.FINAL).count() == 5


def test_two_restarts_at_once_reopen_the_run_once(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    _seed_with_reseller_b_unpriced(world)
    _start(world, django_capture_on_commit_callbacks)
    _add_retail_prices_of_reseller_b(world)
    first = billing_run_start(month=OCT, acting_user=world.finance)  # not executed yet
    second = billing_run_start(month=OCT, acting_user=world.finance)
    assert first.outcome == StartOutcome.RESTARTED
    assert second.outcome == StartOutcome.RESUMED  # waiting for its worker: no second reopen
    assert AuditEvent.objects.filter(changes__state=["done", "pending"]).count() == 1


def test_run_page_says_what_is_missing_and_offers_to_run_again(
    world: World, portal: Portal, django_capture_on_commit_callbacks: Capture
) -> None:
    _seed_with_reseller_b_unpriced(world)
    run, _ = _start(world, django_capture_on_commit_callbacks)
    client = portal(world.finance)
    detail = reverse("portal:finance_run_detail", args=[run.pk])
    page = client.get(detail).content.decode()
    summary = page.split('id="run-summary"', 1)[1].split("</section>", 1)[0]
    assert "unvollständig" in summary
    assert "1 Rechnung fehlt" in summary  # reseller B's customer
    assert "Reseller-Administrator" in summary  # who adds a retail price
    assert reverse("portal:finance_price_list_list") in summary  # finance may read the lists
    assert 'id="run-again"' in page

    _add_retail_prices_of_reseller_b(world)
    list_url = reverse("portal:finance_run_list")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(list_url, {**CONFIRMED_START})
    assert response["Location"] == detail
    body = client.get(detail).content.decode()
    assert "erneut gestartet" in body and "Abrechnung gestartet." not in body
    assert 'id="run-summary"' in body and "vollständig abgerechnet" in body
    assert 'id="run-again"' not in body
    assert Invoice.objects.filter(state=InvoiceState.FINAL).count() == 5

    twice = client.post(list_url, {**CONFIRMED_START}, follow=True)
    assert "bereits vollständig abgerechnet" in twice.content.decode()
    assert Invoice.objects.count() == 5


def test_api_says_what_starting_the_month_did(
    world: World, api: Callable[..., Any], django_capture_on_commit_callbacks: Capture
) -> None:
    _seed_with_reseller_b_unpriced(world)
    client = api(world.finance)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/api/v1/billing-runs/", {"month": "2026-10"}, format="json")
    assert first.status_code == 202 and first.json()["outcome"] == "started"
    _add_retail_prices_of_reseller_b(world)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/api/v1/billing-runs/", {"month": "2026-10"}, format="json")
    assert again.json()["outcome"] == "restarted" and again.json()["id"] == first.json()["id"]
    done = client.post("/api/v1/billing-runs/", {"month": "2026-10"}, format="json")
    assert done.status_code == 202 and done.json()["outcome"] == "complete"
    assert done.json()["state"] == "done" and Invoice.objects.count() == 5


def test_run_billing_command_bills_the_missing_buyers_again(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.core.management import call_command

    _seed_with_reseller_b_unpriced(world)
    call_command("run_billing", "--month", "2026-10")
    assert "Verkaufspreis" in capsys.readouterr().out
    _add_retail_prices_of_reseller_b(world)
    call_command("run_billing", "--month", "2026-10")
    assert "again" in capsys.readouterr().out
    assert Invoice.objects.get(buyer_customer=world.customer_b1).state == InvoiceState.FINAL
    call_command("run_billing", "--month", "2026-10")
    assert "billed completely" in capsys.readouterr().out
    assert Invoice.objects.count() == 5
