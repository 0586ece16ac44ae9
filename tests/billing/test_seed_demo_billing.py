"""Billing's demo data: the demo license history makes the previous month billable, the run
issues a wholesale and a retail invoice plus a credit note, and a second run changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from billing.models import BillingRun, Invoice, IssuerProfile, OneTimeCharge, PriceList
from billing.money import previous_month
from billing.peaks import peak_quantities
from billing.services.invoices import today
from provisioning.models import Customer


@pytest.fixture
def demo(db: None, settings, tmp_path: Path) -> Customer:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("seed_demo")
    return Customer.objects.get(company_name="Bäckerei Krume GmbH")


def test_license_history_starts_in_the_previous_month_without_double_counting(
    demo: Customer,
) -> None:
    expected = {"grundlizenz": 1, "klare_stimme": 1, "klingende_stimme": 2, "volle_stimme": 1}
    for month in (previous_month(today()), today().replace(day=1)):
        peaks = {
            license_type: count
            for (customer_id, license_type), count in peak_quantities(month).items()
            if customer_id == demo.pk
        }
        assert peaks == expected, month


def test_billing_demo_issues_invoices_for_the_previous_month_once(demo: Customer, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo_billing")
    assert "problem" not in capsys.readouterr().out
    month = previous_month(today())
    counts = {
        model.__name__: model.objects.count()
        for model in (BillingRun, Invoice, IssuerProfile, OneTimeCharge, PriceList)
    }
    call_command("seed_demo_billing")
    call_command("seed_demo")
    assert {
        model.__name__: model.objects.count()
        for model in (BillingRun, Invoice, IssuerProfile, OneTimeCharge, PriceList)
    } == counts
    assert BillingRun.objects.get(month=month).state == "done"
    issued = Invoice.objects.filter(month=month, state="final")
    assert sorted((i.kind, i.document_type) for i in issued) == [
        ("retail", "credit_note"),
        ("retail", "invoice"),
        ("wholesale", "invoice"),
    ]
    retail = issued.get(kind="retail", document_type="invoice")
    assert retail.buyer_customer == demo and retail.number == "RE-000001"
    assert {line.item for line in retail.lines.all()} >= {"grundlizenz", "onsite_hour"}


def test_billing_demo_needs_the_demo_data(db: None) -> None:
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_demo_billing")
