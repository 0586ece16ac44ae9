"""Background work of the support desk. Tasks are thin and idempotent: they call a service
that claims its work (docs/support.md)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from provisioning.audit import audit_context
from provisioning.models import Channel


@shared_task
def check_ticket_clocks(now: str | None = None) -> dict[str, int]:
    """Every minute: flag reaction and resolution breaches, raise the escalation level of
    tickets whose estimate was missed (one level per miss), close tickets resolved 14 days
    ago (SUP-3, SUP-4); then send support mails whose task was lost. ``now`` (ISO 8601) is
    for tests and replays."""
    from . import mail
    from .services import check_ticket_clocks as check

    moment = dt.datetime.fromisoformat(now) if now else None
    with audit_context(channel=Channel.TASK):
        counts = check(now=moment)
    counts["mails_swept"] = mail.sweep()
    return counts


@shared_task(acks_late=True)
def send_ticket_mails(ids: list[int]) -> int:
    """Send the support mails of ``ids`` this delivery can claim (a repeat sends none twice)."""
    from . import mail

    return mail.send(ids)


@shared_task
def fetch_support_mail() -> dict[str, int]:
    """Every minute while the support mailbox is configured: replies by mail become messages
    on their tickets (SUP-1, SUP-5). A mail fetched twice is stored once (its Message-ID)."""
    from . import inbound

    if not inbound.configured():
        return {}
    with audit_context(channel=Channel.TASK):
        return inbound.fetch()
