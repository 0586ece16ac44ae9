"""Finance pages (BIL-4 … BIL-6): dashboard with the revenue chart, invoices, credit notes, billing
runs with live progress, exports."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing import exports, services
from billing.models import (
    PLATFORM,
    DocumentType,
    Invoice,
    InvoiceLine,
)
from billing.money import previous_month
from billing.permissions import (
    can_export,
    can_issue_invoices,
    can_manage_payment_accounts,
    can_record_charges,
    may_choose_any_issuer,
    may_open_reseller_issuers,
    may_read_invoices,
    may_read_price_lists,
    may_set_issuer_profile,
    may_use_finance_dashboard,
)
from billing.selectors import (
    billing_run_list,
    draft_counts,
    invoice_list,
    invoices_for_export,
    platform_issuer_ready,
)
from billing.services.invoices import today
from portal.finance.chart import money, revenue_chart
from portal.finance.forms import (
    CONFIRMED,
    CreditNoteForm,
    ExportForm,
    InvoiceFilterForm,
    confirmed,
    issuer_editor_roles,
)
from portal.generic import ObjectFormView
from portal.refusals import attempt
from provisioning import audit
from provisioning.access import get_for_user, restrict, visible_resellers
from provisioning.downloads import attachment
from provisioning.messages import text_for

if TYPE_CHECKING:
    from provisioning.models import Account

PAGE_SIZE = 25
CHARGE_MONTHS = 3
"""The charges page lists the fees of the current month and the two before it."""

logger = logging.getLogger(__name__)


# Helpers ------------------------------------------------------------------------------------


def _account(request: HttpRequest) -> Account:
    return request.user  # type: ignore[return-value]


def _ensure(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _form_status(form: BaseForm) -> int:
    return 400 if form.errors else 200


def _issuer_notice(account: Account) -> dict[str, Any]:
    """For the warning while the platform's invoicing data is missing: whether ``account`` may
    enter it (then a link), else which role to ask."""
    return {
        "issuer_ready": platform_issuer_ready(),
        "may_set_issuer": may_set_issuer_profile(account),
        "issuer_editors": issuer_editor_roles(),
    }


def _tabs(account: Account) -> list[tuple[str, str, str]]:
    """The finance section's sub-navigation: (key, label, url name)."""
    tabs = []
    if may_use_finance_dashboard(account):
        tabs.append(("dashboard", _("Übersicht"), "portal:finance_dashboard"))
        tabs.append(("runs", _("Abrechnungsläufe"), "portal:finance_run_list"))
    tabs.append(("invoices", _("Rechnungen"), "portal:finance_invoice_list"))
    tabs.append(("credit_notes", _("Gutschriften"), "portal:finance_credit_note_list"))
    if can_record_charges(account):
        tabs.append(("charges", _("Einmalige Gebühren"), "portal:finance_charges"))
    if can_manage_payment_accounts(account):
        tabs.append(("payments", _("Zahlungsarten"), "portal:finance_payment_accounts"))
    if can_export(account):
        tabs.append(("exports", _("Export"), "portal:finance_export"))
    if may_read_price_lists(account):
        tabs.append(("prices", _("Preislisten"), "portal:finance_price_list_list"))
    if may_set_issuer_profile(account):
        tabs.append(("issuer", _("Rechnungssteller"), "portal:finance_issuer_profile"))
    if may_open_reseller_issuers(account):
        label = _("Rechnungsdaten der Reseller") if account.is_platform else _("Rechnungsdaten")
        tabs.append(("reseller_issuer", label, "portal:finance_reseller_issuer_list"))
    return tabs


def _render(
    request: HttpRequest, template: str, tab: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {"tabs": _tabs(_account(request)), "tab": tab, **context}
    return render(request, f"portal/finance/{template}", context, status=status)


class FinanceFormView(ObjectFormView):
    """A finance form below the section's tabs; each page asks ``billing.permissions`` in
    :meth:`check_permission`."""

    tab: ClassVar[str]

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return {"tabs": _tabs(self.account), "tab": self.tab, **super().get_context_data(**context)}


def _decorate(invoice: Invoice) -> Invoice:
    """German money strings for the templates (billing's amounts are integer cents)."""
    invoice.net_display = money(invoice.net_cents)  # type: ignore[attr-defined]
    invoice.tax_display = money(invoice.tax_cents)  # type: ignore[attr-defined]
    invoice.gross_display = money(invoice.gross_cents)  # type: ignore[attr-defined]
    return invoice


def _documents(account: Account, document_type: str) -> QuerySet[Invoice]:
    """Invoices or credit notes ``account`` may see; drafts are the platform's only."""
    _ensure(may_read_invoices(account))
    return invoice_list(account=account, filters={"document_type": document_type})


def _document(request: HttpRequest, pk: Any, document_type: str | None = None) -> Invoice:
    """One invoice or credit note the account may see (404 otherwise, as for an unknown id)."""
    account = _account(request)
    _ensure(may_read_invoices(account))
    queryset = invoice_list(account=account)
    if document_type:
        queryset = queryset.filter(document_type=document_type)
    return get_for_user(queryset, account, pk)


def _issuer_choices(account: Account) -> list[tuple[str, str]]:
    choices = []
    if account.is_platform:
        choices.append((PLATFORM, _("Plattform")))
    if may_choose_any_issuer(account):
        for reseller in visible_resellers(account).order_by("company_name"):
            choices.append((str(reseller.pk), reseller.company_name))
    return choices


def _page(request: HttpRequest, queryset: QuerySet[Invoice]) -> Page[Invoice]:
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    for invoice in page.object_list:
        _decorate(invoice)
    audit.record_access(actor=_account(request), instances=page.object_list)
    return page


# Dashboard with the revenue chart -------------------------------------------------------------


@login_required
def finance_dashboard(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    if not may_use_finance_dashboard(account):
        _ensure(may_read_invoices(account))
        return redirect("portal:finance_invoice_list")
    counts = draft_counts()
    context = {
        "chart": revenue_chart(today()),
        "draft_count": counts["drafts"],
        "invalid_count": counts["invalid"],
        "runs": billing_run_list(account=account)[:3],
        **_issuer_notice(account),
    }
    return _render(request, "dashboard.html", "dashboard", context)


# Invoices and credit notes ------------------------------------------------------------------


def _filtered(request: HttpRequest, document_type: str) -> tuple[InvoiceFilterForm, Any]:
    account = _account(request)
    queryset = _documents(account, document_type)
    form = InvoiceFilterForm(
        request.GET or None, issuers=_issuer_choices(account), drafts=account.is_platform
    )
    if form.is_valid():
        data = form.cleaned_data
        if data.get("month"):
            queryset = queryset.filter(month=data["month"])
        if data.get("issuer"):
            queryset = queryset.filter(issuer_key=data["issuer"])
        if data.get("buyer"):
            queryset = queryset.filter(buyer__name__icontains=data["buyer"])
        for name in ("state", "kind", "payment_state"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
    elif form.is_bound:
        queryset = queryset.none()
    return form, queryset.order_by("-month", "issuer_key", "sequence", "id")


@login_required
def invoice_list_view(request: HttpRequest) -> HttpResponse:
    form, queryset = _filtered(request, DocumentType.INVOICE)
    context = {"form": form, "page": _page(request, queryset), "credit_notes": False}
    return _render(request, "invoice_list.html", "invoices", context)


@login_required
def credit_note_list(request: HttpRequest) -> HttpResponse:
    form, queryset = _filtered(request, DocumentType.CREDIT_NOTE)
    context = {"form": form, "page": _page(request, queryset), "credit_notes": True}
    return _render(request, "invoice_list.html", "credit_notes", context)


def _lines(account: Account, invoice: Invoice) -> list[InvoiceLine]:
    lines = list(restrict(InvoiceLine.objects.filter(invoice=invoice), account))
    for line in lines:
        line.unit_display = money(line.unit_price_cents)  # type: ignore[attr-defined]
        line.net_display = money(line.net_cents)  # type: ignore[attr-defined]
    return lines


@login_required
def invoice_detail(request: HttpRequest, pk: str) -> HttpResponse:
    account = _account(request)
    invoice = _decorate(_document(request, pk))
    notes = _documents(account, DocumentType.CREDIT_NOTE).filter(corrects=invoice)
    context = {
        "invoice": invoice,
        "lines": _lines(account, invoice),
        "credit_notes": [_decorate(note) for note in notes],
        "may_issue": can_issue_invoices(account),
    }
    tab = "credit_notes" if invoice.is_credit_note else "invoices"
    return _render(request, "invoice_detail.html", tab, context)


def _final_document(request: HttpRequest, pk: str) -> Invoice:
    account = _account(request)
    _ensure(may_read_invoices(account))
    queryset = invoice_list(account=account).defer(None)  # with the documents
    invoice = get_for_user(queryset, account, pk)
    if not invoice.is_final:
        raise Http404  # a draft has no documents yet
    return invoice


@login_required
def invoice_pdf(request: HttpRequest, pk: str) -> HttpResponse:
    invoice = _final_document(request, pk)
    return attachment(
        bytes(invoice.pdf), filename=f"{invoice.number}.pdf", content_type="application/pdf"
    )


@login_required
def invoice_xml(request: HttpRequest, pk: str) -> HttpResponse:
    invoice = _final_document(request, pk)
    return attachment(
        invoice.xml.encode("utf-8"),
        filename=f"{invoice.number}.xml",
        content_type="application/xml",
    )


@login_required
@require_POST
def invoice_finalize(request: HttpRequest, pk: str) -> HttpResponse:
    """Issue a draft — after a confirmation step: without ``confirmed=yes`` the page asks
    (the number is taken and the invoice is final), and nothing is issued."""
    invoice = _document(request, pk, DocumentType.INVOICE)
    _ensure(can_issue_invoices(_account(request)))
    if not invoice.is_final and not confirmed(request.POST):
        context = {"invoice": _decorate(invoice), "confirmed_value": CONFIRMED}
        return _render(request, "invoice_finalize_confirm.html", "invoices", context)
    issued = attempt(
        request, lambda: services.invoice_finalize(invoice=invoice, acting_user=_account(request))
    )
    if issued is not None:
        messages.success(request, _("Rechnung %(number)s ausgestellt.") % {"number": issued.number})
    return redirect("portal:finance_invoice_detail", pk=invoice.pk)


class CreditNoteCreate(FinanceFormView):
    """A credit note for positions of a final invoice."""

    tab = "invoices"
    template_name = "portal/finance/credit_note_form.html"
    form_class = CreditNoteForm
    service = staticmethod(services.credit_note_create)
    object_kwarg = "invoice"

    def get_object(self) -> Invoice:
        return _decorate(_document(self.request, self.kwargs["pk"], DocumentType.INVOICE))

    def check_permission(self) -> None:
        _ensure(can_issue_invoices(self.account))

    def get_form_kwargs(self) -> dict[str, Any]:
        choices = [
            (line.position, f"{line.position}. {line.description} – {line.net_display}")  # type: ignore[attr-defined]
            for line in _lines(self.account, self.object)
        ]
        return {**super().get_form_kwargs(), "positions": choices}

    def get_form(self) -> BaseForm:
        form = super().get_form()
        if not self.object.is_final:
            form.add_error(None, text_for("not_correctable"))
        return form

    def form_status(self, form: BaseForm) -> int:
        return 400 if form.errors and self.request.method == "POST" else 200

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        return {"reason": form.cleaned_data["reason"], "positions": form.cleaned_data["positions"]}

    def get_success_message(self, result: Invoice) -> str:
        return _("Gutschrift %(number)s erstellt.") % {"number": result.number}

    def get_success_url(self, result: Invoice) -> str:
        return reverse("portal:finance_invoice_detail", args=[result.pk])

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(invoice=self.object, **context)


credit_note_create = CreditNoteCreate.as_view()


# Exports -----------------------------------------------------------------------------------


@login_required
def export(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    _ensure(can_export(account))
    issuers = [(PLATFORM, _("Plattform"))] + [
        (str(r.pk), r.company_name) for r in visible_resellers(account).order_by("company_name")
    ]
    form = ExportForm(
        request.GET or None, issuers=issuers, initial={"month": f"{previous_month(today()):%Y-%m}"}
    )
    if form.is_bound and form.is_valid():
        month = form.cleaned_data["month"]
        issuer = form.cleaned_data["issuer"]
        kind = form.cleaned_data["format"]
        invoices = invoices_for_export(
            month=month, issuer_key=None if issuer == exports.ALL_ISSUERS else issuer
        )
        body, name, content_type = exports.export_file(
            invoices, month=month, issuer_key=issuer, kind=kind
        )
        return attachment(body, filename=name, content_type=content_type)
    status = _form_status(form)
    return _render(request, "export.html", "exports", {"form": form}, status)
