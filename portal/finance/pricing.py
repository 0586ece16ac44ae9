"""Price lists (BIL-2, BIL-3), invoicing data of platform and resellers (BIL-6), one-time fees and
payment methods (BIL-5)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import stripe
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing import services
from billing.models import (
    PLATFORM,
    IssuerProfile,
    PaymentAccount,
    PriceList,
    PriceListKind,
)
from billing.money import euros, previous_month
from billing.payments import payment_account_set, payments_configured
from billing.permissions import (
    can_edit_wholesale_prices,
    can_manage_payment_accounts,
    can_record_charges,
    can_set_issuer_profile,
    may_create_price_lists,
    may_edit_price_list,
    may_open_reseller_issuers,
    may_read_price_lists,
    may_set_issuer_profile,
)
from billing.selectors import (
    issuer_profile_list,
    issuer_profile_of,
    one_time_charge_list,
    payment_account_list,
    price_list_list,
    price_lists_in_force,
)
from billing.services.invoices import today
from portal.finance.chart import money
from portal.finance.forms import (
    IssuerProfileForm,
    OneTimeChargeForm,
    PaymentAccountForm,
    PriceListCreateForm,
    PriceListForm,
    ResellerIssuerProfileForm,
)
from portal.finance.views import FinanceFormView, _account, _ensure, _render
from provisioning import audit
from provisioning.access import get_for_user, visible_customers, visible_resellers
from provisioning.messages import text_for
from provisioning.models import Customer, Reseller
from provisioning.permissions import is_reseller_admin

if TYPE_CHECKING:
    from provisioning.models import Account

PAGE_SIZE = 25
CHARGE_MONTHS = 3
"""The charges page lists the fees of the current month and the two before it."""

logger = logging.getLogger(__name__)


# Price lists and the platform's invoicing data ---------------------------------------------


@login_required
def price_list_list_view(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    _ensure(may_read_price_lists(account))
    in_force = {p.pk for p in price_lists_in_force(account=account, day=today())}
    rows = []
    for price_list in price_list_list(account=account).select_related("reseller"):
        prices = [(p.get_item_display(), money(p.amount_cents)) for p in price_list.prices.all()]
        price_list.in_force = price_list.pk in in_force  # type: ignore[attr-defined]
        rows.append((price_list, prices, may_edit_price_list(account, price_list)))
    context = {"rows": rows, "may_create": may_create_price_lists(account)}
    return _render(request, "price_lists.html", "prices", context)


def _template_list(request: HttpRequest, account: Account) -> PriceList | None:
    """The list whose prices prefill a new one: ``?from=<id>`` (a visible list, else 404 as
    for an unknown id), nothing for ``?from=``, and by default the list in force today that
    the account would most likely start from (a reseller's retail list, else the default
    wholesale list)."""
    if "from" in request.GET:
        chosen = request.GET["from"]
        return get_for_user(price_list_list(account=account), account, chosen) if chosen else None
    in_force = {
        (p.kind, p.reseller_id): p for p in price_lists_in_force(account=account, day=today())
    }
    if is_reseller_admin(account):
        return in_force.get((PriceListKind.RETAIL, account.reseller_id))
    return in_force.get((PriceListKind.WHOLESALE, None))


class PriceListCreate(FinanceFormView):
    """A new price list (a new version of prices from a date), prefilled from an existing one;
    staff choose its kind and reseller, a reseller admin writes its own retail list."""

    tab = "prices"
    template_name = "portal/finance/price_list_create.html"
    form_class = PriceListCreateForm
    service = staticmethod(services.price_list_create)
    success_url = "portal:finance_price_list_list"

    def check_permission(self) -> None:
        _ensure(may_create_price_lists(self.account))

    @cached_property
    def source(self) -> PriceList | None:
        return _template_list(self.request, self.account)

    @cached_property
    def chooses_kind(self) -> bool:
        return can_edit_wholesale_prices(self.account)

    def get_initial(self) -> dict[str, Any]:
        source = self.source
        if source is None:
            return {}
        if self.chooses_kind:
            return {"name": source.name, "kind": source.kind, "reseller": source.reseller_id}
        return {"name": source.name}

    def get_form_kwargs(self) -> dict[str, Any]:
        source, account = self.source, self.account
        prices = {p.item: euros(p.amount_cents) for p in source.prices.all()} if source else {}
        resellers = visible_resellers(account).order_by("company_name")
        return {
            **super().get_form_kwargs(),
            "prices": prices,
            "resellers": resellers if self.chooses_kind else None,
        }

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        data = form.cleaned_data
        if self.chooses_kind:
            kind, reseller = data["kind"], data.get("reseller")
        else:
            kind, reseller = PriceListKind.RETAIL, self.account.reseller
        return {
            "kind": kind,
            "reseller": reseller,
            "name": data["name"],
            "valid_from": data["valid_from"],
            "valid_until": data.get("valid_until"),
            "prices": form.prices(),  # type: ignore[attr-defined]
        }

    def get_aliases(self, form: BaseForm) -> dict[str, list[str]]:
        return {"prices": form.empty_monthly_price_fields()}  # type: ignore[attr-defined]

    def get_success_message(self, result: PriceList) -> str:
        return _("Preisliste „%(name)s“ ab %(date)s angelegt.") % {
            "name": result.name,
            "date": f"{result.valid_from:%d.%m.%Y}",
        }

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        account = self.account
        in_force = {p.pk for p in price_lists_in_force(account=account, day=today())}
        lists = price_list_list(account=account).select_related("reseller")
        return super().get_context_data(
            source=self.source,
            templates=[(p, p.pk in in_force) for p in lists],
            own_reseller=None if self.chooses_kind else account.reseller,
            **context,
        )


class PriceListEdit(FinanceFormView):
    tab = "prices"
    template_name = "portal/finance/price_list_form.html"
    form_class = PriceListForm
    service = staticmethod(services.price_list_update)
    object_kwarg = "price_list"
    success_message = gettext_lazy("Preisliste gespeichert.")
    success_url = "portal:finance_price_list_list"

    def get_queryset(self) -> QuerySet[PriceList]:
        return price_list_list(account=self.account)

    def check_permission(self) -> None:
        account = self.account
        _ensure(may_read_price_lists(account) and may_edit_price_list(account, self.object))

    def get_initial(self) -> dict[str, Any]:
        return {"name": self.object.name, "valid_until": self.object.valid_until}

    def get_form_kwargs(self) -> dict[str, Any]:
        current = {p.item: euros(p.amount_cents) for p in self.object.prices.all()}
        return {**super().get_form_kwargs(), "prices": current}

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        return {
            "name": form.cleaned_data["name"],
            "valid_until": form.cleaned_data.get("valid_until"),
            "prices": form.prices(),  # type: ignore[attr-defined]
        }

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(price_list=self.object, **context)


class IssuerProfileEdit(FinanceFormView):
    """The platform's invoicing data."""

    tab = "issuer"
    template_name = "portal/finance/issuer_profile.html"
    form_class = IssuerProfileForm
    service = staticmethod(services.issuer_profile_set)
    success_message = gettext_lazy("Rechnungsdaten der Plattform gespeichert.")
    success_url = "portal:finance_issuer_profile"

    def check_permission(self) -> None:
        _ensure(may_set_issuer_profile(self.account))

    def get_form_kwargs(self) -> dict[str, Any]:
        instance = issuer_profile_of(account=self.account, issuer_key=PLATFORM)
        return {
            **super().get_form_kwargs(),
            "instance": instance or IssuerProfile(issuer_key=PLATFORM),
        }

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        return {"reseller": None, "data": dict(form.cleaned_data)}


@login_required
def reseller_issuer_list(request: HttpRequest) -> HttpResponse:
    """The resellers and whether their invoicing data is complete; a reseller admin goes
    straight to its own."""
    account = _account(request)
    _ensure(may_open_reseller_issuers(account))
    if is_reseller_admin(account):
        return redirect("portal:finance_reseller_issuer", pk=account.reseller_id)
    resellers = visible_resellers(account).order_by("company_name")
    query = request.GET.get("q", "").strip()
    if query:
        resellers = resellers.filter(company_name__icontains=query)
    page = Paginator(resellers, PAGE_SIZE).get_page(request.GET.get("page"))
    keys = [str(reseller.pk) for reseller in page.object_list]
    profiles = {
        p.issuer_key: p for p in issuer_profile_list(account=account).filter(issuer_key__in=keys)
    }
    for reseller in page.object_list:
        reseller.issuer = profiles.get(str(reseller.pk))  # type: ignore[attr-defined]
    context = {"page": page, "query": query}
    return _render(request, "reseller_issuer_list.html", "reseller_issuer", context)


class ResellerIssuerEdit(FinanceFormView):
    """A reseller's invoicing data for its retail invoices: bank account, tax number, e-mail
    and payment terms (name, address and VAT id come from the reseller record)."""

    tab = "reseller_issuer"
    template_name = "portal/finance/reseller_issuer.html"
    form_class = ResellerIssuerProfileForm
    service = staticmethod(services.issuer_profile_set)
    object_kwarg = "reseller"

    def get_queryset(self) -> QuerySet[Reseller]:
        return visible_resellers(self.account)

    def check_permission(self) -> None:
        account = self.account
        _ensure(may_open_reseller_issuers(account) and can_set_issuer_profile(account, self.object))

    @cached_property
    def profile(self) -> IssuerProfile:
        key = str(self.object.pk)
        return issuer_profile_of(account=self.account, issuer_key=key) or IssuerProfile(
            issuer_key=key, reseller=self.object
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "instance": self.profile,
            "contact_email": self.object.contact_email,
            "with_datev": self.account.is_platform,
        }

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        return {"data": dict(form.cleaned_data)}

    def get_success_message(self, result: Any) -> str:
        return _("Rechnungsdaten von %(name)s gespeichert.") % {"name": self.object.company_name}

    def get_success_url(self, result: Any) -> str:
        return reverse("portal:finance_reseller_issuer", args=[self.object.pk])

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(reseller=self.object, profile=self.profile, **context)


# One-time fees and payment methods ---------------------------------------------------------


class Charges(FinanceFormView):
    """Record a one-time fee for a customer, and the fees of the last months."""

    tab = "charges"
    template_name = "portal/finance/charges.html"
    form_class = OneTimeChargeForm
    service = staticmethod(services.one_time_charge_create)
    success_url = "portal:finance_charges"

    def check_permission(self) -> None:
        _ensure(can_record_charges(self.account))

    def get_initial(self) -> dict[str, Any]:
        return {"occurred_on": today()}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "customers": visible_customers(self.account)}

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        data = form.cleaned_data
        return {
            "customer": data["customer"],
            "item": data["item"],
            "quantity": data["quantity"],
            "occurred_at": form.occurred_at(),  # type: ignore[attr-defined]
            "description": data["description"],
        }

    def get_aliases(self, form: BaseForm) -> dict[str, list[str]]:
        return {"occurred_at": ["occurred_on"]}

    def get_success_message(self, result: Any) -> str:
        return _("Gebühr für %(customer)s erfasst.") % {"customer": result.customer.company_name}

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        since = today().replace(day=1)
        for _month in range(CHARGE_MONTHS - 1):
            since = previous_month(since)
        charges = one_time_charge_list(account=self.account, since=since)
        page = Paginator(charges, PAGE_SIZE).get_page(self.request.GET.get("page"))
        audit.record_access(actor=self.account, instances=page.object_list)
        return super().get_context_data(page=page, since=since, **context)


class PaymentAccounts(FinanceFormView):
    """The payment method of a reseller or customer (card or SEPA mandate at Stripe), and the
    payment accounts set up so far."""

    tab = "payments"
    template_name = "portal/finance/payment_accounts.html"
    form_class = PaymentAccountForm
    service = staticmethod(payment_account_set)
    buyer: Reseller | Customer

    def check_permission(self) -> None:
        _ensure(can_manage_payment_accounts(self.account))

    @cached_property
    def configured(self) -> bool:
        return payments_configured()

    def get_initial(self) -> dict[str, Any]:
        return {"buyer": self.request.GET.get("buyer", ""), "method": "card"}

    def get_form_kwargs(self) -> dict[str, Any]:
        account = self.account
        return {
            **super().get_form_kwargs(),
            "resellers": visible_resellers(account),
            "customers": visible_customers(account),
        }

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        data = form.cleaned_data
        buyer = self.buyer = data["buyer"]
        sepa = data["method"] == "sepa_debit"
        return {
            "reseller": buyer if isinstance(buyer, Reseller) else None,
            "customer": buyer if isinstance(buyer, Customer) else None,
            "payment_method": None if sepa else data["payment_method"],
            "sepa_iban": data["iban"] if sepa else None,
        }

    def submit(self, form: BaseForm) -> Any:
        """Call Stripe through ``payment_account_set``; its refusals go beside the field."""
        if not self.configured:
            form.add_error(None, text_for("payments_not_configured"))
            return None
        sepa = form.cleaned_data["method"] == "sepa_debit"
        try:
            return super().submit(form)
        except stripe.APIConnectionError:
            logger.warning("Stripe not reachable while setting a payment method", exc_info=True)
            form.add_error(
                None, _("Stripe ist gerade nicht erreichbar. Bitte versuchen Sie es später.")
            )
        except stripe.StripeError as error:
            logger.info("Stripe refused a payment method: %s", error)
            text = getattr(error, "user_message", None) or str(error) or error.__class__.__name__
            form.add_error(
                "iban" if sepa else "payment_method",
                _("Stripe lehnt das ab: %(message)s") % {"message": text},
            )
        return None

    def get_success_message(self, result: PaymentAccount) -> str:
        return _("Zahlungsart für %(name)s gespeichert.") % {"name": self.buyer.company_name}

    def get_success_url(self, result: PaymentAccount) -> str:
        kind = "reseller" if isinstance(self.buyer, Reseller) else "customer"
        return f"{self.request.path}?buyer={kind}:{self.buyer.pk}"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        request = self.request
        selected = context["form"].resolve(request.POST.get("buyer") or request.GET.get("buyer"))
        accounts = payment_account_list(account=self.account)
        current = None
        if isinstance(selected, Reseller):
            current = accounts.filter(reseller=selected).first()
        elif isinstance(selected, Customer):
            current = accounts.filter(customer=selected).first()
        page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
        audit.record_access(actor=self.account, instances=page.object_list)
        return super().get_context_data(
            configured=self.configured, selected=selected, current=current, page=page, **context
        )


price_list_create = PriceListCreate.as_view()
price_list_edit = PriceListEdit.as_view()
issuer_profile = IssuerProfileEdit.as_view()
reseller_issuer = ResellerIssuerEdit.as_view()
charges = Charges.as_view()
payment_accounts = PaymentAccounts.as_view()
