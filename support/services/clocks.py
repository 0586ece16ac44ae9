"""Service-level clocks of a ticket (SUP-3, SUP-4, OPS-1) and the periodic check.

The due moments are computed from the ticket's calendar and stored on the ticket whenever its
state, classification or pauses change; ``next_check_at`` is the earliest of the moments the
check must act on (reaction due, resolution due, estimate, automatic close), so the check
finds its work with one indexed query, however many tickets are open.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from provisioning import audit

from .. import clock, notifications, states
from ..calendars import desk_calendar
from ..clock import ServiceCalendar
from ..models import ChangeKind, Kind, Severity, SupportDesk, Ticket
from ..targets import TARGETS, Target
from ..targets import Severity as TargetSeverity
from ._common import audit_update, record_change, state_change


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


def _check(ticket: Ticket, now: dt.datetime) -> list[str]:
    """Act on every moment of ``ticket`` (locked) that has come; returns what happened."""
    done: list[str] = []
    mails: list[notifications.Mail] = []
    if (
        ticket.state == states.NEW
        and ticket.reaction_breached_at is None
        and ticket.reaction_due_at is not None
        and ticket.reaction_due_at < now
    ):
        ticket.reaction_breached_at = now
        change = record_change(
            ticket, kind=ChangeKind.REACTION_BREACHED, actor=None, now=now, internal=True
        )
        mails += notifications.breach(ticket, change.pk, "reaction")
        done.append("reaction_breached")
    if (
        ticket.state in states.OPEN
        and ticket.resolution_breached_at is None
        and ticket.resolution_due_at is not None
        and ticket.resolution_due_at < now
    ):
        ticket.resolution_breached_at = now
        change = record_change(
            ticket, kind=ChangeKind.RESOLUTION_BREACHED, actor=None, now=now, internal=True
        )
        mails += notifications.breach(ticket, change.pk, "resolution")
        done.append("resolution_breached")
    if (
        ticket.state in states.ACTIVE
        and ticket.estimate_missed_at is None
        and ticket.estimated_resolution_at is not None
        and ticket.estimated_resolution_at < now
    ):
        # One level per missed estimate, never more than three (SUP-4).
        ticket.estimate_missed_at = now
        if ticket.escalation_level < 3:
            ticket.escalation_level += 1
            change = record_change(
                ticket,
                kind=ChangeKind.ESCALATION,
                actor=None,
                now=now,
                data={"level": ticket.escalation_level},
            )
            done.append(f"escalation_level_{ticket.escalation_level}")
        else:
            change = record_change(
                ticket, kind=ChangeKind.ESTIMATE_MISSED, actor=None, now=now, internal=True
            )
            done.append("estimate_missed")
        mails += notifications.escalation(ticket, change.pk)
    if (
        ticket.state == states.RESOLVED
        and ticket.resolved_at is not None
        and ticket.resolved_at + states.REOPEN_WINDOW < now
    ):
        state_change(ticket, states.CLOSED, actor=None, now=now)
        ticket.closed_at = now
        done.append("closed")
    if mails:
        notifications.queue(ticket, mails)
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
        done = _check(ticket, now)
        ticket.next_check_at = next_check(ticket)
        ticket.save()
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


def check_ticket_clocks(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic check: every due ticket, each in its own transaction."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for ticket_id in ticket_clocks_due(now=now):
        for what in ticket_check_clocks(ticket_id=ticket_id, now=now):
            counts[what] = counts.get(what, 0) + 1
    return counts
