"""Service-hour clocks for the support desk (SUP-3, SUP-6, OPS-1), pure: no models, no database.

A ``ServiceCalendar`` is a week of working windows in Europe/Berlin local time plus the days it
is closed: German public holidays (nationwide, or those of one state when ``subdivision`` is
set) and ``extra_closed``. The platform's calendar is Monday to Friday 08:00–17:00 except
nationwide holidays (OPS-1). Windows are local wall-clock times, so a day with 23 or 25 hours
(DST) keeps its 08:00–17:00 window; an end of 00:00 means midnight at the end of the day.

What is counted (decided from the service level agreement the targets come from, whose times
"refer to the service hours"): every target is service time. Hours are service hours; a day is
a service day of nine service hours (``support.targets``), so a 90-day target ends about 90
working days later at the same time of day. The one exception is SUP-6 (``reaction_start``):
a critical fault received during the last hour of a day's service hours is started at once and
its reaction clock runs in wall-clock time (``ALWAYS_OPEN``), into the evening; its resolution
clock stays in service hours. A critical fault received outside service hours waits for the
next opening like any other ticket (faults are accepted 24/7, OPS-1, but not worked on then).

Intervals are half-open: ``[start, end)``; a duration that ends exactly at a window's close ends
there (16:00 plus one hour is 17:00, not 08:00 the next morning). Pauses (waiting for the
customer) stop the clock; ``due_with_pauses`` returns ``None`` while a pause is running and
the target is not reached yet, because the due moment then depends on when the pause ends; once
reached, the moment it was reached stays the answer.

Arithmetic is in whole microseconds on UTC instants. Per calendar and year a table of that
year's windows with running totals is built once (the holidays per state and year are cached
too), so adding or measuring service time is a binary search, not a walk over days: adding 90
service days takes a few microseconds once the year's table exists. Inputs in any time zone
are accepted (naive datetimes are refused); results are in Europe/Berlin.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

from .targets import Severity

BERLIN = ZoneInfo("Europe/Berlin")
MIDNIGHT = dt.time(0, 0)
LAST_HOUR = dt.timedelta(hours=1)

Window = tuple[dt.time, dt.time]
Pause = tuple[dt.datetime, dt.datetime | None]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
_DAY = dt.timedelta(days=1)
_MAX_YEARS = 60  # how far add_service_time looks for service hours before giving up


def _us(moment: dt.datetime) -> int:
    """Microseconds since the epoch of an aware datetime (naive ones are refused)."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: service clocks need aware datetimes")
    since = moment - _EPOCH
    return (since.days * 86_400 + since.seconds) * 1_000_000 + since.microseconds


def _at(us: int) -> dt.datetime:
    return (_EPOCH + dt.timedelta(microseconds=us)).astimezone(BERLIN)


# Where each local year begins, as microseconds since the epoch, for the year of an instant
# without a time-zone conversion (other years fall back to converting).
_FIRST_YEAR = 1970
_YEAR_STARTS = [_us(dt.datetime(year, 1, 1, tzinfo=BERLIN)) for year in range(_FIRST_YEAR, 2201)]


def _year(us: int) -> int:
    """The Europe/Berlin calendar year of the instant ``us``."""
    i = bisect_right(_YEAR_STARTS, us) - 1
    if 0 <= i < len(_YEAR_STARTS) - 1:
        return _FIRST_YEAR + i
    return _at(us).year


def _span(us: int) -> dt.timedelta:
    return dt.timedelta(microseconds=us)


def _since_midnight(moment: dt.time, *, is_end: bool) -> dt.timedelta:
    if is_end and moment == MIDNIGHT:
        return _DAY
    return dt.timedelta(
        hours=moment.hour,
        minutes=moment.minute,
        seconds=moment.second,
        microseconds=moment.microsecond,
    )


@lru_cache(maxsize=512)
def _public_holidays(subdivision: str | None, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.Germany(subdiv=subdivision, years=year))


@dataclass(frozen=True)
class _YearTable:
    """One year's windows (UTC microseconds, ascending, disjoint) with the service time before
    each window starts (``before``) and once it ends (``upto``)."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    before: tuple[int, ...]
    upto: tuple[int, ...]

    @property
    def total(self) -> int:
        return self.upto[-1] if self.upto else 0

    def _index(self, us: int) -> int:
        """The last window starting at or before ``us`` (-1 if none)."""
        return bisect_right(self.starts, us) - 1

    def served(self, us: int) -> int:
        """Service time from the year's start up to ``us``."""
        i = self._index(us)
        if i < 0:
            return 0
        return self.before[i] + min(us, self.ends[i]) - self.starts[i]

    def moment(self, served: int) -> int:
        """The first instant by which ``served`` (0 < served <= total) has elapsed."""
        i = bisect_left(self.upto, served)
        return self.starts[i] + served - self.before[i]

    def is_open(self, us: int) -> bool:
        i = self._index(us)
        return i >= 0 and us < self.ends[i]

    def next_start(self, us: int) -> int | None:
        i = bisect_right(self.starts, us)
        return self.starts[i] if i < len(self.starts) else None


@dataclass(frozen=True)
class ServiceCalendar:
    """Weekly service hours and holidays, in Europe/Berlin.

    ``hours`` maps a weekday (0 = Monday … 6 = Sunday) to that day's working windows, ascending
    and disjoint, each ``(start, end)`` local time with an end of 00:00 meaning midnight at the
    end of the day. ``subdivision`` is a German state code for ``holidays.Germany(subdiv=…)``
    (``None``: nationwide holidays only); ``extra_closed`` adds closed days;
    ``observe_holidays=False`` ignores public holidays altogether."""

    hours: Mapping[int, tuple[Window, ...]] = field(compare=False, hash=False)
    subdivision: str | None = None
    extra_closed: frozenset[dt.date] = frozenset()
    observe_holidays: bool = True
    _week: tuple[tuple[tuple[dt.timedelta, dt.timedelta], ...], ...] = field(init=False, repr=False)
    _years: dict[int, _YearTable] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        if self.subdivision is not None and self.subdivision not in holidays.Germany.subdivisions:
            raise ValueError(f"unknown German state {self.subdivision!r}")
        if not set(self.hours) <= set(range(7)):
            raise ValueError(f"weekdays are 0 (Monday) to 6 (Sunday), not {sorted(self.hours)}")
        week = []
        for weekday in range(7):
            windows = tuple(self.hours.get(weekday, ()))
            offsets = tuple(
                (_since_midnight(start, is_end=False), _since_midnight(end, is_end=True))
                for start, end in windows
            )
            previous_end = dt.timedelta(0)
            for (start, end), (begin, finish) in zip(windows, offsets, strict=True):
                if start.tzinfo is not None or end.tzinfo is not None:
                    raise ValueError("service windows are local times without a time zone")
                if not previous_end <= begin < finish:
                    raise ValueError(f"weekday {weekday}: windows must be ascending and disjoint")
                previous_end = finish
            week.append(offsets)
        frozen = {day: tuple(self.hours[day]) for day in sorted(self.hours) if self.hours[day]}
        object.__setattr__(self, "hours", MappingProxyType(frozen))
        object.__setattr__(self, "_week", tuple(week))
        object.__setattr__(self, "extra_closed", frozenset(self.extra_closed))

    def is_closed(self, day: dt.date) -> bool:
        """Whether ``day`` is a holiday or an extra closed day (its weekly hours do not apply)."""
        if day in self.extra_closed:
            return True
        return self.observe_holidays and day in _public_holidays(self.subdivision, day.year)

    def _day_windows(self, day: dt.date) -> list[tuple[int, int]]:
        if self.is_closed(day):
            return []
        midnight = dt.datetime.combine(day, MIDNIGHT)
        windows = []
        for begin, finish in self._week[day.weekday()]:
            # Wall-clock times: combine the naive local time with the zone, then go to UTC.
            start = _us((midnight + begin).replace(tzinfo=BERLIN))
            end = _us((midnight + finish).replace(tzinfo=BERLIN))
            if end > start:  # a window inside a DST gap has no length
                windows.append((start, end))
        return windows

    def _table(self, year: int) -> _YearTable:
        table = self._years.get(year)
        if table is None:
            table = self._years[year] = _year_table(self, year)
        return table

    def windows(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """That day's open windows as aware Europe/Berlin datetimes (``[]`` on closed days)."""
        return [(_at(start), _at(end)) for start, end in self._day_windows(day)]

    def is_open(self, moment: dt.datetime) -> bool:
        us = _us(moment)
        return self._table(_year(us)).is_open(us)

    def next_opening(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` itself if open, else the start of the next window."""
        return _at(_next_open(_us(moment), self))


@lru_cache(maxsize=256)  # shared by equal calendars, e.g. one built per customer and request
def _year_table(calendar: ServiceCalendar, year: int) -> _YearTable:
    starts: list[int] = []
    ends: list[int] = []
    before: list[int] = []
    upto: list[int] = []
    served = 0
    day = dt.date(year, 1, 1)
    while day.year == year:
        for start, end in calendar._day_windows(day):
            starts.append(start)
            ends.append(end)
            before.append(served)
            served += end - start
            upto.append(served)
        day += _DAY
    return _YearTable(tuple(starts), tuple(ends), tuple(before), tuple(upto))


def _require_hours(calendar: ServiceCalendar) -> None:
    if not any(calendar._week):
        raise ValueError("the calendar has no service hours")


def _next_open(us: int, calendar: ServiceCalendar) -> int:
    _require_hours(calendar)
    year = _year(us)
    table = calendar._table(year)
    if table.is_open(us):
        return us
    for _ in range(_MAX_YEARS):
        start = table.next_start(us)
        if start is not None:
            return start
        year += 1
        table = calendar._table(year)
    raise ValueError("the calendar has no service hours")


def _add(us: int, duration: int, calendar: ServiceCalendar) -> int:
    if duration < 0:
        raise ValueError("a duration of service time cannot be negative")
    if duration == 0:
        return us
    _require_hours(calendar)
    year = _year(us)
    table = calendar._table(year)
    served = table.served(us) + duration  # counted from the start of ``year``
    for _ in range(_MAX_YEARS):
        if served <= table.total:
            return table.moment(served)
        served -= table.total
        year += 1
        table = calendar._table(year)
    raise ValueError(f"the calendar has no service hours for this within {_MAX_YEARS} years")


def _between(start: int, end: int, calendar: ServiceCalendar) -> int:
    if end <= start:
        return 0
    first, last = _year(start), _year(end)
    if first == last:
        table = calendar._table(first)
        return table.served(end) - table.served(start)
    head = calendar._table(first)
    middle = sum(calendar._table(year).total for year in range(first + 1, last))
    return head.total - head.served(start) + middle + calendar._table(last).served(end)


def _merged_pauses(
    start: int, now: int, pauses: Iterable[Pause]
) -> tuple[list[tuple[int, int]], bool]:
    """The pauses clipped to ``[start, now]`` and merged, and whether one is running at ``now``
    (no end yet, or an end after ``now``)."""
    clipped: list[tuple[int, int]] = []
    running = False
    for pause_start, pause_end in pauses:
        begin = _us(pause_start)
        if begin > now:
            continue
        finish = now if pause_end is None else _us(pause_end)
        running = running or finish > now or pause_end is None
        begin, finish = max(begin, start), min(finish, now)
        if finish > begin:
            clipped.append((begin, finish))
    merged: list[tuple[int, int]] = []
    for begin, finish in sorted(clipped):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        else:
            merged.append((begin, finish))
    return merged, running


PLATFORM_CALENDAR = ServiceCalendar(hours={day: ((dt.time(8), dt.time(17)),) for day in range(5)})
ALWAYS_OPEN = ServiceCalendar(
    hours={day: ((MIDNIGHT, MIDNIGHT),) for day in range(7)}, observe_holidays=False
)


def add_service_time(
    start: dt.datetime, duration: dt.timedelta, calendar: ServiceCalendar
) -> dt.datetime:
    """The moment ``duration`` of service time after ``start`` (start outside hours: counting
    begins at the next opening). A zero duration gives ``start`` back."""
    return _at(_add(_us(start), duration // _MICROSECOND, calendar))


def service_time_between(
    start: dt.datetime, end: dt.datetime, calendar: ServiceCalendar
) -> dt.timedelta:
    """Service time elapsed in ``[start, end)``; zero if ``end <= start``."""
    return _span(_between(_us(start), _us(end), calendar))


def elapsed_with_pauses(
    start: dt.datetime,
    now: dt.datetime,
    pauses: Iterable[Pause],
    calendar: ServiceCalendar,
) -> dt.timedelta:
    """Service time from ``start`` to ``now``, not counting the pauses (a pause with end
    ``None`` lasts until ``now``; overlapping pauses count once)."""
    begin, end = _us(start), _us(now)
    paused, _ = _merged_pauses(begin, end, pauses)
    elapsed = _between(begin, end, calendar)
    elapsed -= sum(_between(a, b, calendar) for a, b in paused)
    return _span(elapsed)


def due_with_pauses(
    start: dt.datetime,
    target: dt.timedelta,
    pauses: Iterable[Pause],
    calendar: ServiceCalendar,
    now: dt.datetime,
) -> dt.datetime | None:
    """When ``target`` of service time is reached, given the pauses so far.

    Reached already (before ``now``): the moment it was reached, even if paused now. Not reached
    and a pause is running at ``now``: ``None`` (the due moment depends on when it ends). Not
    reached and running: ``now`` plus the remaining service time."""
    begin = _us(start)
    end = max(_us(now), begin)
    remaining = target // _MICROSECOND
    if remaining < 0:
        raise ValueError("a target of service time cannot be negative")
    paused, running = _merged_pauses(begin, end, pauses)
    cursor = begin
    for pause_start, pause_end in [*paused, (end, end)]:
        served = _between(cursor, pause_start, calendar)
        if remaining <= served:
            return _at(_add(cursor, remaining, calendar))
        remaining -= served
        cursor = pause_end
    if running:
        return None
    return _at(_add(end, remaining, calendar))


def _in_last_service_hour(moment: int, calendar: ServiceCalendar) -> bool:
    """Open at ``moment`` with at most an hour of that day's service time left."""
    if not calendar._table(_year(moment)).is_open(moment):
        return False
    day = _at(moment).date()
    left = sum(max(0, end - max(start, moment)) for start, end in calendar._day_windows(day))
    return left <= LAST_HOUR // _MICROSECOND


def reaction_start(
    received: dt.datetime, severity: str, calendar: ServiceCalendar
) -> tuple[dt.datetime, ServiceCalendar]:
    """When the reaction clock starts and the calendar it counts in (SUP-3, SUP-6).

    A critical fault received during the last hour of a day's service hours is started at once
    and its reaction clock runs in wall-clock time into the evening: ``(received,
    ALWAYS_OPEN)``. Anything else starts at the next opening (``received`` itself when open) and
    counts in ``calendar``."""
    us = _us(received)
    if severity == Severity.CRITICAL and _in_last_service_hour(us, calendar):
        return _at(us), ALWAYS_OPEN
    return _at(_next_open(us, calendar)), calendar
