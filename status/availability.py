"""Availability per component (OPS-2, OPS-3) as pure interval arithmetic over plain data.

Downtime of a component is the union of its incidents — from the first step to resolved, or
until ``now`` while open; a false alarm counts zero — minus the announced windows of its
maintenance (announced maintenance is not downtime). Availability is one minus downtime over
the period; the target is 99.8 % per year. Intervals are half-open ``[start, end)`` pairs of
anything ordered and subtractable (datetimes in the service, numbers in property tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
TARGET = 0.998

T = TypeVar("T", bound=Any)
Interval = tuple[T, T]


def merge(intervals: Iterable[tuple[T, T]]) -> list[tuple[T, T]]:
    """The union of ``intervals`` as sorted, disjoint, non-empty intervals."""
    merged: list[tuple[T, T]] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def clip(intervals: Iterable[tuple[T, T]], start: T, end: T) -> list[tuple[T, T]]:
    """``intervals`` cut to ``[start, end)``, merged."""
    return merge((max(s, start), min(e, end)) for s, e in intervals if s < end and e > start)


def subtract(base: Iterable[tuple[T, T]], removed: Iterable[tuple[T, T]]) -> list[tuple[T, T]]:
    """``base`` without any point of ``removed``."""
    holes = merge(removed)
    result: list[tuple[T, T]] = []
    for start, end in merge(base):
        cursor = start
        for h_start, h_end in holes:
            if h_end <= cursor or h_start >= end:
                continue
            if h_start > cursor:
                result.append((cursor, h_start))
            cursor = max(cursor, h_end)
            if cursor >= end:
                break
        if cursor < end:
            result.append((cursor, end))
    return result


def total_seconds(intervals: Iterable[tuple[dt.datetime, dt.datetime]]) -> float:
    return sum((end - start).total_seconds() for start, end in intervals)


@dataclass(frozen=True)
class IncidentSpan:
    """What availability needs of one incident."""

    start: dt.datetime
    end: dt.datetime | None  # None while open
    false_alarm: bool
    components: frozenset[Any] = field(default_factory=frozenset)


@dataclass(frozen=True)
class MaintenanceSpan:
    """What availability needs of one maintenance: its announced window."""

    start: dt.datetime
    end: dt.datetime
    components: frozenset[Any] = field(default_factory=frozenset)


def downtime(
    component: Any,
    incidents: Iterable[IncidentSpan],
    maintenances: Iterable[MaintenanceSpan],
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Downtime intervals of ``component`` within ``[start, end)``."""
    down = [
        (i.start, i.end or now)
        for i in incidents
        if component in i.components and not i.false_alarm
    ]
    excused = [(m.start, m.end) for m in maintenances if component in m.components]
    return clip(subtract(down, excused), start, end)


@dataclass(frozen=True)
class Availability:
    """Availability of one component over a measured period."""

    component: Any
    period_seconds: float
    downtime_seconds: float

    @property
    def ratio(self) -> float:
        if self.period_seconds <= 0:
            return 1.0
        return max(0.0, 1.0 - self.downtime_seconds / self.period_seconds)

    @property
    def meets_target(self) -> bool:
        return self.ratio >= TARGET

    @property
    def allowed_downtime_seconds(self) -> float:
        return self.period_seconds * (1 - TARGET)


def measure(
    component: Any,
    incidents: Sequence[IncidentSpan],
    maintenances: Sequence[MaintenanceSpan],
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
) -> Availability:
    """Availability over ``[start, min(end, now))``: a period that has not happened yet
    cannot be measured."""
    stop = min(end, now)
    if stop <= start:
        return Availability(component, 0.0, 0.0)
    intervals = downtime(component, incidents, maintenances, start, stop, now)
    return Availability(component, (stop - start).total_seconds(), total_seconds(intervals))


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of a local Berlin day (23, 24 or 25 hours)."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=BERLIN)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=BERLIN)
    return start, end


def daily_downtime(
    intervals: Sequence[tuple[dt.datetime, dt.datetime]], days: Sequence[dt.date]
) -> list[float]:
    """Seconds of downtime on each local day of ``days``."""
    result = []
    for day in days:
        start, end = day_bounds(day)
        result.append(total_seconds(clip(intervals, start, end)))
    return result


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime(year, 1, 1, tzinfo=BERLIN),
        dt.datetime(year + 1, 1, 1, tzinfo=BERLIN),
    )
