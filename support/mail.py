"""Sending the support outbox: claim a row with a conditional update, send it, mark it sent.

A repeated task finds its rows sent or claimed and sends nothing twice; a row whose task was
lost, or whose sender died before marking it, is picked up by ``sweep`` (every minute, with the
clock check) once its claim has expired. The Message-ID comes from the row's key, so a
message sent twice in the one remaining crash window is recognisable as the same mail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q
from django.utils import timezone

from .models import MailState, TicketMail

LEASE = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 8


def _claim(row_id: int, now: dt.datetime) -> bool:
    claimable = Q(state=MailState.PENDING) | Q(state=MailState.SENDING, claimed_at__lt=now - LEASE)
    return (
        TicketMail.objects.filter(claimable, pk=row_id).update(
            state=MailState.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        == 1
    )


def send(ids: Sequence[int]) -> int:
    """Send the rows of ``ids`` this call can claim; returns how many were sent."""
    sent = 0
    connection = get_connection()
    for row_id in ids:
        now = timezone.now()
        if not _claim(row_id, now):
            continue
        row = TicketMail.objects.get(pk=row_id)
        message = EmailMessage(
            subject=row.subject,
            body=row.body,
            to=[row.recipient],
            headers=dict(row.headers),
            connection=connection,
        )
        try:
            message.send()
        except Exception as error:
            state = MailState.FAILED if row.attempts >= MAX_ATTEMPTS else MailState.PENDING
            TicketMail.objects.filter(pk=row_id).update(
                state=state, claimed_at=None, last_error=str(error)[:500]
            )
            continue
        TicketMail.objects.filter(pk=row_id).update(
            state=MailState.SENT, sent_at=timezone.now(), last_error=""
        )
        sent += 1
    return sent


def sweep(*, now: dt.datetime | None = None) -> int:
    """Send rows nobody finished: pending ones older than a minute (their task was lost) and
    claimed ones whose lease expired."""
    now = now or timezone.now()
    ids = list(
        TicketMail.objects.filter(
            Q(state=MailState.PENDING, created_at__lt=now - dt.timedelta(minutes=1))
            | Q(state=MailState.SENDING, claimed_at__lt=now - LEASE)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    return send(ids) if ids else 0
