"""SUP-4: a missed estimate raises the escalation level one step — level 1 a new estimate,
level 2 a plan with the customer and more experts, level 3 the management — each recorded on
the ticket (history and audit log) and mailed to the assignee and the escalation contacts. The
periodic beat task does it; running it again changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from provisioning.models import AuditEvent
from support import services
from support.models import ChangeKind, Ticket
from support.tasks import check_ticket_clocks
from tests.factories import World

from .conftest import Capture, OpenTicket, acknowledge, berlin

MONDAY_9 = berlin(2026, 9, 7, 9, 0)
MINUTE = dt.timedelta(minutes=1)


def beat(at: dt.datetime) -> dict[str, int]:
    """One run of the beat task, as Celery runs it (eagerly here)."""
    return check_ticket_clocks.delay(now=at.isoformat()).get()  # type: ignore[no-any-return]


def _levels(ticket: Ticket) -> list[int]:
    return [change.data["level"] for change in ticket.changes.filter(kind=ChangeKind.ESCALATION)]


@pytest.fixture
def contacts(world: World) -> None:
    services.support_desk_update(
        reseller=world.reseller_a,
        acting_user=world.reseller_admin_a,
        data={
            "escalation_emails": ["eskalation@reseller.example"],
            "management_emails": ["geschaeftsfuehrung@reseller.example"],
        },
    )


def _recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


@pytest.mark.usefixtures("contacts")
def test_three_levels_in_order_by_the_beat_task(
    world: World, open_ticket: OpenTicket, django_capture_on_commit_callbacks: Capture
) -> None:
    reseller = world.reseller_admin_a
    assignee = reseller.email
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(MONDAY_9, severity="major")
        acknowledge(ticket, reseller, MONDAY_9 + 10 * MINUTE, berlin(2026, 9, 7, 15, 0))
    mail.outbox.clear()

    # Estimate 1 missed: level 1 — a new estimate must be communicated.
    with django_capture_on_commit_callbacks(execute=True):
        assert beat(berlin(2026, 9, 7, 14, 59)) == {"mails_swept": 0}
        assert beat(berlin(2026, 9, 7, 15, 1)) == {"escalation_level_1": 1, "mails_swept": 0}
        assert beat(berlin(2026, 9, 7, 15, 2)) == {"mails_swept": 0}
    ticket.refresh_from_db()
    assert ticket.escalation_level == 1
    assert _recipients() == {assignee, "eskalation@reseller.example"}
    assert all(f"[#{ticket.number}] Eskalationsstufe 1" == m.subject for m in mail.outbox)
    assert "neue voraussichtliche Lösung" in mail.outbox[0].body
    mail.outbox.clear()

    # A new estimate is communicated to the reporter; missed again: level 2.
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_set_estimate(
            ticket=ticket,
            acting_user=reseller,
            estimated_resolution_at=berlin(2026, 9, 8, 12, 0),
            note="Ein Techniker ist unterwegs.",
            now=berlin(2026, 9, 7, 15, 30),
        )
    assert [m.to for m in mail.outbox] == [[world.customer_admin_a1.email]]
    assert "08.09.2026 12:00" in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert beat(berlin(2026, 9, 8, 11, 59)) == {"mails_swept": 0}
        assert beat(berlin(2026, 9, 8, 12, 1))["escalation_level_2"] == 1
    ticket.refresh_from_db()
    assert ticket.escalation_level == 2
    assert "Fachleute" in mail.outbox[0].body
    assert "geschaeftsfuehrung@reseller.example" not in _recipients()
    mail.outbox.clear()

    # The plan's estimate missed too: level 3 — the management is told.
    services.ticket_set_estimate(
        ticket=ticket,
        acting_user=reseller,
        estimated_resolution_at=berlin(2026, 9, 9, 12, 0),
        now=berlin(2026, 9, 8, 13, 0),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert beat(berlin(2026, 9, 9, 12, 1))["escalation_level_3"] == 1
    ticket.refresh_from_db()
    assert ticket.escalation_level == 3
    assert _recipients() == {
        assignee,
        "eskalation@reseller.example",
        "geschaeftsfuehrung@reseller.example",
    }
    assert "Geschäftsführung" in mail.outbox[0].body

    # Beyond level 3 a missed estimate is recorded and mailed, the level stays.
    services.ticket_set_estimate(
        ticket=ticket,
        acting_user=reseller,
        estimated_resolution_at=berlin(2026, 9, 10, 12, 0),
        now=berlin(2026, 9, 9, 13, 0),
    )
    assert beat(berlin(2026, 9, 10, 12, 1))["estimate_missed"] == 1
    ticket.refresh_from_db()
    assert ticket.escalation_level == 3

    assert _levels(ticket) == [1, 2, 3]
    audited = [
        event.changes["escalation_level"]
        for event in AuditEvent.objects.filter(object_id=str(ticket.pk), action="update").order_by(
            "occurred_at"
        )
        if "escalation_level" in event.changes
    ]
    assert audited == [[0, 1], [1, 2], [2, 3]]
    assert set(
        AuditEvent.objects.filter(object_id=str(ticket.pk), actor_label="system").values_list(
            "channel", flat=True
        )
    ) == {"task"}


def test_waiting_for_the_customer_escalates_nothing(world: World, open_ticket: OpenTicket) -> None:
    ticket = open_ticket(MONDAY_9, severity="major")
    acknowledge(ticket, world.reseller_admin_a, MONDAY_9 + MINUTE, berlin(2026, 9, 7, 15, 0))
    services.ticket_transition(
        ticket=ticket,
        acting_user=world.reseller_admin_a,
        state="waiting_for_customer",
        now=berlin(2026, 9, 7, 12, 0),
    )
    assert beat(berlin(2026, 9, 9, 12, 0)) == {"mails_swept": 0}
    ticket.refresh_from_db()
    assert ticket.escalation_level == 0


def test_a_second_level_ticket_escalates_to_the_platform_contacts(
    world: World,
    open_ticket: OpenTicket,
    settings: object,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    settings.SUPPORT_PLATFORM_ESCALATION_EMAILS = ["leitstand@stimme.example"]  # type: ignore[attr-defined]
    settings.SUPPORT_PLATFORM_MANAGEMENT_EMAILS = ["vorstand@stimme.example"]  # type: ignore[attr-defined]
    ticket = open_ticket(MONDAY_9, severity="critical")
    platform = services.ticket_escalate(
        ticket=ticket, acting_user=world.reseller_admin_a, note="Bitte übernehmen.", now=MONDAY_9
    )
    acknowledge(platform, world.staff, MONDAY_9 + MINUTE, berlin(2026, 9, 7, 11, 0))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert beat(berlin(2026, 9, 7, 11, 1))["escalation_level_1"] == 1
    assert _recipients() == {
        world.staff.email,
        "leitstand@stimme.example",
        world.reseller_a.contact_email,
    }
    # The customer's own ticket shows the platform's progress internally, for the reseller.
    assert ticket.changes.filter(kind=ChangeKind.PLATFORM_TICKET_CHANGED, internal=True).exists()
