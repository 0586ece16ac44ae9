"""SUP-1, SUP-5: replies by mail become public messages on their tickets — matched by headers
first and subject second, only from someone related to the ticket, stored once per Message-ID,
attachments through the upload checks; against a real Dovecot on loopback as well."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from django.core import mail

from support import inbound, services, tasks
from support.inbound import Outcome
from support.models import Ticket, TicketAttachment, TicketMail, TicketMessage
from tests.dovecot import Mailbox, running_dovecot
from tests.factories import World

from .conftest import OpenTicket, acknowledge, berlin, report

MONDAY_9 = berlin(2026, 9, 7, 9, 0)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

pytestmark = pytest.mark.django_db


def reply_mail(
    sender: str,
    *,
    subject: str = "Re: Antwort",
    body: str = "Neustart hat geholfen.",
    message_id: str = "<reply-1@kunde.example>",
    in_reply_to: str | None = None,
    files: dict[str, bytes] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = f"Kunde <{sender}>"
    message["To"] = "support@stimme.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = f"<ticket-T-100000@stimme.example> {in_reply_to}"
    message.set_content(body)
    for name, data in (files or {}).items():
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return message.as_bytes()


@pytest.fixture
def waiting(world: World, open_ticket: OpenTicket) -> Ticket:
    """A major fault of customer A1, acknowledged and waiting for the customer."""
    ticket = open_ticket(MONDAY_9, severity="major")
    acknowledge(ticket, world.reseller_admin_a, berlin(2026, 9, 7, 9, 30), berlin(2026, 9, 9))
    return services.ticket_transition(
        ticket=ticket, acting_user=world.reseller_admin_a, state="waiting_for_customer"
    )


def last_mail_id(ticket: Ticket) -> str:
    return (
        TicketMail.objects.filter(ticket=ticket)
        .order_by("-pk")
        .values_list("message_id", flat=True)[0]
    )


def test_a_reply_is_threaded_by_its_headers_and_resumes_the_ticket(
    world: World, waiting: Ticket
) -> None:
    raw = reply_mail(
        world.customer_admin_a1.email,
        subject="Re: ohne Nummer",
        body=(
            "Neustart hat geholfen.\n\n"
            "Am 07.09.2026 um 09:30 schrieb Support:\n> Bitte neu starten.\n"
        ),
        in_reply_to=last_mail_id(waiting),
    )
    assert inbound.process(raw) == Outcome.STORED
    message = TicketMessage.objects.get(ticket=waiting)
    assert message.body == "Neustart hat geholfen."
    assert message.author == world.customer_admin_a1 and not message.internal
    assert message.mail_message_id == "<reply-1@kunde.example>"
    waiting.refresh_from_db()
    assert waiting.state == "in_progress"
    # The same mail again stores nothing new.
    assert inbound.process(raw) == Outcome.DUPLICATE
    assert TicketMessage.objects.filter(ticket=waiting).count() == 1


def test_the_subject_is_the_second_way_to_the_ticket(world: World, waiting: Ticket) -> None:
    raw = reply_mail(world.reseller_admin_a.email, subject=f"AW: [#{waiting.number}] Antwort")
    assert inbound.process(raw) == Outcome.STORED
    assert TicketMessage.objects.get(ticket=waiting).author == world.reseller_admin_a


def test_unknown_senders_and_forged_ids_store_nothing(
    world: World, waiting: Ticket, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="support.inbound")
    unknown = reply_mail("fremd@example.org", subject=f"[#{waiting.number}] x")
    assert inbound.process(unknown) == Outcome.FOREIGN_TICKET
    # Another reseller's customer names a ticket it has no relation to, by header and subject.
    forged = reply_mail(
        world.customer_admin_b1.email,
        subject=f"[#{waiting.number}] x",
        message_id="<forged@b.example>",
        in_reply_to=f"<ticket-{waiting.number}@stimme.example>",
    )
    assert inbound.process(forged) == Outcome.FOREIGN_TICKET
    # An end user of the same customer sees only its own tickets.
    own = reply_mail(
        world.end_user_a1.email, subject=f"[#{waiting.number}] x", message_id="<eu@a.example>"
    )
    assert inbound.process(own) == Outcome.FOREIGN_TICKET
    assert not TicketMessage.objects.exists()
    assert sum("no relation" in record.getMessage() for record in caplog.records) == 3
    assert mail.outbox == [] or all("Keine Ticketnummer" not in m.subject for m in mail.outbox)


def test_a_mail_without_a_ticket_id_is_answered_only_for_a_known_sender(
    world: World, settings: Any
) -> None:
    settings.SUPPORT_MAILBOX_ADDRESS = "support@stimme.example"
    mail.outbox.clear()
    assert inbound.process(reply_mail("fremd@example.org", subject="Hilfe")) == (
        Outcome.UNKNOWN_SENDER
    )
    assert mail.outbox == []
    known = reply_mail(world.customer_admin_a1.email, subject="Hilfe", message_id="<n@a>")
    assert inbound.process(known) == Outcome.ANSWERED
    (answer,) = mail.outbox
    assert answer.to == [world.customer_admin_a1.email]
    assert answer.extra_headers["Auto-Submitted"] == "auto-replied"
    assert answer.extra_headers["In-Reply-To"] == "<n@a>"
    assert not Ticket.objects.exists() and not TicketMessage.objects.exists()


def test_attachments_pass_the_upload_checks(world: World, waiting: Ticket) -> None:
    raw = reply_mail(
        world.customer_admin_a1.email,
        subject=f"[#{waiting.number}] Bildschirmfoto",
        body="",
        files={"foto.png": PNG, "tool.exe": b"MZ\x90\x00"},
    )
    assert inbound.process(raw) == Outcome.STORED
    message = TicketMessage.objects.get(ticket=waiting)
    assert message.body == inbound.NO_TEXT
    (stored,) = TicketAttachment.objects.filter(ticket=waiting)
    assert stored.name == "foto.png" and stored.message == message
    assert stored.content_type == "image/png" and not stored.internal


def test_a_reporter_identified_by_pin_replies_without_a_login(world: World) -> None:
    services.customer_support_update(
        customer=world.customer_a1,
        acting_user=world.customer_admin_a1,
        data={"support_pin": "482913"},
    )
    ticket = services.ticket_open(
        customer=world.customer_a1,
        acting_user=world.reseller_admin_a,
        data=report(reporter_name="Erika Anruferin", reporter_email="erika@kunde.example"),
        support_pin="482913",
        now=MONDAY_9,
    )
    raw = reply_mail("Erika@Kunde.example", subject=f"Re: [#{ticket.number}] Eingang")
    assert inbound.process(raw) == Outcome.STORED
    message = TicketMessage.objects.get(ticket=ticket)
    assert message.author is None and message.author_name == "Erika Anruferin"
    assert message.author_side == "customer"


def test_a_closed_ticket_takes_no_reply(world: World, open_ticket: OpenTicket) -> None:
    ticket = open_ticket(MONDAY_9, severity="minor")
    services.ticket_transition(ticket=ticket, acting_user=world.reseller_admin_a, state="resolved")
    services.ticket_transition(ticket=ticket, acting_user=world.customer_admin_a1, state="closed")
    raw = reply_mail(world.customer_admin_a1.email, subject=f"[#{ticket.number}] danke")
    assert inbound.process(raw) == Outcome.REFUSED
    assert not TicketMessage.objects.exists()


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Danke!\n\nOn Mon, Sep 7, 2026 at 9:30 AM Support wrote:\n> alt", "Danke!"),
        ("Passt.\n\n-----Ursprüngliche Nachricht-----\nVon: Support", "Passt."),
        ("Passt.\n\nVon: Support <support@stimme.example>\nGesendet: Montag", "Passt."),
        ("Oben\n> zitiert\nunten\n-- \nErika Muster\nTel. 123", "Oben\nunten"),
    ],
)
def test_quoted_history_and_signature_are_stripped(text: str, kept: str) -> None:
    assert inbound.strip_quoted(text) == kept


# --- against a real IMAP server -----------------------------------------------------------


@pytest.fixture
def dovecot(settings: Any) -> Iterator[Mailbox]:
    for mailbox in running_dovecot():
        settings.SUPPORT_IMAP_HOST = mailbox.host
        settings.SUPPORT_IMAP_PORT = mailbox.port
        settings.SUPPORT_IMAP_SSL = False
        settings.SUPPORT_IMAP_USER = mailbox.user
        settings.SUPPORT_IMAP_PASSWORD = mailbox.password
        settings.SUPPORT_IMAP_FOLDER = "INBOX"
        settings.SUPPORT_IMAP_PROCESSED_FOLDER = ""
        yield mailbox


def test_replies_fetched_from_dovecot_are_threaded_once(
    world: World, waiting: Ticket, dovecot: Mailbox
) -> None:
    reply = reply_mail(world.customer_admin_a1.email, in_reply_to=last_mail_id(waiting))
    dovecot.append(reply)
    assert tasks.fetch_support_mail() == {"stored": 1}
    message = TicketMessage.objects.get(ticket=waiting)
    assert message.body == "Neustart hat geholfen." and message.author == world.customer_admin_a1
    assert dovecot.count("UNSEEN") == 0 and dovecot.count("SEEN") == 1
    # Fetched again (delivered twice): stored once.
    dovecot.append(reply)
    assert tasks.fetch_support_mail() == {"duplicate": 1}
    # Nothing unseen: nothing fetched.
    assert tasks.fetch_support_mail() == {}
    # An unknown sender and a forged ticket id store nothing; both are marked processed.
    dovecot.append(reply_mail("fremd@example.org", subject="Hallo", message_id="<u@x>"))
    dovecot.append(
        reply_mail(
            world.customer_admin_b1.email,
            subject=f"[#{waiting.number}] gefälscht",
            message_id="<f@b>",
        )
    )
    assert tasks.fetch_support_mail() == {"unknown_sender": 1, "foreign_ticket": 1}
    assert TicketMessage.objects.filter(ticket=waiting).count() == 1
    assert dovecot.count("UNSEEN") == 0


def test_processed_mail_is_moved_when_a_folder_is_set(
    world: World, waiting: Ticket, dovecot: Mailbox, settings: Any
) -> None:
    settings.SUPPORT_IMAP_PROCESSED_FOLDER = "Verarbeitet"
    dovecot.append(reply_mail(world.customer_admin_a1.email, subject=f"[#{waiting.number}] x"))
    assert tasks.fetch_support_mail() == {"stored": 1}
    assert dovecot.count("ALL") == 0
    assert dovecot.count("ALL", folder="Verarbeitet") == 1


def test_a_failing_mail_stays_unseen_for_the_next_run(
    world: World, waiting: Ticket, dovecot: Mailbox
) -> None:
    dovecot.append(reply_mail(world.customer_admin_a1.email, subject=f"[#{waiting.number}] x"))

    def broken(raw: bytes) -> Outcome:
        raise RuntimeError("database away")

    assert inbound.fetch(handle=broken) == {"failed": 1}
    assert dovecot.count("UNSEEN") == 1
    assert tasks.fetch_support_mail() == {"stored": 1}
