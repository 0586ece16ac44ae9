"""Price lists (BIL-2, BIL-3), invoicing data of platform and resellers (BIL-6), one-time fees and
payment methods (BIL-5)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import stripe
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from billing import services
from billing.models import (
    PLATFORM,
    IssuerProfile,
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
from portal.finance.views import (
    _account,
    _ensure,
    _form_status,
    _render,
    _submitted,
)
from portal.refusals import attempt
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


@login_required
def price_list_create(request: HttpRequest) -> HttpResponse:
    """A new price list (a new version of prices from a date), prefilled from an existing one."""
    account = _account(request)
    _ensure(may_create_price_lists(account))
    source = _template_list(request, account)
    chooses_kind = can_edit_wholesale_prices(account)  # staff; a reseller writes retail lists
    initial: dict[str, Any] = {}
    prices: dict[str, Any] = {}
    if source is not None:
        prices = {p.item: euros(p.amount_cents) for p in source.prices.all()}
        initial["name"] = source.name
        if chooses_kind:
            initial.update(kind=source.kind, reseller=source.reseller_id)
    form = PriceListCreateForm(
        request.POST or None,
        prices=prices,
        initial=initial,
        resellers=visible_resellers(account).order_by("company_name") if chooses_kind else None,
    )

    def create() -> Any:
        data = form.cleaned_data
        if chooses_kind:
            kind, reseller = data["kind"], data.get("reseller")
        else:
            kind, reseller = PriceListKind.RETAIL, account.reseller
        return services.price_list_create(
            acting_user=account,
            kind=kind,
            reseller=reseller,
            name=data["name"],
            valid_from=data["valid_from"],
            valid_until=data.get("valid_until"),
            prices=form.prices(),
        )

    created = _submitted(
        request,
        form,
        create,
        lambda created: (
            _("Preisliste „%(name)s“ ab %(date)s angelegt.")
            % {"name": created.name, "date": f"{created.valid_from:%d.%m.%Y}"}
        ),
        aliases=lambda: {"prices": form.empty_monthly_price_fields()},
    )
    if created is not None:
        return redirect("portal:finance_price_list_list")
    in_force = {p.pk for p in price_lists_in_force(account=account, day=today())}
    templates = [
        (p, p.pk in in_force) for p in price_list_list(account=account).select_related("reseller")
    ]
    context = {
        "form": form,
        "source": source,
        "templates": templates,
        "own_reseller": None if chooses_kind else account.reseller,
    }
    return _render(request, "price_list_create.html", "prices", context, _form_status(form))


@login_required
def price_list_edit(request: HttpRequest, pk: str) -> HttpResponse:
    account = _account(request)
    price_list = get_for_user(price_list_list(account=account), account, pk)
    _ensure(may_read_price_lists(account) and may_edit_price_list(account, price_list))
    current = {p.item: euros(p.amount_cents) for p in price_list.prices.all()}
    form = PriceListForm(
        request.POST or None,
        prices=current,
        initial={"name": price_list.name, "valid_until": price_list.valid_until},
    )
    updated = _submitted(
        request,
        form,
        lambda: services.price_list_update(
            acting_user=account,
            price_list=price_list,
            name=form.cleaned_data["name"],
            valid_until=form.cleaned_data.get("valid_until"),
            prices=form.prices(),
        ),
        lambda _updated: _("Preisliste gespeichert."),
    )
    if updated is not None:
        return redirect("portal:finance_price_list_list")
    context = {"price_list": price_list, "form": form}
    return _render(request, "price_list_form.html", "prices", context, _form_status(form))


@login_required
def issuer_profile(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    _ensure(may_set_issuer_profile(account))
    instance = issuer_profile_of(account=account, issuer_key=PLATFORM) or IssuerProfile(
        issuer_key=PLATFORM
    )
    form = IssuerProfileForm(request.POST or None, instance=instance)
    saved = _submitted(
        request,
        form,
        lambda: services.issuer_profile_set(
            acting_user=account, reseller=None, data=dict(form.cleaned_data)
        ),
        lambda _saved: _("Rechnungsdaten der Plattform gespeichert."),
    )
    if saved is not None:
        return redirect("portal:finance_issuer_profile")
    return _render(request, "issuer_profile.html", "issuer", {"form": form}, _form_status(form))


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


@login_required
def reseller_issuer(request: HttpRequest, pk: str) -> HttpResponse:
    """A reseller's invoicing data for its retail invoices: bank account, tax number, e-mail
    and payment terms (name, address and VAT id come from the reseller record)."""
    account = _account(request)
    reseller = get_for_user(visible_resellers(account), account, pk)
    _ensure(may_open_reseller_issuers(account) and can_set_issuer_profile(account, reseller))
    key = str(reseller.pk)
    instance = issuer_profile_of(account=account, issuer_key=key) or IssuerProfile(
        issuer_key=key, reseller=reseller
    )
    form = ResellerIssuerProfileForm(
        request.POST or None,
        instance=instance,
        contact_email=reseller.contact_email,
        with_datev=account.is_platform,
    )
    saved = _submitted(
        request,
        form,
        lambda: services.issuer_profile_set(
            acting_user=account, reseller=reseller, data=dict(form.cleaned_data)
        ),
        lambda _saved: (
            _("Rechnungsdaten von %(name)s gespeichert.") % {"name": reseller.company_name}
        ),
    )
    if saved is not None:
        return redirect("portal:finance_reseller_issuer", pk=reseller.pk)
    context = {"form": form, "reseller": reseller, "profile": instance}
    status = _form_status(form)
    return _render(request, "reseller_issuer.html", "reseller_issuer", context, status)


# One-time fees and payment methods ---------------------------------------------------------


@login_required
def charges(request: HttpRequest) -> HttpResponse:
    """Record a one-time fee for a customer, and the fees of the last months."""
    account = _account(request)
    _ensure(can_record_charges(account))
    form = OneTimeChargeForm(
        request.POST or None, customers=visible_customers(account), initial={"occurred_on": today()}
    )
    charge = _submitted(
        request,
        form,
        lambda: services.one_time_charge_create(
            acting_user=account,
            customer=form.cleaned_data["customer"],
            item=form.cleaned_data["item"],
            quantity=form.cleaned_data["quantity"],
            occurred_at=form.occurred_at(),
            description=form.cleaned_data["description"],
        ),
        lambda charge: (
            _("Gebühr für %(customer)s erfasst.") % {"customer": charge.customer.company_name}
        ),
        aliases=lambda: {"occurred_at": ["occurred_on"]},
    )
    if charge is not None:
        return redirect("portal:finance_charges")
    since = today().replace(day=1)
    for _month in range(CHARGE_MONTHS - 1):
        since = previous_month(since)
    page = Paginator(one_time_charge_list(account=account, since=since), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    audit.record_access(actor=account, instances=page.object_list)
    context = {"form": form, "page": page, "since": since}
    return _render(request, "charges.html", "charges", context, _form_status(form))


def _set_payment_account(form: PaymentAccountForm, account: Account) -> Any:
    """Call Stripe through ``payment_account_set``; its refusals go beside the field."""
    data = form.cleaned_data
    buyer = data["buyer"]
    sepa = data["method"] == "sepa_debit"
    try:
        return attempt(
            form,
            lambda: payment_account_set(
                acting_user=account,
                reseller=buyer if isinstance(buyer, Reseller) else None,
                customer=buyer if isinstance(buyer, Customer) else None,
                payment_method=None if sepa else data["payment_method"],
                sepa_iban=data["iban"] if sepa else None,
            ),
        )
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


@login_required
def payment_accounts(request: HttpRequest) -> HttpResponse:
    """The payment method of a reseller or customer (card or SEPA mandate at Stripe), and the
    payment accounts set up so far."""
    account = _account(request)
    _ensure(can_manage_payment_accounts(account))
    configured = payments_configured()
    form = PaymentAccountForm(
        request.POST or None,
        resellers=visible_resellers(account),
        customers=visible_customers(account),
        initial={"buyer": request.GET.get("buyer", ""), "method": "card"},
    )
    if request.method == "POST" and form.is_valid():
        if not configured:
            form.add_error(None, text_for("payments_not_configured"))
        elif _set_payment_account(form, account) is not None:
            buyer = form.cleaned_data["buyer"]
            messages.success(
                request, _("Zahlungsart für %(name)s gespeichert.") % {"name": buyer.company_name}
            )
            kind = "reseller" if isinstance(buyer, Reseller) else "customer"
            return redirect(f"{request.path}?buyer={kind}:{buyer.pk}")
    selected = form.resolve(request.POST.get("buyer") or request.GET.get("buyer"))
    accounts = payment_account_list(account=account)
    current = None
    if isinstance(selected, Reseller):
        current = accounts.filter(reseller=selected).first()
    elif isinstance(selected, Customer):
        current = accounts.filter(customer=selected).first()
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record_access(actor=account, instances=page.object_list)
    context = {
        "form": form,
        "configured": configured,
        "selected": selected,
        "current": current,
        "page": page,
    }
    status = _form_status(form)
    return _render(request, "payment_accounts.html", "payments", context, status)
