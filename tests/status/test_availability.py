"""Availability per component: incidents minus announced maintenance (OPS-2, OPS-3)."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from status.availability import (
    BERLIN,
    IncidentSpan,
    MaintenanceSpan,
    clip,
    daily_downtime,
    downtime,
    measure,
    merge,
    subtract,
    total_seconds,
    year_bounds,
)

T0 = dt.datetime(2027, 3, 1, tzinfo=BERLIN)


def t(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def minutes(intervals: list[tuple[dt.datetime, dt.datetime]]) -> float:
    return total_seconds(intervals) / 60


def test_overlapping_incidents_count_once() -> None:
    incidents = [
        IncidentSpan(t(0), t(60), False, frozenset({"tel"})),
        IncidentSpan(t(30), t(90), False, frozenset({"tel", "uc"})),
    ]
    down = downtime("tel", incidents, [], t(-1000), t(1000), now=t(2000))
    assert down == [(t(0), t(90))]
    assert minutes(downtime("uc", incidents, [], t(-1000), t(1000), now=t(2000))) == 60


def test_announced_maintenance_is_not_downtime() -> None:
    incidents = [IncidentSpan(t(0), t(120), False, frozenset({"tel"}))]
    maintenance = [MaintenanceSpan(t(30), t(60), frozenset({"tel"}))]
    down = downtime("tel", incidents, maintenance, t(-1000), t(1000), now=t(2000))
    assert down == [(t(0), t(30)), (t(60), t(120))]
    assert minutes(down) == 90


def test_maintenance_of_another_component_excuses_nothing() -> None:
    incidents = [IncidentSpan(t(0), t(120), False, frozenset({"tel"}))]
    maintenance = [MaintenanceSpan(t(30), t(60), frozenset({"fax"}))]
    assert minutes(downtime("tel", incidents, maintenance, t(-10), t(1000), now=t(2000))) == 120


def test_overlapping_incidents_and_maintenance_together() -> None:
    incidents = [
        IncidentSpan(t(0), t(50), False, frozenset({"tel"})),
        IncidentSpan(t(40), t(100), False, frozenset({"tel"})),
        IncidentSpan(t(200), t(260), True, frozenset({"tel"})),  # false alarm
    ]
    maintenance = [
        MaintenanceSpan(t(20), t(45), frozenset({"tel"})),
        MaintenanceSpan(t(44), t(60), frozenset({"tel"})),
        MaintenanceSpan(t(90), t(300), frozenset({"tel"})),
    ]
    down = downtime("tel", incidents, maintenance, t(-10), t(1000), now=t(2000))
    assert down == [(t(0), t(20)), (t(60), t(90))]


def test_false_alarm_counts_zero() -> None:
    incidents = [IncidentSpan(t(0), t(16), True, frozenset({"tel"}))]
    assert downtime("tel", incidents, [], t(-10), t(100), now=t(200)) == []


def test_open_incident_runs_until_now_and_is_clipped_to_the_period() -> None:
    incidents = [IncidentSpan(t(-30), None, False, frozenset({"tel"}))]
    down = downtime("tel", incidents, [], t(0), t(1000), now=t(45))
    assert down == [(t(0), t(45))]


def test_yearly_availability_against_99_8_percent() -> None:
    start, end = year_bounds(2026)
    hours = 365 * 24
    allowed = hours * 0.002  # 17.52 h
    just_fine = [
        IncidentSpan(
            dt.datetime(2026, 6, 1, tzinfo=BERLIN),
            dt.datetime(2026, 6, 1, tzinfo=BERLIN) + dt.timedelta(hours=allowed - 0.01),
            False,
            frozenset({"tel"}),
        )
    ]
    result = measure("tel", just_fine, [], start, end, now=dt.datetime(2027, 2, 1, tzinfo=BERLIN))
    assert result.period_seconds == hours * 3600
    assert result.meets_target
    too_much = [
        IncidentSpan(
            dt.datetime(2026, 6, 1, tzinfo=BERLIN),
            dt.datetime(2026, 6, 1, tzinfo=BERLIN) + dt.timedelta(hours=allowed + 0.01),
            False,
            frozenset({"tel"}),
        )
    ]
    result = measure("tel", too_much, [], start, end, now=dt.datetime(2027, 2, 1, tzinfo=BERLIN))
    assert not result.meets_target
    assert round(result.allowed_downtime_seconds / 3600, 2) == 17.52


def test_current_year_is_measured_up_to_now() -> None:
    start, end = year_bounds(2027)
    now = dt.datetime(2027, 1, 2, tzinfo=BERLIN)
    result = measure("tel", [], [], start, end, now=now)
    assert result.period_seconds == 24 * 3600
    assert result.ratio == 1.0
    assert measure("tel", [], [], end, end + dt.timedelta(days=1), now=now).period_seconds == 0


def test_daily_downtime_splits_at_local_midnight_and_knows_dst() -> None:
    # 27 → 28 March 2027: the 28th has 23 hours.
    start = dt.datetime(2027, 3, 27, 23, 0, tzinfo=BERLIN)
    down = [(start, start + dt.timedelta(hours=2))]
    days = [dt.date(2027, 3, 27), dt.date(2027, 3, 28), dt.date(2027, 3, 29)]
    assert daily_downtime(down, days) == [3600.0, 3600.0, 0.0]


# Property tests on integers: the interval arithmetic equals counting covered unit cells.

intervals = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 60)).map(lambda p: (min(p), max(p))), max_size=8
)


def cells(spans: list[tuple[int, int]]) -> set[int]:
    return {x for s, e in spans for x in range(s, e)}


@given(intervals)
def test_merge_is_disjoint_sorted_union(spans: list[tuple[int, int]]) -> None:
    merged = merge(spans)
    assert cells(merged) == cells(spans)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(merged))
    assert all(s < e for s, e in merged)


@given(intervals, intervals)
def test_subtract_removes_exactly_the_holes(
    base: list[tuple[int, int]], holes: list[tuple[int, int]]
) -> None:
    result = subtract(base, holes)
    assert cells(result) == cells(base) - cells(holes)
    assert merge(result) == result


@given(intervals, st.integers(0, 60), st.integers(0, 60))
def test_clip_keeps_only_the_window(spans: list[tuple[int, int]], a: int, b: int) -> None:
    lo, hi = min(a, b), max(a, b)
    assert cells(clip(spans, lo, hi)) == cells(spans) & set(range(lo, hi))


@given(intervals, intervals)
def test_downtime_never_exceeds_incidents_and_never_overlaps_maintenance(
    incidents: list[tuple[int, int]], maintenance: list[tuple[int, int]]
) -> None:
    spans = [IncidentSpan(t(s), t(e), False, frozenset({"c"})) for s, e in incidents]
    windows = [MaintenanceSpan(t(s), t(e), frozenset({"c"})) for s, e in maintenance]
    down = downtime("c", spans, windows, t(0), t(60), now=t(100))
    as_minutes = [
        (round((s - T0).total_seconds() / 60), round((e - T0).total_seconds() / 60))
        for s, e in down
    ]
    assert cells(as_minutes) == cells(incidents) - cells(maintenance)
