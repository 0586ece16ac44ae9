"""SUP-3, SUP-4: the periodic check works many due tickets in batches — each gets its flag,
history entry, audit entry and mails exactly as when checked alone — and a second run finds
nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from provisioning.models import AuditEvent
from support import services
from support.models import ChangeKind, Ticket, TicketMail
from support.services import clocks
from tests.factories import World

from .conftest import Capture, OpenTicket, berlin

MONDAY_9 = berlin(2026, 9, 7, 9, 0)
LATE = berlin(2026, 9, 7, 10, 5)


@pytest.mark.parametrize("batch", [3, 1000])
def test_every_due_ticket_is_worked_once_in_batches(
    world: World,
    open_ticket: OpenTicket,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Capture,
    batch: int,
) -> None:
    monkeypatch.setattr(clocks, "BATCH", batch)
    due = [open_ticket(MONDAY_9, severity="critical") for _ in range(7)]
    waiting_later = open_ticket(MONDAY_9, severity="minor")  # reaction due in 24 service hours
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.check_ticket_clocks(now=LATE)
    assert counts == {"reaction_breached": 7}
    for ticket in due:
        ticket.refresh_from_db()
        assert ticket.reaction_breached_at == LATE
        assert ticket.next_check_at == ticket.resolution_due_at
        (change,) = ticket.changes.filter(kind=ChangeKind.REACTION_BREACHED)
        assert change.internal and change.actor_side == "system" and change.at == LATE
        entry = AuditEvent.objects.get(object_id=str(ticket.pk), action="update")
        assert entry.changes["reaction_breached_at"][0] is None
        assert entry.channel and entry.customer_id == world.customer_a1.pk
        breach_mail = TicketMail.objects.get(ticket=ticket, key__startswith=f"breach:{change.pk}:")
        assert breach_mail.recipient == world.reseller_a.contact_email
    assert len([m for m in mail.outbox if "Reaktionszeit" in m.subject]) == 7
    waiting_later.refresh_from_db()
    assert waiting_later.reaction_breached_at is None
    # Nothing is left: a second run changes nothing and mails nothing.
    before = (Ticket.objects.filter(reaction_breached_at__isnull=False).count(), len(mail.outbox))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.check_ticket_clocks(now=LATE) == {}
    after = (Ticket.objects.filter(reaction_breached_at__isnull=False).count(), len(mail.outbox))
    assert before == after
