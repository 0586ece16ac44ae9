"""The notification outbox (STA-6, OPS-5): write one row per message, then send in batches.

1. **Fan-out** writes one ``OutboxMessage`` per step × subscription whose components the event
   affects (``key`` unique, so running it again writes nothing new) and queues the pending
   rows in batches.
2. **A batch** claims its rows with one conditional update (pending, or sending with an expired
   lease) under a fresh claim id, sends each claimed row over one SMTP connection, and marks
   each row sent right after the server accepted it — before the next one is sent.
3. **The sweep** (every minute) queues rows nobody finished: pending ones whose task was lost and
   sending ones whose worker died (lease expired).

So a retry or a second delivery of the same batch finds its rows sent or claimed and sends
nothing twice, and a worker killed mid-batch leaves its unsent rows to the sweep. The one
moment left is between the server's "250 accepted" and our commit of "sent" (about a
millisecond): a crash exactly there sends that one message again, with the same Message-ID
(derived from ``key``), which receiving systems use to drop duplicates (docs/status.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import smtplib
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import messages, sms
from .models import (
    Channel,
    Event,
    EventUpdate,
    MaintenanceNotice,
    OutboxMessage,
    OutboxState,
    Subscription,
)

T = TypeVar("T")
MAX_ATTEMPTS = 8
WRITE_CHUNK = 2000


def _batches(ids: Sequence[T], size: int) -> Iterable[list[T]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def enqueue(ids: Sequence[int]) -> int:
    """Queue the rows ``ids`` in batches; returns the number of batches."""
    from .tasks import send_outbox_batch

    count = 0
    for batch in _batches(sorted(ids), settings.STATUS_OUTBOX_BATCH):
        send_outbox_batch.delay(batch)
        count += 1
    return count


def enqueue_on_commit(ids: Sequence[int]) -> None:
    ids = list(ids)
    transaction.on_commit(lambda: enqueue(ids))


def subscribers_of(event: Event) -> Any:
    component_ids = list(event.components.values_list("pk", flat=True))
    return (
        Subscription.objects.filter(Q(all_components=True) | Q(components__in=component_ids))
        .distinct()
        .values_list("pk", "channel", "address", "language", "token")
    )


def fan_out_update(*, update_id: Any) -> int:
    """Write the outbox rows of one step and queue them; returns how many rows are pending."""
    update = EventUpdate.objects.select_related("event").filter(pk=update_id).first()
    if update is None:
        return 0
    event = update.event
    components = list(event.components.order_by("position", "name_de"))
    rendered = {
        lang: messages.render_step(event, update, components, lang) for lang in ("de", "en")
    }
    rows = []
    for pk, channel, address, lang, token in subscribers_of(event).iterator(chunk_size=WRITE_CHUNK):
        text = rendered.get(lang, rendered["de"])
        if channel == Channel.EMAIL:
            body = text.body + messages.email_footer(token, lang)
            headers = messages.unsubscribe_headers(token)
            subject = text.subject
        else:
            body, headers, subject = text.sms, {}, ""
        rows.append(
            OutboxMessage(
                key=f"step:{update.pk}:{pk}",
                channel=channel,
                recipient=address,
                subject=subject[:300],
                body=body,
                headers=headers,
                update=update,
                subscription_id=pk,
            )
        )
    for chunk in _batches(rows, WRITE_CHUNK):
        OutboxMessage.objects.bulk_create(chunk, ignore_conflicts=True)
    pending = list(
        OutboxMessage.objects.filter(update=update, state=OutboxState.PENDING).values_list(
            "pk", flat=True
        )
    )
    enqueue(pending)
    return len(pending)


def announce_maintenance(*, event_id: Any) -> int:
    """Mail every reseller admin about a newly scheduled maintenance (OPS-5)."""
    from django.urls import reverse

    from provisioning.models import Account, Role

    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return 0
    components = list(event.components.order_by("position", "name_de"))
    link = settings.PORTAL_BASE_URL + reverse("portal:status_event", args=[event.pk])
    subject, body = messages.maintenance_announcement(event, components, link)
    admins = Account.objects.filter(role=Role.RESELLER_ADMIN, is_active=True).exclude(email="")
    rows = [
        OutboxMessage(
            key=f"announce:{event.pk}:{pk}",
            channel=Channel.EMAIL,
            recipient=email,
            subject=subject[:300],
            body=body,
        )
        for pk, email in admins.values_list("pk", "email")
    ]
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    pending = list(
        OutboxMessage.objects.filter(
            key__startswith=f"announce:{event.pk}:", state=OutboxState.PENDING
        ).values_list("pk", flat=True)
    )
    enqueue(pending)
    return len(pending)


def notice_rows(notice: MaintenanceNotice, recipients: Iterable[tuple[Any, str]]) -> list[int]:
    """Outbox rows of a reseller's notice to its customers' admins (inside the transaction)."""
    rows = [
        OutboxMessage(
            key=f"notice:{notice.pk}:{pk}",
            channel=Channel.EMAIL,
            recipient=email,
            subject=notice.subject[:300],
            body=notice.body,
        )
        for pk, email in recipients
    ]
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    return list(
        OutboxMessage.objects.filter(key__startswith=f"notice:{notice.pk}:").values_list(
            "pk", flat=True
        )
    )


def sms_confirmation_row(subscription: Subscription) -> int:
    """The confirmation SMS carrying the unsubscribe link (STA-5), once per subscribing."""
    row = OutboxMessage.objects.create(
        key=f"confirm:{subscription.pk}:{uuid.uuid4().hex}",
        channel=Channel.SMS,
        recipient=subscription.address,
        body=messages.sms_confirmation(subscription.token, subscription.language),
        subscription=subscription,
    )
    return row.pk


# Sending --------------------------------------------------------------------------------------


def message_id(key: str) -> str:
    domain = settings.STATUS_BASE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain or 'stimme.invalid'}>"


def _email(row: OutboxMessage, connection: Any) -> EmailMessage:
    headers = {**row.headers, "Message-ID": message_id(row.key), "Auto-Submitted": "auto-generated"}
    return EmailMessage(
        subject=row.subject,
        body=row.body,
        to=[row.recipient],
        headers=headers,
        connection=connection,
    )


def _lease_cutoff(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=settings.STATUS_OUTBOX_LEASE_SECONDS)


def claim(ids: Sequence[int], *, now: dt.datetime | None = None) -> uuid.UUID | None:
    """Claim the rows of ``ids`` nobody holds; returns the claim id (None if none were free)."""
    now = now or timezone.now()
    token = uuid.uuid4()
    claimed = (
        OutboxMessage.objects.filter(pk__in=list(ids))
        .filter(
            Q(state=OutboxState.PENDING)
            | Q(state=OutboxState.SENDING, claimed_at__lt=_lease_cutoff(now))
        )
        .update(state=OutboxState.SENDING, claim=token, claimed_at=now, attempts=F("attempts") + 1)
    )
    return token if claimed else None


def _mark(row: OutboxMessage, token: uuid.UUID, **fields: Any) -> None:
    OutboxMessage.objects.filter(pk=row.pk, claim=token).update(**fields)


def _release(rows: Sequence[OutboxMessage], token: uuid.UUID, error: str) -> None:
    """Give rows back after a passing failure; the sweep sends them again a minute later."""
    for row in rows:
        state = OutboxState.FAILED if row.attempts >= MAX_ATTEMPTS else OutboxState.PENDING
        _mark(row, token, state=state, claim=None, last_error=error[:500])


def send_batch(ids: Sequence[int]) -> dict[str, int]:
    """Send the rows of ``ids`` this call can claim; returns counts by outcome."""
    token = claim(ids)
    result = {"sent": 0, "failed": 0, "released": 0}
    if token is None:
        return result
    rows = list(OutboxMessage.objects.filter(claim=token, state=OutboxState.SENDING).order_by("pk"))
    emails = [row for row in rows if row.channel == Channel.EMAIL]
    texts = [row for row in rows if row.channel == Channel.SMS]
    if emails:
        _send_emails(emails, token, result)
    if texts:
        _send_sms(texts, token, result)
    return result


def _send_emails(rows: list[OutboxMessage], token: uuid.UUID, result: dict[str, int]) -> None:
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        _release(rows, token, f"connect: {error}")
        result["released"] += len(rows)
        return
    try:
        for index, row in enumerate(rows):
            try:
                connection.send_messages([_email(row, connection)])
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
                _mark(row, token, state=OutboxState.FAILED, claim=None, last_error=str(error)[:500])
                result["failed"] += 1
                continue
            except (smtplib.SMTPException, OSError) as error:
                _release(rows[index:], token, str(error))
                result["released"] += len(rows) - index
                return
            _mark(row, token, state=OutboxState.SENT, sent_at=timezone.now())
            result["sent"] += 1
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()


def _send_sms(rows: list[OutboxMessage], token: uuid.UUID, result: dict[str, int]) -> None:
    gateway = sms.gateway()
    for index, row in enumerate(rows):
        try:
            gateway.send(to=row.recipient, text=row.body, reference=row.key)
        except sms.SmsError as error:
            if error.permanent:
                _mark(row, token, state=OutboxState.FAILED, claim=None, last_error=str(error))
                result["failed"] += 1
                continue
            _release(rows[index:], token, str(error))
            result["released"] += len(rows) - index
            return
        _mark(row, token, state=OutboxState.SENT, sent_at=timezone.now())
        result["sent"] += 1


def sweep(*, now: dt.datetime | None = None) -> int:
    """Queue again every row left behind: pending longer than a lease (its task was lost or
    the send failed for a passing reason) or sending past its lease (its worker died)."""
    now = now or timezone.now()
    cutoff = _lease_cutoff(now)
    ids = list(
        OutboxMessage.objects.filter(
            Q(state=OutboxState.PENDING, created_at__lt=cutoff)
            | Q(state=OutboxState.SENDING, claimed_at__lt=cutoff)
        ).values_list("pk", flat=True)[:100_000]
    )
    enqueue(ids)
    return len(ids)
