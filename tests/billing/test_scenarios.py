"""Scenario tests (BIL-1 … BIL-5): ledger events in → issued invoices and their lines out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from billing import services
from billing.models import BillingRun, Invoice, InvoiceKind, PriceList
from billing.services.runs import billing_run_create, billing_run_execute
from provisioning.models import Customer
from tests.billing.conftest import berlin, hold
from tests.factories import World

OCT = dt.date(2026, 10, 1)
pytestmark = pytest.mark.usefixtures("price_lists")


def run(month: dt.date = OCT) -> BillingRun:
    created, _ = billing_run_create(month=month, acting_user=None)
    return billing_run_execute(run_id=created.pk)


def retail(customer: Customer, month: dt.date = OCT) -> Invoice:
    return Invoice.objects.get(kind=InvoiceKind.RETAIL, buyer_customer=customer, month=month)


def quantities(invoice: Invoice) -> dict[str, Decimal]:
    return {line.item: line.quantity for line in invoice.lines.all()}


def paid_customer(customer: Customer) -> None:
    hold(customer, "grundlizenz", berlin(2026, 1, 1))


def test_user_created_and_deleted_in_the_month_is_billed_once(world: World) -> None:
    paid_customer(world.customer_a1)
    hold(world.customer_a1, "klingende_stimme", berlin(2026, 10, 3, 9), berlin(2026, 10, 3, 17))
    run()
    assert quantities(retail(world.customer_a1)) == {"grundlizenz": 1, "klingende_stimme": 1}


def test_license_handed_from_one_user_to_another_counts_once(world: World) -> None:
    paid_customer(world.customer_a1)
    hold(world.customer_a1, "volle_stimme", berlin(2026, 5, 1), berlin(2026, 10, 12, 8))
    hold(world.customer_a1, "volle_stimme", berlin(2026, 10, 12, 8))
    run()
    assert quantities(retail(world.customer_a1))["volle_stimme"] == 1


def test_two_users_who_never_overlap_count_once(world: World) -> None:
    paid_customer(world.customer_a1)
    hold(world.customer_a1, "klare_stimme", berlin(2026, 10, 1), berlin(2026, 10, 9))
    hold(world.customer_a1, "klare_stimme", berlin(2026, 10, 20), berlin(2026, 10, 30))
    run()
    assert quantities(retail(world.customer_a1))["klare_stimme"] == 1


def test_demo_customer_is_not_billed(world: World) -> None:
    hold(world.customer_a1, "demolizenz", berlin(2026, 10, 1))
    hold(world.customer_a1, "klare_stimme", berlin(2026, 10, 1))
    paid_customer(world.customer_a2)
    run()
    assert not Invoice.objects.filter(buyer_customer=world.customer_a1).exists()
    wholesale = Invoice.objects.get(kind=InvoiceKind.WHOLESALE, buyer_reseller=world.reseller_a)
    assert {line.customer_id for line in wholesale.lines.all()} == {world.customer_a2.pk}


def test_second_site_adds_one_weiterer_standort(world: World) -> None:
    paid_customer(world.customer_a1)
    hold(world.customer_a1, "weiterer_standort", berlin(2026, 10, 14))
    run()
    invoice = retail(world.customer_a1)
    assert quantities(invoice) == {"grundlizenz": 1, "weiterer_standort": 1}
    # 20 × 1.5 + 10 × 1.5 = 45.00 net, 8.55 VAT, 53.55 gross.
    assert (invoice.net, invoice.tax, invoice.gross) == (
        Decimal("45"),
        Decimal("8.55"),
        Decimal("53.55"),
    )


def test_price_change_on_the_15th_of_an_earlier_month_does_not_touch_the_billed_month(
    world: World, price_lists: dict[str, PriceList]
) -> None:
    paid_customer(world.customer_a1)
    services.price_list_create(
        acting_user=world.reseller_admin_a,
        kind="retail",
        reseller=world.reseller_a,
        name="Neu ab 15.09.",
        valid_from=dt.date(2026, 9, 15),
        prices={
            **{p.item: Decimal(p.amount_cents) / 100 for p in price_lists["retail_a"].prices.all()},
            "grundlizenz": Decimal("99.00"),
        },
    )
    run(dt.date(2026, 9, 1))
    run(OCT)
    september = retail(world.customer_a1, dt.date(2026, 9, 1)).lines.get(item="grundlizenz")
    october = retail(world.customer_a1).lines.get(item="grundlizenz")
    assert september.unit_price_cents == 3000  # the change applies from the first full month
    assert october.unit_price_cents == 9900  # the whole month at the new price, no proration


def test_month_boundaries_in_berlin_across_the_dst_change(world: World) -> None:
    paid_customer(world.customer_a1)
    # Assigned 1 Nov 00:30 Berlin (= 31 Oct 23:30 UTC): not October's.
    hold(world.customer_a1, "volle_stimme", dt.datetime(2026, 10, 31, 23, 30, tzinfo=dt.UTC))
    # Released 1 Oct 00:00 Berlin (= 30 Sep 22:00 UTC): not October's either.
    hold(
        world.customer_a1,
        "klare_stimme",
        berlin(2026, 9, 1),
        dt.datetime(2026, 9, 30, 22, 0, tzinfo=dt.UTC),
    )
    run()
    assert quantities(retail(world.customer_a1)) == {"grundlizenz": 1}


def test_wholesale_invoice_has_a_line_per_customer_and_type_plus_fees(world: World) -> None:
    for customer in (world.customer_a1, world.customer_a2):
        paid_customer(customer)
        hold(customer, "klare_stimme", berlin(2026, 10, 1))
        hold(customer, "klare_stimme", berlin(2026, 10, 2))
    services.one_time_charge_create(
        acting_user=world.finance,
        customer=world.customer_a1,
        item="onsite_hour",
        quantity=Decimal("3"),
        occurred_at=berlin(2026, 10, 7, 10),
        description="Telefone montiert",
    )
    run()
    wholesale = Invoice.objects.get(kind=InvoiceKind.WHOLESALE, buyer_reseller=world.reseller_a)
    lines = [(line.customer_id, line.item, line.quantity) for line in wholesale.lines.all()]
    assert lines == sorted(lines, key=lambda x: 0) and len(lines) == 5
    assert (world.customer_a1.pk, "onsite_hour", Decimal("3")) in lines
    assert (world.customer_a2.pk, "klare_stimme", Decimal("2")) in lines
    assert wholesale.seller["name"] == "stimme Plattform GmbH"
    assert wholesale.buyer["name"] == world.reseller_a.company_name
    assert quantities(retail(world.customer_a1))["onsite_hour"] == Decimal("3")
    assert retail(world.customer_a1).seller["name"] == world.reseller_a.company_name


def test_eu_buyer_with_vat_id_gets_reverse_charge(world: World) -> None:
    Customer.objects.filter(pk=world.customer_a1.pk).update(country="AT", vat_id="ATU12345678")
    paid_customer(world.customer_a1)
    run()
    invoice = retail(world.customer_a1)
    assert invoice.reverse_charge and invoice.tax_cents == 0 and invoice.gross == invoice.net
    assert "Steuerschuldnerschaft des Leistungsempfängers" in invoice.xml
    assert "VATEX-EU-AE" in invoice.xml


def test_fees_recorded_by_provisioning_are_billed_once(world: World) -> None:
    from provisioning.models import OneTimeFeeEvent

    paid_customer(world.customer_a1)
    fee = OneTimeFeeEvent.objects.create(
        customer=world.customer_a1,
        fee_type="hunt_group",
        quantity=1,
        occurred_at=berlin(2026, 10, 14, 11),
        reference="group-2",
        label="Vertrieb",
    )
    OneTimeFeeEvent.objects.create(
        customer=world.customer_a1,
        fee_type="audio_upload",
        quantity=1,
        occurred_at=berlin(2026, 9, 30, 23, 59),
        reference="audio-1",
        label="Ansage September",
    )
    run()
    lines = quantities(retail(world.customer_a1))
    assert lines["extra_hunt_group"] == 1
    assert "custom_audio" not in lines  # September's upload belongs to September
    from billing.fees import import_provisioning_fees
    from billing.models import OneTimeCharge

    start, end = berlin(2026, 10, 1), berlin(2026, 11, 1)
    assert import_provisioning_fees(start=start, end=end) == 0
    assert OneTimeCharge.objects.filter(source_key=f"provisioning-fee:{fee.pk}").count() == 1
