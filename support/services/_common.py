"""What every support service shares: names and sides of actors, the ticket history, the audit
entries, ticket numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from provisioning.audit import record_create as audit_create
from provisioning.audit import record_update as audit_update
from provisioning.errors import ApplicationError
from provisioning.permissions import ensure
from provisioning.services._common import only_fields

from ..models import (
    TICKET_NUMBER_BASE,
    ChangeKind,
    Kind,
    Severity,
    Ticket,
    TicketChange,
    TicketSerial,
)
from ..permissions import side_of

if TYPE_CHECKING:
    from provisioning.models import Account

__all__ = [
    "actor_name",
    "audit_create",
    "audit_update",
    "check_classification",
    "check_open",
    "ensure",
    "moment",
    "next_number",
    "only_fields",
    "record_change",
    "required",
    "state_change",
]

SYSTEM_NAME = "System"


def actor_name(account: Account | None) -> str:
    if account is None:
        return SYSTEM_NAME
    return (account.get_full_name() or account.get_username())[:150]


def next_number() -> str:
    """A new ticket number, e.g. ``T-100001``: unique without a lock (the database's counter)."""
    serial = TicketSerial.objects.create()
    return f"T-{TICKET_NUMBER_BASE + serial.pk}"


def record_change(
    ticket: Ticket,
    *,
    kind: str,
    actor: Account | None,
    now: dt.datetime,
    from_state: str = "",
    to_state: str = "",
    data: Mapping[str, Any] | None = None,
    note: str = "",
    internal: bool = False,
) -> TicketChange:
    """Append one entry to the ticket's history."""
    return TicketChange.objects.create(
        ticket=ticket,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        data=dict(data or {}),
        note=note,
        internal=internal,
        actor_name=actor_name(actor),
        actor_side=side_of(actor),
        at=now,
    )


def state_change(
    ticket: Ticket,
    target: str,
    *,
    actor: Account | None,
    now: dt.datetime,
    note: str = "",
    kind: str = ChangeKind.STATE,
) -> TicketChange:
    """Move ``ticket`` (locked) to ``target`` and record it."""
    change = record_change(
        ticket, kind=kind, actor=actor, now=now, from_state=ticket.state, to_state=target, note=note
    )
    ticket.state = target
    return change


def moment(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def required(value: Any, field: str, what: str) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        raise ApplicationError(
            f"{field}_required", f"{what} is required.", fields={field: [f"{what} is required."]}
        )
    return text


def check_classification(kind: str, severity: str) -> None:
    """A fault names its severity (SUP-2); a request has none."""
    if kind not in Kind.values:
        raise ApplicationError(
            "invalid_ticket_kind", "Unknown kind.", fields={"kind": ["Unknown kind."]}
        )
    if kind == Kind.FAULT and severity not in Severity.values:
        raise ApplicationError(
            "severity_required",
            "A fault needs its severity: critical, major or minor.",
            fields={"severity": ["A fault needs its severity."]},
        )
    if kind != Kind.FAULT and severity:
        raise ApplicationError(
            "severity_only_for_faults",
            "Only faults have a severity.",
            fields={"severity": ["Only faults have a severity."]},
        )


def check_open(ticket: Ticket) -> None:
    if not ticket.is_open:
        raise ApplicationError("ticket_not_open", "This ticket is resolved or closed.", status=409)
