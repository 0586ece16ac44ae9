"""Demo data: one reseller, two customers, a login for every role. Safe to run again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from provisioning import services
from provisioning.audit import audit_context
from provisioning.models import Account, Channel, Customer, Reseller, Role, Site, Subscriber

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


DEMO_BASE_NUMBER = "+49305550100"
DEMO_USERS = [
    ("Paul", "Krume", "volle_stimme"),
    ("Lena", "Schulz", "klingende_stimme"),
    ("Ali", "Yilmaz", "klare_stimme"),
    ("Mia", "Wagner", "klingende_stimme"),
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

    def _telephone_system(self, customer: Customer, staff: Account, end_user: Account) -> None:
        """Base license, a site with trunk and number block, and a few users (once)."""
        if Site.objects.filter(customer=customer).exists():
            return
        services.customer_set_base_license(
            customer=customer, license_type="grundlizenz", acting_user=staff
        )
        site = services.site_create(
            customer=customer,
            acting_user=staff,
            data={
                "name": "Zentrale",
                "street": customer.street,
                "postal_code": customer.postal_code,
                "city": customer.city,
                "country": customer.country,
            },
        )
        trunk = services.trunk_create(
            site=site,
            acting_user=staff,
            data={
                "provider": "peoplefone",
                "connection_type": "sip_datacenter",
                "registrar_host": "sip.peoplefone.example",
                "username": "krume-zentrale",
                "state": "active",
            },
            password="demo-trunk-secret",  # noqa: S106 - demo data
        )
        services.number_block_create(
            trunk=trunk,
            acting_user=staff,
            base_number=DEMO_BASE_NUMBER,
            first_extension=0,
            last_extension=99,
        )
        for extension, (first, last, package) in enumerate(DEMO_USERS, start=10):
            user = services.user_create(
                customer=customer,
                acting_user=staff,
                data={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{first.lower()}.{last.lower()}@krume.example",
                    "site": site,
                    "extension": str(extension),
                    "package": package,
                },
            )
            if extension == 10:
                Subscriber.objects.filter(pk=user.pk).update(account=end_user)

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
            end_user = self._account("nutzer1", Role.END_USER, customer=customers[0])
            self._telephone_system(customers[0], staff, end_user)

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
