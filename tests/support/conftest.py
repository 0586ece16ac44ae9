"""Support desk fixtures: status components as affected services, tickets opened at a chosen
moment through the services, and the Berlin clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from provisioning.models import Account, Customer
from status import services as status_services
from status.models import Component
from support import services
from support.models import Ticket
from tests.factories import World

BERLIN = ZoneInfo("Europe/Berlin")
Capture = Callable[..., Any]


def berlin(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """Attachments go to a folder of their own per test."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@dataclass
class Services:
    telephony: Component
    portal: Component


@pytest.fixture
def components(world: World) -> Services:
    def make(name: str, position: int) -> Component:
        return status_services.component_create(
            acting_user=world.staff, data={"name_de": name, "position": position}
        )

    return Services(telephony=make("Telefonie", 1), portal=make("Portal", 2))


def report(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Keine Anmeldung am Telefon",
        "description": "Seit heute früh meldet sich kein Telefon an.",
        "kind": "fault",
        "severity": "critical",
        "reporter_phone": "+49 30 1234567",
        "all_workstations": True,
        "reproducible": True,
    }
    data.update(overrides)
    return data


OpenTicket = Callable[..., Ticket]


@pytest.fixture
def open_ticket(world: World) -> OpenTicket:
    """``open_ticket(at, severity=…, kind=…, customer=…, actor=…)``: a ticket opened by the
    customer's admin at ``at`` (Berlin time)."""

    def make(
        at: dt.datetime,
        *,
        customer: Customer | None = None,
        actor: Account | None = None,
        **overrides: Any,
    ) -> Ticket:
        if overrides.get("kind", "fault") != "fault":
            overrides.setdefault("severity", "")
        return services.ticket_open(
            customer=customer or world.customer_a1,
            acting_user=actor or world.customer_admin_a1,
            data=report(**overrides),
            now=at,
        )

    return make


def acknowledge(
    ticket: Ticket, actor: Account, at: dt.datetime, estimate: dt.datetime, **extra: Any
) -> Ticket:
    return services.ticket_acknowledge(
        ticket=ticket,
        acting_user=actor,
        kind=extra.pop("kind", ticket.kind),
        severity=extra.pop("severity", ticket.severity),
        estimated_resolution_at=estimate,
        now=at,
        **extra,
    )


def check(at: dt.datetime) -> dict[str, int]:
    """One run of the periodic check at ``at``."""
    return services.check_ticket_clocks(now=at)
