"""Issuing is final (BIL-5: a number is taken, the invoice never changes): the portal asks before
it issues — when a month is started with immediate issuing and when a draft is issued — and the
server issues nothing without that confirmation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from billing.models import BillingRun, Invoice, InvoiceState
from billing.services.runs import billing_run_create, billing_run_execute
from tests.billing.conftest import Portal, berlin, hold
from tests.factories import World

pytestmark = pytest.mark.usefixtures("price_lists")
Capture = Callable[..., Any]


def test_starting_a_month_with_issuing_asks_first(
    world: World, portal: Portal, django_capture_on_commit_callbacks: Capture
) -> None:
    hold(world.customer_a1, "grundlizenz", berlin(2026, 1, 1))
    client = portal(world.finance)
    url = reverse("portal:finance_run_list")
    asked = client.post(url, {"month": "2026-10", "issue": "on", "action": "start"})
    assert asked.status_code == 200
    body = asked.content.decode()
    assert 'id="run-confirm-step"' in body and "endgültig" in body
    assert 'id="run-confirm"' in body and 'id="run-drafts-only"' in body
    assert not BillingRun.objects.exists() and not Invoice.objects.exists()
    # a forged "confirmed" that is not exactly the confirmation does not count either
    client.post(url, {"month": "2026-10", "issue": "on", "action": "start", "confirmed": "no"})
    assert not BillingRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url, {"month": "2026-10", "issue": "on", "action": "start", "confirmed": "yes"}
        )
    assert done.status_code == 302
    assert Invoice.objects.filter(state=InvoiceState.FINAL).count() == 2


def test_drafts_need_no_confirmation(
    world: World, portal: Portal, django_capture_on_commit_callbacks: Capture
) -> None:
    hold(world.customer_a1, "grundlizenz", berlin(2026, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        response = portal(world.finance).post(
            reverse("portal:finance_run_list"), {"month": "2026-10", "action": "start"}
        )
    assert response.status_code == 302
    assert Invoice.objects.filter(state=InvoiceState.DRAFT).count() == 2
    assert not Invoice.objects.filter(state=InvoiceState.FINAL).exists()


def test_issuing_a_draft_asks_first(world: World, portal: Portal) -> None:
    hold(world.customer_a1, "grundlizenz", berlin(2026, 1, 1))
    run, _ = billing_run_create(
        month=dt.date(2026, 10, 1), acting_user=world.finance, issue_invoices=False
    )
    billing_run_execute(run_id=run.pk)
    draft = Invoice.objects.get(buyer_customer=world.customer_a1)
    client = portal(world.finance)
    detail = client.get(reverse("portal:finance_invoice_detail", args=[draft.pk])).content
    assert b'id="finalize"' in detail
    finalize = reverse("portal:finance_invoice_finalize", args=[draft.pk])
    asked = client.post(finalize)
    assert asked.status_code == 200
    body = asked.content.decode()
    assert 'id="finalize-confirm"' in body and "endgültig" in body
    assert draft.buyer["name"] in body
    draft.refresh_from_db()
    assert draft.state == InvoiceState.DRAFT and draft.number is None
    issued = client.post(finalize, {"confirmed": "yes"}, follow=True)
    draft.refresh_from_db()
    assert draft.is_final and draft.number in issued.content.decode()
