"""Service-level clocks of a ticket (SUP-3, SUP-4, OPS-1) and the periodic check.

The due moments are computed from the ticket's calendar and stored on the ticket whenever its
state, classification or pauses change; ``next_check_at`` is the earliest of the moments the
check must act on (reaction due, resolution due, estimate, automatic close), so the check
finds its work with one indexed query, however many tickets are open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from provisioning import audit
from provisioning.models import AuditAction, AuditEvent

from .. import clock, notifications, states
from ..calendars import desk_calendar
from ..clock import ServiceCalendar
from ..models import ChangeKind, Kind, Severity, Side, SupportDesk, Ticket, TicketChange
from ..targets import TARGETS, Target
from ..targets import Severity as TargetSeverity
from ._common import SYSTEM_NAME, audit_update


def ticket_calendar(ticket: Ticket) -> ServiceCalendar:
    """The reseller's service hours on a first-level ticket (the platform's without a desk),
    the platform's on a second-level ticket."""
    if not ticket.is_second_level:
        desk = SupportDesk.objects.filter(reseller_id=ticket.reseller_id).first()
        if desk is not None:
            return desk_calendar(desk.hours, desk.federal_state)
    return clock.PLATFORM_CALENDAR


def pauses(ticket: Ticket) -> list[tuple[dt.datetime, dt.datetime | None]]:
    changes = ticket.changes.exclude(to_state="").order_by("id").values_list("at", "to_state")
    return states.pauses(list(changes))


def next_check(ticket: Ticket) -> dt.datetime | None:
    """The last moment still within every target of ``ticket``: the periodic check acts on
    the ticket once this moment has passed."""
    moments = []
    if ticket.state == states.NEW and ticket.reaction_breached_at is None:
        moments.append(ticket.reaction_due_at)
    if ticket.state in states.OPEN and ticket.resolution_breached_at is None:
        moments.append(ticket.resolution_due_at)
    if ticket.state in states.ACTIVE and ticket.estimate_missed_at is None:
        moments.append(ticket.estimated_resolution_at)
    if ticket.state == states.RESOLVED and ticket.resolved_at is not None:
        moments.append(ticket.resolved_at + states.REOPEN_WINDOW)
    found = [moment for moment in moments if moment is not None]
    return min(found) if found else None


def ticket_target(ticket: Ticket) -> Target | None:
    """The SUP-3 target of a ticket: a fault's by its severity, a service or information
    request's; a change request has none."""
    if ticket.kind == Kind.FAULT:
        return TARGETS.get(ticket.severity or Severity.CRITICAL)
    if ticket.kind == Kind.SERVICE_REQUEST:
        return TARGETS[TargetSeverity.SERVICE_REQUEST]
    return None


def refresh_clocks(ticket: Ticket, now: dt.datetime) -> None:
    """Recompute the due moments of an open ticket (empty while its clock stands still) and
    ``next_check_at``; the caller saves. A closed ticket keeps the moments it had."""
    target = ticket_target(ticket)
    if ticket.state in states.OPEN and target is None:
        ticket.reaction_due_at = ticket.resolution_due_at = None
    elif ticket.state in states.OPEN:
        assert target is not None
        calendar = ticket_calendar(ticket)
        stopped = pauses(ticket)
        if ticket.state == states.NEW:
            start, reaction_calendar = clock.reaction_start(
                ticket.received_at, ticket.severity or TargetSeverity.SERVICE_REQUEST, calendar
            )
            ticket.reaction_due_at = clock.due_with_pauses(
                start, target.reaction, stopped, reaction_calendar, now
            )
        ticket.resolution_due_at = (
            clock.due_with_pauses(ticket.received_at, target.resolution, stopped, calendar, now)
            if target.resolution is not None
            else None
        )
    ticket.next_check_at = next_check(ticket)


MailFor = Callable[[int], list[notifications.Mail]]


class _Changes:
    """History entries and the mails they cause, of one check. ``immediate`` writes each
    entry at once (one ticket); otherwise they are collected and written with one
    ``bulk_create`` for a whole batch (the database returns their ids), and the mails, which
    name an entry's id in their key, are built after that."""

    def __init__(self, *, immediate: bool) -> None:
        self.immediate = immediate
        self.entries: list[tuple[Ticket, TicketChange, MailFor | None]] = []

    def add(
        self,
        ticket: Ticket,
        now: dt.datetime,
        *,
        kind: str,
        internal: bool = False,
        data: dict[str, Any] | None = None,
        to_state: str = "",
        mails: MailFor | None = None,
    ) -> None:
        change = TicketChange(
            ticket=ticket,
            kind=kind,
            from_state=ticket.state if to_state else "",
            to_state=to_state,
            data=dict(data or {}),
            internal=internal,
            actor_name=SYSTEM_NAME,
            actor_side=Side.SYSTEM,
            at=now,
        )
        if to_state:
            ticket.state = to_state
        if self.immediate:
            change.save()
        self.entries.append((ticket, change, mails))

    def write(self) -> None:
        if not self.immediate:
            TicketChange.objects.bulk_create([change for _t, change, _m in self.entries])
        by_ticket: dict[Any, tuple[Ticket, list[notifications.Mail]]] = {}
        for ticket, change, mails in self.entries:
            if mails is not None:
                by_ticket.setdefault(ticket.pk, (ticket, []))[1].extend(mails(change.pk))
        notifications.queue_many(list(by_ticket.values()))


def _check(ticket: Ticket, now: dt.datetime, changes: _Changes) -> list[str]:
    """Act on every moment of ``ticket`` (locked) that has come; returns what happened."""
    done: list[str] = []
    if (
        ticket.state == states.NEW
        and ticket.reaction_breached_at is None
        and ticket.reaction_due_at is not None
        and ticket.reaction_due_at < now
    ):
        ticket.reaction_breached_at = now
        changes.add(
            ticket,
            now,
            kind=ChangeKind.REACTION_BREACHED,
            internal=True,
            mails=lambda pk: notifications.breach(ticket, pk, "reaction"),
        )
        done.append("reaction_breached")
    if (
        ticket.state in states.OPEN
        and ticket.resolution_breached_at is None
        and ticket.resolution_due_at is not None
        and ticket.resolution_due_at < now
    ):
        ticket.resolution_breached_at = now
        changes.add(
            ticket,
            now,
            kind=ChangeKind.RESOLUTION_BREACHED,
            internal=True,
            mails=lambda pk: notifications.breach(ticket, pk, "resolution"),
        )
        done.append("resolution_breached")
    if (
        ticket.state in states.ACTIVE
        and ticket.estimate_missed_at is None
        and ticket.estimated_resolution_at is not None
        and ticket.estimated_resolution_at < now
    ):
        # One level per missed estimate, never more than three (SUP-4).
        ticket.estimate_missed_at = now
        level = ticket.escalation_level
        if level < 3:
            ticket.escalation_level = level = level + 1
            changes.add(
                ticket,
                now,
                kind=ChangeKind.ESCALATION,
                data={"level": level},
                mails=lambda pk: notifications.escalation(ticket, pk),
            )
            done.append(f"escalation_level_{level}")
        else:
            changes.add(
                ticket,
                now,
                kind=ChangeKind.ESTIMATE_MISSED,
                internal=True,
                mails=lambda pk: notifications.escalation(ticket, pk),
            )
            done.append("estimate_missed")
    if (
        ticket.state == states.RESOLVED
        and ticket.resolved_at is not None
        and ticket.resolved_at + states.REOPEN_WINDOW < now
    ):
        changes.add(ticket, now, kind=ChangeKind.STATE, to_state=states.CLOSED)
        ticket.closed_at = now
        done.append("closed")
    return done


def ticket_check_clocks(*, ticket_id: Any, now: dt.datetime | None = None) -> list[str]:
    """Check one ticket whose ``next_check_at`` has come: flag breaches, raise the escalation
    level one step for a missed estimate, close a ticket resolved 14 days ago. Idempotent: a
    second run finds nothing due."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update().filter(pk=ticket_id, next_check_at__lt=now).first()
        )
        if ticket is None:
            return []
        before = audit.snapshot(ticket)
        changes = _Changes(immediate=True)
        done = _check(ticket, now, changes)
        ticket.next_check_at = next_check(ticket)
        ticket.save()
        changes.write()
        audit_update(ticket, None, before)
    return done


def ticket_clocks_due(*, now: dt.datetime | None = None, limit: int = 1000) -> list[Any]:
    """Ids of the tickets the check must look at now, earliest first (one indexed query)."""
    now = now or timezone.now()
    return list(
        Ticket.objects.filter(next_check_at__lt=now)
        .order_by("next_check_at")
        .values_list("pk", flat=True)[:limit]
    )


CHECKED_FIELDS = [
    "state",
    "reaction_breached_at",
    "resolution_breached_at",
    "estimate_missed_at",
    "escalation_level",
    "closed_at",
    "next_check_at",
    "updated_at",
]
BATCH = 2000
MAX_BATCHES = 50


def _write_checked(tickets: list[Ticket]) -> None:
    """Store the checked fields of ``tickets``: each row has its own next check, and
    ``bulk_update``'s CASE expressions cost far more to build than the update itself. On
    PostgreSQL one UPDATE joins the rows as arrays (``unnest``), one round trip; elsewhere one
    prepared UPDATE runs for every row (``executemany``)."""
    meta = Ticket._meta
    by_name = {field.name: field for field in meta.concrete_fields}
    fields = [by_name[name] for name in CHECKED_FIELDS]
    pk = by_name["id"]
    quote = connection.ops.quote_name
    table, key = quote(meta.db_table), quote(str(pk.column))
    columns = [quote(str(field.column)) for field in fields]
    rows = [
        [
            *(
                field.get_db_prep_save(getattr(ticket, field.attname), connection)
                for field in fields
            ),
            pk.get_db_prep_value(ticket.pk, connection),
        ]
        for ticket in tickets
    ]
    # Identifiers come from the model's own metadata, quoted; every value is a parameter.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = [str(field.db_type(connection)) for field in [*fields, pk]]
            arrays = ", ".join(
                f"unnest(%s::{kind}[]) AS {column}"
                for kind, column in zip(types, [*columns, key], strict=True)
            )
            sets = ", ".join(f"{column} = v.{column}" for column in columns)
            cursor.execute(
                f"UPDATE {table} SET {sets} FROM (SELECT {arrays}) AS v "  # noqa: S608
                f"WHERE {table}.{key} = v.{key}",
                [list(values) for values in zip(*rows, strict=True)],
            )
        else:
            sets = ", ".join(f"{column} = %s" for column in columns)
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE {key} = %s", rows)  # noqa: S608


def _check_batch(now: dt.datetime, counts: dict[str, int]) -> int:
    """One transaction: lock up to ``BATCH`` due tickets (skipping those another transaction
    holds: the next run takes them), act on them, and write their changes, history, audit
    entries and mails in bulk. Returns how many tickets it took."""
    with transaction.atomic():
        tickets = list(
            Ticket.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("reseller", "reseller__support_desk", "assignee", "customer")
            .filter(next_check_at__lt=now)
            .order_by("next_check_at")[:BATCH]
        )
        if not tickets:
            return 0
        changes = _Changes(immediate=False)
        events = []
        for ticket in tickets:
            before = audit.snapshot(ticket)
            for what in _check(ticket, now, changes):
                counts[what] = counts.get(what, 0) + 1
            ticket.next_check_at = next_check(ticket)
            ticket.updated_at = timezone.now()
            diff = audit.changes_between(before, ticket)
            if diff:
                events.append(
                    audit.build_change(
                        actor=None, action=AuditAction.UPDATE, instance=ticket, changes=diff
                    )
                )
        _write_checked(tickets)
        changes.write()
        AuditEvent.objects.bulk_create(events)
    return len(tickets)


def check_ticket_clocks(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic check: every due ticket, found with one indexed query and worked in
    batches of ``BATCH`` (one transaction and a handful of bulk writes each)."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for _ in range(MAX_BATCHES):
        if _check_batch(now, counts) < BATCH:
            break
    return counts
