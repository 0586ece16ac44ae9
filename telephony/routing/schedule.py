"""Day and night service of the operator (FEA-4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from telephony.text import Text

from .model import DayNightMode, OperatorConfig
from .texts import t

__all__ = ["ServiceDecision", "service_at"]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class ServiceDecision:
    day: bool
    reason: str

    @property
    def label(self) -> Text:
        return t("day_service") if self.day else t("night_service")


def service_at(operator: OperatorConfig, now: datetime) -> ServiceDecision:
    """Decide day or night service at ``now``.

    Order: manual switch, then holidays (always night), then the weekly schedule in
    the operator's local time zone. ``now`` must be timezone-aware.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("routing needs a timezone-aware datetime")
    if operator.manual_mode is DayNightMode.DAY:
        return ServiceDecision(True, t("manual_day"))
    if operator.manual_mode is DayNightMode.NIGHT:
        return ServiceDecision(False, t("manual_night"))
    local = now.astimezone(ZoneInfo(operator.timezone))
    day = t(WEEKDAYS[local.weekday()])
    if local.date() in operator.holidays:
        return ServiceDecision(False, t("holiday", date=local.date(), day=day))
    entries = [e for e in operator.schedule if e.weekday == local.weekday()]
    clock = f"{local.time():%H:%M}"
    if not entries:
        return ServiceDecision(False, t("no_schedule_day", day=day))
    moment = local.time().replace(tzinfo=None)
    for entry in sorted(entries, key=lambda e: e.start):
        if entry.contains(moment):
            end = "24:00" if entry.end.hour == 0 and entry.end.minute == 0 else f"{entry.end:%H:%M}"
            return ServiceDecision(
                True, t("in_schedule", day=day, time=clock, start=f"{entry.start:%H:%M}", end=end)
            )
    return ServiceDecision(False, t("outside_schedule", day=day, time=clock))
