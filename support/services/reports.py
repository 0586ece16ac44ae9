"""The reason-for-outage report of a resolved fault (SUP-5)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from provisioning import audit
from provisioning.errors import ApplicationError

from .. import permissions, states
from ..models import Kind, OutageReport, Ticket
from ._common import actor_name, audit_create, audit_update, ensure, required

if TYPE_CHECKING:
    from provisioning.models import Account
    from status.models import Event

UNCHANGED: Any = object()


@transaction.atomic
def outage_report_save(
    *,
    ticket: Ticket,
    acting_user: Account,
    text: str,
    shared_with_customer: bool | None = None,
    status_event: Event | None = UNCHANGED,
    now: dt.datetime | None = None,
) -> OutageReport:
    """Write or rewrite the report of a resolved (or closed) fault: the side working the ticket
    or platform staff; sharing it with the customer is the reseller's decision. It may name
    the status page incident of the same outage."""
    now = now or timezone.now()
    ensure(permissions.can_write_outage_report(acting_user, ticket))
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.kind != Kind.FAULT:
        raise ApplicationError(
            "outage_report_only_for_faults", "Only a fault has a reason-for-outage report."
        )
    if ticket.state not in (states.RESOLVED, states.CLOSED):
        raise ApplicationError(
            "outage_report_needs_resolution",
            "A reason-for-outage report is written once the fault is resolved.",
            status=409,
        )
    body = required(text, "text", "The report")
    if status_event is not UNCHANGED and status_event is not None and not status_event.is_incident:
        raise ApplicationError(
            "outage_report_event_not_incident",
            "Only an incident of the status page can be linked.",
            fields={"status_event": ["Only an incident can be linked."]},
        )
    report = OutageReport.objects.filter(ticket=ticket).first()
    if shared_with_customer is not None and shared_with_customer != (
        report.shared_with_customer if report else False
    ):
        ensure(permissions.can_share_outage_report(acting_user, ticket))
    created = report is None
    if report is None:
        report = OutageReport(ticket=ticket, created_at=now)
        before: dict[str, Any] = {}
    else:
        before = audit.snapshot(report)
    report.text = body
    if shared_with_customer is not None:
        report.shared_with_customer = shared_with_customer
    if status_event is not UNCHANGED:
        report.status_event = status_event
    report.written_by = acting_user
    report.written_by_name = actor_name(acting_user)
    report.writer_side = permissions.side_of(acting_user)
    report.updated_at = now
    report.save()
    if created:
        audit_create(report, acting_user)
    else:
        audit_update(report, acting_user, before)
    return report
