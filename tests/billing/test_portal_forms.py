"""Finance forms of the portal (BIL-2, BIL-3, BIL-5, BIL-6): a new price-list version prefilled
from an existing list, one-time fees, payment methods at Stripe, each reseller's own invoicing
data, and the billing reads behind them (draft visibility, revenue per month)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from billing import services
from billing.models import (
    BillingRun,
    Invoice,
    IssuerProfile,
    OneTimeCharge,
    PaymentAccount,
    PriceList,
    RunState,
)
from billing.money import BERLIN
from billing.selectors import invoice_list, one_time_charge_list, revenue_by_month
from provisioning.models import Account
from provisioning.permissions import PermissionDeniedError
from tests.billing.conftest import RETAIL, WHOLESALE, Portal, berlin, hold
from tests.billing.test_payments import localstripe, stripe_sink  # noqa: F401 (fixtures)
from tests.factories import World

pytestmark = pytest.mark.django_db

NEW_LIST = reverse("portal:finance_price_list_create")
LISTS = reverse("portal:finance_price_list_list")
CHARGES = reverse("portal:finance_charges")
PAYMENTS = reverse("portal:finance_payment_accounts")
ISSUERS = reverse("portal:finance_reseller_issuer_list")
MISSING_PRICE = "Bitte geben Sie für jede monatliche Position einen Preis an."


def _field_error(body: str, name: str) -> str:
    """The error text shown beside the form field ``name`` ("" when there is none)."""
    marker = f'id="id_{name}-error">'
    if marker not in body:
        return ""
    return body.split(marker, 1)[1].split("</div>", 1)[0]


def _german(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def _prices(values: dict[str, Decimal], *, without: tuple[str, ...] = ()) -> dict[str, str]:
    return {f"price_{item}": _german(v) for item, v in values.items() if item not in without}


def _today() -> dt.date:
    return dt.datetime.now(BERLIN).date()


# New price-list version ---------------------------------------------------------------------


def test_staff_creates_a_wholesale_version_prefilled_from_the_list_in_force(
    world: World, price_lists: dict[str, PriceList], portal: Portal
) -> None:
    client = portal(world.staff)
    page = client.get(NEW_LIST)
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="kind"' in body and 'name="reseller"' in body
    # by default the prices of the default wholesale list in force today are offered
    assert 'id="price-list-source"' in body and 'value="20,00"' in body
    response = client.post(
        NEW_LIST,
        {
            "kind": "wholesale",
            "reseller": "",
            "name": "Standard 2027",
            "valid_from": "2027-01-01",
            **_prices(WHOLESALE),
            "price_grundlizenz": "22,50",
        },
    )
    assert response.status_code == 302 and response["Location"] == LISTS
    created = PriceList.objects.get(name="Standard 2027")
    assert created.kind == "wholesale" and created.reseller is None
    assert created.valid_from == dt.date(2027, 1, 1)
    prices = {p.item: p.amount_cents for p in created.prices.all()}
    assert prices["grundlizenz"] == 2250 and prices["onsite_hour"] == 8000
    # the list in force until then keeps its prices
    assert price_lists["wholesale"].prices.get(item="grundlizenz").amount_cents == 2000


def test_staff_creates_a_reseller_override_with_only_some_prices(
    world: World, price_lists: dict[str, PriceList], portal: Portal
) -> None:
    response = portal(world.staff).post(
        NEW_LIST,
        {
            "kind": "wholesale",
            "reseller": str(world.reseller_b.pk),
            "name": "Sonderpreise B",
            "valid_from": "2027-01-01",
            "price_klare_stimme": "2,50",
        },
    )
    assert response.status_code == 302
    override = PriceList.objects.get(name="Sonderpreise B")
    assert override.reseller == world.reseller_b
    assert {p.item: p.amount_cents for p in override.prices.all()} == {"klare_stimme": 250}


def test_missing_monthly_price_is_shown_beside_that_price(
    world: World, price_lists: dict[str, PriceList], portal: Portal
) -> None:
    response = portal(world.staff).post(
        NEW_LIST,
        {
            "kind": "retail",
            "reseller": str(world.reseller_a.pk),
            "name": "Endkunden 2027",
            "valid_from": "2027-01-01",
            **_prices(RETAIL, without=("volle_stimme",)),
            "price_grundlizenz": "31,50",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert MISSING_PRICE in _field_error(body, "price_volle_stimme")
    assert _field_error(body, "price_grundlizenz") == ""
    assert 'value="31,50"' in body  # what the user typed stays
    assert not PriceList.objects.filter(name="Endkunden 2027").exists()


def test_service_refusals_appear_at_the_named_field(
    world: World, price_lists: dict[str, PriceList], portal: Portal
) -> None:
    client = portal(world.staff)
    base = {"kind": "retail", "name": "Neu", "valid_from": "2027-01-01", **_prices(RETAIL)}
    no_reseller = client.post(NEW_LIST, {**base, "reseller": ""})
    assert no_reseller.status_code == 400
    assert "gehören zu einem Reseller" in _field_error(no_reseller.content.decode(), "reseller")
    same_day = client.post(
        NEW_LIST, {**base, "reseller": str(world.reseller_a.pk), "valid_from": "2026-01-01"}
    )
    assert same_day.status_code == 400
    assert "beginnt bereits" in _field_error(same_day.content.decode(), "valid_from")
    backwards = client.post(
        NEW_LIST,
        {**base, "reseller": str(world.reseller_a.pk), "valid_until": "2026-12-31"},
    )
    assert backwards.status_code == 400
    assert "liegt vor" in _field_error(backwards.content.decode(), "valid_until")
    assert PriceList.objects.count() == 3


def test_reseller_admin_creates_a_retail_list_for_its_own_reseller_only(
    world: World, price_lists: dict[str, PriceList], portal: Portal
) -> None:
    client = portal(world.reseller_admin_a)
    page = client.get(NEW_LIST).content.decode()
    assert 'name="kind"' not in page and 'name="reseller"' not in page
    assert 'value="30,00"' in page  # its retail list in force today (1.5 × 20,00)
    assert str(price_lists["retail_b"].pk) not in page
    assert str(price_lists["wholesale"].pk) not in page
    response = client.post(
        NEW_LIST,
        {
            # kind and reseller are fixed for a reseller admin, whatever is sent
            "kind": "wholesale",
            "reseller": str(world.reseller_b.pk),
            "name": "Endkunden 2027",
            "valid_from": "2027-01-01",
            **_prices(RETAIL),
        },
    )
    assert response.status_code == 302
    created = PriceList.objects.get(name="Endkunden 2027")
    assert created.kind == "retail" and created.reseller == world.reseller_a
    listing = client.get(LISTS).content.decode()
    assert str(created.pk) in listing and 'id="price-list-new"' in listing


def test_prefill_from_a_chosen_list_and_foreign_lists_answer_404(
    world: World, price_lists: dict[str, PriceList], portal: Portal
) -> None:
    client = portal(world.reseller_admin_a)
    own = client.get(NEW_LIST, {"from": str(price_lists["retail_a"].pk)})
    assert own.status_code == 200 and "Endkunden" in own.content.decode()
    empty = client.get(NEW_LIST, {"from": ""}).content.decode()
    assert 'id="price-list-source"' not in empty and 'value="30,00"' not in empty
    unknown = client.get(NEW_LIST, {"from": str(uuid.uuid4())})
    for foreign_list in (price_lists["retail_b"], price_lists["wholesale"]):
        foreign = client.get(NEW_LIST, {"from": str(foreign_list.pk)})
        assert foreign.status_code == 404 and foreign.content == unknown.content
    assert client.get(NEW_LIST, {"from": "not-a-uuid"}).status_code == 404
    staff = portal(world.staff).get(NEW_LIST, {"from": str(price_lists["retail_b"].pk)})
    body = staff.content.decode()
    assert staff.status_code == 200 and 'value="45,00"' in body  # 1.5 × 30,00 custom audio
    assert f'value="{world.reseller_b.pk}" selected' in body


def test_only_staff_and_reseller_admins_create_price_lists(
    world: World, price_lists: dict[str, PriceList], portal: Portal
) -> None:
    assert portal(world.finance).get(NEW_LIST).status_code == 403
    assert 'id="price-list-new"' not in portal(world.finance).get(LISTS).content.decode()
    assert portal(world.customer_admin_a1).get(NEW_LIST).status_code == 403
    assert portal(world.end_user_a1).get(NEW_LIST).status_code == 403


# One-time fees ---------------------------------------------------------------------------


def test_finance_records_a_one_time_fee_and_sees_it_listed(world: World, portal: Portal) -> None:
    client = portal(world.finance)
    page = client.get(CHARGES).content.decode()
    assert world.customer_b1.company_name in page  # every customer can be chosen
    day = _today()
    response = client.post(
        CHARGES,
        {
            "customer": str(world.customer_a1.pk),
            "item": "onsite_hour",
            "quantity": "1,5",
            "occurred_on": day.isoformat(),
            "description": "Telefone montiert",
        },
    )
    assert response.status_code == 302
    charge = OneTimeCharge.objects.get()
    assert charge.customer == world.customer_a1 and charge.quantity == Decimal("1.50")
    assert charge.occurred_at == dt.datetime.combine(day, dt.time(12), tzinfo=BERLIN)
    assert charge.created_by == world.finance
    listing = client.get(CHARGES).content.decode()
    assert f'data-charge="{charge.pk}"' in listing and "Telefone montiert" in listing
    assert "1,5" in listing and day.strftime("%d.%m.%Y") in listing


def test_charges_of_earlier_months_are_not_listed(world: World, portal: Portal) -> None:
    old = services.one_time_charge_create(
        acting_user=world.staff,
        customer=world.customer_a1,
        item="isdn_gateway",
        quantity=Decimal(1),
        occurred_at=berlin(2020, 1, 15),
    )
    listing = portal(world.staff).get(CHARGES).content.decode()
    assert f'data-charge="{old.pk}"' not in listing and 'id="no-charges"' in listing


def test_invalid_charge_is_refused_beside_its_field(world: World, portal: Portal) -> None:
    client = portal(world.staff)
    base = {
        "customer": str(world.customer_a1.pk),
        "item": "custom_audio",
        "occurred_on": "2026-10-07",
    }
    zero = client.post(CHARGES, {**base, "quantity": "0"})
    assert zero.status_code == 400
    assert "größer als 0" in _field_error(zero.content.decode(), "quantity")
    unknown_customer = client.post(CHARGES, {**base, "quantity": "1", "customer": uuid.uuid4()})
    assert unknown_customer.status_code == 400
    assert _field_error(unknown_customer.content.decode(), "customer")
    monthly = client.post(CHARGES, {**base, "quantity": "1", "item": "grundlizenz"})
    assert monthly.status_code == 400 and _field_error(monthly.content.decode(), "item")
    assert not OneTimeCharge.objects.exists()


def test_fee_in_a_month_already_billed_is_refused_beside_the_date(
    world: World, portal: Portal
) -> None:
    BillingRun.objects.create(month=dt.date(2026, 9, 1), state=RunState.DONE)
    client = portal(world.finance)
    data = {"customer": str(world.customer_a1.pk), "item": "custom_audio", "quantity": "1"}
    refused = client.post(CHARGES, {**data, "occurred_on": "2026-09-30"})
    assert refused.status_code == 400
    assert "bereits abgerechnet" in _field_error(refused.content.decode(), "occurred_on")
    assert not OneTimeCharge.objects.exists()
    accepted = client.post(CHARGES, {**data, "occurred_on": "2026-10-01"})
    assert accepted.status_code == 302
    assert OneTimeCharge.objects.count() == 1


def test_only_the_platform_records_fees(world: World, portal: Portal) -> None:
    for actor in (world.reseller_admin_a, world.customer_admin_a1, world.end_user_a1):
        assert portal(actor).get(CHARGES).status_code == 403
        assert portal(actor).post(CHARGES, {}).status_code == 403


def test_charge_list_selector_goes_through_the_chokepoint(world: World) -> None:
    for customer in (world.customer_a1, world.customer_a2, world.customer_b1):
        services.one_time_charge_create(
            acting_user=world.finance,
            customer=customer,
            item="extra_hunt_group",
            quantity=Decimal(1),
            occurred_at=berlin(2026, 10, 7, 10),
        )

    def customers(account: Account) -> set[str]:
        return {c.customer.company_name for c in one_time_charge_list(account=account)}

    assert len(customers(world.finance)) == 3
    assert customers(world.reseller_admin_b) == {world.customer_b1.company_name}
    assert customers(world.customer_admin_a1) == {world.customer_a1.company_name}
    assert customers(world.end_user_a1) == set()
    assert list(one_time_charge_list(account=world.finance, since=dt.date(2026, 11, 1))) == []


# Payment methods ------------------------------------------------------------------------------


def test_payment_page_without_stripe_explains_instead_of_failing(
    world: World, portal: Portal, settings: object
) -> None:
    settings.STIMME_STRIPE_SECRET_KEY = ""  # type: ignore[attr-defined]
    client = portal(world.finance)
    page = client.get(PAYMENTS)
    assert page.status_code == 200 and 'id="stripe-missing"' in page.content.decode()
    response = client.post(
        PAYMENTS,
        {"buyer": f"customer:{world.customer_a1.pk}", "method": "card", "payment_method": "pm_x"},
    )
    assert response.status_code == 400
    assert "nicht eingerichtet" in response.content.decode()
    assert not PaymentAccount.objects.exists()


def test_only_the_platform_sets_payment_methods(world: World, portal: Portal) -> None:
    for actor in (world.reseller_admin_a, world.customer_admin_a1, world.end_user_a1):
        assert portal(actor).get(PAYMENTS).status_code == 403


def test_payment_input_is_checked_before_stripe_is_asked(
    world: World, portal: Portal, settings: object
) -> None:
    settings.STIMME_STRIPE_SECRET_KEY = ""  # type: ignore[attr-defined]
    client = portal(world.staff)
    buyer = f"reseller:{world.reseller_a.pk}"
    no_id = client.post(PAYMENTS, {"buyer": buyer, "method": "card"})
    assert no_id.status_code == 400 and _field_error(no_id.content.decode(), "payment_method")
    bad_iban = client.post(
        PAYMENTS, {"buyer": buyer, "method": "sepa_debit", "iban": "DE00 1234 5678"}
    )
    assert "IBAN ist ungültig" in _field_error(bad_iban.content.decode(), "iban")
    nobody = client.post(PAYMENTS, {"buyer": f"customer:{uuid.uuid4()}", "method": "card"})
    assert _field_error(nobody.content.decode(), "buyer")


@pytest.mark.usefixtures("stripe_sink")
def test_card_and_sepa_mandate_are_set_at_stripe(world: World, portal: Portal) -> None:
    client = portal(world.finance)
    card = client.post(
        PAYMENTS,
        {
            "buyer": f"customer:{world.customer_a1.pk}",
            "method": "card",
            "payment_method": "pm_card_visa",
        },
    )
    assert card.status_code == 302
    account = PaymentAccount.objects.get(customer=world.customer_a1)
    assert account.stripe_customer_id.startswith("cus_")
    assert account.payment_method_type == "card" and account.payment_method_id.startswith("pm_")
    state = client.get(card["Location"]).content.decode()
    assert 'id="payment-current"' in state and account.stripe_customer_id in state
    sepa = client.post(
        PAYMENTS,
        {
            "buyer": f"reseller:{world.reseller_a.pk}",
            "method": "sepa_debit",
            "iban": "de89 3704 0044 0532 0130 00",
        },
    )
    assert sepa.status_code == 302
    mandate = PaymentAccount.objects.get(reseller=world.reseller_a)
    assert mandate.payment_method_type == "sepa_debit"
    listing = client.get(PAYMENTS).content.decode()
    assert f'data-payment-account="{mandate.pk}"' in listing and "SEPA-Lastschrift" in listing


@pytest.mark.usefixtures("stripe_sink")
def test_stripe_refusal_is_shown_beside_the_payment_method(world: World, portal: Portal) -> None:
    response = portal(world.staff).post(
        PAYMENTS,
        {
            "buyer": f"customer:{world.customer_a2.pk}",
            "method": "card",
            "payment_method": "pm_does_not_exist",
        },
    )
    assert response.status_code == 400
    assert "Stripe lehnt das ab" in _field_error(response.content.decode(), "payment_method")


# Reseller invoicing data ---------------------------------------------------------------------

PROFILE = {
    "tax_number": "27/456/78901",
    "email": "rechnung@reseller-a.example",
    "iban": "de89 3704 0044 0532 0130 00",
    "bic": "cobadeffxxx",
    "bank_name": "Commerzbank",
    "payment_terms_days": "21",
}


def test_reseller_admin_maintains_its_own_invoicing_data(world: World, portal: Portal) -> None:
    client = portal(world.reseller_admin_a)
    own = reverse("portal:finance_reseller_issuer", args=[world.reseller_a.pk])
    assert client.get(ISSUERS)["Location"] == own
    page = client.get(own).content.decode()
    assert world.reseller_a.street in page and world.reseller_a.contact_email in page
    assert 'data-tab="reseller_issuer"' in page
    response = client.post(own, PROFILE)
    assert response.status_code == 302
    profile = IssuerProfile.objects.get(issuer_key=str(world.reseller_a.pk))
    assert profile.reseller == world.reseller_a
    assert profile.iban == "DE89370400440532013000" and profile.bic == "COBADEFFXXX"
    assert profile.payment_terms_days == 21 and profile.tax_number == "27/456/78901"
    bad = client.post(own, {**PROFILE, "iban": "DE89 3704 0044 0532 0130 01"})
    assert bad.status_code == 400
    assert "IBAN ist ungültig" in _field_error(bad.content.decode(), "iban")
    assert 'value="DE89 3704 0044 0532 0130 01"' in bad.content.decode()
    too_long = client.post(own, {**PROFILE, "payment_terms_days": "400"})
    assert too_long.status_code == 400 and _field_error(
        too_long.content.decode(), "payment_terms_days"
    )


def test_reseller_admin_cannot_reach_another_resellers_data(world: World, portal: Portal) -> None:
    foreign = reverse("portal:finance_reseller_issuer", args=[world.reseller_b.pk])
    unknown = reverse("portal:finance_reseller_issuer", args=[uuid.uuid4()])
    client = portal(world.reseller_admin_a)
    for method in ("get", "post"):
        response = getattr(client, method)(foreign, PROFILE)
        assert response.status_code == 404
        assert response.content == getattr(client, method)(unknown, PROFILE).content
    assert not IssuerProfile.objects.exists()
    assert portal(world.customer_admin_a1).get(ISSUERS).status_code == 403


def test_finance_and_staff_maintain_every_resellers_data(world: World, portal: Portal) -> None:
    listing = portal(world.finance).get(ISSUERS).content.decode()
    assert world.reseller_a.company_name in listing and world.reseller_b.company_name in listing
    searched = portal(world.finance).get(ISSUERS, {"q": world.reseller_b.company_name})
    assert world.reseller_a.company_name not in searched.content.decode()
    url = reverse("portal:finance_reseller_issuer", args=[world.reseller_b.pk])
    assert portal(world.finance).post(url, PROFILE).status_code == 302
    assert portal(world.staff).post(url, {**PROFILE, "bank_name": "Sparkasse"}).status_code == 302
    assert IssuerProfile.objects.get(issuer_key=str(world.reseller_b.pk)).bank_name == "Sparkasse"
    # the platform's own data stays with staff
    assert portal(world.finance).get(reverse("portal:finance_issuer_profile")).status_code == 403


def test_platform_sets_a_resellers_datev_numbers_the_reseller_never_sees(
    world: World, portal: Portal
) -> None:
    url = reverse("portal:finance_reseller_issuer", args=[world.reseller_a.pk])
    assert 'name="datev_client_number"' not in portal(world.reseller_admin_a).get(url).text
    assert 'name="datev_client_number"' in portal(world.finance).get(url).text
    datev = {"datev_consultant_number": "4711", "datev_client_number": "42"}
    assert portal(world.finance).post(url, {**PROFILE, **datev}).status_code == 302
    profile = IssuerProfile.objects.get(issuer_key=str(world.reseller_a.pk))
    assert (profile.datev_consultant_number, profile.datev_client_number) == (4711, 42)
    # A reseller admin's own save keeps them; numbers it posts anyway are ignored.
    own = {**PROFILE, "datev_client_number": "7", "bank_name": "Volksbank"}
    assert portal(world.reseller_admin_a).post(url, own).status_code == 302
    profile.refresh_from_db()
    assert profile.bank_name == "Volksbank" and profile.datev_client_number == 42


def test_reseller_admin_sets_only_its_own_profile_in_the_service(world: World) -> None:
    data = {"iban": "DE89370400440532013000"}
    profile = services.issuer_profile_set(
        acting_user=world.reseller_admin_a, reseller=world.reseller_a, data=data
    )
    assert profile.iban == "DE89370400440532013000"
    for reseller in (world.reseller_b, None):
        with pytest.raises(PermissionDeniedError):
            services.issuer_profile_set(
                acting_user=world.reseller_admin_a, reseller=reseller, data=data
            )
    for actor in (world.customer_admin_a1, world.end_user_a1):
        with pytest.raises(PermissionDeniedError):
            services.issuer_profile_set(acting_user=actor, reseller=world.reseller_a, data=data)
    assert services.issuer_profile_set(acting_user=world.finance, reseller=None, data={}).pk


def test_retail_invoices_print_the_resellers_own_bank_account(
    world: World, price_lists: dict[str, PriceList], portal: Portal
) -> None:
    from billing.services.runs import billing_run_create, billing_run_execute

    own = reverse("portal:finance_reseller_issuer", args=[world.reseller_a.pk])
    assert portal(world.reseller_admin_a).post(own, PROFILE).status_code == 302
    hold(world.customer_a1, "grundlizenz", berlin(2026, 1, 1))
    run, _ = billing_run_create(month=dt.date(2026, 10, 1), acting_user=world.finance)
    billing_run_execute(run_id=run.pk)
    retail = Invoice.objects.get(buyer_customer=world.customer_a1, document_type="invoice")
    assert retail.seller["iban"] == "DE89370400440532013000"
    assert retail.seller["tax_number"] == "27/456/78901"
    assert retail.due_on == retail.issued_on + dt.timedelta(days=21)


# Billing reads ---------------------------------------------------------------------------------


def test_invoice_list_shows_drafts_to_the_platform_only(
    world: World, price_lists: dict[str, PriceList]
) -> None:
    from billing.services.runs import billing_run_create, billing_run_execute

    hold(world.customer_a1, "grundlizenz", berlin(2026, 1, 1))
    run, _ = billing_run_create(
        month=dt.date(2026, 10, 1), acting_user=world.finance, issue_invoices=False
    )
    billing_run_execute(run_id=run.pk)
    assert invoice_list(account=world.finance).filter(state="draft").count() == 2
    assert invoice_list(account=world.staff).count() == 2
    for outsider in (world.reseller_admin_a, world.customer_admin_a1):
        assert not invoice_list(account=outsider).exists()
        assert not invoice_list(account=outsider, filters={"state": "draft"}).exists()
    retail = Invoice.objects.get(buyer_customer=world.customer_a1)
    services.invoice_finalize(invoice=retail, acting_user=world.finance)
    assert list(invoice_list(account=world.customer_admin_a1)) == [retail]
    assert list(invoice_list(account=world.reseller_admin_a)) == [retail]  # wholesale: draft


def test_revenue_by_month_counts_the_platforms_issued_invoices_minus_credit_notes(
    billed: World,
) -> None:
    october = dt.date(2026, 10, 1)
    revenue = revenue_by_month(first=dt.date(2026, 9, 1), last=october)
    wholesale = Invoice.objects.filter(issuer_key="platform", document_type="invoice")
    assert sum(revenue.values()) == sum(i.net_cents for i in wholesale)
    assert all(month == october for month, _series in revenue)
    note = services.credit_note_create(
        invoice=wholesale.get(buyer_reseller=billed.reseller_b),
        acting_user=billed.finance,
        reason="Kulanz",
    )
    after = revenue_by_month(first=october, last=october)
    assert sum(after.values()) == sum(revenue.values()) - note.net_cents
    assert revenue_by_month(first=dt.date(2026, 11, 1), last=dt.date(2026, 11, 1)) == {}


def test_new_finance_pages_speak_english(
    world: World, price_lists: dict[str, PriceList], portal: Portal, settings: object
) -> None:
    settings.STIMME_STRIPE_SECRET_KEY = ""  # type: ignore[attr-defined]
    client = portal(world.staff)
    client.post(reverse("portal:set_language"), {"language": "en", "next": "/"})
    pages = {
        NEW_LIST: ("New price list", "Copy prices from"),
        CHARGES: ("Record fee", "The quantity must be greater than 0."),
        PAYMENTS: ("Payment methods", "are not set up"),
        reverse("portal:finance_reseller_issuer", args=[world.reseller_a.pk]): (
            "Invoicing details of",
            "master data",
        ),
    }
    for url, phrases in pages.items():
        if url == CHARGES:
            body = client.post(url, {"quantity": "0"}).content.decode()
        else:
            body = client.get(url).content.decode()
        assert '<html lang="en">' in body
        for phrase in phrases:
            assert phrase in body, (url, phrase)
