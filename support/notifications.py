"""The support mails (SUP-1, SUP-4, SUP-5): what they say and to whom, written as outbox rows
in the transaction of their cause and sent after the commit (``support.mail``).

Every subject carries the ticket number (``[#T-100001] …``). The ticket's first mail (the
receipt) has the ticket's thread id as its Message-ID; every later mail has a Message-ID of its
own, stable per cause and recipient, and refers to the first (``In-Reply-To``, ``References``);
replies go to the support mailbox (``Reply-To``, ``SUPPORT_MAILBOX_ADDRESS``), where
``support.inbound`` matches them to their ticket. A mail to a customer speaks for its reseller
and never names platform staff (TEN-3).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Kind, Severity, SupportDesk, Ticket, TicketMail, TicketMessage


@dataclass(frozen=True)
class Mail:
    key: str
    recipient: str
    subject: str
    body: str
    #: the ticket's first mail: its Message-ID is the thread id the others refer to
    first: bool = False


def _when(moment: dt.datetime | None) -> str:
    if moment is None:
        return "–"
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


def mail_domain() -> str:
    sender = settings.DEFAULT_FROM_EMAIL
    return sender.rsplit("@", 1)[-1].strip(" >") or "stimme.example"


def thread_id(ticket: Ticket) -> str:
    """The Message-ID of the ticket's first mail, which every later mail refers to."""
    return f"<ticket-{ticket.number}@{mail_domain()}>"


def headers(ticket: Ticket, mail: Mail) -> dict[str, str]:
    """Threading headers of one mail: its own Message-ID, the first mail's as the thread, and
    the support mailbox as the address for replies (when configured)."""
    thread = thread_id(ticket)
    out = (
        {"Message-ID": thread}
        if mail.first
        else {"Message-ID": message_id(mail.key), "In-Reply-To": thread, "References": thread}
    )
    if settings.SUPPORT_MAILBOX_ADDRESS:
        out["Reply-To"] = settings.SUPPORT_MAILBOX_ADDRESS
    return out


def message_id(key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<support-{digest}@{mail_domain()}>"


def subject(ticket: Ticket, text: str) -> str:
    return f"[#{ticket.number}] {text}"[:300]


def _classification(ticket: Ticket) -> str:
    kind = Kind(ticket.kind).label
    if ticket.severity:
        return f"{kind}, {Severity(ticket.severity).label}"
    return str(kind)


def _person(ticket: Ticket) -> str:
    """The named person handling the ticket (SUP-1)."""
    if ticket.assignee is None:
        return "–"
    return ticket.assignee.get_full_name() or ticket.assignee.get_username()


def _desk(ticket: Ticket) -> SupportDesk | None:
    """The reseller's desk (read with the reseller when the caller selected it along)."""
    try:
        return ticket.reseller.support_desk
    except SupportDesk.DoesNotExist:
        return None


def _signature(ticket: Ticket) -> str:
    if ticket.is_second_level:
        return "Ihr stimme-Plattform-Support"
    return f"Ihr Support-Team von {ticket.reseller.company_name}"


def escalation_contacts(ticket: Ticket, *, management: bool = False) -> list[str]:
    """Whom a breach or an escalation of ``ticket`` is mailed to besides its assignee: the
    reseller's escalation contacts (its contact address if it named none), and on a
    second-level ticket the platform's; at level 3 the management too (SUP-4)."""
    desk = _desk(ticket)
    out = list(desk.escalation_emails if desk else []) or [ticket.reseller.contact_email]
    if management and desk:
        out += desk.management_emails
    if ticket.is_second_level:
        out += settings.SUPPORT_PLATFORM_ESCALATION_EMAILS
        if management:
            out += settings.SUPPORT_PLATFORM_MANAGEMENT_EMAILS
    return out


def _to(addresses: Iterable[str | None]) -> list[str]:
    return sorted({address.strip().lower() for address in addresses if address and address.strip()})


def _mails(
    key: str, recipients: Iterable[str | None], subject_: str, body: str, *, first: bool = False
) -> list[Mail]:
    return [Mail(f"{key}:{to}", to, subject_, body, first) for to in _to(recipients)]


def receipt(ticket: Ticket) -> list[Mail]:
    """The automatic acknowledgment of receipt to the reporter (SUP-1)."""
    body = (
        f"Guten Tag {ticket.reporter_name},\n\n"
        f"Ihre Meldung „{ticket.title}“ ist am {_when(ticket.received_at)} bei uns eingegangen "
        f"und hat die Ticketnummer {ticket.number}. Bitte nennen Sie diese Nummer bei "
        "Rückfragen.\n\n"
        f"Art: {_classification(ticket)}\n"
        f"Reaktion spätestens: {_when(ticket.reaction_due_at)}\n\n"
        f"{_signature(ticket)}\n"
    )
    return _mails(
        f"receipt:{ticket.pk}",
        [ticket.reporter_email],
        subject(ticket, f"Eingangsbestätigung: {ticket.title}"),
        body,
        first=True,
    )


def urgent_new_ticket(ticket: Ticket) -> list[Mail]:
    """A new critical fault, or a new second-level ticket, to those who must act at once."""
    if ticket.is_second_level:
        recipients = settings.SUPPORT_PLATFORM_ESCALATION_EMAILS
        text = f"Neues Plattform-Ticket von {ticket.reseller.company_name}"
    else:
        recipients = escalation_contacts(ticket)
        text = f"Neue kritische Störung von {ticket.customer}"
    body = (
        f"{text}: {ticket.number} „{ticket.title}“.\n"
        f"Art: {_classification(ticket)}\n"
        f"Reaktion spätestens: {_when(ticket.reaction_due_at)}\n\n"
        f"{ticket.description}\n"
    )
    return _mails(f"new:{ticket.pk}", recipients, subject(ticket, text), body)


def acknowledged(ticket: Ticket) -> list[Mail]:
    """The reaction (SUP-4): classification, estimated resolution and the person handling it."""
    handler = _person(ticket)
    body = (
        f"Guten Tag {ticket.reporter_name},\n\n"
        f"wir bearbeiten Ihr Ticket {ticket.number} „{ticket.title}“.\n\n"
        f"Einstufung: {_classification(ticket)}\n"
        f"Voraussichtlich gelöst: {_when(ticket.estimated_resolution_at)}\n"
        f"Ihr Ansprechpartner: {handler}\n\n"
        f"{_signature(ticket)}\n"
    )
    return _mails(
        f"ack:{ticket.pk}",
        [ticket.reporter_email],
        subject(ticket, f"Bestätigung und Einstufung: {ticket.title}"),
        body,
    )


def new_estimate(ticket: Ticket, change_id: int, note: str) -> list[Mail]:
    """A new estimated resolution time, communicated to the reporter (SUP-4 level 1)."""
    body = (
        f"Guten Tag {ticket.reporter_name},\n\n"
        f"die voraussichtliche Lösung Ihres Tickets {ticket.number} ist jetzt: "
        f"{_when(ticket.estimated_resolution_at)}.\n"
        + (f"\n{note}\n" if note else "")
        + f"\n{_signature(ticket)}\n"
    )
    return _mails(
        f"estimate:{change_id}",
        [ticket.reporter_email],
        subject(ticket, "Neue voraussichtliche Lösung"),
        body,
    )


STATE_TEXTS = {
    "waiting_for_customer": "Wir benötigen Ihre Rückmeldung",
    "resolved": "Ihr Ticket ist gelöst",
    "in_progress": "Ihr Ticket wird wieder bearbeitet",
}


def state_notice(ticket: Ticket, change_id: int, note: str) -> list[Mail]:
    """The reporter learns when the ticket waits for them, is resolved or reopened."""
    text = STATE_TEXTS.get(ticket.state)
    if text is None:
        return []
    body = (
        f"Guten Tag {ticket.reporter_name},\n\n{text}: {ticket.number} „{ticket.title}“.\n"
        + (f"\n{note}\n" if note else "")
        + f"\n{_signature(ticket)}\n"
    )
    return _mails(f"state:{change_id}", [ticket.reporter_email], subject(ticket, text), body)


def reply(ticket: Ticket, message: TicketMessage, *, to_requester: bool) -> list[Mail]:
    """A public reply: to the reporter when the working side wrote it, else to the assignee."""
    recipients: list[str | None]
    if to_requester:
        recipients = [ticket.reporter_email]
        signature = _signature(ticket)
    else:
        recipients = [ticket.assignee.email if ticket.assignee else None]
        signature = message.author_name
    body = f"{message.body}\n\n-- \n{signature}\n"
    return _mails(
        f"reply:{message.pk}", recipients, subject(ticket, f"Antwort: {ticket.title}"), body
    )


def assigned(ticket: Ticket, change_id: int) -> list[Mail]:
    assignee = ticket.assignee
    if assignee is None:
        return []
    body = (
        f"Ihnen wurde das Ticket {ticket.number} „{ticket.title}“ zugewiesen.\n"
        f"Art: {_classification(ticket)}\n"
        f"Voraussichtlich gelöst: {_when(ticket.estimated_resolution_at)}\n"
    )
    return _mails(
        f"assigned:{change_id}", [assignee.email], subject(ticket, "Ticket zugewiesen"), body
    )


def breach(ticket: Ticket, change_id: int, which: str) -> list[Mail]:
    """A reaction or resolution time ran out (SUP-3)."""
    text = "Reaktionszeit überschritten" if which == "reaction" else "Lösungszeit überschritten"
    due = ticket.reaction_due_at if which == "reaction" else ticket.resolution_due_at
    body = (
        f"{text}: {ticket.number} „{ticket.title}“ ({_classification(ticket)}).\n"
        f"Fällig war: {_when(due)}\n"
        f"Status: {ticket.get_state_display()}\n"
    )
    recipients = [ticket.assignee.email if ticket.assignee else None, *escalation_contacts(ticket)]
    return _mails(f"breach:{change_id}", recipients, subject(ticket, text), body)


ESCALATION_STEPS = {
    1: "Eine neue voraussichtliche Lösung muss ermittelt und mitgeteilt werden.",
    2: (
        "Die verlängerte Lösungszeit ist wieder überschritten: das weitere Vorgehen mit dem "
        "Kunden abstimmen und weitere Fachleute hinzuziehen."
    ),
    3: (
        "Eine Lösung im Standardprozess scheint nicht möglich: die Geschäftsführung entscheidet "
        "über weitere Ressourcen."
    ),
}


def escalation(ticket: Ticket, change_id: int) -> list[Mail]:
    """An escalation level reached (SUP-4), to the assignee and the escalation contacts (at
    level 3 the management too)."""
    level = ticket.escalation_level
    text = f"Eskalationsstufe {level}"
    body = (
        f"{text}: {ticket.number} „{ticket.title}“ ({_classification(ticket)}).\n"
        f"Die voraussichtliche Lösung ({_when(ticket.estimated_resolution_at)}) ist "
        "überschritten.\n\n"
        f"{ESCALATION_STEPS.get(level, ESCALATION_STEPS[3])}\n"
    )
    recipients = [
        ticket.assignee.email if ticket.assignee else None,
        *escalation_contacts(ticket, management=level >= 3),
    ]
    return _mails(f"escalation:{change_id}", recipients, subject(ticket, text), body)


def queue(ticket: Ticket, mails: Iterable[Mail]) -> list[int]:
    """Write the outbox rows (a key written before stays as it is) and send them after the
    commit; returns the ids of the new rows."""
    return queue_many([(ticket, list(mails))])


SEND_CHUNK = 200


def queue_many(batches: Sequence[tuple[Ticket, Sequence[Mail]]]) -> list[int]:
    """``queue`` for the mails of many tickets at once (the periodic check): one query for the
    keys written before, one insert, one query for the new ids."""
    rows = []
    for ticket, mails in batches:
        for mail in mails:
            mail_headers = headers(ticket, mail)
            rows.append(
                TicketMail(
                    key=mail.key[:200],
                    ticket=ticket,
                    recipient=mail.recipient,
                    subject=mail.subject,
                    body=mail.body,
                    headers=mail_headers,
                    message_id=mail_headers["Message-ID"],
                )
            )
    if not rows:
        return []
    keys = {row.key for row in rows}
    existing = set(TicketMail.objects.filter(key__in=keys).values_list("key", flat=True))
    fresh: dict[str, TicketMail] = {}
    for row in rows:
        if row.key not in existing:
            fresh.setdefault(row.key, row)
    TicketMail.objects.bulk_create(list(fresh.values()))
    ids = sorted(TicketMail.objects.filter(key__in=set(fresh)).values_list("pk", flat=True))
    if ids:

        def enqueue() -> None:
            from .tasks import send_ticket_mails

            for start in range(0, len(ids), SEND_CHUNK):
                send_ticket_mails.delay(ids[start : start + SEND_CHUNK])

        transaction.on_commit(enqueue)
    return ids
