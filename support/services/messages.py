"""Messages and attachments of a ticket (SUP-1, SUP-5): public replies between the two sides
(written in the portal or API, or come by mail), internal notes of the working side, files
stored under MEDIA_ROOT."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from provisioning.errors import ApplicationError

from .. import notifications, permissions, states
from ..attachments import check_attachment
from ..models import Side, Ticket, TicketAttachment, TicketMessage
from ._common import actor_name, audit_create, ensure
from .workflow import move

if TYPE_CHECKING:
    from provisioning.models import Account


def _check_writable(ticket: Ticket) -> None:
    if ticket.state == states.CLOSED:
        raise ApplicationError(
            "ticket_closed", "This ticket is closed; reopen it to write on it.", status=409
        )


@transaction.atomic
def message_post(
    *,
    ticket: Ticket,
    acting_user: Account,
    body: str,
    internal: bool = False,
    now: dt.datetime | None = None,
) -> TicketMessage:
    """A public reply (both sides) or an internal note (the working side). A reply of the
    requester to a ticket that waits for it puts the ticket back in progress."""
    ensure(
        permissions.can_write_internal(acting_user, ticket)
        if internal
        else permissions.can_reply(acting_user, ticket)
    )
    return _post(
        ticket=ticket,
        author=acting_user,
        author_name=actor_name(acting_user),
        side=permissions.side_of(acting_user),
        requester=permissions.is_requester(acting_user, ticket),
        body=body,
        internal=internal,
        now=now or timezone.now(),
    )


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    data: bytes


@transaction.atomic
def message_from_mail(
    *,
    ticket: Ticket,
    author: Account | None,
    body: str,
    mail_message_id: str,
    attachments: Sequence[MailAttachment] = (),
    now: dt.datetime | None = None,
) -> tuple[TicketMessage, list[str]]:
    """A reply that came by mail (SUP-5), as a public message of its sender: ``author`` is the
    sender's login (``support.inbound`` has checked that it may reply on ``ticket``), or
    ``None`` for a reporter identified by the support PIN who has none. Its attachments pass
    the same checks as uploads; returns the message and the names of refused attachments.
    The Message-ID is unique: the same mail is stored once."""
    now = now or timezone.now()
    if author is not None:
        ensure(permissions.can_reply(author, ticket))
        name, side = actor_name(author), permissions.side_of(author)
        requester = permissions.is_requester(author, ticket)
    else:
        name, side, requester = ticket.reporter_name[:150], Side.CUSTOMER, True
    message = _post(
        ticket=ticket,
        author=author,
        author_name=name,
        side=side,
        requester=requester,
        body=body,
        internal=False,
        now=now,
        mail_message_id=mail_message_id,
    )
    refused = []
    for item in attachments:
        try:
            with transaction.atomic():
                _store_attachment(
                    ticket=message.ticket,
                    uploader=author,
                    uploader_name=name,
                    side=side,
                    filename=item.filename,
                    data=item.data,
                    internal=False,
                    message=message,
                    now=now,
                )
        except ApplicationError:
            refused.append(item.filename)
    return message, refused


def _post(
    *,
    ticket: Ticket,
    author: Account | None,
    author_name: str,
    side: str,
    requester: bool,
    body: str,
    internal: bool,
    now: dt.datetime,
    mail_message_id: str | None = None,
) -> TicketMessage:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _check_writable(ticket)
    text = (body or "").strip()
    if not text:
        raise ApplicationError(
            "message_required", "Write a message.", fields={"body": ["Write a message."]}
        )
    message = TicketMessage.objects.create(
        ticket=ticket,
        internal=internal,
        body=text,
        author=author,
        author_name=author_name,
        author_side=side,
        mail_message_id=mail_message_id,
        created_at=now,
    )
    audit_create(message, author)
    if requester and ticket.state == states.WAITING:
        move(ticket=ticket, acting_user=author, state=states.IN_PROGRESS, now=now)
    if not internal:
        notifications.queue(
            ticket, notifications.reply(ticket, message, to_requester=not requester)
        )
    return message


@transaction.atomic
def attachment_add(
    *,
    ticket: Ticket,
    acting_user: Account,
    filename: str,
    data: bytes,
    internal: bool = False,
    message: TicketMessage | None = None,
    now: dt.datetime | None = None,
) -> TicketAttachment:
    """Attach a file of an allowed type and size (``SUPPORT_ATTACHMENT_*``); a refused file
    leaves nothing behind."""
    ensure(
        permissions.can_write_internal(acting_user, ticket)
        if internal
        else permissions.can_reply(acting_user, ticket)
    )
    return _store_attachment(
        ticket=ticket,
        uploader=acting_user,
        uploader_name=actor_name(acting_user),
        side=permissions.side_of(acting_user),
        filename=filename,
        data=data,
        internal=internal,
        message=message,
        now=now or timezone.now(),
    )


def _store_attachment(
    *,
    ticket: Ticket,
    uploader: Account | None,
    uploader_name: str,
    side: str,
    filename: str,
    data: bytes,
    internal: bool,
    message: TicketMessage | None,
    now: dt.datetime,
) -> TicketAttachment:
    _check_writable(ticket)
    checked = check_attachment(
        data,
        filename,
        max_bytes=settings.SUPPORT_ATTACHMENT_MAX_BYTES,
        allowed=settings.SUPPORT_ATTACHMENT_TYPES,
    )
    attachment = TicketAttachment(
        ticket=ticket,
        message=message,
        internal=internal,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=uploader,
        uploaded_by_name=uploader_name,
        uploader_side=side,
        created_at=now,
    )
    stored_name = get_valid_filename(checked.name) or "datei"
    attachment.file.save(
        f"support/{ticket.pk}/{attachment.pk}/{stored_name}", ContentFile(data), save=False
    )
    path = attachment.file.name
    try:
        attachment.save()
        audit_create(attachment, uploader)
    except BaseException:
        if path:
            default_storage.delete(path)
        raise
    return attachment
