"""Fixtures of the support pages: tickets opened through the services, attachments in a folder
of their own per test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from support import services
from support.models import Ticket
from tests.factories import World

REPORT = {
    "title": "Keine Anmeldung am Telefon",
    "description": "Seit heute früh meldet sich kein Telefon an.",
    "kind": "fault",
    "severity": "critical",
    "reporter_phone": "+49 30 1234567",
    "all_workstations": True,
}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def open_ticket(world: World, **overrides: Any) -> Ticket:
    return services.ticket_open(
        customer=overrides.pop("customer", world.customer_a1),
        acting_user=overrides.pop("actor", world.customer_admin_a1),
        data={**REPORT, **overrides},
    )


def escalated(world: World) -> tuple[Ticket, Ticket]:
    """A customer ticket of A1, acknowledged and escalated: (customer ticket, platform ticket),
    with an internal note of the reseller and a reply of platform staff."""
    import datetime as dt

    from django.utils import timezone

    ticket = open_ticket(world)
    services.ticket_acknowledge(
        ticket=ticket,
        acting_user=world.reseller_admin_a,
        kind="fault",
        severity="critical",
        estimated_resolution_at=timezone.now() + dt.timedelta(hours=3),
    )
    services.message_post(
        ticket=ticket,
        acting_user=world.reseller_admin_a,
        body="Geheime Notiz: SBC prüfen",
        internal=True,
    )
    child = services.ticket_escalate(
        ticket=ticket, acting_user=world.reseller_admin_a, note="SIP-Registrierung scheitert"
    )
    services.message_post(
        ticket=child, acting_user=world.staff, body="Wir starten den SBC neu.", internal=False
    )
    return ticket, child
