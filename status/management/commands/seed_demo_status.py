"""Demo data of the status page: components in groups, a week of history (an incident, a false
alarm, a maintenance) and an upcoming maintenance window. Safe to run again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from provisioning.audit import audit_context
from provisioning.models import Channel
from status import services, steps
from status.maintenance_rules import BERLIN, service_hours_overlap
from status.models import Component, ComponentGroup, Event

GROUPS = [
    ("Telefonanlage", "Telephone system", 1),
    ("Verwaltung", "Administration", 3),
]
COMPONENTS = [
    # name_de, name_en, group, position, description_de, description_en
    (
        "Telefonie",
        "Telephony",
        "Telefonanlage",
        1,
        "Anrufe, Rufnummern, SIP-Trunks",
        "Calls, numbers, SIP trunks",
    ),
    ("Voicemail", "Voicemail", "Telefonanlage", 2, "", ""),
    ("Fax-Server", "Fax server", "Telefonanlage", 3, "", ""),
    ("Telefonbuch/LDAP", "Phonebook/LDAP", "Telefonanlage", 4, "", ""),
    ("UC-Client", "UC client", None, 2, "Softphone, Präsenz, Chat", "Softphone, presence, chat"),
    ("Portal", "Portal", "Verwaltung", 1, "", ""),
    ("API", "API", "Verwaltung", 2, "", ""),
    ("Netzprüfung", "Network check", "Verwaltung", 3, "", ""),
]


def _next_night(after: dt.datetime) -> dt.datetime:
    """The first 22:00 (Berlin) after ``after`` whose two hours lie outside service hours."""
    day = after.astimezone(BERLIN).date()
    while True:
        start = dt.datetime.combine(day, dt.time(22, 0), tzinfo=BERLIN)
        if start > after and service_hours_overlap(start, start + dt.timedelta(hours=2)) is None:
            return start
        day += dt.timedelta(days=1)


class Command(BaseCommand):
    help = "Seed the status page with demo components and events (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(channel=Channel.CLI):
            components = self._components()
            if Event.objects.exists():
                self.stdout.write("status page: components ready, events already present")
                return
            self._events(components)
        self.stdout.write("status page: demo components and events seeded")

    def _components(self) -> dict[str, Component]:
        groups = {}
        for name_de, name_en, position in GROUPS:
            group = ComponentGroup.objects.filter(name_de=name_de).first()
            if group is None:
                group = services.component_group_create(
                    acting_user=None,
                    data={"name_de": name_de, "name_en": name_en, "position": position},
                )
            groups[name_de] = group
        result = {}
        for name_de, name_en, group_name, position, desc_de, desc_en in COMPONENTS:
            component = Component.objects.filter(name_de=name_de).first()
            if component is None:
                component = services.component_create(
                    acting_user=None,
                    data={
                        "name_de": name_de,
                        "name_en": name_en,
                        "group": groups[group_name] if group_name else None,
                        "position": position,
                        "description_de": desc_de,
                        "description_en": desc_en,
                    },
                )
            result[name_de] = component
        return result

    def _events(self, c: dict[str, Component]) -> None:
        now = timezone.now()
        yesterday = (
            (now - dt.timedelta(days=1))
            .astimezone(BERLIN)
            .replace(hour=15, minute=18, second=57, microsecond=0)
        )
        incident = services.incident_open(
            acting_user=None,
            title_de="Eingeschränkte Erreichbarkeit der Telefonie",
            title_en="Reduced availability of telephony",
            components=[c["Telefonie"], c["Voicemail"]],
            message_de=(
                "Einzelne Anrufe brechen ab. Wir untersuchen die Ursache und melden uns, sobald "
                "wir mehr wissen."
            ),
            message_en="Some calls drop. We are investigating and will update you soon.",
            now=yesterday,
        )
        for minutes, step, de, en in [
            (
                58,
                steps.IDENTIFIED,
                "Ursache gefunden: ein überlasteter Vermittlungsknoten. Wir verteilen die Last um.",
                "Cause found: an overloaded switching node. We are moving load away from it.",
            ),
            (
                62,
                steps.RECOVERING,
                "Die Last ist verteilt; wir starten zwei Systeme neu und beobachten.",
                "Load is moved; we are restarting two systems and keep watching.",
            ),
            (
                70,
                steps.RESOLVED,
                "Behoben. Alle Anrufe laufen wieder normal. Danke für Ihre Geduld.",
                "Resolved. All calls work normally again. Thank you for your patience.",
            ),
        ]:
            services.event_post_update(
                event=incident,
                acting_user=None,
                step=step,
                message_de=de,
                message_en=en,
                now=yesterday + dt.timedelta(minutes=minutes, seconds=38 if minutes == 70 else 0),
            )
        alarm_at = yesterday + dt.timedelta(hours=2, minutes=14)
        alarm = services.incident_open(
            acting_user=None,
            title_de="Mögliche Störung des Portals",
            title_en="Possible portal disruption",
            components=[c["Portal"]],
            impact="minor",
            message_de="Unsere Überwachung meldet langsame Antworten des Portals. Wir prüfen das.",
            message_en="Our monitoring reports slow portal responses. We are checking.",
            now=alarm_at,
        )
        services.event_post_update(
            event=alarm,
            acting_user=None,
            step=steps.FALSE_ALARM,
            message_de="Fehlalarm: die Messung selbst war gestört, das Portal lief durchgehend.",
            message_en="False alarm: the probe itself failed; the portal ran throughout.",
            now=alarm_at + dt.timedelta(minutes=16, seconds=43),
        )
        start = _next_night(now - dt.timedelta(days=3))
        services.maintenance_schedule(
            acting_user=None,
            title_de="Aktualisierung des Telefonbuch-Servers",
            title_en="Phonebook server update",
            components=[c["Telefonbuch/LDAP"]],
            scheduled_start=start,
            scheduled_end=start + dt.timedelta(minutes=15),
            message_de="Wir spielen eine neue Version des Verzeichnisdienstes ein.",
            message_en="We install a new version of the directory service.",
            now=start - dt.timedelta(days=8),
        )
        services.maintenance_tick(now=start)
        services.maintenance_tick(now=start + dt.timedelta(minutes=15, seconds=5))
        upcoming = _next_night(now + dt.timedelta(days=8))
        services.maintenance_schedule(
            acting_user=None,
            title_de="Wartung der Sprachplattform",
            title_en="Voice platform maintenance",
            components=[c["Telefonie"], c["Voicemail"], c["UC-Client"]],
            scheduled_start=upcoming,
            scheduled_end=upcoming + dt.timedelta(hours=1),
            message_de=(
                "Wir aktualisieren die Vermittlungsknoten. Anrufe können für einige Minuten "
                "abbrechen."
            ),
            message_en="We update the switching nodes. Calls may drop for a few minutes.",
            now=now,
        )
