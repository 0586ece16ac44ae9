"""Reads of billing that the API and the portal share; every read for a person goes through
the access chokepoint (``restrict``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from provisioning.access import restrict
from provisioning.models import Account

from .models import BillingRun, Invoice, PriceList


def invoice_list(*, account: Account, filters: dict[str, Any] | None = None) -> QuerySet[Invoice]:
    """Invoices and credit notes ``account`` may see, newest month first; ``filters`` may hold
    month (date), issuer_key, state, document_type, buyer_customer_id, buyer_reseller_id."""
    queryset = restrict(Invoice.objects.defer("pdf", "xml").select_related("corrects"), account)
    return queryset.filter(**(filters or {}))


def invoices_for_export(*, month: dt.date, issuer_key: str | None = None) -> QuerySet[Invoice]:
    """Final invoices and credit notes of a month (of one issuer if given), in number order."""
    queryset = Invoice.objects.filter(month=month, state="final").select_related("corrects")
    if issuer_key:
        queryset = queryset.filter(issuer_key=issuer_key)
    return queryset.order_by("issuer_key", "document_type", "sequence")


def price_list_list(*, account: Account) -> QuerySet[PriceList]:
    """Price lists ``account`` may see: all for the platform, a reseller its own retail and
    wholesale lists (the default wholesale list has no reseller and stays platform-only)."""
    return restrict(PriceList.objects.prefetch_related("prices"), account)


def billing_run_list(*, account: Account) -> QuerySet[BillingRun]:
    return restrict(BillingRun.objects.all(), account)


def billing_run_progress(run: BillingRun) -> dict[str, Any]:
    """State and progress of a run, for a progress bar (polled by the portal)."""
    percent = (
        100 if run.total == 0 and run.state == "done" else (100 * run.done // max(run.total, 1))
    )
    return {
        "state": run.state,
        "done": run.done,
        "total": run.total,
        "percent": percent,
        "problems": run.problems,
        "invoices": run.invoices.count(),
    }
