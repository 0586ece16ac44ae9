"""Reads of the support desk, always starting from the chokepoint (``provisioning.access``):
tickets an account may see, and of a ticket what its reader may read — internal notes and
history only for the working side, platform staff's names never for a customer (TEN-3)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from provisioning import access

from . import states
from .models import OutageReport, Side, Ticket, TicketAttachment, TicketChange, TicketMessage
from .permissions import sees_internal, sees_platform_names, sees_unshared_outage_report

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from provisioning.models import Account

HIDDEN_SIDES = frozenset({Side.PLATFORM})


def ticket_base() -> QuerySet[Ticket]:
    """Tickets with what their list shows, without one query per row."""
    from status.models import Component

    return Ticket.objects.select_related(
        "customer", "reseller", "assignee", "parent"
    ).prefetch_related(
        Prefetch("services", queryset=Component.objects.order_by("position", "name_de")),
        Prefetch(
            "escalations",
            queryset=Ticket.objects.only("id", "number", "state", "parent_id").order_by(
                "received_at"
            ),
        ),
    )


def tickets_for(account: Account | AnonymousUser) -> QuerySet[Ticket]:
    return access.restrict(ticket_base(), account)


def breached(now: dt.datetime | None = None) -> Q:
    """Tickets whose reaction or resolution time ran out: flagged by the periodic check, or
    due already and not yet checked."""
    now = now or timezone.now()
    return (
        Q(reaction_breached_at__isnull=False)
        | Q(resolution_breached_at__isnull=False)
        | Q(state=states.NEW, reaction_due_at__lt=now)
        | Q(state__in=states.OPEN, resolution_due_at__lt=now)
    )


def is_breached(ticket: Ticket, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return bool(
        ticket.reaction_breached_at
        or ticket.resolution_breached_at
        or (ticket.state == states.NEW and ticket.reaction_due_at and ticket.reaction_due_at < now)
        or (
            ticket.state in states.OPEN
            and ticket.resolution_due_at
            and ticket.resolution_due_at < now
        )
    )


def messages_for(ticket: Ticket, account: Account) -> QuerySet[TicketMessage]:
    """The ticket's messages its reader may read, oldest first."""
    rows = ticket.messages.select_related("ticket").order_by("created_at", "id")
    return rows if sees_internal(account, ticket) else rows.filter(internal=False)


def attachments_for(ticket: Ticket, account: Account) -> QuerySet[TicketAttachment]:
    rows = ticket.attachments.select_related("ticket").order_by("created_at", "id")
    return rows if sees_internal(account, ticket) else rows.filter(internal=False)


def history_for(ticket: Ticket, account: Account) -> QuerySet[TicketChange]:
    rows = ticket.changes.order_by("id")
    return rows if sees_internal(account, ticket) else rows.filter(internal=False)


def attachment_for(ticket: Ticket, account: Account, attachment_id: Any) -> TicketAttachment:
    """One attachment of ``ticket`` its reader may read, or ``Http404`` — the same for an
    internal one, another ticket's, an unknown and a malformed id."""
    return access.get_for_user(attachments_for(ticket, account), account, attachment_id)


def shown_name(name: str, side: str, ticket: Ticket, account: Account) -> str:
    """The name a reader sees of whoever wrote or did something: a customer reads the
    reseller's support team where platform staff acted (TEN-3)."""
    if side in HIDDEN_SIDES and not sees_platform_names(account):
        return support_team(ticket)
    return name


def support_team(ticket: Ticket) -> str:
    return f"Support {ticket.reseller.company_name}"


def outage_reports_for(account: Account) -> QuerySet[OutageReport]:
    """Reason-for-outage reports ``account`` may read: through the chokepoint, and for a
    customer only those its reseller shared (SUP-5)."""
    rows = access.restrict(
        OutageReport.objects.select_related("ticket", "ticket__reseller", "status_event"), account
    )
    return rows if sees_unshared_outage_report(account) else rows.filter(shared_with_customer=True)


def outage_report_for(ticket: Ticket, account: Account) -> OutageReport:
    """The report of ``ticket`` its reader may read, or ``Http404`` — the same for a ticket
    without one and a report not shared with the reader."""
    found = outage_reports_for(account).filter(ticket=ticket).first()
    if found is None:
        raise Http404
    return found


def outage_reports_of_event(event: Any, account: Account) -> QuerySet[OutageReport]:
    """The reports linked to a status page incident that ``account`` may read: what a page
    for logged-in people links from the incident; the public page shows none."""
    return outage_reports_for(account).filter(status_event=event).order_by("ticket__number")
