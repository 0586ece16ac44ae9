"""SUP-3, SUP-6, OPS-1: every target at its boundary — one minute before it the periodic check
finds nothing, one minute after it flags the breach — counted in service hours (Mon–Fri
08:00–17:00 without nationwide holidays); a critical fault in the last service hour is worked
on at once; waiting for the customer stops the clocks."""

from __future__ import annotations

import datetime as dt

import pytest

from support import services
from support.models import ChangeKind, Ticket
from tests.factories import World

from .conftest import OpenTicket, acknowledge, berlin, check

MINUTE = dt.timedelta(minutes=1)
MONDAY_9 = berlin(2026, 9, 7, 9, 0)  # no holiday anywhere near

TARGETS = [
    # kind, severity, which clock, due
    ("fault", "critical", "reaction", berlin(2026, 9, 7, 10, 0)),  # 1 h
    ("fault", "critical", "resolution", berlin(2026, 9, 7, 13, 0)),  # 4 h
    ("fault", "major", "reaction", berlin(2026, 9, 7, 10, 0)),  # 1 h
    ("fault", "major", "resolution", berlin(2026, 9, 25, 9, 0)),  # 14 service days = 126 h
    ("fault", "minor", "reaction", berlin(2026, 9, 9, 15, 0)),  # 24 h: 8 + 9 + 7
    # 90 service days: across Christmas and New Year's Day
    ("fault", "minor", "resolution", berlin(2027, 1, 13, 9, 0)),
    ("service_request", "", "reaction", berlin(2026, 9, 17, 9, 0)),  # 72 h
]


def _breaches(ticket: Ticket) -> list[str]:
    return list(
        ticket.changes.filter(
            kind__in=[ChangeKind.REACTION_BREACHED, ChangeKind.RESOLUTION_BREACHED]
        ).values_list("kind", flat=True)
    )


@pytest.mark.parametrize(
    ("kind", "severity", "which", "due"),
    TARGETS,
    ids=[f"{k}-{s or 'request'}-{w}" for k, s, w, _ in TARGETS],
)
def test_target_is_breached_only_after_its_due_moment(
    world: World, open_ticket: OpenTicket, kind: str, severity: str, which: str, due: dt.datetime
) -> None:
    ticket = open_ticket(MONDAY_9, kind=kind, severity=severity)
    if which == "resolution":
        # Reacted in time, with an estimate beyond the target, so only the target counts.
        acknowledge(
            ticket, world.reseller_admin_a, MONDAY_9 + 10 * MINUTE, due + dt.timedelta(days=30)
        )
    ticket.refresh_from_db()
    assert getattr(ticket, f"{which}_due_at") == due

    assert check(due - MINUTE) == {}
    ticket.refresh_from_db()
    assert getattr(ticket, f"{which}_breached_at") is None
    assert _breaches(ticket) == []

    assert check(due + MINUTE) == {f"{which}_breached": 1}
    ticket.refresh_from_db()
    assert getattr(ticket, f"{which}_breached_at") == due + MINUTE
    assert _breaches(ticket) == [f"{which}_breached"]
    # A second run finds nothing more to do.
    assert check(due + 2 * MINUTE) == {}


def test_a_reaction_in_time_is_never_a_breach(world: World, open_ticket: OpenTicket) -> None:
    ticket = open_ticket(MONDAY_9, severity="major")
    acknowledge(ticket, world.reseller_admin_a, MONDAY_9 + 59 * MINUTE, berlin(2026, 9, 8, 12))
    assert check(berlin(2026, 9, 7, 10, 1)) == {}
    ticket.refresh_from_db()
    assert ticket.reaction_breached_at is None and ticket.acknowledged_at is not None


def test_service_requests_have_no_resolution_target(open_ticket: OpenTicket) -> None:
    ticket = open_ticket(MONDAY_9, kind="service_request")
    assert ticket.resolution_due_at is None


def test_change_requests_have_no_target(open_ticket: OpenTicket) -> None:
    ticket = open_ticket(MONDAY_9, kind="change_request")
    assert ticket.reaction_due_at is None and ticket.resolution_due_at is None
    assert ticket.next_check_at is None


def test_critical_fault_on_friday_afternoon_before_whit_monday(
    world: World, open_ticket: OpenTicket
) -> None:
    """16:30 on Friday 22 May 2026, Whit Monday a nationwide holiday: the fault came in the
    last service hour, so it is worked on at once — the reaction is due at 17:30 the same day
    (SUP-6); the resolution target counts service hours: 30 minutes on Friday, then from
    Tuesday 08:00 — due Tuesday 11:30."""
    friday = berlin(2026, 5, 22, 16, 30)
    ticket = open_ticket(friday, severity="critical")
    assert ticket.reaction_due_at == berlin(2026, 5, 22, 17, 30)
    assert ticket.resolution_due_at == berlin(2026, 5, 26, 11, 30)

    assert check(berlin(2026, 5, 22, 17, 29)) == {}
    assert check(berlin(2026, 5, 22, 17, 31)) == {"reaction_breached": 1}
    assert check(berlin(2026, 5, 26, 11, 29)) == {}
    assert check(berlin(2026, 5, 26, 11, 31)) == {"resolution_breached": 1}


def test_a_major_fault_late_on_friday_waits_for_the_next_service_day(
    open_ticket: OpenTicket,
) -> None:
    ticket = open_ticket(berlin(2026, 5, 22, 16, 30), severity="major")
    assert ticket.reaction_due_at == berlin(2026, 5, 26, 8, 30)


def test_a_fault_at_night_is_accepted_and_counts_from_the_next_opening(
    open_ticket: OpenTicket,
) -> None:
    ticket = open_ticket(berlin(2026, 9, 12, 2, 0), severity="critical")  # a Saturday
    assert ticket.reaction_due_at == berlin(2026, 9, 14, 9, 0)
    assert ticket.resolution_due_at == berlin(2026, 9, 14, 12, 0)


def test_waiting_for_the_customer_stops_the_clocks(world: World, open_ticket: OpenTicket) -> None:
    reseller = world.reseller_admin_a
    ticket = open_ticket(MONDAY_9, severity="major")
    estimate = berlin(2026, 9, 28, 12, 0)
    acknowledge(ticket, reseller, MONDAY_9 + 10 * MINUTE, estimate)
    ticket.refresh_from_db()
    assert ticket.resolution_due_at == berlin(2026, 9, 25, 9, 0)

    services.ticket_transition(
        ticket=ticket, acting_user=reseller, state="waiting_for_customer", now=berlin(2026, 9, 8, 9)
    )
    ticket.refresh_from_db()
    assert ticket.resolution_due_at is None and ticket.next_check_at is None
    # Nothing is due while the customer holds the ticket, however long it takes.
    assert check(berlin(2026, 10, 30, 12, 0)) == {}

    # Back two service days (18 service hours) later: due and estimate move on by as much.
    services.ticket_transition(
        ticket=ticket, acting_user=reseller, state="in_progress", now=berlin(2026, 9, 10, 9)
    )
    ticket.refresh_from_db()
    assert ticket.resolution_due_at == berlin(2026, 9, 29, 9, 0)
    assert ticket.estimated_resolution_at == berlin(2026, 9, 30, 12, 0)
    assert ticket.changes.filter(kind=ChangeKind.ESTIMATE, data__moved_by_waiting=True).exists()
    assert check(berlin(2026, 9, 29, 8, 59)) == {}
    assert check(berlin(2026, 9, 29, 9, 1)) == {"resolution_breached": 1}


def test_a_customer_reply_resumes_a_waiting_ticket(world: World, open_ticket: OpenTicket) -> None:
    ticket = open_ticket(MONDAY_9, severity="minor")
    acknowledge(ticket, world.reseller_admin_a, MONDAY_9 + MINUTE, berlin(2026, 9, 30, 12))
    services.ticket_transition(
        ticket=ticket,
        acting_user=world.reseller_admin_a,
        state="waiting_for_customer",
        now=berlin(2026, 9, 7, 10),
    )
    services.message_post(
        ticket=ticket,
        acting_user=world.customer_admin_a1,
        body="Hier die gewünschten Angaben.",
        now=berlin(2026, 9, 7, 11),
    )
    ticket.refresh_from_db()
    assert ticket.state == "in_progress"
    assert ticket.resolution_due_at is not None


def test_the_desk_service_hours_and_its_state_holidays_count(
    world: World, open_ticket: OpenTicket
) -> None:
    """A reseller in Bavaria working 07:00–19:00: Corpus Christi (4 June 2026) is a holiday
    there, not nationwide."""
    services.support_desk_update(
        reseller=world.reseller_a,
        acting_user=world.reseller_admin_a,
        data={
            "hours": {str(day): [["07:00", "19:00"]] for day in range(5)},
            "federal_state": "BY",
        },
    )
    ticket = open_ticket(berlin(2026, 6, 3, 18, 30), severity="major")
    assert ticket.reaction_due_at == berlin(2026, 6, 5, 7, 30)


def test_a_second_level_ticket_counts_in_the_platform_hours(
    world: World, open_ticket: OpenTicket
) -> None:
    services.support_desk_update(
        reseller=world.reseller_a,
        acting_user=world.reseller_admin_a,
        data={"hours": {str(day): [["07:00", "19:00"]] for day in range(7)}},
    )
    ticket = open_ticket(berlin(2026, 9, 12, 10, 0), severity="major")  # Saturday: desk open
    assert ticket.reaction_due_at == berlin(2026, 9, 12, 11, 0)
    platform = services.ticket_escalate(
        ticket=ticket,
        acting_user=world.reseller_admin_a,
        note="Bitte prüfen.",
        now=berlin(2026, 9, 12, 10, 30),
    )
    assert platform.reaction_due_at == berlin(2026, 9, 14, 9, 0)


def test_the_check_finds_its_work_with_one_query(
    world: World, open_ticket: OpenTicket, django_assert_num_queries: object
) -> None:
    for _ in range(3):
        open_ticket(MONDAY_9, severity="critical")
    with django_assert_num_queries(1):  # type: ignore[operator]
        ids = services.ticket_clocks_due(now=berlin(2026, 9, 7, 10, 1))
    assert len(ids) == 3
