"""Tickets: open (by login or support PIN), correct the report, escalate to the platform
(SUP-1 … SUP-6, TEN-3). Working a ticket is in ``workflow``. Every change is a history entry and
an audit entry; mails go out after the commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction

from provisioning import audit
from provisioning.errors import ApplicationError
from provisioning.models import Customer
from provisioning.validators import normalize_phone, validate_phone

from .. import notifications, permissions, states
from ..models import (
    ChangeKind,
    CustomerSupportSettings,
    IdentifiedBy,
    Kind,
    Level,
    Severity,
    Ticket,
)
from ._common import (
    actor_name,
    audit_create,
    audit_update,
    check_classification,
    check_open,
    ensure,
    moment,
    next_number,
    only_fields,
    record_change,
    required,
)
from .clocks import refresh_clocks
from .messages import message_post

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


REQUIRED_ON_OPEN = ("title", "description", "reporter_name")


def _phone(value: str) -> str:
    """A dialable number, stored in E.164."""
    try:
        validate_phone(value)
    except ValidationError as error:
        raise ValidationError({"reporter_phone": error.messages}) from None
    return normalize_phone(value)


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
            value = required(value, name, name.replace("_", " ").capitalize())
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
    now = moment(now)
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
    now = moment(now)
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
    now = moment(now)
    ensure(permissions.can_escalate(acting_user, ticket))
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    check_open(ticket)
    if ticket.escalations.filter(state__in=states.OPEN).exists():
        raise ApplicationError(
            "already_escalated",
            "This ticket already has an open platform ticket.",
            status=409,
        )
    note = required(note, "note", "A note for the platform")
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
    now = moment(now)
    ensure(permissions.can_edit_details(acting_user, ticket))
    data = only_fields(data, DETAIL_FIELDS)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    check_open(ticket)
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
