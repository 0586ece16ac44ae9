"""Service-hour clocks (SUP-3, SUP-6, OPS-1): service time on a calendar of working windows,
German holidays per state, DST, pauses, and the critical fault in the last service hour."""

from __future__ import annotations

import datetime as dt
import functools
import time
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support.clock import (
    ALWAYS_OPEN,
    BERLIN,
    PLATFORM_CALENDAR,
    ServiceCalendar,
    add_service_time,
    due_with_pauses,
    elapsed_with_pauses,
    reaction_start,
    service_time_between,
)
from support.targets import SERVICE_DAY, TARGETS, Severity

H = dt.timedelta(hours=1)
ZERO = dt.timedelta(0)
TICK = dt.timedelta(microseconds=1)
WEEKDAYS = PLATFORM_CALENDAR.hours


def berlin(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)


def calendar(subdivision: str | None) -> ServiceCalendar:
    return ServiceCalendar(hours=WEEKDAYS, subdivision=subdivision)


SAXONY, LOWER_SAXONY, BAVARIA, BERLIN_STATE = (calendar(s) for s in ("SN", "NI", "BY", "BE"))
# Two windows a day, Saturdays too, a state's holidays and a closed day of our own.
SPLIT = ServiceCalendar(
    hours={
        **{
            day: ((dt.time(7, 30), dt.time(12)), (dt.time(13), dt.time(18, 30))) for day in range(5)
        },
        5: ((dt.time(9), dt.time(13)),),
    },
    subdivision="BY",
    extra_closed=frozenset({dt.date(2026, 12, 24), dt.date(2027, 12, 24)}),
)
# Night service across midnight, through both DST changes.
NIGHTS = ServiceCalendar(
    hours={day: ((dt.time(0), dt.time(6)), (dt.time(20), dt.time(0))) for day in range(7)}
)
CALENDARS = [PLATFORM_CALENDAR, ALWAYS_OPEN, SAXONY, SPLIT, NIGHTS]

# Instants from late 2025 to early 2028 (two DST changes a year, a year boundary or two).
BASE = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)
SPAN_S = 2 * 365 * 24 * 3600
instants = st.integers(0, SPAN_S * 1000).map(lambda ms: BASE + dt.timedelta(milliseconds=ms))
durations = st.integers(0, 100 * 9 * 3600).map(lambda s: dt.timedelta(seconds=s))
calendars = st.sampled_from(CALENDARS)
# Pauses, given as (offset after start, length) in minutes; a length of None is still running.
pause_specs = st.lists(
    st.tuples(st.integers(-600, 40 * 24 * 60), st.none() | st.integers(0, 10 * 24 * 60)),
    max_size=4,
)
EXAMPLES = settings(max_examples=60, deadline=None)


def pauses_from(start: dt.datetime, specs: list[tuple[int, int | None]]):
    return [
        (
            start + dt.timedelta(minutes=offset),
            None if length is None else start + dt.timedelta(minutes=offset + length),
        )
        for offset, length in specs
    ]


# --- properties -----------------------------------------------------------------------------


@EXAMPLES
@given(start=instants, duration=durations, cal=calendars)
def test_adding_then_measuring_gives_the_duration_back(start, duration, cal) -> None:
    end = add_service_time(start, duration, cal)
    assert end >= start
    assert service_time_between(start, end, cal) == duration
    if duration:
        # It ends as soon as the duration is used up: just before the end the clock was running.
        assert cal.is_open(end - TICK)
        assert service_time_between(start, end - TICK, cal) == duration - TICK


@EXAMPLES
@given(start=instants, later=durations, duration=durations, more=durations, cal=calendars)
def test_adding_is_monotonic_in_start_and_duration(start, later, duration, more, cal) -> None:
    due = add_service_time(start, duration, cal)
    assert add_service_time(start + later, duration, cal) >= due
    assert add_service_time(start, duration + more, cal) >= due


@EXAMPLES
@given(points=st.lists(instants, min_size=3, max_size=3), cal=calendars)
def test_service_time_is_additive_over_a_split_point(points, cal) -> None:
    a, b, c = sorted(points)
    whole = service_time_between(a, c, cal)
    assert whole == service_time_between(a, b, cal) + service_time_between(b, c, cal)
    assert service_time_between(c, a, cal) == ZERO


@functools.cache
def nationwide(year: int) -> holidays.HolidayBase:
    return holidays.Germany(years=year)


def reference_platform_time(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Service time by the definition (OPS-1), day by day, without the clock's tables."""
    total = ZERO
    day = start.astimezone(BERLIN).date()
    while day <= end.astimezone(BERLIN).date():
        if day.weekday() < 5 and day not in nationwide(day.year):
            opens = dt.datetime.combine(day, dt.time(8), tzinfo=BERLIN)
            closes = dt.datetime.combine(day, dt.time(17), tzinfo=BERLIN)
            total += max(ZERO, min(end, closes) - max(start, opens))
        day += dt.timedelta(days=1)
    return total


@EXAMPLES
@given(start=instants, length=st.integers(0, 30 * 24 * 60).map(lambda m: dt.timedelta(minutes=m)))
def test_never_counts_weekends_holidays_or_nights(start, length) -> None:
    assert service_time_between(
        start, start + length, PLATFORM_CALENDAR
    ) == reference_platform_time(start, start + length)
    local = start.astimezone(BERLIN)
    expected_open = (
        local.weekday() < 5
        and local.date() not in nationwide(local.year)
        and dt.time(8) <= local.time() < dt.time(17)
    )
    assert PLATFORM_CALENDAR.is_open(start) is expected_open


@EXAMPLES
@given(start=instants, span=durations, specs=pause_specs, extra=pause_specs, cal=calendars)
def test_pausing_never_increases_elapsed_time(start, span, specs, extra, cal) -> None:
    now = start + span
    pauses = pauses_from(start, specs)
    more = pauses + pauses_from(start, extra)
    elapsed = elapsed_with_pauses(start, now, pauses, cal)
    assert ZERO <= elapsed <= service_time_between(start, now, cal)
    assert elapsed_with_pauses(start, now, more, cal) <= elapsed
    assert elapsed_with_pauses(start, now, [], cal) == service_time_between(start, now, cal)


@EXAMPLES
@given(start=instants, target=durations, span=durations, specs=pause_specs, cal=calendars)
def test_due_moment_is_where_elapsed_time_reaches_the_target(
    start, target, span, specs, cal
) -> None:
    now = start + span
    pauses = pauses_from(start, specs)
    due = due_with_pauses(start, target, pauses, cal, now)
    running = any(begin <= now and (end is None or end > now) for begin, end in pauses)
    reached = elapsed_with_pauses(start, now, pauses, cal) >= target
    if due is None:
        assert running and not reached
        return
    assert reached or not running
    if due <= now:
        assert elapsed_with_pauses(start, due, pauses, cal) == target
    else:  # the rest runs after now, without pauses
        rest = target - elapsed_with_pauses(start, now, pauses, cal)
        assert due == add_service_time(now, rest, cal)
    assert due_with_pauses(start, target, [], cal, now) == add_service_time(start, target, cal)


@EXAMPLES
@given(start=instants, duration=durations, zone=st.sampled_from(["UTC", "America/New_York"]))
def test_other_time_zones_are_converted(start, duration, zone) -> None:
    elsewhere = start.astimezone(ZoneInfo(zone))
    due = add_service_time(elsewhere, duration, PLATFORM_CALENDAR)
    assert due == add_service_time(start.astimezone(BERLIN), duration, PLATFORM_CALENDAR)
    assert due.tzinfo is BERLIN


# --- examples -------------------------------------------------------------------------------


def test_friday_afternoon_before_whit_monday_continues_on_tuesday() -> None:
    assert dt.date(2026, 5, 25) in holidays.Germany(years=2026)  # Pfingstmontag
    friday = berlin(2026, 5, 22, 16, 30)
    assert add_service_time(friday, H, PLATFORM_CALENDAR) == berlin(2026, 5, 26, 8, 30)
    assert service_time_between(friday, berlin(2026, 5, 26, 8, 30), PLATFORM_CALENDAR) == H


def test_easter_closes_good_friday_and_easter_monday() -> None:
    thursday = berlin(2026, 4, 2, 16, 30)
    assert add_service_time(thursday, H, PLATFORM_CALENDAR) == berlin(2026, 4, 7, 8, 30)
    assert PLATFORM_CALENDAR.windows(dt.date(2026, 4, 3)) == []
    assert PLATFORM_CALENDAR.windows(dt.date(2026, 4, 6)) == []


def test_a_duration_ending_at_closing_time_ends_there() -> None:
    assert add_service_time(berlin(2026, 6, 1, 16), H, PLATFORM_CALENDAR) == berlin(2026, 6, 1, 17)
    assert add_service_time(berlin(2026, 6, 1, 17), ZERO, PLATFORM_CALENDAR) == berlin(
        2026, 6, 1, 17
    )
    # Outside hours the count begins at the next opening.
    assert add_service_time(berlin(2026, 6, 1, 22), H, PLATFORM_CALENDAR) == berlin(2026, 6, 2, 9)


@pytest.mark.parametrize(
    ("friday", "monday"),
    [
        (dt.date(2026, 3, 27), dt.date(2026, 3, 30)),  # summer time begins on Sunday 29 March
        (dt.date(2026, 10, 23), dt.date(2026, 10, 26)),  # and ends on Sunday 25 October
    ],
)
def test_dst_weekends_keep_the_0800_to_1700_window(friday, monday) -> None:
    start = dt.datetime.combine(friday, dt.time(16), tzinfo=BERLIN)
    due = add_service_time(start, 2 * H, PLATFORM_CALENDAR)
    assert due == dt.datetime.combine(monday, dt.time(9), tzinfo=BERLIN)
    for day in (friday, monday):
        [(opens, closes)] = PLATFORM_CALENDAR.windows(day)
        assert (opens.time(), closes.time(), closes - opens) == (dt.time(8), dt.time(17), 9 * H)
    # Different UTC offsets on either side of the change.
    assert due.utcoffset() != start.utcoffset()
    assert service_time_between(start, due, PLATFORM_CALENDAR) == 2 * H


def test_dst_days_last_23_and_25_hours_on_the_always_open_clock() -> None:
    assert service_time_between(berlin(2026, 3, 29), berlin(2026, 3, 30), ALWAYS_OPEN) == 23 * H
    assert service_time_between(berlin(2026, 10, 25), berlin(2026, 10, 26), ALWAYS_OPEN) == 25 * H
    assert add_service_time(berlin(2026, 3, 28, 12), 24 * H, ALWAYS_OPEN) == berlin(2026, 3, 29, 13)
    every_day = ServiceCalendar(hours={day: ((dt.time(8), dt.time(17)),) for day in range(7)})
    for sunday in (dt.date(2026, 3, 29), dt.date(2026, 10, 25)):
        [(opens, closes)] = every_day.windows(sunday)
        assert closes - opens == 9 * H


def whole_day(cal: ServiceCalendar, day: dt.date) -> dt.timedelta:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=BERLIN)
    return service_time_between(start, start + dt.timedelta(days=1), cal)


def test_buss_und_bettag_closes_only_in_saxony() -> None:
    wednesday = dt.date(2026, 11, 18)
    assert whole_day(SAXONY, wednesday) == ZERO
    assert whole_day(PLATFORM_CALENDAR, wednesday) == 9 * H
    assert whole_day(BAVARIA, wednesday) == 9 * H


def test_reformationstag_closes_lower_saxony_but_not_bavaria() -> None:
    friday = dt.date(2025, 10, 31)
    assert whole_day(LOWER_SAXONY, friday) == ZERO
    assert whole_day(BAVARIA, friday) == 9 * H
    assert whole_day(PLATFORM_CALENDAR, friday) == 9 * H  # nationwide only


def test_fronleichnam_closes_bavaria_but_not_berlin() -> None:
    thursday = dt.date(2026, 6, 4)
    assert whole_day(BAVARIA, thursday) == ZERO
    assert whole_day(BERLIN_STATE, thursday) == 9 * H
    wednesday = berlin(2026, 6, 3, 16, 30)
    assert add_service_time(wednesday, H, BAVARIA) == berlin(2026, 6, 5, 8, 30)
    assert add_service_time(wednesday, H, BERLIN_STATE) == berlin(2026, 6, 4, 8, 30)


def test_extra_closed_days_and_split_windows() -> None:
    assert SPLIT.windows(dt.date(2026, 12, 24)) == []
    assert [(a.time(), b.time()) for a, b in SPLIT.windows(dt.date(2026, 12, 23))] == [
        (dt.time(7, 30), dt.time(12)),
        (dt.time(13), dt.time(18, 30)),
    ]
    assert add_service_time(berlin(2026, 12, 23, 11, 30), H, SPLIT) == berlin(2026, 12, 23, 13, 30)
    assert not SPLIT.is_open(berlin(2026, 12, 23, 12, 30))


def test_critical_fault_at_1630_gets_its_reaction_in_the_evening() -> None:
    received = berlin(2026, 5, 22, 16, 30)  # Friday before Whit Monday
    start, clock = reaction_start(received, Severity.CRITICAL, PLATFORM_CALENDAR)
    assert (start, clock) == (received, ALWAYS_OPEN)
    reaction = TARGETS[Severity.CRITICAL].reaction
    assert add_service_time(start, reaction, clock) == berlin(2026, 5, 22, 17, 30)
    # A major fault at the same moment waits for Tuesday morning.
    start, clock = reaction_start(received, Severity.MAJOR, PLATFORM_CALENDAR)
    assert clock is PLATFORM_CALENDAR
    assert add_service_time(start, reaction, clock) == berlin(2026, 5, 26, 8, 30)


@pytest.mark.parametrize(
    ("received", "special"),
    [
        (berlin(2026, 6, 2, 16, 0), True),  # the last hour begins
        (berlin(2026, 6, 2, 16, 59), True),
        (berlin(2026, 6, 2, 15, 59), False),
        (berlin(2026, 6, 2, 17, 0), False),  # closed: counts from 08:00 next morning
        (berlin(2026, 6, 6, 16, 30), False),  # Saturday
    ],
)
def test_only_the_last_service_hour_starts_a_critical_fault_at_once(received, special) -> None:
    start, clock = reaction_start(received, "critical", PLATFORM_CALENDAR)
    assert (clock is ALWAYS_OPEN) is special
    assert start == (received if special else PLATFORM_CALENDAR.next_opening(received))


def test_critical_fault_in_the_evening_waits_for_the_morning() -> None:
    start, clock = reaction_start(berlin(2026, 6, 2, 21), Severity.CRITICAL, PLATFORM_CALENDAR)
    assert (start, clock) == (berlin(2026, 6, 3, 8), PLATFORM_CALENDAR)


def test_due_moment_with_pauses() -> None:
    start = berlin(2026, 6, 1, 10)  # Monday
    target = TARGETS[Severity.MINOR].reaction  # 24 service hours: Wednesday 16:00 unpaused
    assert due_with_pauses(start, target, [], PLATFORM_CALENDAR, start) == berlin(2026, 6, 3, 16)
    waiting = (berlin(2026, 6, 1, 15), berlin(2026, 6, 2, 11))  # 5 service hours
    pauses = [waiting]
    now = berlin(2026, 6, 2, 12)
    assert due_with_pauses(start, target, pauses, PLATFORM_CALENDAR, now) == berlin(2026, 6, 4, 12)
    # Paused now and not reached: unknown until the pause ends.
    still = [(berlin(2026, 6, 1, 15), None)]
    assert due_with_pauses(start, target, still, PLATFORM_CALENDAR, now) is None
    assert elapsed_with_pauses(start, now, still, PLATFORM_CALENDAR) == 5 * H
    # Reached before the pause: the moment stays, even while paused.
    late = [(berlin(2026, 6, 3, 16, 30), None)]
    later = berlin(2026, 6, 8, 9)
    assert due_with_pauses(start, target, late, PLATFORM_CALENDAR, later) == berlin(2026, 6, 3, 16)


def test_targets_are_service_time() -> None:
    assert set(TARGETS) == set(Severity)
    # A service day is one working day of the platform's calendar.
    [(opens, closes)] = PLATFORM_CALENDAR.windows(dt.date(2026, 6, 1))
    assert closes - opens == SERVICE_DAY
    assert TARGETS[Severity.SERVICE_REQUEST].resolution is None
    # 14 service days: fourteen working days later, 1 May (Friday) is a holiday.
    monday = berlin(2026, 4, 13, 10)
    major = TARGETS[Severity.MAJOR].resolution
    assert major is not None
    assert add_service_time(monday, major, PLATFORM_CALENDAR) == berlin(2026, 5, 4, 10)


def test_ninety_service_days_are_added_quickly() -> None:
    minor = TARGETS[Severity.MINOR].resolution
    assert minor is not None
    start = berlin(2026, 11, 2, 9, 15)
    due = add_service_time(start, minor, PLATFORM_CALENDAR)  # builds the year tables
    assert service_time_between(start, due, PLATFORM_CALENDAR) == minor
    assert due.year == 2027
    runs = 2000
    began = time.perf_counter()
    for _ in range(runs):
        add_service_time(start, minor, PLATFORM_CALENDAR)
    # About 5 µs each on the development machine; the bound leaves room for a busy one.
    assert (time.perf_counter() - began) / runs < 200e-6


def test_calendar_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="state"):
        ServiceCalendar(hours=WEEKDAYS, subdivision="XX")
    with pytest.raises(ValueError, match="disjoint"):
        ServiceCalendar(hours={0: ((dt.time(8), dt.time(12)), (dt.time(11), dt.time(17)))})
    with pytest.raises(ValueError, match="weekdays"):
        ServiceCalendar(hours={7: ((dt.time(8), dt.time(17)),)})
    with pytest.raises(ValueError, match="naive"):
        add_service_time(dt.datetime(2026, 6, 1, 10), H, PLATFORM_CALENDAR)
    with pytest.raises(ValueError, match="negative"):
        add_service_time(berlin(2026, 6, 1, 10), -H, PLATFORM_CALENDAR)
    with pytest.raises(ValueError, match="no service hours"):
        add_service_time(berlin(2026, 6, 1, 10), H, ServiceCalendar(hours={}))


def test_calendars_compare_by_value() -> None:
    same = ServiceCalendar(hours={day: ((dt.time(8), dt.time(17)),) for day in range(5)})
    assert same == PLATFORM_CALENDAR and hash(same) == hash(PLATFORM_CALENDAR)
    assert SAXONY != PLATFORM_CALENDAR
    # An equal calendar built anew reuses the year's table.
    assert same._table(2026) is PLATFORM_CALENDAR._table(2026)
