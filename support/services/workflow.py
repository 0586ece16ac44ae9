"""Working a ticket: acknowledge, move (waiting for the customer, resolved, closed, reopened),
estimate, assign (SUP-1, SUP-4). Every change is a history entry and an audit entry; mails go
out after the commit. A second-level ticket's progress shows on the customer ticket it
escalates."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction

from provisioning import access, audit
from provisioning.errors import ApplicationError

from .. import clock, notifications, permissions, states
from ..models import ChangeKind, State, Ticket
from ._common import (
    actor_name,
    audit_update,
    check_classification,
    check_open,
    ensure,
    moment,
    record_change,
    state_change,
)
from .clocks import refresh_clocks, ticket_calendar

if TYPE_CHECKING:
    from provisioning.models import Account


def _check_estimate(estimate: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    if estimate is None:
        raise ApplicationError(
            "estimate_required",
            "Name the estimated resolution time.",
            fields={"estimated_resolution_at": ["Name the estimated resolution time."]},
        )
    if estimate <= now:
        raise ApplicationError(
            "ticket_estimate_in_past",
            "The estimated resolution time must lie in the future.",
            fields={"estimated_resolution_at": ["It must lie in the future."]},
        )
    return estimate


def _state_label(value: str) -> str:
    return str(State(value).label) if value in State.values else value


def _reported_to_parent(
    ticket: Ticket, change_kind: str, actor: Account | None, now: dt.datetime, **data: Any
) -> None:
    """A second-level ticket's progress shows, internally, on the customer ticket it
    escalates, so the reseller can tell its customer in its own words."""
    if ticket.parent_id is not None:
        record_change(
            ticket.parent,  # type: ignore[arg-type]
            kind=ChangeKind.PLATFORM_TICKET_CHANGED,
            actor=actor,
            now=now,
            data={"platform_ticket": ticket.number, "what": change_kind, **data},
            internal=True,
        )


def _save(
    ticket: Ticket,
    actor: Account | None,
    before: dict[str, Any],
    now: dt.datetime,
    what: str,
    **data: Any,
) -> None:
    """Recompute the clocks, save, audit, and show the change on the customer ticket a
    second-level ticket escalates."""
    refresh_clocks(ticket, now)
    ticket.save()
    audit_update(ticket, actor, before)
    _reported_to_parent(ticket, what, actor, now, **data)


@transaction.atomic
def ticket_acknowledge(
    *,
    ticket: Ticket,
    acting_user: Account,
    kind: str,
    severity: str,
    estimated_resolution_at: dt.datetime | None,
    assignee: Account | None = None,
    message: str = "",
    now: dt.datetime | None = None,
) -> Ticket:
    """The reaction (SUP-4): classification, estimated resolution time and the named person
    who handles it (the acknowledging person unless another is named), told to the
    reporter."""
    now = moment(now)
    ensure(permissions.works_ticket(acting_user, ticket))
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.state != states.NEW:
        raise ApplicationError(
            "ticket_already_acknowledged", "This ticket has been acknowledged.", status=409
        )
    severity = severity or ""
    check_classification(kind, severity)
    _check_estimate(estimated_resolution_at, now)
    handler = assignee or ticket.assignee or acting_user
    if not permissions.may_be_assigned(handler, ticket):
        raise access.unknown_reference("assignee")
    before = audit.snapshot(ticket)
    ticket.kind, ticket.severity = kind, severity
    ticket.estimated_resolution_at = estimated_resolution_at
    ticket.estimate_missed_at = None
    ticket.assignee = handler
    ticket.acknowledged_at = now
    state_change(
        ticket,
        states.ACKNOWLEDGED,
        actor=acting_user,
        now=now,
        note=message.strip(),
        kind=ChangeKind.ACKNOWLEDGED,
    )
    _save(ticket, acting_user, before, now, ChangeKind.ACKNOWLEDGED)
    notifications.queue(ticket, notifications.acknowledged(ticket))
    return ticket


def _estimate_after_waiting(ticket: Ticket, now: dt.datetime) -> dt.datetime | None:
    """On leaving "waiting for customer": the estimate in force moves on by the service time
    waited (the clocks stood still), if it still lay ahead when the waiting began."""
    if ticket.estimated_resolution_at is None or ticket.estimate_missed_at is not None:
        return None
    began = (
        ticket.changes.filter(to_state=states.WAITING)
        .order_by("-id")
        .values_list("at", flat=True)
        .first()
    )
    if began is None or ticket.estimated_resolution_at <= began:
        return None
    calendar = ticket_calendar(ticket)
    waited = clock.service_time_between(began, now, calendar)
    return clock.add_service_time(ticket.estimated_resolution_at, waited, calendar)


@transaction.atomic
def ticket_transition(
    *,
    ticket: Ticket,
    acting_user: Account | None,
    state: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> Ticket:
    """Move a ticket: in progress ⇄ waiting for customer → resolved → closed; reopen a resolved
    or closed ticket within 14 days of its resolution (SUP-1). Waiting stops the clocks; on
    resuming, the due moments are recomputed and the estimate moves on by the time waited."""
    if acting_user is not None:
        reopen = states.is_reopen(ticket.state, state)
        ensure(permissions.can_move(acting_user, ticket, state, reopen=reopen))
    return move(ticket=ticket, acting_user=acting_user, state=state, note=note, now=now)


def move(
    *,
    ticket: Ticket,
    acting_user: Account | None,
    state: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> Ticket:
    """The move itself, for a caller that has decided who may make it (a requester's reply
    resumes the ticket that waits for it); call inside a transaction."""
    now = moment(now)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    current = ticket.state
    reopen = states.is_reopen(current, state)
    if current == states.NEW and state != states.RESOLVED:
        raise ApplicationError(
            "acknowledge_first",
            "A new ticket is acknowledged first (with classification and estimate).",
            status=409,
        )
    if not states.may_move(current, state):
        raise ApplicationError(
            "invalid_ticket_transition",
            f"A ticket cannot move from {current} to {state}.",
            params={"from_state": _state_label(current), "to_state": _state_label(state)},
            status=409,
        )
    if reopen and not states.may_reopen(ticket.resolved_at, now):
        raise ApplicationError(
            "reopen_window_over",
            "A ticket can be reopened only within 14 days of its resolution.",
            status=409,
        )
    before = audit.snapshot(ticket)
    note = (note or "").strip()
    moved = _estimate_after_waiting(ticket, now) if current == states.WAITING else None
    change = state_change(
        ticket,
        state,
        actor=acting_user,
        now=now,
        note=note,
        kind=ChangeKind.REOPENED if reopen else ChangeKind.STATE,
    )
    if state == states.RESOLVED:
        ticket.resolved_at = now
    elif state == states.CLOSED:
        ticket.closed_at = now
    if reopen:
        ticket.resolved_at = ticket.closed_at = None
        ticket.estimated_resolution_at = None
        ticket.estimate_missed_at = None
    if moved is not None and state not in states.DONE:
        ticket.estimated_resolution_at = moved
        record_change(
            ticket,
            kind=ChangeKind.ESTIMATE,
            actor=None,
            now=now,
            data={"estimate": ticket.estimated_resolution_at.isoformat(), "moved_by_waiting": True},
        )
    _save(ticket, acting_user, before, now, ChangeKind.STATE, state=state)
    if acting_user is not None and permissions.works_ticket(acting_user, ticket):
        notifications.queue(ticket, notifications.state_notice(ticket, change.pk, note))
    return ticket


@transaction.atomic
def ticket_set_estimate(
    *,
    ticket: Ticket,
    acting_user: Account,
    estimated_resolution_at: dt.datetime | None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Ticket:
    """A new estimated resolution time, communicated to the reporter (SUP-4: the action of
    escalation level 1, and the plan of level 2)."""
    now = moment(now)
    ensure(permissions.works_ticket(acting_user, ticket))
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    check_open(ticket)
    if ticket.state == states.NEW:
        raise ApplicationError(
            "acknowledge_first",
            "A new ticket is acknowledged first (with classification and estimate).",
            status=409,
        )
    _check_estimate(estimated_resolution_at, now)
    assert estimated_resolution_at is not None
    before = audit.snapshot(ticket)
    ticket.estimated_resolution_at = estimated_resolution_at
    ticket.estimate_missed_at = None
    note = (note or "").strip()
    change = record_change(
        ticket,
        kind=ChangeKind.ESTIMATE,
        actor=acting_user,
        now=now,
        data={"estimate": estimated_resolution_at.isoformat()},
        note=note,
    )
    _save(
        ticket,
        acting_user,
        before,
        now,
        ChangeKind.ESTIMATE,
        estimate=estimated_resolution_at.isoformat(),
    )
    notifications.queue(ticket, notifications.new_estimate(ticket, change.pk, note))
    return ticket


@transaction.atomic
def ticket_assign(
    *,
    ticket: Ticket,
    acting_user: Account,
    assignee: Account,
    now: dt.datetime | None = None,
) -> Ticket:
    """Name the person who handles the ticket (SUP-1): someone of the working side."""
    now = moment(now)
    ensure(permissions.works_ticket(acting_user, ticket))
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if not permissions.may_be_assigned(assignee, ticket):
        raise access.unknown_reference("assignee")
    if ticket.assignee_id == assignee.pk:
        return ticket
    before = audit.snapshot(ticket)
    ticket.assignee = assignee
    change = record_change(
        ticket,
        kind=ChangeKind.ASSIGNED,
        actor=acting_user,
        now=now,
        data={"assignee": actor_name(assignee)},
    )
    ticket.save()
    audit_update(ticket, acting_user, before)
    notifications.queue(ticket, notifications.assigned(ticket, change.pk))
    return ticket
