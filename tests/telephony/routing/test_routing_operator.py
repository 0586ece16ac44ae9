"""The operator (FEA-4): extension 0, night service, holidays, manual switch, menu."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from telephony.routing import (
    DayNightMode,
    PlayAnnouncement,
    RejectCause,
    RingOne,
    RunIvr,
    ScheduleEntry,
    Target,
    Voicemail,
    service_at,
)

from .builders import (
    BERLIN_BASE,
    CHRISTMAS_10,
    MONDAY_10,
    MONDAY_19,
    SUNDAY_11,
    kinds,
    logged_out,
    plan,
    rejection,
    snapshot,
    state,
    with_forwarding,
    with_operator,
)


def test_extension_zero_rings_the_operator_day_target() -> None:
    ring = plan(snapshot(), "0").steps[0]
    assert isinstance(ring, RingOne)
    assert ring.endpoint.user_id == "u200"
    assert ring.seconds == 60


@pytest.mark.parametrize("dialled", [BERLIN_BASE, BERLIN_BASE + "0", "030 1234 0"])
def test_main_number_reaches_the_operator(dialled: str) -> None:
    result = plan(snapshot(), dialled)
    assert "call to the operator (main number +49301234" in result.steps[0].reason
    assert [e.user_id for e in result.endpoints()] == ["u200"]


def test_call_to_operator_ignores_individual_forwarding() -> None:
    snap = with_forwarding(
        snapshot(),
        "u200",
        always=Target.external("+4930999"),
        on_busy=Target.extension("201"),
    )
    result = plan(snap, "0")
    ring = result.steps[0]
    assert isinstance(ring, RingOne)
    assert ring.endpoint.ref == "d200"
    assert "ignore the individual forwarding" in ring.reason
    assert "forward_external" not in kinds(result)


def test_direct_call_to_the_operator_user_follows_their_forwarding() -> None:
    snap = with_forwarding(snapshot(), "u200", always=Target.external("+4930999"))
    assert kinds(plan(snap, "200")) == ["forward_external"]


def test_operator_user_without_device_is_unavailable_not_rerouted() -> None:
    result = plan(snapshot(), "0", live=logged_out(state(), "u200"))
    assert rejection(result).cause is RejectCause.UNAVAILABLE
    assert result.endpoints() == []


def test_sunday_call_goes_to_night_target() -> None:
    result = plan(snapshot(), "0", now=SUNDAY_11)
    assert kinds(result) == ["voicemail"]
    assert "night service: Sunday is outside the weekly schedule" in result.steps[0].reason


def test_weekday_evening_is_night_service() -> None:
    result = plan(snapshot(), "0", now=MONDAY_19)
    assert isinstance(result.steps[0], Voicemail)
    assert "night service: Monday 19:00 is outside the weekly schedule" in result.steps[0].reason


def test_holiday_is_night_service() -> None:
    snap = with_operator(snapshot(), holidays=frozenset({date(2025, 12, 25)}))
    result = plan(snap, "0", now=CHRISTMAS_10)
    assert isinstance(result.steps[0], Voicemail)
    assert "2025-12-25 (Thursday) is a holiday" in result.steps[0].reason


def test_manual_night_switch_overrides_schedule() -> None:
    snap = with_operator(snapshot(), manual_mode=DayNightMode.NIGHT)
    result = plan(snap, "0", now=MONDAY_10)
    assert isinstance(result.steps[0], Voicemail)
    assert "manual night switch overrides the schedule" in result.steps[0].reason


def test_manual_day_switch_overrides_schedule_and_holidays() -> None:
    snap = with_operator(
        snapshot(), manual_mode=DayNightMode.DAY, holidays=frozenset({date(2025, 3, 2)})
    )
    result = plan(snap, "0", now=SUNDAY_11)
    assert isinstance(result.steps[0], RingOne)
    assert "manual day switch" in result.steps[0].reason


def test_schedule_is_evaluated_in_berlin_local_time() -> None:
    op = snapshot().operator
    # 07:30 UTC in summer is 09:30 in Berlin (CEST), in winter 08:30 (CET).
    assert service_at(op, datetime(2025, 7, 7, 7, 30, tzinfo=UTC)).day
    assert service_at(op, datetime(2025, 1, 6, 7, 30, tzinfo=UTC)).day
    # 06:30 UTC in summer is 08:30 Berlin (day), in winter 07:30 Berlin (night).
    assert service_at(op, datetime(2025, 7, 7, 6, 30, tzinfo=UTC)).day
    assert not service_at(op, datetime(2025, 1, 6, 6, 30, tzinfo=UTC)).day


def test_schedule_end_is_exclusive_and_midnight_means_end_of_day() -> None:
    op = with_operator(
        snapshot(),
        schedule=(ScheduleEntry(0, time(8), time(17)), ScheduleEntry(1, time(20), time(0))),
    ).operator
    berlin = MONDAY_10.tzinfo
    assert not service_at(op, datetime(2025, 3, 3, 17, 0, tzinfo=berlin)).day
    assert service_at(op, datetime(2025, 3, 3, 16, 59, tzinfo=berlin)).day
    assert service_at(op, datetime(2025, 3, 4, 23, 59, tzinfo=berlin)).day


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        plan(snapshot(), "0", now=datetime(2025, 3, 3, 10, 0))


def test_announcement_is_played_before_answering() -> None:
    snap = with_operator(snapshot(), announcement="welcome", night_announcement="closed")
    day = plan(snap, "0").steps[0]
    night = plan(snap, "0", now=SUNDAY_11).steps[0]
    assert isinstance(day, PlayAnnouncement)
    assert day.announcement == "welcome"
    assert isinstance(night, PlayAnnouncement)
    assert night.announcement == "closed"


def test_ivr_fronts_the_operator_by_day_only() -> None:
    snap = with_operator(snapshot(), ivr_menu_id="m-main")
    day = plan(snap, "0")
    assert kinds(day) == ["run_ivr"]
    assert kinds(plan(snap, "0", now=SUNDAY_11)) == ["voicemail"]


def test_operator_choice_in_the_operator_menu_rings_the_operator_without_looping() -> None:
    snap = with_operator(snapshot(), ivr_menu_id="m-main")
    menu = plan(snap, "0").steps[0]
    assert isinstance(menu, RunIvr)
    for branch in menu.branches:
        if branch.label() in ("digit 0", "no input", "invalid input"):
            ring = branch.steps[0]
            assert isinstance(ring, RingOne)
            assert ring.endpoint.user_id == "u200"


def test_night_without_night_target_is_unavailable() -> None:
    snap = with_operator(snapshot(), night_target=None)
    assert rejection(plan(snap, "0", now=SUNDAY_11)).cause is RejectCause.UNAVAILABLE


def test_operator_hunt_group_as_day_target() -> None:
    snap = with_operator(snapshot(), day_target=Target.hunt_group("g-sales"))
    result = plan(snap, "0")
    assert {e.user_id for e in result.endpoints()} == {"u201", "u202", "u203"}
