"""``manage.py seed_demo_billing``: billing's demo data on top of ``seed_demo`` — the platform's
and the demo reseller's invoicing data, wholesale and retail price lists, a one-time fee, the
previous month billed with issued invoices, and a credit note. Safe to run again.

It lives in billing because provisioning never imports billing; ``make demo`` runs
``seed_demo`` first (whose license history starts in the previous month) and then this.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from provisioning.audit import audit_context
from provisioning.management.commands.seed_demo import CUSTOMERS, RESELLER
from provisioning.models import Account, Channel, Customer, Reseller

from ...models import (
    BillingRun,
    DocumentType,
    Invoice,
    InvoiceKind,
    InvoiceState,
    IssuerProfile,
    PriceList,
    PriceListKind,
    RunState,
)
from ...money import BERLIN, previous_month
from ...services import (
    billing_run_create,
    billing_run_execute,
    credit_note_create,
    issuer_profile_set,
    one_time_charge_create,
    price_list_create,
)
from ...services.invoices import PLATFORM, today

PLATFORM_ISSUER = {
    "company_name": "stimme Plattform GmbH",
    "street": "Friedrichstraße 100",
    "postal_code": "10117",
    "city": "Berlin",
    "country": "DE",
    "vat_id": "DE812345678",
    "tax_number": "37/123/45678",
    "email": "buchhaltung@stimme.example",
    "iban": "DE02120300000000202051",
    "bic": "BYLADEM1001",
    "bank_name": "Deutsche Kreditbank",
}
RESELLER_ISSUER = {
    "tax_number": "47/765/43210",
    "email": "rechnung@nordlicht-telekom.example",
    "iban": "DE02100500000054540402",
    "bic": "BELADEBEXXX",
    "bank_name": "Hamburger Sparkasse",
    "payment_terms_days": 10,
}
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
RETAIL = {
    "grundlizenz": Decimal("29.90"),
    "erweiterte_grundlizenz": Decimal("64.90"),
    "weiterer_standort": Decimal("14.90"),
    "klare_stimme": Decimal("4.90"),
    "klingende_stimme": Decimal("7.90"),
    "volle_stimme": Decimal("11.90"),
    "extra_hunt_group": Decimal("39.00"),
    "custom_audio": Decimal("49.00"),
    "isdn_gateway": Decimal("149.00"),
    "onsite_hour": Decimal("95.00"),
}


class Command(BaseCommand):
    help = "Bill the previous month of the seed_demo data (issued invoices, a credit note)."

    def handle(self, *args: Any, **options: Any) -> None:
        staff = Account.objects.filter(username="staff").first()
        finance = Account.objects.filter(username="finance").first()
        reseller = Reseller.objects.filter(company_name=RESELLER["company_name"]).first()
        bakery = Customer.objects.filter(company_name=CUSTOMERS[0]["company_name"]).first()
        if staff is None or finance is None or reseller is None or bakery is None:
            raise CommandError("The demo data is missing: run `manage.py seed_demo` first.")
        month = previous_month(today())
        with audit_context(channel=Channel.CLI):
            self._issuers(staff, reseller)
            self._price_lists(staff, reseller, month)
            self._onsite_work(bakery, month)
            run = self._billing_run(finance, month)
            self._credit_note(finance, bakery, month)
        invoices = Invoice.objects.filter(month=month, state=InvoiceState.FINAL).count()
        self.stdout.write(
            f"Billing demo: {month:%m/%Y} billed ({run.state}), {invoices} documents issued."
        )
        for problem in run.problems:
            self.stdout.write(self.style.WARNING(f"  problem: {problem}"))

    def _issuers(self, staff: Account, reseller: Reseller) -> None:
        """Billing refuses to run without the platform's own invoicing data."""
        if not IssuerProfile.objects.filter(issuer_key=PLATFORM).exists():
            issuer_profile_set(acting_user=staff, reseller=None, data=PLATFORM_ISSUER)
        if not IssuerProfile.objects.filter(reseller=reseller).exists():
            issuer_profile_set(acting_user=staff, reseller=reseller, data=RESELLER_ISSUER)

    def _price_lists(self, staff: Account, reseller: Reseller, month: dt.date) -> None:
        """The default wholesale list and the reseller's retail list, valid from January of
        the billed month's year (so they are in force on its first day)."""
        valid_from = month.replace(month=1)
        if not PriceList.objects.filter(kind=PriceListKind.WHOLESALE, reseller=None).exists():
            price_list_create(
                acting_user=staff,
                kind=PriceListKind.WHOLESALE,
                reseller=None,
                name="Standard-Einkaufspreise",
                valid_from=valid_from,
                prices=WHOLESALE,
            )
        if not PriceList.objects.filter(kind=PriceListKind.RETAIL, reseller=reseller).exists():
            price_list_create(
                acting_user=staff,
                kind=PriceListKind.RETAIL,
                reseller=reseller,
                name=f"Endkundenpreise {reseller.company_name}",
                valid_from=valid_from,
                prices=RETAIL,
            )

    def _onsite_work(self, customer: Customer, month: dt.date) -> None:
        """Two hours of on-site work in the billed month (before it is billed)."""
        if BillingRun.objects.filter(month=month, state=RunState.DONE).exists():
            return
        one_time_charge_create(
            acting_user=None,
            customer=customer,
            item="onsite_hour",
            quantity=Decimal(2),
            occurred_at=dt.datetime.combine(month.replace(day=12), dt.time(10), tzinfo=BERLIN),
            description="Einrichtung der Telefone",
            source_key=f"demo:onsite:{month:%Y-%m}",
        )

    def _billing_run(self, finance: Account, month: dt.date) -> BillingRun:
        run, _created = billing_run_create(month=month, acting_user=finance)
        if run.state != RunState.DONE:
            run = billing_run_execute(run_id=run.pk)
        return run

    def _credit_note(self, finance: Account, customer: Customer, month: dt.date) -> None:
        """A goodwill credit for the on-site work on the bakery's retail invoice."""
        invoice = Invoice.objects.filter(
            month=month,
            kind=InvoiceKind.RETAIL,
            document_type=DocumentType.INVOICE,
            buyer_customer=customer,
            state=InvoiceState.FINAL,
        ).first()
        if invoice is None or Invoice.objects.filter(corrects=invoice).exists():
            return
        onsite = [line.position for line in invoice.lines.all() if line.item == "onsite_hour"]
        credit_note_create(
            invoice=invoice,
            acting_user=finance,
            reason="Kulanz: Einrichtung vor Ort nicht berechnet",
            positions=onsite or None,
        )
