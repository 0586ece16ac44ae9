"""The operator (FEA-4): extension 0, night service, holidays, manual switch, menu."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from telephony.routing import (
    ClientKind,
    DayNightMode,
    Note,
    Package,
    PlayAnnouncement,
    RejectCause,
    RingOne,
    RingParallel,
    RunIvr,
    ScheduleEntry,
    Step,
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
    with_user,
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
    assert day.steps[0].reason.startswith(
        "call to the operator (0); day service: Monday 10:00 is within the weekly schedule "
        "(08:00-17:00); the operator menu answers"
    )
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


def test_busy_operator_station_ends_busy_without_ringing() -> None:
    """Pins the busy operator station: the call ends busy, no other route is tried."""
    result = plan(snapshot(), "0", live=state(busy_users=frozenset({"u200"})))
    (end,) = result.steps
    assert rejection(result).cause is RejectCause.BUSY
    assert end.reason.endswith("operator user 200 is busy")


def test_operator_station_rings_for_the_operator_ring_time_then_ends_unanswered() -> None:
    """Pins the operator station's ring time (the operator's, not the user's no-answer time)
    and the end of the call when nobody answers."""
    snap = with_operator(snapshot(), ring_seconds=25)
    snap = with_forwarding(snap, "u200", no_answer_seconds=10)
    ring, end = plan(snap, "0").steps
    assert isinstance(ring, RingOne)
    assert ring.seconds == 25
    assert rejection((ring, end)).cause is RejectCause.NOT_ANSWERED
    assert end.reason == "operator user 200 did not answer within 25 s: call ends"


def test_operator_station_rings_its_entitled_clients_and_notes_the_others() -> None:
    """Pins the clients of the operator station: those the package includes ring with the
    desk phone, the others are skipped with a note (also when no device is logged in)."""
    clients = frozenset({("u200", ClientKind.UC_CLIENT), ("u200", ClientKind.SOFTPHONE)})
    snap = with_user(snapshot(), "u200", package=Package.KLINGENDE)
    note, ring, _end = plan(snap, "0", live=state(online_clients=clients)).steps
    assert isinstance(note, Note) and "softphone of user 200 skipped" in note.reason
    assert isinstance(ring, RingParallel)
    assert [(e.ref, e.user_id) for e in ring.endpoints] == [("d200", "u200"), ("uc_client", "u200")]
    only_softphone = state(online_clients=frozenset({("u200", ClientKind.SOFTPHONE)}))
    note, end = plan(snap, "0", live=logged_out(only_softphone, "u200")).steps
    assert isinstance(note, Note)
    assert rejection((note, end)).cause is RejectCause.UNAVAILABLE


def test_missing_operator_user_is_an_unknown_number() -> None:
    """Pins a day target naming a user that no longer exists."""
    snap = with_operator(snapshot(), day_target=Target.user("u-gone"))
    step = rejection(plan(snap, "0"))
    assert step.cause is RejectCause.UNKNOWN_NUMBER
    assert step.reason.endswith("operator user u-gone does not exist")


def test_day_without_day_target_is_unavailable_and_says_so() -> None:
    """Pins the missing target of the current service, by day as by night."""
    snap = with_operator(snapshot(), day_target=None, night_target=None)
    day = rejection(plan(snap, "0"))
    night = rejection(plan(snap, "0", now=SUNDAY_11))
    assert (day.cause, night.cause) == (RejectCause.UNAVAILABLE, RejectCause.UNAVAILABLE)
    assert day.reason.endswith("day service has no target set: call ends")
    assert night.reason.endswith("night service has no target set: call ends")


def test_night_without_night_announcement_plays_the_day_announcement() -> None:
    """Pins the announcement choice: the night announcement replaces the general one only
    at night and only when it is set."""
    snap = with_operator(snapshot(), announcement="welcome")
    night = plan(snap, "0", now=SUNDAY_11).steps[0]
    assert isinstance(night, PlayAnnouncement) and night.announcement == "welcome"
    snap = with_operator(snapshot(), night_announcement="closed")
    assert kinds(plan(snap, "0")) == ["ring_one", "reject"]


def test_day_and_night_decision_leads_the_operator_trace() -> None:
    """Pins the first reason of an operator call: how it was reached, then the service."""
    snap = with_operator(snapshot(), announcement="welcome")
    first, ring, _end = plan(snap, "0").steps
    assert first.reason == (
        "call to the operator (0); day service: Monday 10:00 is within the weekly schedule "
        "(08:00-17:00); operator announcement before answering"
    )
    assert ring.reason == "day service target user 200; ring operator user 200 (Olga Operator)"


def test_operator_reached_from_its_own_menu_by_extension_answers_with_announcement_and_menu() -> (
    None
):
    """Pins the operator reached through a menu called by its extension: the operator's
    announcement and menu are played (the menu is expanded again on the operator path, not
    referenced back), and the 0 of that menu rings the day target without a second
    announcement."""
    snap = with_operator(snapshot(), ivr_menu_id="m-main", announcement="welcome")
    menu = plan(snap, "700").steps[0]
    assert isinstance(menu, RunIvr)
    announcement, operator_menu = branch(menu, "digit 0")
    assert isinstance(announcement, PlayAnnouncement)
    assert isinstance(operator_menu, RunIvr) and operator_menu.menu_id == "m-main"
    for label in ("digit 0", "no input", "invalid input"):
        ring, end = branch(operator_menu, label)
        assert isinstance(ring, RingOne) and ring.endpoint.user_id == "u200"
        assert rejection((ring, end)).cause is RejectCause.NOT_ANSWERED


def branch(menu: RunIvr, label: str) -> tuple[Step, ...]:
    return next(b.steps for b in menu.branches if b.label() == label)
