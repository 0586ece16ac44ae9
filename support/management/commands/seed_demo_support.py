"""Demo data of the support desk, after ``seed_demo``: the reseller's service desk, the
bakery's support PIN (4711, end users may open tickets) and a few tickets in different states —
one critical fault escalated to the platform, where platform staff replied. Safe to run again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from provisioning.audit import audit_context
from provisioning.management.commands.seed_demo import CUSTOMERS, RESELLER
from provisioning.models import Account, Channel, Customer, Reseller
from support import services
from support.models import Ticket


class Command(BaseCommand):
    help = "Create demo support tickets (run after seed_demo)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        reseller = Reseller.objects.filter(company_name=RESELLER["company_name"]).first()
        if reseller is None:
            self.stderr.write("Run seed_demo first.")
            return
        if Ticket.objects.filter(reseller=reseller).exists():
            self.stdout.write("Demo tickets exist already.")
            return
        with audit_context(channel=Channel.CLI):
            self._seed(reseller)
        self.stdout.write("Demo tickets created (support PIN of the bakery: 4711).")

    def _seed(self, reseller: Reseller) -> None:
        staff = Account.objects.get(username="staff")
        agent = Account.objects.get(username="reseller")
        bakery = Customer.objects.get(reseller=reseller, company_name=CUSTOMERS[0]["company_name"])
        office = Customer.objects.get(reseller=reseller, company_name=CUSTOMERS[1]["company_name"])
        admin = Account.objects.get(username="kunde1")
        office_admin = Account.objects.get(username="kunde2")
        end_user = Account.objects.get(username="nutzer1")
        services.support_desk_update(
            reseller=reseller,
            acting_user=agent,
            data={
                "federal_state": "HH",
                "escalation_emails": ["eskalation@nordlicht-telekom.example"],
                "management_emails": ["geschaeftsfuehrung@nordlicht-telekom.example"],
            },
        )
        services.customer_support_update(
            customer=bakery,
            acting_user=admin,
            data={"support_pin": "4711", "end_users_may_open_tickets": True},
        )
        later = timezone.now() + dt.timedelta(days=2)

        def acknowledge(ticket: Ticket, **data: Any) -> Ticket:
            return services.ticket_acknowledge(
                ticket=ticket,
                acting_user=agent,
                kind=ticket.kind,
                severity=ticket.severity,
                estimated_resolution_at=later,
                **data,
            )

        fault = services.ticket_open(
            customer=bakery,
            acting_user=admin,
            data={
                "title": "Telefone melden sich nicht an",
                "description": "Seit 07:45 zeigen alle Tischtelefone „Keine Registrierung“.",
                "kind": "fault",
                "severity": "critical",
                "reporter_phone": "+49 30 5550100",
                "all_workstations": True,
                "reproducible": True,
            },
        )
        acknowledge(fault, message="Wir prüfen die Registrierung am Session Border Controller.")
        services.message_post(
            ticket=fault,
            acting_user=agent,
            body="SBC-Log zeigt 403 für alle Nebenstellen – Plattform einbeziehen.",
            internal=True,
        )
        platform = services.ticket_escalate(
            ticket=fault,
            acting_user=agent,
            note="SIP-Registrierung scheitert seit 07:45 für alle Geräte der Bäckerei Krume.",
        )
        services.message_post(
            ticket=platform,
            acting_user=staff,
            body="Zertifikat am SBC erneuert; bitte Registrierung erneut prüfen.",
        )
        services.message_post(
            ticket=fault,
            acting_user=agent,
            body="Die Ursache ist gefunden; die Telefone melden sich in Kürze wieder an.",
        )
        services.ticket_open(
            customer=bakery,
            acting_user=admin,
            data={
                "title": "Rufumleitung greift verzögert",
                "description": "Die Umleitung aufs Handy klingelt erst nach 40 Sekunden.",
                "kind": "fault",
                "severity": "minor",
            },
        )
        request = services.ticket_open(
            customer=bakery,
            acting_user=end_user,
            data={
                "title": "Neue Durchwahl für das Lager",
                "description": "Das Lager braucht eine eigene Durchwahl.",
                "kind": "service_request",
            },
        )
        acknowledge(request)
        services.ticket_transition(
            ticket=request,
            acting_user=agent,
            state="waiting_for_customer",
            note="Welche Rufnummer soll das Lager bekommen?",
        )
        change = services.ticket_open(
            customer=office,
            acting_user=office_admin,
            data={
                "title": "Ansage der Zentrale ändern",
                "description": "Bitte die Öffnungszeiten in der Ansage anpassen.",
                "kind": "change_request",
            },
        )
        acknowledge(change)
        services.ticket_transition(ticket=change, acting_user=agent, state="resolved")
