"""Demo data: one reseller, two customers, a login for every role. Safe to run again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from provisioning import services
from provisioning.audit import audit_context
from provisioning.models import Account, Channel, Customer, Reseller, Role

DEMO_PASSWORD = "stimme-demo-2026"

RESELLER = {
    "company_name": "Nordlicht Telekom GmbH",
    "street": "Hafenstraße 12",
    "postal_code": "20457",
    "city": "Hamburg",
    "country": "DE",
    "vat_id": "DE811234567",
    "contact_name": "Jana Petersen",
    "contact_email": "partner@nordlicht-telekom.example",
    "contact_phone": "+494012345670",
}
CUSTOMERS = [
    {
        "company_name": "Bäckerei Krume GmbH",
        "street": "Lindenallee 3",
        "postal_code": "10115",
        "city": "Berlin",
        "country": "DE",
        "vat_id": "DE298765432",
        "federal_state": "BE",
        "contact_name": "Paul Krume",
        "contact_email": "it@krume.example",
    },
    {
        "company_name": "Kanzlei Weiss & Partner",
        "street": "Marienplatz 8",
        "postal_code": "80331",
        "city": "München",
        "country": "DE",
        "vat_id": "DE276543210",
        "federal_state": "BY",
        "contact_name": "Dr. Eva Weiss",
        "contact_email": "office@weiss-partner.example",
    },
]


class Command(BaseCommand):
    help = "Create demo data (one reseller, two customers, a login per role) and print the logins."

    def _account(self, username: str, role: str, **scope: Any) -> Account:
        existing = Account.objects.filter(username=username).first()
        if existing:
            return existing
        return services.account_create(
            acting_user=None,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            email=f"{username}@stimme.example",
            **scope,
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(channel=Channel.CLI):
            staff = self._account("staff", Role.PLATFORM_STAFF)
            self._account("finance", Role.PLATFORM_FINANCE)
            reseller = Reseller.objects.filter(company_name=RESELLER["company_name"]).first()
            if reseller is None:
                reseller = services.reseller_create(acting_user=staff, data=RESELLER)
            self._account("reseller", Role.RESELLER_ADMIN, reseller=reseller)
            customers = []
            for data in CUSTOMERS:
                customer = Customer.objects.filter(
                    reseller=reseller, company_name=data["company_name"]
                ).first()
                if customer is None:
                    customer = services.customer_create(
                        reseller=reseller, acting_user=staff, data=data
                    )
                customers.append(customer)
            self._account("kunde1", Role.CUSTOMER_ADMIN, customer=customers[0])
            self._account("kunde2", Role.CUSTOMER_ADMIN, customer=customers[1])
            self._account("nutzer1", Role.END_USER, customer=customers[0])

        rows = [
            ("staff", "Plattform-Betrieb"),
            ("finance", "Plattform-Buchhaltung"),
            ("reseller", f"Reseller-Admin, {reseller.company_name}"),
            ("kunde1", f"Kunden-Admin, {customers[0].company_name}"),
            ("kunde2", f"Kunden-Admin, {customers[1].company_name}"),
            ("nutzer1", f"Benutzer, {customers[0].company_name}"),
        ]
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, label in rows:
            self.stdout.write(f"  {username:<10} {label}")
