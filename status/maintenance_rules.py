"""When a maintenance window may lie (OPS-1, OPS-2), as pure functions over aware datetimes.

Service hours are Monday to Friday 08:00–17:00 in Europe/Berlin, except on nationwide German
holidays (``holidays.Germany()`` without a state). A window must not overlap them (touching at
08:00 or 17:00 is fine) and must be announced at least seven days ahead; urgent work for a fault
or a security fix needs one hour's notice and a reason. The arithmetic works in whole working
intervals per day, so a day with 23 or 25 hours (DST) keeps its 08:00–17:00 window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from provisioning.errors import ApplicationError

BERLIN = ZoneInfo("Europe/Berlin")
SERVICE_START = dt.time(8, 0)
SERVICE_END = dt.time(17, 0)
NOTICE = dt.timedelta(days=7)
URGENT_NOTICE = dt.timedelta(hours=1)
URGENT_REASONS = frozenset({"fault", "security"})


@lru_cache(maxsize=64)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.Germany(years=year)


def is_nationwide_holiday(day: dt.date) -> bool:
    return day in _holidays(day.year)


def is_service_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not is_nationwide_holiday(day)


def service_hours(
    start: dt.datetime, end: dt.datetime
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The service-hour intervals (aware, Europe/Berlin) of every local day from ``start``'s to
    ``end``'s, in order."""
    day = start.astimezone(BERLIN).date()
    last = end.astimezone(BERLIN).date()
    while day <= last:
        if is_service_day(day):
            yield (
                dt.datetime.combine(day, SERVICE_START, tzinfo=BERLIN),
                dt.datetime.combine(day, SERVICE_END, tzinfo=BERLIN),
            )
        day += dt.timedelta(days=1)


def service_hours_overlap(
    start: dt.datetime, end: dt.datetime
) -> tuple[dt.datetime, dt.datetime] | None:
    """The first service-hour interval that ``[start, end)`` overlaps, or ``None``."""
    for open_, close in service_hours(start, end):
        if start < close and open_ < end:
            return open_, close
    return None


def in_service_hours(moment: dt.datetime) -> bool:
    local = moment.astimezone(BERLIN)
    return is_service_day(local.date()) and SERVICE_START <= local.time() < SERVICE_END


@dataclass(frozen=True)
class Violation:
    """One broken rule: a stable code, the input field it concerns, an English message, and
    the moments the message names (the earliest allowed start, the overlapped service hours)
    so the portal can word it in its own language."""

    code: str
    field: str
    message: str
    moments: tuple[dt.datetime, ...] = ()


class MaintenanceWindowError(ApplicationError):
    """A maintenance window breaks one or more rules; ``violations`` lists each of them."""

    def __init__(self, violations: list[Violation]) -> None:
        fields: dict[str, list[str]] = {}
        for violation in violations:
            fields.setdefault(violation.field, []).append(violation.message)
        super().__init__(violations[0].code, violations[0].message, fields=fields)
        self.violations = violations


def _fmt(moment: dt.datetime) -> str:
    return moment.astimezone(BERLIN).strftime("%a %d.%m.%Y %H:%M")


def window_violations(
    *,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    urgent: bool = False,
    urgent_reason: str = "",
    urgent_explanation: str = "",
) -> list[Violation]:
    """Every rule the window ``[start, end)`` breaks, each naming the field it concerns."""
    if start.tzinfo is None or end.tzinfo is None or now.tzinfo is None:
        raise ValueError("maintenance rules need aware datetimes")
    found: list[Violation] = []
    if end <= start:
        found.append(
            Violation(
                "maintenance_end_before_start",
                "scheduled_end",
                "The window must end after it starts.",
            )
        )
    if urgent and urgent_reason not in URGENT_REASONS:
        found.append(
            Violation(
                "maintenance_urgent_reason_required",
                "urgent_reason",
                "Urgent maintenance is only for a fault or a security fix: choose which.",
            )
        )
    if urgent and not urgent_explanation.strip():
        found.append(
            Violation(
                "maintenance_urgent_reason_required",
                "urgent_explanation",
                "Urgent maintenance needs a reason.",
            )
        )
    notice = URGENT_NOTICE if urgent else NOTICE
    if start - now < notice:
        rule = (
            "Urgent maintenance must be announced at least 1 hour ahead"
            if urgent
            else "Maintenance must be announced at least 7 days ahead"
        )
        found.append(
            Violation(
                "maintenance_notice_too_short",
                "scheduled_start",
                f"{rule}; the earliest start now is {_fmt(now + notice)}.",
                (now + notice,),
            )
        )
    if end > start:
        overlap = service_hours_overlap(start, end)
        if overlap is not None:
            field = "scheduled_start" if in_service_hours(start) else "scheduled_end"
            found.append(
                Violation(
                    "maintenance_in_service_hours",
                    field,
                    "A maintenance window must lie outside service hours (Mon–Fri 08:00–17:00 "
                    "except nationwide holidays); it overlaps "
                    f"{_fmt(overlap[0])}–{overlap[1].astimezone(BERLIN):%H:%M}.",
                    overlap,
                )
            )
    return found


def check_window(
    *,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    urgent: bool = False,
    urgent_reason: str = "",
    urgent_explanation: str = "",
) -> None:
    """Raise one ``MaintenanceWindowError`` naming every broken rule (code of the first)."""
    found = window_violations(
        start=start,
        end=end,
        now=now,
        urgent=urgent,
        urgent_reason=urgent_reason,
        urgent_explanation=urgent_explanation,
    )
    if found:
        raise MaintenanceWindowError(found)
