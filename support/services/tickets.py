"""Tickets: open, change details, acknowledge, move, estimate, assign, escalate to the platform
(SUP-1 … SUP-5, TEN-3). Every change is a history entry and an audit entry; mails go out after
the commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from provisioning import access, audit
from provisioning.errors import ApplicationError
from provisioning.models import Customer
from provisioning.validators import normalize_phone, validate_phone

from .. import clock, notifications, permissions, states
from ..models import (
    ChangeKind,
    CustomerSupportSettings,
    IdentifiedBy,
    Kind,
    Level,
    Severity,
    State,
    Ticket,
)
from ._common import (
    actor_name,
    audit_create,
    audit_update,
    ensure,
    next_number,
    only_fields,
    record_change,
    state_change,
)
from .clocks import refresh_clocks, ticket_calendar

if TYPE_CHECKING:
    from provisioning.models import Account, Reseller
    from status.models import Component

REPORT_FIELDS = frozenset(
    {
        "title",
        "description",
        "kind",
        "severity",
        "reporter_name",
        "reporter_phone",
        "reporter_email",
        "first_observed_at",
        "all_workstations",
        "affected_workstations",
        "reproducible",
        "services",
        "reseller_reference",
    }
)
DETAIL_FIELDS = REPORT_FIELDS
CLASSIFICATION = frozenset({"kind", "severity"})


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _required(value: Any, field: str, what: str) -> str:
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


def _check_open(ticket: Ticket) -> None:
    if not ticket.is_open:
        raise ApplicationError("ticket_not_open", "This ticket is resolved or closed.", status=409)


REQUIRED_ON_OPEN = ("title", "description", "reporter_name")


def _phone(value: str) -> str:
    """A dialable number, stored in E.164."""
    try:
        validate_phone(value)
    except ValidationError as error:
        raise ValidationError({"reporter_phone": error.messages}) from None
    return normalize_phone(value)


def _state_label(value: str) -> str:
    return str(State(value).label) if value in State.values else value


def _apply_report(
    ticket: Ticket, data: dict[str, Any], *, opening: bool = False
) -> list[Component] | None:
    """Set the reported fields of ``data`` on ``ticket``; returns the services to set."""
    if opening:
        for name in REQUIRED_ON_OPEN:
            data.setdefault(name, "")
    services = data.pop("services", None)
    for name, value in data.items():
        if name in {"title", "description", "reporter_name"}:
            value = _required(value, name, name.replace("_", " ").capitalize())
        elif name == "reporter_phone" and value:
            value = _phone(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(ticket, name, value)
    return list(dict.fromkeys(services)) if services is not None else None


def _service_names(services: Sequence[Component]) -> list[str]:
    return sorted(component.name_de for component in services)


def _check_pin(settings: CustomerSupportSettings | None, pin: str | None) -> None:
    """The caller's support PIN must match the customer's (SUP-6); the same answer for a
    customer without a PIN, so a wrong guess learns nothing."""
    if not pin or settings is None or not settings.support_pin:
        raise ApplicationError(
            "support_pin_wrong",
            "The support PIN does not match.",
            fields={"support_pin": ["The support PIN does not match."]},
        )
    if not check_password(pin, settings.support_pin):
        raise ApplicationError(
            "support_pin_wrong",
            "The support PIN does not match.",
            fields={"support_pin": ["The support PIN does not match."]},
        )


def _finish_open(
    ticket: Ticket, services: Sequence[Component], actor: Account, now: dt.datetime
) -> None:
    ticket.full_clean(exclude=["number", "services"])
    ticket.save()
    ticket.services.set(services)
    record_change(ticket, kind=ChangeKind.CREATED, actor=actor, now=now, to_state=states.NEW)
    refresh_clocks(ticket, now)
    ticket.save()
    audit_create(ticket, actor, services=_service_names(services))
    mails = notifications.receipt(ticket)
    if ticket.is_second_level or ticket.severity == Severity.CRITICAL:
        mails += notifications.urgent_new_ticket(ticket)
    notifications.queue(ticket, mails)


@transaction.atomic
def ticket_open(
    *,
    customer: Customer,
    acting_user: Account,
    data: Mapping[str, Any],
    support_pin: str | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Open a customer's ticket with its reseller (SUP-1, SUP-5). A customer's admin (or an
    end user, where allowed) is identified by the login; a reseller recording a call names the
    customer's support PIN, which is checked and recorded (SUP-6)."""
    now = _now(now)
    settings = CustomerSupportSettings.objects.filter(customer=customer).first()
    ensure(permissions.can_open_ticket(acting_user, customer, settings))
    data = only_fields(data, REPORT_FIELDS)
    if not permissions.records_for_customer(acting_user):
        data.pop("reseller_reference", None)
    check_classification(data.get("kind", ""), data.get("severity", "") or "")
    ticket = Ticket(
        number=next_number(),
        level=Level.FIRST,
        reseller_id=customer.reseller_id,
        customer=customer,
        received_at=now,
    )
    if permissions.records_for_customer(acting_user):
        _check_pin(settings, support_pin)
        ticket.identified_by = IdentifiedBy.PIN
    else:
        ticket.identified_by = IdentifiedBy.LOGIN
        ticket.reporter_account = acting_user
        data.setdefault("reporter_name", actor_name(acting_user))
        data.setdefault("reporter_email", acting_user.email)
    services = _apply_report(ticket, data, opening=True) or []
    _finish_open(ticket, services, acting_user, now)
    return ticket


@transaction.atomic
def platform_ticket_open(
    *,
    reseller: Reseller | None,
    acting_user: Account,
    data: Mapping[str, Any],
    now: dt.datetime | None = None,
) -> Ticket:
    """A reseller's own second-level ticket with the platform (TEN-3)."""
    now = _now(now)
    ensure(permissions.can_open_platform_ticket(acting_user, reseller))
    assert reseller is not None
    data = only_fields(data, REPORT_FIELDS)
    check_classification(data.get("kind", ""), data.get("severity", "") or "")
    data.setdefault("reporter_name", actor_name(acting_user))
    data.setdefault("reporter_email", acting_user.email)
    ticket = Ticket(
        number=next_number(),
        level=Level.SECOND,
        reseller=reseller,
        received_at=now,
        identified_by=IdentifiedBy.LOGIN,
        reporter_account=acting_user,
    )
    services = _apply_report(ticket, data, opening=True) or []
    _finish_open(ticket, services, acting_user, now)
    return ticket


@transaction.atomic
def ticket_escalate(
    *,
    ticket: Ticket,
    acting_user: Account,
    note: str,
    now: dt.datetime | None = None,
) -> Ticket:
    """The reseller hands its customer's ticket on to the platform (SUP-5): a linked
    second-level ticket carrying the report, the reseller's reference (its own, or the
    customer ticket's number) and the reseller's note as its first message. The customer sees
    none of it (TEN-3)."""
    now = _now(now)
    ensure(permissions.can_escalate(acting_user, ticket))
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _check_open(ticket)
    if ticket.escalations.filter(state__in=states.OPEN).exists():
        raise ApplicationError(
            "already_escalated",
            "This ticket already has an open platform ticket.",
            status=409,
        )
    note = _required(note, "note", "A note for the platform")
    services = list(ticket.services.all())
    child = Ticket(
        number=next_number(),
        level=Level.SECOND,
        parent=ticket,
        reseller_id=ticket.reseller_id,
        received_at=now,
        identified_by=IdentifiedBy.LOGIN,
        reporter_account=acting_user,
        reporter_name=actor_name(acting_user),
        reporter_email=acting_user.email,
        title=ticket.title,
        description=ticket.description,
        kind=ticket.kind,
        severity=ticket.severity,
        first_observed_at=ticket.first_observed_at,
        all_workstations=ticket.all_workstations,
        affected_workstations=ticket.affected_workstations,
        reproducible=ticket.reproducible,
        reseller_reference=ticket.reseller_reference or ticket.number,
    )
    _finish_open(child, services, acting_user, now)
    from .messages import message_post

    message_post(ticket=child, acting_user=acting_user, body=note, internal=False, now=now)
    record_change(
        ticket,
        kind=ChangeKind.ESCALATED_TO_PLATFORM,
        actor=acting_user,
        now=now,
        data={"platform_ticket": child.number, "platform_ticket_id": str(child.pk)},
        internal=True,
    )
    return child


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


@transaction.atomic
def ticket_update_details(
    *,
    ticket: Ticket,
    acting_user: Account,
    data: Mapping[str, Any],
    now: dt.datetime | None = None,
) -> Ticket:
    """Correct or complete the report of an open ticket (both sides); the working side also
    re-classifies it, which recomputes its clocks (SUP-2, SUP-3)."""
    now = _now(now)
    ensure(permissions.can_edit_details(acting_user, ticket))
    data = only_fields(data, DETAIL_FIELDS)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _check_open(ticket)
    if "reseller_reference" in data:
        ensure(permissions.can_set_reseller_reference(acting_user, ticket))
    if CLASSIFICATION & set(data):
        ensure(permissions.works_ticket(acting_user, ticket))
        kind = data.get("kind", ticket.kind)
        severity = data.get("severity", ticket.severity if kind == Kind.FAULT else "") or ""
        check_classification(kind, severity)
        data["kind"], data["severity"] = kind, severity
    before = audit.snapshot(ticket)
    old_services = _service_names(list(ticket.services.all()))
    services = _apply_report(ticket, data)
    extra: dict[str, Any] = {}
    if services is not None and _service_names(services) != old_services:
        ticket.services.set(services)
        extra["services"] = [old_services, _service_names(services)]
    ticket.full_clean(exclude=["number", "services"])
    refresh_clocks(ticket, now)
    ticket.save()
    audit_update(ticket, acting_user, before, **extra)
    return ticket


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
    now = _now(now)
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
    refresh_clocks(ticket, now)
    ticket.save()
    audit_update(ticket, acting_user, before)
    _reported_to_parent(ticket, ChangeKind.ACKNOWLEDGED, acting_user, now)
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
    now = _now(now)
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
    refresh_clocks(ticket, now)
    ticket.save()
    audit_update(ticket, acting_user, before)
    _reported_to_parent(ticket, ChangeKind.STATE, acting_user, now, state=state)
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
    now = _now(now)
    ensure(permissions.works_ticket(acting_user, ticket))
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _check_open(ticket)
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
    refresh_clocks(ticket, now)
    ticket.save()
    audit_update(ticket, acting_user, before)
    _reported_to_parent(
        ticket, ChangeKind.ESTIMATE, acting_user, now, estimate=estimated_resolution_at.isoformat()
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
    now = _now(now)
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
