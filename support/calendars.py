"""Service hours as stored on a reseller's desk (``{"0": [["08:00", "17:00"]], …}``, weekday
0 = Monday) and the service calendar a ticket's clocks count in (SUP-3, OPS-1): the reseller's
hours and its federal state's holidays on a first-level ticket, the platform's hours on a
second-level one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from provisioning.errors import ApplicationError

from .clock import PLATFORM_CALENDAR, ServiceCalendar

Hours = dict[int, tuple[tuple[dt.time, dt.time], ...]]


def _invalid(message: str) -> ApplicationError:
    return ApplicationError("invalid_service_hours", message, fields={"hours": [message]})


def _time(value: Any) -> dt.time:
    if not isinstance(value, str):
        raise _invalid("Times are written HH:MM.")
    try:
        parsed = dt.time.fromisoformat(value)
    except ValueError:
        raise _invalid("Times are written HH:MM.") from None
    if parsed.second or parsed.microsecond or parsed.tzinfo:
        raise _invalid("Times are written HH:MM.")
    return parsed


def parse_hours(raw: Any) -> Hours:
    """Checked service hours: weekdays 0–6, each a list of ``[start, end]`` pairs in order,
    not overlapping, start before end (``"00:00"`` as an end means midnight)."""
    if not isinstance(raw, Mapping):
        raise _invalid("Service hours name weekdays 0 (Monday) to 6 (Sunday).")
    hours: Hours = {}
    for key, intervals in raw.items():
        try:
            weekday = int(key)
        except (TypeError, ValueError):
            raise _invalid("Service hours name weekdays 0 (Monday) to 6 (Sunday).") from None
        if not 0 <= weekday <= 6 or not isinstance(intervals, list | tuple):
            raise _invalid("Service hours name weekdays 0 (Monday) to 6 (Sunday).")
        day: list[tuple[dt.time, dt.time]] = []
        previous_end = dt.time(0)
        for pair in intervals:
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                raise _invalid("Each period is a pair [start, end].")
            start, end = _time(pair[0]), _time(pair[1])
            if not (start < end or end == dt.time(0)) or (day and start < previous_end):
                raise _invalid("Periods of a day run forward and do not overlap.")
            day.append((start, end))
            previous_end = end
        if day:
            hours[weekday] = tuple(day)
    if not hours:
        raise _invalid("Name at least one period of service hours.")
    return hours


def stored_hours(hours: Hours) -> dict[str, list[list[str]]]:
    """The JSON form of checked hours."""
    return {
        str(weekday): [[start.strftime("%H:%M"), end.strftime("%H:%M")] for start, end in day]
        for weekday, day in sorted(hours.items())
    }


def desk_calendar(raw_hours: Any, federal_state: str) -> ServiceCalendar:
    """The calendar of a reseller's desk (its hours, nationwide holidays and its state's)."""
    return ServiceCalendar(parse_hours(raw_hours), subdivision=federal_state or None)


def platform_calendar() -> ServiceCalendar:
    return PLATFORM_CALENDAR
