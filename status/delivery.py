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
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import mailbytes, messages, sms
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


_STEP_ROWS_SQL = """
INSERT INTO status_outboxmessage
    (key, channel, recipient, subject, body, headers, update_id, subscription_id,
     state, attempts, last_error, created_at)
SELECT %s || CAST(s.id AS TEXT), s.channel, s.address, '', '', {empty_json}, %s, s.id,
       'pending', 0, '', %s
FROM status_subscription s
WHERE s.all_components OR EXISTS (
    SELECT 1 FROM status_subscription_components sc
    WHERE sc.subscription_id = s.id AND sc.component_id IN ({components})
)
ON CONFLICT (key) DO NOTHING
"""


def _write_step_rows(update: EventUpdate, component_ids: Sequence[Any]) -> int:
    """One outbox row per subscription of the affected components, in one INSERT … SELECT
    (10,000 rows in a fraction of a second); a row that exists is left alone."""
    if not component_ids:
        return 0
    uuid_field = Subscription._meta.pk
    assert uuid_field is not None
    components = [uuid_field.get_db_prep_value(pk, connection) for pk in component_ids]
    sql = _STEP_ROWS_SQL.format(
        empty_json="CAST('{}' AS jsonb)" if connection.vendor == "postgresql" else "'{}'",
        components=", ".join(["%s"] * len(components)),
    )
    params = [
        f"step:{update.pk}:",
        uuid_field.get_db_prep_value(update.pk, connection),
        connection.ops.adapt_datetimefield_value(timezone.now()),
        *components,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def fan_out_update(*, update_id: Any) -> int:
    """Write the outbox rows of one step and queue them; returns how many rows are pending.

    Rows of a step carry no text: a batch words the step for each row when it sends it
    (``render_rows``), in the subscriber's language and with its unsubscribe link."""
    update = EventUpdate.objects.select_related("event").filter(pk=update_id).first()
    if update is None:
        return 0
    component_ids = list(update.event.components.values_list("pk", flat=True))
    with transaction.atomic():
        _write_step_rows(update, component_ids)
    pending = list(
        OutboxMessage.objects.filter(update=update, state=OutboxState.PENDING).values_list(
            "pk", flat=True
        )
    )
    enqueue(pending)
    return len(pending)


def render_rows(rows: Sequence[OutboxMessage]) -> None:
    """Fill in subject, body and headers of step rows (wording each step once per language)."""
    steps_needed = {row.update_id for row in rows if row.update_id and not row.body}
    if not steps_needed:
        return
    updates = {
        u.pk: u for u in EventUpdate.objects.select_related("event").filter(pk__in=steps_needed)
    }
    rendered: dict[tuple[Any, str], messages.StepMessage] = {}
    for row in rows:
        if row.update_id not in updates or row.body or row.subscription is None:
            continue
        update = updates[row.update_id]
        lang = row.subscription.language
        text = rendered.get((update.pk, lang))
        if text is None:
            components = list(update.event.components.order_by("position", "name_de"))
            text = rendered[(update.pk, lang)] = messages.render_step(
                update.event, update, components, lang
            )
        token = row.subscription.token
        if row.channel == Channel.EMAIL:
            row.subject = text.subject[:300]
            row.body = text.body + messages.email_footer(token, lang)
            row.headers = messages.unsubscribe_headers(token)
        else:
            row.body = text.sms


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


def _standard_headers(row: OutboxMessage) -> dict[str, str]:
    return {"Message-ID": message_id(row.key), "Auto-Submitted": "auto-generated"}


def _email(row: OutboxMessage, connection: Any) -> EmailMessage:
    headers = {**row.headers, **_standard_headers(row)}
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


def _mark_sent(row: OutboxMessage, token: uuid.UUID) -> None:
    """The hot path (once per message): one plain UPDATE, committed before the next send."""
    claim_field = OutboxMessage._meta.get_field("claim")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE status_outboxmessage SET state = %s, sent_at = %s WHERE id = %s AND claim = %s",
            [
                OutboxState.SENT.value,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                row.pk,
                claim_field.get_db_prep_value(token, connection),
            ],
        )


def _release(rows: Sequence[OutboxMessage], token: uuid.UUID, error: str) -> None:
    """Give rows back after a passing failure; the sweep sends them again a minute later."""
    for row in rows:
        state = OutboxState.FAILED if row.attempts >= MAX_ATTEMPTS else OutboxState.PENDING
        _mark(row, token, state=state, claim=None, last_error=error[:500])


@contextlib.contextmanager
def _quick_commits() -> Iterator[None]:
    """On PostgreSQL, commit the "sent" marks without waiting for the disk flush. Every other
    session sees a mark at once, so workers never send a marked row again; only a crash of the
    database server itself could lose the last fraction of a second of marks, and those
    messages would be sent again — with the same Message-ID."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def send_batch(ids: Sequence[int]) -> dict[str, int]:
    """Send the rows of ``ids`` this call can claim; returns counts by outcome."""
    token = claim(ids)
    result = {"sent": 0, "failed": 0, "released": 0}
    if token is None:
        return result
    rows = list(
        OutboxMessage.objects.filter(claim=token, state=OutboxState.SENDING)
        .select_related("subscription")
        .order_by("pk")
    )
    render_rows(rows)
    emails = [row for row in rows if row.channel == Channel.EMAIL]
    texts = [row for row in rows if row.channel == Channel.SMS]
    with _quick_commits():
        if emails:
            _send_emails(emails, token, result)
        if texts:
            _send_sms(texts, token, result)
    return result


def _send_emails(rows: list[OutboxMessage], token: uuid.UUID, result: dict[str, int]) -> None:
    mailer = get_connection(fail_silently=False)
    try:
        mailer.open()
    except (smtplib.SMTPException, OSError) as error:
        _release(rows, token, f"connect: {error}")
        result["released"] += len(rows)
        return
    # Over SMTP, simple mails go out as bytes written directly (status/mailbytes.py); any other
    # backend (files, tests) and any unusual mail take Django's EmailMessage.
    smtp = getattr(mailer, "connection", None) if isinstance(mailer, SmtpBackend) else None
    writer = mailbytes.Writer() if smtp is not None else None
    try:
        for index, row in enumerate(rows):
            try:
                raw = None
                if writer is not None:
                    headers = {**row.headers, **_standard_headers(row)}
                    raw = writer.write(
                        to=row.recipient, subject=row.subject, body=row.body, headers=headers
                    )
                if raw is not None and smtp is not None and writer is not None:
                    smtp.sendmail(writer.envelope_from, [row.recipient], raw)
                else:
                    mailer.send_messages([_email(row, mailer)])
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
                _mark(row, token, state=OutboxState.FAILED, claim=None, last_error=str(error)[:500])
                result["failed"] += 1
                continue
            except (smtplib.SMTPException, OSError) as error:
                _release(rows[index:], token, str(error))
                result["released"] += len(rows) - index
                return
            _mark_sent(row, token)
            result["sent"] += 1
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            mailer.close()


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
        _mark_sent(row, token)
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
