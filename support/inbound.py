"""Replies by mail (SUP-1, SUP-5): fetch unseen mail from the support mailbox by IMAP and store
each reply as a public message on its ticket (docs/support.md, Mail).

A mail is matched to its ticket by its headers first — ``In-Reply-To`` and ``References``
naming the ticket's thread or one of its mails — and by ``[#T-100001]`` in the subject second.
Its sender must be someone who may reply on that ticket: an active login with the sender's
address that reaches the ticket through the chokepoint (its customer's people, its reseller's
admins; on a second-level ticket the reseller and platform staff), or the reporter identified
by the support PIN who has no login. Anything else stores nothing and is logged — an unknown
sender, and a ticket id the sender has no relation to (a guessed or forged one). A mail
without a ticket id from a known login is answered once: tickets are opened in the portal or
by phone, where kind and severity are asked for.

Every mail fetched is flagged ``\\Seen`` (and moved to ``SUPPORT_IMAP_PROCESSED_FOLDER`` when
one is set), so it is not fetched again; a mail whose processing failed stays unseen for the
next run. The Message-ID is unique on the ticket's messages, so a mail fetched twice is stored
once.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import imaplib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses

from django.conf import settings
from django.core.mail import EmailMessage as OutgoingMail
from django.db import IntegrityError
from django.utils.html import strip_tags

from provisioning import access
from provisioning.errors import ApplicationError
from provisioning.models import Account

from . import notifications, permissions
from .models import Ticket, TicketMail, TicketMessage
from .services import MailAttachment, message_from_mail

logger = logging.getLogger(__name__)

SUBJECT_NUMBER = re.compile(r"\[#(T-\d{6,})\]")
THREAD_ID = re.compile(r"<ticket-(T-\d{6,})@([^>]+)>")
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
ATTACHMENT_NOTE = "[Anhang „{name}“ nicht übernommen: Dateityp oder Größe nicht erlaubt]"
NO_TEXT = "(siehe Anhang)"
BATCH = 200


class Outcome(enum.StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"
    UNKNOWN_SENDER = "unknown_sender"
    FOREIGN_TICKET = "foreign_ticket"
    NO_TICKET = "no_ticket"
    ANSWERED = "answered_without_ticket"
    REFUSED = "refused"


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    ssl: bool
    user: str
    password: str
    folder: str
    processed_folder: str

    @classmethod
    def from_settings(cls) -> ImapSettings:
        return cls(
            host=settings.SUPPORT_IMAP_HOST,
            port=settings.SUPPORT_IMAP_PORT,
            ssl=settings.SUPPORT_IMAP_SSL,
            user=settings.SUPPORT_IMAP_USER,
            password=settings.SUPPORT_IMAP_PASSWORD,
            folder=settings.SUPPORT_IMAP_FOLDER or "INBOX",
            processed_folder=settings.SUPPORT_IMAP_PROCESSED_FOLDER,
        )


def configured() -> bool:
    return bool(settings.SUPPORT_IMAP_HOST)


# --- reading a mail ----------------------------------------------------------------------


def parse(raw: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def mail_id(message: Message, raw: bytes) -> str:
    """The mail's Message-ID, or one derived from its content when it has none (so fetching
    it twice still stores it once)."""
    found = MESSAGE_ID.findall(str(message.get("Message-ID", "")))
    if found:
        return found[0][:255]
    return f"<sha256-{hashlib.sha256(raw).hexdigest()}@inbound>"


def sender(message: Message) -> str:
    addresses = getaddresses([str(message.get("From", ""))])
    return addresses[0][1].strip().lower() if addresses else ""


QUOTE_STARTS = (
    re.compile(r"^\s*(Am|On)\s.+(schrieb|wrote)\s*.*:\s*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht)\s*-{2,}", re.IGNORECASE),
    re.compile(r"^\s*(Von|From)\s*:\s.+"),
    re.compile(r"^_{10,}\s*$"),
)


def strip_quoted(text: str) -> str:
    """The new part of a reply: up to the first quote header ("Am … schrieb …:", "On … wrote:",
    an Outlook header block, "-----Original Message-----"), without quoted (``>``) lines and
    without the sender's signature (after ``-- ``)."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.rstrip() == "--" and line.startswith("--"):
            break
        if any(pattern.match(line) for pattern in QUOTE_STARTS):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeDecodeError):
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if part.get_content_subtype() == "html":
        content = strip_tags(content)
    return strip_quoted(str(content))


def attachments(message: EmailMessage) -> list[MailAttachment]:
    found = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            found.append(MailAttachment(part.get_filename() or "datei", payload))
    return found


# --- matching ----------------------------------------------------------------------------


def _header_ids(message: Message) -> list[str]:
    """Message-IDs the mail answers: ``In-Reply-To`` first, then ``References`` newest first."""
    replied = MESSAGE_ID.findall(str(message.get("In-Reply-To", "")))
    references = MESSAGE_ID.findall(str(message.get("References", "")))
    return replied + list(reversed(references))


def ticket_by_headers(message: Message) -> Ticket | None:
    domain = notifications.mail_domain()
    for reference in _header_ids(message):
        thread = THREAD_ID.fullmatch(reference)
        if thread and thread.group(2).lower() == domain.lower():
            found = Ticket.objects.filter(number=thread.group(1)).first()
            if found is not None:
                return found
        ticket_id = (
            TicketMail.objects.filter(message_id=reference).values_list("ticket_id", flat=True)
        ).first() or (
            TicketMessage.objects.filter(mail_message_id=reference).values_list(
                "ticket_id", flat=True
            )
        ).first()
        if ticket_id is not None:
            return Ticket.objects.get(pk=ticket_id)
    return None


def ticket_by_subject(message: Message) -> Ticket | None:
    found = SUBJECT_NUMBER.search(str(message.get("Subject", "")))
    return Ticket.objects.filter(number=found.group(1)).first() if found else None


class _Reporter:
    """The reporter identified by the support PIN, who has no login."""


REPORTER = _Reporter()


def author_for(ticket: Ticket, address: str) -> Account | _Reporter | None:
    """Who wrote from ``address`` on ``ticket``: a login that sees the ticket and may reply on
    it, or the PIN-identified reporter; ``None`` when the address has no relation to it."""
    if not address:
        return None
    for account in Account.objects.filter(email__iexact=address, is_active=True).order_by("pk"):
        visible = access.restrict(Ticket.objects.filter(pk=ticket.pk), account).exists()
        if visible and permissions.can_reply(account, ticket):
            return account
    if (
        ticket.reporter_account_id is None
        and ticket.reporter_email
        and ticket.reporter_email.lower() == address
    ):
        return REPORTER
    return None


def known_sender(address: str) -> bool:
    """A login that could open tickets (a customer's people, a reseller's admins)."""
    return bool(address) and any(
        permissions.can_open_any_ticket(account)
        for account in Account.objects.filter(email__iexact=address, is_active=True)
    )


# --- processing one mail -----------------------------------------------------------------


def _automatic(message: Message) -> bool:
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return auto != "no" or precedence in {"bulk", "junk", "list", "auto_reply"}


def _answer_without_ticket(message: Message, address: str) -> None:
    """Tell a known sender that a mail without a ticket number opens no ticket."""
    text = (
        "Guten Tag,\n\n"
        "Ihre E-Mail an den Support enthält keine Ticketnummer und lässt sich keinem Ticket "
        "zuordnen. Bitte eröffnen Sie ein neues Ticket im Portal oder telefonisch bei Ihrem "
        "Ansprechpartner — dort werden Art und Schweregrad abgefragt, nach denen sich Reaktions- "
        "und Lösungszeiten richten. Auf ein bestehendes Ticket antworten Sie bitte mit der "
        "Ticketnummer im Betreff, z. B. „[#T-100001]“.\n\n"
        "Ihr Support\n"
    )
    headers = {"Auto-Submitted": "auto-replied"}
    original = MESSAGE_ID.findall(str(message.get("Message-ID", "")))
    if original:
        headers["In-Reply-To"] = headers["References"] = original[0]
    if settings.SUPPORT_MAILBOX_ADDRESS:
        headers["Reply-To"] = settings.SUPPORT_MAILBOX_ADDRESS
    subject = str(message.get("Subject", "")).strip()
    OutgoingMail(
        subject=f"Keine Ticketnummer: {subject}"[:300] if subject else "Keine Ticketnummer",
        body=text,
        to=[address],
        headers=headers,
    ).send()


def process(raw: bytes) -> Outcome:
    """Store one fetched mail as a reply on its ticket, or refuse it; never raises for what
    the mail says (only for a failing database or mail server)."""
    message = parse(raw)
    identifier = mail_id(message, raw)
    address = sender(message)
    if TicketMessage.objects.filter(mail_message_id=identifier).exists():
        return Outcome.DUPLICATE
    ticket = ticket_by_headers(message) or ticket_by_subject(message)
    if ticket is None:
        if not known_sender(address):
            logger.warning("support mail %s from unknown sender %r ignored", identifier, address)
            return Outcome.UNKNOWN_SENDER
        if _automatic(message):
            logger.info("automatic support mail %s without ticket id ignored", identifier)
            return Outcome.NO_TICKET
        logger.info("support mail %s from %r names no ticket: answered", identifier, address)
        _answer_without_ticket(message, address)
        return Outcome.ANSWERED
    author = author_for(ticket, address)
    if author is None:
        logger.warning(
            "support mail %s from %r names ticket %s it has no relation to: nothing stored",
            identifier,
            address,
            ticket.number,
        )
        return Outcome.FOREIGN_TICKET
    files = attachments(message)
    text = body_text(message) or (NO_TEXT if files else "")
    try:
        _stored, refused = message_from_mail(
            ticket=ticket,
            author=None if isinstance(author, _Reporter) else author,
            body=text,
            mail_message_id=identifier,
            attachments=files,
        )
    except IntegrityError:
        return Outcome.DUPLICATE  # stored by a concurrent run a moment ago
    except ApplicationError as error:
        logger.warning(
            "support mail %s on ticket %s refused: %s", identifier, ticket.number, error.code
        )
        return Outcome.REFUSED
    for name in refused:
        logger.warning("support mail %s: attachment %r refused", identifier, name)
    return Outcome.STORED


# --- IMAP --------------------------------------------------------------------------------


def connect(imap: ImapSettings) -> imaplib.IMAP4:
    cls = imaplib.IMAP4_SSL if imap.ssl else imaplib.IMAP4
    connection = cls(imap.host, imap.port, timeout=30)
    connection.login(imap.user, imap.password)
    return connection


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _move(connection: imaplib.IMAP4, uid: bytes, folder: str) -> bool:
    """Move one processed mail; returns whether an EXPUNGE is still needed."""
    if "MOVE" in connection.capabilities:
        connection.uid("MOVE", uid, _quote(folder))  # type: ignore[arg-type]
        return False
    connection.uid("COPY", uid, _quote(folder))  # type: ignore[arg-type]
    connection.uid("STORE", uid, "+FLAGS", r"(\Deleted)")  # type: ignore[arg-type]
    return True


def fetch(
    imap: ImapSettings | None = None,
    *,
    handle: Callable[[bytes], Outcome] = process,
    limit: int = BATCH,
) -> dict[str, int]:
    """Fetch up to ``limit`` unseen mails of the support folder and process each; returns
    counts per outcome. A processed mail is flagged seen (and moved); a failing one stays."""
    imap = imap or ImapSettings.from_settings()
    counts: dict[str, int] = {}
    connection = connect(imap)
    try:
        connection.select(_quote(imap.folder))
        if imap.processed_folder:
            connection.create(_quote(imap.processed_folder))  # an existing folder is fine
        _typ, data = connection.uid("SEARCH", "UNSEEN")
        uids = (data[0] or b"").split()[:limit]
        expunge = False
        for uid in uids:
            raw = _fetch_one(connection, uid)
            if raw is None:
                continue
            try:
                outcome = handle(raw)
            except Exception:
                logger.exception("support mail uid %s failed; it stays for the next run", uid)
                counts["failed"] = counts.get("failed", 0) + 1
                continue
            connection.uid("STORE", uid, "+FLAGS", r"(\Seen)")  # type: ignore[arg-type]
            if imap.processed_folder:
                expunge = _move(connection, uid, imap.processed_folder) or expunge
            counts[outcome] = counts.get(outcome, 0) + 1
        if expunge:
            connection.expunge()
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            connection.logout()
    return counts


def _fetch_one(connection: imaplib.IMAP4, uid: bytes) -> bytes | None:
    # BODY.PEEK leaves the mail unseen until it is processed.
    _typ, parts = connection.uid("FETCH", uid, "(BODY.PEEK[])")  # type: ignore[arg-type]
    for part in _tuples(parts):
        return part[1]
    return None


def _tuples(parts: Iterable[object]) -> Iterable[tuple[bytes, bytes]]:
    for part in parts or ():
        if isinstance(part, tuple) and len(part) >= 2 and isinstance(part[1], bytes):
            yield part[0], part[1]
