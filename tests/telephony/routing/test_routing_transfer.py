"""Transfers (FEA-4): an unanswered transfer comes back to the operator."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, tzinfo

import pytest

from telephony.routing import (
    Call,
    ForwardExternal,
    HuntStrategy,
    LiveState,
    Reject,
    RejectCause,
    RingOne,
    RingParallel,
    RoutingPlan,
    RoutingSnapshot,
    SendViaTrunk,
    Target,
    Voicemail,
    build_plan,
    plan_transfer,
)

from .builders import (
    MONDAY_10,
    SUNDAY_11,
    last,
    logged_out,
    names_everything,
    snapshot,
    state,
    with_forwarding,
    with_group,
    with_operator,
)


def transfer(
    snap: RoutingSnapshot | None = None,
    dialled: str = "201",
    live: LiveState | None = None,
    now: datetime = MONDAY_10,
) -> RoutingPlan:
    return names_everything(
        plan_transfer(
            snap or snapshot(),
            live or state(),
            dialled,
            now,
            transferred_by="u200",
            rng=random.Random(1),
        )
    )


def test_unanswered_transfer_returns_to_operator() -> None:
    ring, back, *_ = transfer().steps
    assert isinstance(ring, RingOne)
    assert ring.endpoint.user_id == "u201"
    assert ring.reason.startswith("transfer to extension 201; ring user 201")
    assert ring.seconds == 30
    assert isinstance(back, RingOne)
    assert back.endpoint.user_id == "u200"
    assert "transfer to user 201 not answered within 30 s: back to the operator" in back.reason


def test_transfer_does_not_end_in_voicemail_or_no_answer_forwarding() -> None:
    snap = with_forwarding(snapshot(), "u201", on_no_answer=Target.external("+4930999"))
    result = transfer(snap)
    assert not any(isinstance(s, Voicemail | ForwardExternal) for s in result.walk())
    assert result.endpoints()[-1].user_id == "u200"


def test_transfer_to_busy_user_returns_to_operator_at_once() -> None:
    result = transfer(live=state(busy_users=frozenset({"u201"})))
    assert "user 201 is busy: back to the operator" in result.steps[0].reason
    assert [e.user_id for e in result.endpoints()] == ["u200"]


def test_transfer_to_logged_out_user_returns_to_operator() -> None:
    result = transfer(live=logged_out(state(), "u201"))
    assert [e.user_id for e in result.endpoints()] == ["u200"]


def test_transfer_follows_forward_always_and_still_returns() -> None:
    snap = with_forwarding(snapshot(), "u201", always=Target.external("+4930999"))
    forward, back, *_ = transfer(snap).steps
    assert isinstance(forward, ForwardExternal)
    assert forward.seconds == 30
    assert isinstance(back, RingOne)
    assert back.endpoint.user_id == "u200"


def test_transfer_to_hunt_group_returns_to_operator_instead_of_overflow() -> None:
    snap = with_group(snapshot(), "g-sales", overflow=Target.external("+4930999"))
    steps = transfer(snap, "600").steps
    assert isinstance(steps[0], RingParallel)
    assert not any(isinstance(s, ForwardExternal) for s in steps)
    assert "back to the operator" in steps[1].reason


def test_transfer_recall_at_night_goes_to_the_night_target() -> None:
    steps = transfer(now=SUNDAY_11).steps
    assert isinstance(steps[-1], Voicemail)
    assert steps[-1].user_id == "u201"


def test_transfer_to_external_number_returns_to_operator() -> None:
    forward, back, *_ = transfer(dialled="+4989555").steps
    assert isinstance(forward, ForwardExternal)
    assert forward.trunk_id == "trunk-ber"
    assert "back to the operator" in back.reason


def test_transfer_to_emergency_number_is_refused() -> None:
    steps = transfer(dialled="112").steps
    assert not any(isinstance(s, SendViaTrunk) for s in steps)
    assert steps[-1].step_type == "reject"


def test_transfer_plan_names_the_call_and_who_transferred() -> None:
    """Pins the plan's call: the dialled transfer target and the transferring user."""
    call = transfer(dialled="299").call
    assert (call.dialled, call.caller_user_id) == ("299", "u200")


def test_transfer_to_emergency_number_says_why() -> None:
    """Pins the refusal's cause and trace text for an emergency number as transfer target."""
    (step,) = transfer(dialled="112").steps
    assert step.cause == "unknown_number"  # type: ignore[attr-defined]
    assert step.reason == "emergency numbers cannot be transfer targets"


def test_transfer_to_the_operator_rings_the_operator_like_a_call() -> None:
    """Pins the transfer to 0: the operator rings as for a direct call (no recall to itself)."""
    ring, end = transfer(dialled="0").steps
    assert isinstance(ring, RingOne) and ring.endpoint.user_id == "u200"
    assert ring.reason.startswith("transfer to the operator; day service: Monday 10:00")
    assert end.step_type == "reject"


def test_transfer_to_an_unassigned_extension_comes_back_at_once() -> None:
    """Pins the unassigned target: straight back to the operator, saying which number."""
    back = transfer(dialled="299").steps[0]
    assert isinstance(back, RingOne) and back.endpoint.user_id == "u200"
    assert back.reason.startswith("transfer target '299' is not assigned: back to the operator")


def test_transfer_to_external_number_leaves_through_the_main_site() -> None:
    """Pins the trunk of an external transfer (the operator's main site) and the trace."""
    forward = transfer(dialled="+4930999").steps[0]
    assert isinstance(forward, ForwardExternal)
    assert (forward.number, forward.trunk_id) == ("+4930999", "trunk-ber")
    assert forward.reason == (
        "transfer to +4930999; forward to +4930999 via trunk trunk-ber of site 'Berlin'"
    )


def test_transfer_to_a_round_robin_group_draws_from_the_given_random_source() -> None:
    """Pins the injected random source for transfers (reproducible plans)."""
    snap = with_group(snapshot(), "g-sales", strategy=HuntStrategy.ROUND_ROBIN)
    members = ["u201", "u202", "u203"]
    for seed in range(10):
        result = plan_transfer(snap, state(), "600", MONDAY_10, rng=random.Random(seed))
        first = result.steps[0]
        assert isinstance(first, RingOne | RingParallel)
        drawn = first.endpoint if isinstance(first, RingOne) else first.endpoints[0]
        assert drawn.user_id == random.Random(seed).choice(members)


def test_transfer_to_an_external_number_without_any_site_has_no_trunk() -> None:
    """Pins the customer without sites: an external transfer target cannot be reached."""
    snap = snapshot()
    snap = replace(snap, customer=replace(snap.customer, sites=()))
    step = transfer(snap, dialled="+4989555").steps[0]
    assert isinstance(step, Reject) and step.cause is RejectCause.UNAVAILABLE


class _Floating(tzinfo):
    """A time zone that does not know its offset."""

    def utcoffset(self, when: datetime | None) -> None:
        return None


@pytest.mark.parametrize(
    "now", [datetime(2025, 3, 3, 10, 0), datetime(2025, 3, 3, 10, 0, tzinfo=_Floating())]
)
def test_transfers_and_calls_need_a_timezone_aware_time(now: datetime) -> None:
    """Pins the refusal of a naive time (or one whose zone knows no offset)."""
    with pytest.raises(ValueError, match="timezone-aware"):
        plan_transfer(snapshot(), state(), "112", now)  # a refusal that needs no schedule
    with pytest.raises(ValueError, match="timezone-aware"):
        build_plan(snapshot(), state(), Call(dialled="201"), now)


def test_recall_to_an_operator_group_then_follows_the_groups_overflow() -> None:
    """Pins the recall: back at the operator the call is no longer a transfer, so the
    operator's hunt group rings once and then overflows as for a direct call."""
    snap = with_operator(snapshot(), day_target=Target.hunt_group("g-sales"))
    result = transfer(snap, live=logged_out(state(), "u201"))
    rings = [s for s in result.steps if isinstance(s, RingOne | RingParallel)]
    assert len(rings) == 1
    assert isinstance(last(result), Voicemail) and last(result).user_id == "u201"  # type: ignore[attr-defined]
    # Back at the operator, an overflow to the operator is a loop: the group rings only once.
    snap = with_group(snap, "g-sales", overflow=Target.operator())
    result = transfer(snap, live=logged_out(state(), "u201"))
    rings = [s for s in result.steps if isinstance(s, RingOne | RingParallel)]
    assert len(rings) == 1
    assert isinstance(last(result), Reject) and last(result).cause is RejectCause.LOOP  # type: ignore[attr-defined]


def test_transfer_forwarded_to_the_operator_is_answered_like_a_call_to_the_operator() -> None:
    """Pins a transfer that a user's "always" forwarding sends to the operator: the operator
    answers as for a direct call, so the operator's hunt group overflows as configured."""
    snap = with_forwarding(snapshot(), "u201", always=Target.operator())
    snap = with_operator(snap, day_target=Target.hunt_group("g-sales"))
    result = transfer(snap)
    assert not any("back to the operator" in s.reason for s in result.walk())
    assert isinstance(last(result), Voicemail)
