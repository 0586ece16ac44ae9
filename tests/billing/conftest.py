"""Billing test helpers: ledger rows written directly (scenarios), the platform's invoicing
data, and price lists for both resellers of the test world."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from billing import services
from billing.models import IssuerProfile, PriceList
from provisioning.models import Account, Customer, LedgerKind, LicenseEvent
from tests.factories import World

BERLIN = ZoneInfo("Europe/Berlin")
Portal = Callable[[Account | None], Client]

WHOLESALE = {
    "grundlizenz": Decimal("20.00"),
    "erweiterte_grundlizenz": Decimal("45.00"),
    "weiterer_standort": Decimal("10.00"),
    "klare_stimme": Decimal("3.00"),
    "klingende_stimme": Decimal("5.00"),
    "volle_stimme": Decimal("8.00"),
    "extra_hunt_group": Decimal("25.00"),
    "custom_audio": Decimal("30.00"),
    "isdn_gateway": Decimal("99.00"),
    "onsite_hour": Decimal("80.00"),
}
RETAIL = {key: value * Decimal("1.5") for key, value in WHOLESALE.items()}


def berlin(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)


def hold(
    customer: Customer,
    license_type: str,
    start: dt.datetime,
    end: dt.datetime | None = None,
    label: str = "",
) -> uuid.UUID:
    """One holding in the ledger: an assignment at ``start`` and, if given, a release at ``end``."""
    holding = uuid.uuid4()
    subject = uuid.uuid4()
    LicenseEvent.objects.create(
        customer=customer,
        license_type=license_type,
        kind=LedgerKind.ASSIGN,
        effective_at=start,
        holding=holding,
        subject_type="user",
        subject_id=subject,
        subject_label=label,
    )
    if end is not None:
        LicenseEvent.objects.create(
            customer=customer,
            license_type=license_type,
            kind=LedgerKind.RELEASE,
            effective_at=end,
            holding=holding,
            subject_type="user",
            subject_id=subject,
            subject_label=label,
        )
    return holding


@pytest.fixture
def platform_issuer(db: None) -> IssuerProfile:
    return services.issuer_profile_set(
        acting_user=None,
        reseller=None,
        data={
            "company_name": "stimme Plattform GmbH",
            "street": "Friedrichstraße 1",
            "postal_code": "10117",
            "city": "Berlin",
            "country": "DE",
            "vat_id": "DE811111111",
            "tax_number": "30/123/45678",
            "email": "buchhaltung@stimme.example",
            "iban": "DE02120300000000202051",
            "bic": "BYLADEM1001",
            "bank_name": "Beispielbank",
        },
    )


@pytest.fixture
def price_lists(world: World, platform_issuer: IssuerProfile) -> dict[str, PriceList]:
    staff = world.staff
    lists = {
        "wholesale": services.price_list_create(
            acting_user=staff,
            kind="wholesale",
            reseller=None,
            name="Standard",
            valid_from=dt.date(2026, 1, 1),
            prices=WHOLESALE,
        )
    }
    for key, reseller in (("retail_a", world.reseller_a), ("retail_b", world.reseller_b)):
        lists[key] = services.price_list_create(
            acting_user=staff,
            kind="retail",
            reseller=reseller,
            name=f"Endkunden {reseller.company_name}",
            valid_from=dt.date(2026, 1, 1),
            prices=RETAIL,
        )
    return lists


@pytest.fixture
def billed(world: World, price_lists: dict[str, PriceList]) -> World:
    """October 2026 billed and issued for all three customers, and a credit note for A1."""
    from billing.models import Invoice
    from billing.services.runs import billing_run_create, billing_run_execute

    for customer in (world.customer_a1, world.customer_a2, world.customer_b1):
        hold(customer, "grundlizenz", berlin(2026, 1, 1))
        hold(customer, "klingende_stimme", berlin(2026, 10, 5))
    run, _ = billing_run_create(month=dt.date(2026, 10, 1), acting_user=world.finance)
    billing_run_execute(run_id=run.pk)
    invoice = Invoice.objects.get(buyer_customer=world.customer_a1)
    services.credit_note_create(invoice=invoice, acting_user=world.finance, reason="Test")
    return world


@pytest.fixture
def portal() -> Portal:
    def make(account: Account | None = None) -> Client:
        client = Client()
        if account is not None:
            client.force_login(account)
        return client

    return make
