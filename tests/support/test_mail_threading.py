"""SUP-1, SUP-5: every support mail is threaded on its ticket — the number in the subject, a
stable Message-ID per mail, the ticket's first mail as the thread every later one refers to,
and the support mailbox as the address for replies."""

from __future__ import annotations

from typing import Any

from django.core import mail

from support import services
from support.models import TicketMail
from tests.factories import World

from .conftest import Capture, OpenTicket, acknowledge, berlin

MONDAY_9 = berlin(2026, 9, 7, 9, 0)


def test_every_mail_is_threaded_on_the_tickets_first_mail(
    world: World,
    open_ticket: OpenTicket,
    settings: Any,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    settings.SUPPORT_MAILBOX_ADDRESS = "support@stimme.example"
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(MONDAY_9, severity="major")
        acknowledge(ticket, world.reseller_admin_a, berlin(2026, 9, 7, 9, 30), berlin(2026, 9, 8))
        services.message_post(
            ticket=ticket, acting_user=world.reseller_admin_a, body="Bitte neu starten."
        )
    thread = f"<ticket-{ticket.number}@stimme.example>"
    receipt, *later = sorted(mail.outbox, key=lambda m: "Eingang" not in m.subject)
    assert "Eingang" in receipt.subject
    assert receipt.extra_headers["Message-ID"] == thread
    assert "In-Reply-To" not in receipt.extra_headers
    assert len(later) == 2
    ids = {thread}
    for message in [receipt, *later]:
        assert message.subject.startswith(f"[#{ticket.number}] ")
        assert message.extra_headers["Reply-To"] == "support@stimme.example"
    for message in later:
        assert message.extra_headers["In-Reply-To"] == thread
        assert message.extra_headers["References"] == thread
        ids.add(message.extra_headers["Message-ID"])
    assert len(ids) == 3  # one Message-ID per mail
    # The Message-ID is stored with its row (inbound replies are matched by it) and is stable.
    rows = TicketMail.objects.filter(ticket=ticket)
    assert {row.message_id for row in rows} == ids
    assert all(row.headers["Message-ID"] == row.message_id for row in rows)


def test_without_a_support_mailbox_no_reply_to(
    open_ticket: OpenTicket, settings: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    settings.SUPPORT_MAILBOX_ADDRESS = ""
    with django_capture_on_commit_callbacks(execute=True):
        open_ticket(MONDAY_9, severity="minor")
    assert mail.outbox and all("Reply-To" not in m.extra_headers for m in mail.outbox)
