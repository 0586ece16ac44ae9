"""Reads of the portal's support pages (SUP-1, SUP-3, SUP-5): the queue sorted by the time
left, the service time left of a page of tickets, the people a ticket can be assigned to.
Everything starts from the chokepoint (``selectors.tickets_for``) and costs the same number of
queries however many tickets a page shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Case, DateTimeField, F, IntegerField, QuerySet, Value, When
from django.utils import timezone

from provisioning import access
from provisioning.models import Account, Customer, Role

from . import clock, states
from .calendars import desk_calendar
from .models import SupportDesk, Ticket
from .permissions import may_be_assigned
from .selectors import is_breached, tickets_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

QUEUE_ORDER = ("-queue_open", F("due_at").asc(nulls_last=True), "-received_at", "number")


def queue(account: Account | AnonymousUser) -> QuerySet[Ticket]:
    """The tickets ``account`` may see, open ones first, the one whose next due moment (the
    reaction while new, else the resolution) comes first at the top."""
    return (
        tickets_for(account)
        .annotate(
            queue_open=Case(
                When(state__in=states.OPEN, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            due_at=Case(
                When(state=states.NEW, then=F("reaction_due_at")),
                When(state__in=states.OPEN, then=F("resolution_due_at")),
                default=None,
                output_field=DateTimeField(),
            ),
        )
        .order_by(*QUEUE_ORDER)
    )


def visible_customer(account: Account | AnonymousUser, value: str) -> Customer | None:
    """The customer a queue filter names, if ``account`` sees it (else no filter)."""
    if not value:
        return None
    try:
        return access.restrict(Customer.objects.all(), account).filter(pk=value).first()
    except (ValueError, ValidationError):
        return None


@dataclass(frozen=True)
class Clock:
    """What a queue row shows of a ticket's clock: the due moment, the service time left
    (``None`` once it has passed or while the clock stands still) and whether it is breached."""

    due_at: dt.datetime | None
    left: dt.timedelta | None
    breached: bool


def calendars_for(tickets: Iterable[Ticket]) -> dict[Any, clock.ServiceCalendar]:
    """The service calendar of each reseller of ``tickets``' first-level tickets (one query)."""
    resellers = {t.reseller_id for t in tickets if not t.is_second_level}
    return {
        desk.reseller_id: desk_calendar(desk.hours, desk.federal_state)
        for desk in SupportDesk.objects.filter(reseller_id__in=resellers)
    }


def clocks_for(tickets: Iterable[Ticket], now: dt.datetime | None = None) -> dict[Any, Clock]:
    """The clock of each ticket, counted in its desk's service hours."""
    now = now or timezone.now()
    rows = list(tickets)
    calendars = calendars_for(rows)
    out = {}
    for ticket in rows:
        due = ticket.reaction_due_at if ticket.state == states.NEW else ticket.resolution_due_at
        if ticket.state not in states.OPEN:
            due = None
        calendar = (
            clock.PLATFORM_CALENDAR
            if ticket.is_second_level
            else calendars.get(ticket.reseller_id, clock.PLATFORM_CALENDAR)
        )
        left = clock.service_time_between(now, due, calendar) if due and due > now else None
        out[ticket.pk] = Clock(due, left, is_breached(ticket, now))
    return out


def assignee_candidates(ticket: Ticket) -> list[Account]:
    """The active people of the side that works ``ticket`` (SUP-1: a named person)."""
    if ticket.is_second_level:
        rows = Account.objects.filter(role=Role.PLATFORM_STAFF, is_active=True)
    else:
        rows = Account.objects.filter(
            role=Role.RESELLER_ADMIN, reseller_id=ticket.reseller_id, is_active=True
        )
    return [
        a
        for a in rows.order_by("last_name", "first_name", "username")
        if may_be_assigned(a, ticket)
    ]
