"""Maintenance windows lie outside service hours and are announced in time (OPS-1, OPS-2)."""

from __future__ import annotations

import datetime as dt

import pytest

from status.maintenance_rules import (
    BERLIN,
    MaintenanceWindowError,
    check_window,
    service_hours_overlap,
    window_violations,
)

NOW = dt.datetime(2027, 1, 4, 10, 0, tzinfo=BERLIN)  # a Monday


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


def codes(**kwargs: object) -> list[tuple[str, str]]:
    kwargs.setdefault("now", NOW)
    return [(v.code, v.field) for v in window_violations(**kwargs)]  # type: ignore[arg-type]


def test_friday_evening_from_17_00_is_allowed() -> None:
    # Friday 15 January 2027
    assert codes(start=at(2027, 1, 15, 17, 0), end=at(2027, 1, 15, 19, 0)) == []


def test_friday_from_16_59_touches_service_hours() -> None:
    found = codes(start=at(2027, 1, 15, 16, 59), end=at(2027, 1, 15, 19, 0))
    assert found == [("maintenance_in_service_hours", "scheduled_start")]


def test_window_ending_at_08_00_is_allowed_ending_at_08_01_is_not() -> None:
    assert codes(start=at(2027, 1, 16, 6, 0), end=at(2027, 1, 18, 8, 0)) == []
    found = codes(start=at(2027, 1, 16, 6, 0), end=at(2027, 1, 18, 8, 1))
    assert found == [("maintenance_in_service_hours", "scheduled_end")]


def test_weekend_night_spanning_a_whole_working_day_is_refused() -> None:
    found = codes(start=at(2027, 1, 15, 18, 0), end=at(2027, 1, 19, 6, 0))
    assert found == [("maintenance_in_service_hours", "scheduled_end")]


def test_nationwide_holiday_has_no_service_hours() -> None:
    now = at(2026, 12, 1, 9, 0)
    # Friday 25 December 2026, Christmas Day: nationwide holiday.
    assert codes(start=at(2026, 12, 25, 10, 0), end=at(2026, 12, 25, 12, 0), now=now) == []
    # The day before is a normal Thursday.
    found = codes(start=at(2026, 12, 24, 10, 0), end=at(2026, 12, 24, 12, 0), now=now)
    assert found == [("maintenance_in_service_hours", "scheduled_start")]


def test_regional_holiday_is_a_service_day() -> None:
    # Fronleichnam (Corpus Christi), Thursday 27 May 2027: a holiday in some states only.
    found = codes(start=at(2027, 5, 27, 10, 0), end=at(2027, 5, 27, 11, 0))
    assert found == [("maintenance_in_service_hours", "scheduled_start")]


def test_notice_of_six_days_23_hours_is_too_short() -> None:
    now = at(2027, 1, 2, 22, 0)  # Saturday evening
    start = now + dt.timedelta(days=6, hours=23)  # the next Saturday 21:00
    found = codes(start=start, end=start + dt.timedelta(hours=2), now=now)
    assert found == [("maintenance_notice_too_short", "scheduled_start")]


def test_notice_of_exactly_seven_days_is_enough() -> None:
    now = at(2027, 1, 2, 22, 0)  # Saturday evening
    start = now + dt.timedelta(days=7)
    assert codes(start=start, end=start + dt.timedelta(hours=3), now=now) == []


def test_urgent_window_needs_one_hour_and_refuses_59_minutes() -> None:
    now = at(2027, 1, 15, 20, 0)  # Friday evening
    ok = codes(
        start=now + dt.timedelta(hours=1),
        end=now + dt.timedelta(hours=2),
        now=now,
        urgent=True,
        urgent_reason="security",
        urgent_explanation="Fix for a published OpenSSL flaw.",
    )
    assert ok == []
    found = codes(
        start=now + dt.timedelta(minutes=59),
        end=now + dt.timedelta(hours=2),
        now=now,
        urgent=True,
        urgent_reason="fault",
        urgent_explanation="Failing disk in the media gateway cluster.",
    )
    assert found == [("maintenance_notice_too_short", "scheduled_start")]


def test_urgent_window_needs_a_reason() -> None:
    now = at(2027, 1, 15, 20, 0)
    found = codes(
        start=now + dt.timedelta(hours=2),
        end=now + dt.timedelta(hours=3),
        now=now,
        urgent=True,
    )
    assert found == [
        ("maintenance_urgent_reason_required", "urgent_reason"),
        ("maintenance_urgent_reason_required", "urgent_explanation"),
    ]
    found = codes(
        start=now + dt.timedelta(hours=2),
        end=now + dt.timedelta(hours=3),
        now=now,
        urgent=True,
        urgent_reason="boredom",
        urgent_explanation="x",
    )
    assert found == [("maintenance_urgent_reason_required", "urgent_reason")]


def test_urgent_window_still_lies_outside_service_hours() -> None:
    now = at(2027, 1, 15, 9, 0)  # Friday morning
    found = codes(
        start=now + dt.timedelta(hours=2),
        end=now + dt.timedelta(hours=3),
        now=now,
        urgent=True,
        urgent_reason="security",
        urgent_explanation="Patch",
    )
    assert found == [("maintenance_in_service_hours", "scheduled_start")]


def test_end_must_follow_start() -> None:
    start = at(2027, 1, 16, 10, 0)
    assert codes(start=start, end=start) == [("maintenance_end_before_start", "scheduled_end")]


def test_dst_change_keeps_the_08_to_17_window() -> None:
    # Sunday 25 October 2026 has 25 hours; Monday 26 October starts service at 08:00 CET.
    assert service_hours_overlap(at(2026, 10, 25, 1, 0), at(2026, 10, 26, 8, 0)) is None
    overlap = service_hours_overlap(at(2026, 10, 25, 1, 0), at(2026, 10, 26, 8, 30))
    assert overlap is not None
    assert overlap[0] == at(2026, 10, 26, 8, 0)
    assert overlap[0].utcoffset() == dt.timedelta(hours=1)
    # Easter Monday (29 March 2027, right after the spring change) is a nationwide holiday.
    assert service_hours_overlap(at(2027, 3, 28, 20, 0), at(2027, 3, 29, 12, 0)) is None


def test_check_window_raises_one_error_naming_every_rule() -> None:
    with pytest.raises(MaintenanceWindowError) as raised:
        check_window(start=at(2027, 1, 5, 9, 0), end=at(2027, 1, 5, 10, 0), now=NOW)
    error = raised.value
    assert error.code == "maintenance_notice_too_short"
    assert set(error.fields) == {"scheduled_start"}
    assert len(error.fields["scheduled_start"]) == 2
    assert [v.code for v in error.violations] == [
        "maintenance_notice_too_short",
        "maintenance_in_service_hours",
    ]
    assert "7 days" in error.fields["scheduled_start"][0]
    assert "service hours" in error.fields["scheduled_start"][1]


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        window_violations(start=dt.datetime(2027, 1, 16), end=dt.datetime(2027, 1, 17), now=NOW)
