"""Messages and attachments of a ticket (SUP-1, SUP-5): public replies between the two sides,
internal notes of the working side, files stored under MEDIA_ROOT."""

from __future__ import annotations

import datetime as dt
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
from ..models import Ticket, TicketAttachment, TicketMessage
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
    now = now or timezone.now()
    ensure(
        permissions.can_write_internal(acting_user, ticket)
        if internal
        else permissions.can_reply(acting_user, ticket)
    )
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
        author=acting_user,
        author_name=actor_name(acting_user),
        author_side=permissions.side_of(acting_user),
        created_at=now,
    )
    audit_create(message, acting_user)
    requester = permissions.is_requester(acting_user, ticket)
    if requester and ticket.state == states.WAITING:
        move(ticket=ticket, acting_user=acting_user, state=states.IN_PROGRESS, now=now)
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
    now = now or timezone.now()
    ensure(
        permissions.can_write_internal(acting_user, ticket)
        if internal
        else permissions.can_reply(acting_user, ticket)
    )
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
        uploaded_by=acting_user,
        uploaded_by_name=actor_name(acting_user),
        uploader_side=permissions.side_of(acting_user),
        created_at=now,
    )
    stored_name = get_valid_filename(checked.name) or "datei"
    attachment.file.save(
        f"support/{ticket.pk}/{attachment.pk}/{stored_name}", ContentFile(data), save=False
    )
    path = attachment.file.name
    try:
        attachment.save()
        audit_create(attachment, acting_user)
    except BaseException:
        if path:
            default_storage.delete(path)
        raise
    return attachment
