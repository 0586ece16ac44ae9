"""Reads of billing that the API and the portal share; every read for a person goes through
the access chokepoint (``restrict``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Case, F, IntegerField, QuerySet, Sum, When

from provisioning.access import restrict
from provisioning.models import Account

from .models import (
    MONTHLY_ITEMS,
    PLATFORM,
    BillingRun,
    DocumentType,
    Invoice,
    InvoiceLine,
    InvoiceState,
    IssuerProfile,
    OneTimeCharge,
    PaymentAccount,
    PriceList,
)
from .money import month_bounds, next_month
from .pricing import in_force
from .problems import EINVOICE_INVALID, as_problem, described, missing_invoices

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

ONE_TIME_SERIES = "one_time"
"""The revenue series of all one-time fees together (the monthly items are one series each)."""


def without_foreign_drafts(
    queryset: QuerySet[Invoice], account: Account | AnonymousUser
) -> QuerySet[Invoice]:
    """Drafts are the platform's work in progress: staff and finance see them; reseller admins
    and customer admins only ever see issued invoices and credit notes."""
    if getattr(account, "is_platform", False):
        return queryset
    return queryset.filter(state=InvoiceState.FINAL)


def invoice_list(*, account: Account, filters: dict[str, Any] | None = None) -> QuerySet[Invoice]:
    """Invoices and credit notes ``account`` may see (drafts only for the platform), newest
    month first; ``filters`` may hold month (date), issuer_key, state, document_type,
    buyer_customer_id, buyer_reseller_id."""
    queryset = restrict(Invoice.objects.defer("pdf", "xml").select_related("corrects"), account)
    return without_foreign_drafts(queryset, account).filter(**(filters or {}))


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


def price_lists_in_force(*, account: Account, day: dt.date) -> list[PriceList]:
    """Of the lists ``account`` may see, the one in force on ``day`` per kind and reseller."""
    return in_force(price_list_list(account=account).select_related("reseller"), day)


def one_time_charge_list(
    *, account: Account, since: dt.date | None = None
) -> QuerySet[OneTimeCharge]:
    """One-time fees of the customers ``account`` may see, newest first; with ``since`` (a
    month's first day) only those that occurred from that month on (Europe/Berlin)."""
    queryset = restrict(
        OneTimeCharge.objects.select_related("customer", "customer__reseller", "created_by"),
        account,
    )
    if since is not None:
        queryset = queryset.filter(occurred_at__gte=month_bounds(since)[0])
    return queryset.order_by("-occurred_at", "-created_at")


def payment_account_list(*, account: Account) -> QuerySet[PaymentAccount]:
    """The Stripe customers and payment methods of the buyers ``account`` may see."""
    return restrict(
        PaymentAccount.objects.select_related("reseller", "customer", "customer__reseller"),
        account,
    ).order_by("-updated_at")


def issuer_profile_of(*, account: Account, issuer_key: str) -> IssuerProfile | None:
    """The stored invoicing data of one issuer (``"platform"`` or a reseller id) if ``account``
    may see it; None when none is stored yet or it is not visible."""
    return (
        restrict(IssuerProfile.objects.select_related("reseller"), account)
        .filter(issuer_key=issuer_key)
        .first()
    )


def issuer_profile_list(*, account: Account) -> QuerySet[IssuerProfile]:
    """Stored invoicing data ``account`` may see: all for the platform, a reseller its own."""
    return restrict(IssuerProfile.objects.select_related("reseller"), account).order_by(
        "issuer_key"
    )


def revenue_by_month(*, first: dt.date, last: dt.date) -> dict[tuple[dt.date, str], int]:
    """The platform's net revenue in cents per (billed month, series) from ``first`` to
    ``last`` (months): issued wholesale invoices minus credit notes. A series is a monthly
    item or :data:`ONE_TIME_SERIES`. For the platform's finance pages only."""
    signed = Case(
        When(invoice__document_type=DocumentType.CREDIT_NOTE, then=-F("net_cents")),
        default=F("net_cents"),
        output_field=IntegerField(),
    )
    rows = (
        InvoiceLine.objects.filter(
            invoice__issuer_key=PLATFORM,
            invoice__state=InvoiceState.FINAL,
            invoice__month__gte=first,
            invoice__month__lt=next_month(last),
        )
        .values("invoice__month", "item")
        .annotate(cents=Sum(signed))
        .order_by()
    )
    monthly = {item.value for item in MONTHLY_ITEMS}
    result: dict[tuple[dt.date, str], int] = {}
    for row in rows:
        key = row["item"] if row["item"] in monthly else ONE_TIME_SERIES
        slot = (row["invoice__month"], key)
        result[slot] = result.get(slot, 0) + int(row["cents"] or 0)
    return result


def billing_run_list(*, account: Account) -> QuerySet[BillingRun]:
    return restrict(BillingRun.objects.all(), account)


def billing_run_progress(run: BillingRun) -> dict[str, Any]:
    """State and progress of a run, for a progress bar (polled by the portal); its problems
    as data with their text in the active language (``billing.problems.described``)."""
    percent = (
        100 if run.total == 0 and run.state == "done" else (100 * run.done // max(run.total, 1))
    )
    return {
        "state": run.state,
        "done": run.done,
        "total": run.total,
        "percent": percent,
        "problems": [described(problem) for problem in run.problems],
        "invoices": run.invoices.count(),
    }


def billing_run_summary(run: BillingRun) -> dict[str, Any]:
    """What a run did and what is left, for the run's page: ``status`` is ``running``
    (pending or running), ``failed``, ``incomplete`` (finished, but buyers without an invoice
    or e-invoices that fail the check), ``drafts`` (finished; drafts wait to be issued) or
    ``complete``; with the month's issued invoices, drafts and missing invoices."""
    invoices = Invoice.objects.filter(month=run.month, document_type=DocumentType.INVOICE)
    issued = invoices.filter(state=InvoiceState.FINAL).count()
    drafts = invoices.filter(state=InvoiceState.DRAFT).count()
    problems = [as_problem(problem) for problem in run.problems]
    missing = missing_invoices(problems)
    invalid = sum(1 for problem in problems if problem["code"] == EINVOICE_INVALID)
    if run.state in ("pending", "running"):
        status = "running"
    elif run.state == "failed":
        status = "failed"
    elif problems:
        status = "incomplete"
    elif drafts:
        status = "drafts"
    else:
        status = "complete"
    return {
        "status": status,
        "issued": issued,
        "drafts": drafts,
        "missing": missing,
        "invalid": invalid,
    }


def draft_counts() -> dict[str, int]:
    """How many drafts wait to be issued, and how many of them fail the e-invoice check
    (for the platform's finance overview)."""
    drafts = Invoice.objects.filter(state=InvoiceState.DRAFT)
    return {"drafts": drafts.count(), "invalid": drafts.exclude(validation_errors=[]).count()}


def platform_issuer_ready() -> bool:
    """Whether the platform's name, address and VAT id for invoices are set (billing refuses
    to run without them)."""
    return (
        IssuerProfile.objects.filter(issuer_key=PLATFORM)
        .exclude(company_name="")
        .exclude(street="")
        .exclude(vat_id="")
        .exists()
    )
