"""Day and night service of the operator (FEA-4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from .model import DayNightMode, OperatorConfig

__all__ = ["ServiceDecision", "service_at"]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class ServiceDecision:
    day: bool
    reason: str

    @property
    def label(self) -> str:
        return "day service" if self.day else "night service"


def service_at(operator: OperatorConfig, now: datetime) -> ServiceDecision:
    """Decide day or night service at ``now``.

    Order: manual switch, then holidays (always night), then the weekly schedule in
    the operator's local time zone. ``now`` must be timezone-aware.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("routing needs a timezone-aware datetime")
    if operator.manual_mode is DayNightMode.DAY:
        return ServiceDecision(True, "day service: manual day switch overrides the schedule")
    if operator.manual_mode is DayNightMode.NIGHT:
        return ServiceDecision(False, "night service: manual night switch overrides the schedule")
    local = now.astimezone(ZoneInfo(operator.timezone))
    day_name = WEEKDAYS[local.weekday()]
    if local.date() in operator.holidays:
        return ServiceDecision(
            False, f"night service: {local.date().isoformat()} ({day_name}) is a holiday"
        )
    entries = [e for e in operator.schedule if e.weekday == local.weekday()]
    clock = local.time().replace(tzinfo=None)
    stamp = f"{day_name} {clock:%H:%M}"
    if not entries:
        return ServiceDecision(False, f"night service: {day_name} is outside the weekly schedule")
    for entry in sorted(entries, key=lambda e: e.start):
        if entry.contains(clock):
            end = "24:00" if entry.end.hour == 0 and entry.end.minute == 0 else f"{entry.end:%H:%M}"
            return ServiceDecision(
                True,
                f"day service: {stamp} is within the weekly schedule ({entry.start:%H:%M}-{end})",
            )
    return ServiceDecision(False, f"night service: {stamp} is outside the weekly schedule")
