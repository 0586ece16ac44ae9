"""Hunt groups (FEA-1): strategies, member login, timeout and overflow."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from telephony.routing import (
    ForwardExternal,
    HuntGroup,
    HuntStrategy,
    Note,
    RejectCause,
    RingOne,
    RingParallel,
    Target,
    Voicemail,
)

from .builders import BERLIN, last, plan, rejection, snapshot, state, with_group, with_user

ROUND_ROBIN = with_group(snapshot(), "g-sales", strategy=HuntStrategy.ROUND_ROBIN)
LONGEST_IDLE = with_group(snapshot(), "g-sales", strategy=HuntStrategy.LONGEST_IDLE)


def ring_users(step: object) -> list[str]:
    if isinstance(step, RingOne):
        return [step.endpoint.user_id]
    assert isinstance(step, RingParallel)
    return [e.user_id for e in step.endpoints]


def test_parallel_group_rings_all_logged_in_members_for_the_group_timeout() -> None:
    ring, overflow = plan(snapshot(), "600").steps
    assert isinstance(ring, RingParallel)
    assert ring.seconds == 30
    assert ring_users(ring) == ["u201", "u202", "u203"]
    assert isinstance(overflow, Voicemail)
    assert "not answered within 30 s: overflow" in overflow.reason


def test_round_robin_rings_one_random_member_then_all_others() -> None:
    first, others, _overflow = plan(ROUND_ROBIN, "600", seed=7).steps
    assert isinstance(first, RingOne)
    assert first.seconds == 10
    assert "drawn at random" in first.reason
    assert isinstance(others, RingParallel)
    assert others.seconds == 20
    assert sorted([*ring_users(first), *ring_users(others)]) == ["u201", "u202", "u203"]
    assert first.endpoint.user_id not in ring_users(others)


def test_round_robin_choice_comes_from_the_injected_random_source() -> None:
    firsts = {ring_users(plan(ROUND_ROBIN, "600", seed=seed).steps[0])[0] for seed in range(40)}
    assert firsts == {"u201", "u202", "u203"}
    again = [ring_users(plan(ROUND_ROBIN, "600", seed=3).steps[0]) for _ in range(3)]
    assert again[0] == again[1] == again[2]


def test_round_robin_with_one_available_member_rings_it_for_the_group_timeout() -> None:
    live = state(group_logins=frozenset({("g-sales", "u202")}))
    ring = plan(ROUND_ROBIN, "600", live=live).steps[-2]
    assert isinstance(ring, RingOne)  # group calls ring devices only, never mobility
    assert ring_users(ring) == ["u202"]
    assert ring.seconds == 30


def test_round_robin_first_member_rings_at_most_the_group_timeout() -> None:
    """Pins round robin with ``member_ring_seconds`` above ``ring_seconds``: the member drawn
    first rings for the group timeout, never longer (min, not max), and the others do not ring:
    the plan says so in a note and goes on to the overflow."""
    snap = with_group(ROUND_ROBIN, "g-sales", ring_seconds=30, member_ring_seconds=45)
    first, note, overflow = plan(snap, "600", seed=7).steps
    assert isinstance(first, RingOne)
    assert first.seconds == 30
    assert isinstance(note, Note)
    assert "others do not ring" in note.reason
    assert isinstance(overflow, Voicemail)
    assert "not answered within 30 s" in overflow.reason


def test_round_robin_others_never_ring_for_zero_seconds() -> None:
    """Pins the "others ring for 0 s" branch: when ``member_ring_seconds`` equals
    ``ring_seconds`` the first member uses up the whole group timeout, and no parallel ring
    step with 0 seconds follows (rest > 0, not >= 0)."""
    snap = with_group(ROUND_ROBIN, "g-sales", ring_seconds=20, member_ring_seconds=20)
    steps = plan(snap, "600", seed=3).steps
    rings = [s for s in steps if isinstance(s, RingOne | RingParallel)]
    assert [r.seconds for r in rings] == [20]
    assert isinstance(rings[0], RingOne)
    assert any(isinstance(s, Note) and "others do not ring" in s.reason for s in steps)


def test_round_robin_others_ring_for_the_rest_of_the_group_timeout() -> None:
    """Pins the other side of the same edge: one second left after the first member still
    rings all other members, for exactly that second."""
    snap = with_group(ROUND_ROBIN, "g-sales", ring_seconds=21, member_ring_seconds=20)
    first, others, _overflow = plan(snap, "600", seed=3).steps
    assert isinstance(first, RingOne) and first.seconds == 20
    assert isinstance(others, RingParallel) and others.seconds == 1
    assert len({*ring_users(first), *ring_users(others)}) == 3


def test_longest_idle_rings_the_member_with_the_oldest_last_call_end_first() -> None:
    t = datetime(2025, 3, 3, 9, 0, tzinfo=BERLIN)
    live = state(
        last_call_end={"u201": t, "u202": t - timedelta(hours=2), "u203": t - timedelta(hours=1)}
    )
    steps = plan(LONGEST_IDLE, "600", live=live).steps
    order = [ring_users(s)[0] for s in steps if isinstance(s, RingOne | RingParallel)]
    assert order == ["u202", "u203", "u201"]
    assert "user 202 is idle longest" in steps[0].reason


def test_longest_idle_treats_never_called_members_as_idle_longest() -> None:
    t = datetime(2025, 3, 3, 9, 0, tzinfo=BERLIN)
    live = state(last_call_end={"u201": t - timedelta(days=30), "u202": t})
    first = plan(LONGEST_IDLE, "600", live=live).steps[0]
    assert ring_users(first) == ["u203"]
    assert "no call yet" in first.reason


def test_longest_idle_breaks_ties_by_member_order() -> None:
    t = datetime(2025, 3, 3, 9, 0, tzinfo=BERLIN)
    snap = with_group(LONGEST_IDLE, "g-sales", member_ids=("u203", "u201", "u202"))
    live = state(last_call_end={"u201": t, "u202": t, "u203": t})
    steps = plan(snap, "600", live=live).steps
    assert [ring_users(s)[0] for s in steps[:3]] == ["u203", "u201", "u202"]


def test_longest_idle_stops_hunting_when_the_group_timeout_is_used_up() -> None:
    snap = with_group(LONGEST_IDLE, "g-sales", ring_seconds=25, member_ring_seconds=10)
    steps = plan(snap, "600").steps
    rings = [s for s in steps if isinstance(s, RingOne | RingParallel)]
    assert [r.seconds for r in rings] == [10, 10, 5]


def test_logged_out_group_members_never_ring() -> None:
    live = state(group_logins=frozenset({("g-sales", "u201")}))
    result = plan(snapshot(), "600", live=live)
    assert {e.user_id for e in result.endpoints()} == {"u201"}
    note = result.steps[0]
    assert isinstance(note, Note)
    assert "user 202 (logged out of the group)" in note.reason


def test_busy_members_are_skipped() -> None:
    result = plan(snapshot(), "600", live=state(busy_users=frozenset({"u202"})))
    assert "u202" not in {e.user_id for e in result.endpoints()}


def test_members_from_another_site_are_skipped() -> None:
    snap = with_user(snapshot(), "u203", site_id="ham")
    result = plan(snap, "600")
    assert "u203" not in {e.user_id for e in result.endpoints()}
    assert any("belongs to another site" in s.reason for s in result.steps)


def test_group_calls_ignore_member_forwarding() -> None:
    snap = with_user(
        snapshot(),
        "u201",
        forwarding=replace(snapshot().users[1].forwarding, always=Target.external("+4930555")),
    )
    result = plan(snap, "600")
    assert "u201" in {e.user_id for e in result.endpoints()}


def test_no_available_member_goes_straight_to_overflow() -> None:
    snap = with_group(snapshot(), "g-sales", overflow=Target.extension("200"))
    result = plan(snap, "600", live=state(group_logins=frozenset()))
    assert "no member of hunt group 'Vertrieb' is available" in result.steps[1].reason
    assert [e.user_id for e in result.endpoints()] == ["u200"]


def test_group_without_overflow_ends_after_timeout() -> None:
    snap = with_group(snapshot(), "g-sales", overflow=None)
    assert rejection(plan(snap, "600")).cause is RejectCause.NOT_ANSWERED


def test_overflow_to_operator_after_timeout() -> None:
    snap = with_group(snapshot(), "g-sales", overflow=Target.operator())
    result = plan(snap, "600")
    step = last(result)
    assert rejection(result).cause is RejectCause.NOT_ANSWERED
    assert "operator user 200" in step.reason
    assert [e.user_id for e in result.endpoints()][-1] == "u200"


def test_a_duplicate_or_unknown_member_does_not_stop_the_hunt() -> None:
    """Pins the member list: a member named twice rings once, an unknown member is noted,
    and both leave the members after them in the hunt."""
    snap = with_group(snapshot(), "g-sales", member_ids=("u201", "u201", "ghost", "u202"))
    note, ring, *_ = plan(snap, "600").steps
    assert isinstance(note, Note)
    assert note.reason.endswith("skipped unknown user ghost")
    assert ring_users(ring) == ["u201", "u202"]


def test_longest_idle_rings_never_called_members_in_member_order() -> None:
    """Pins the order among members who had no call yet: the group's member order."""
    snap = with_group(LONGEST_IDLE, "g-sales", member_ids=("u203", "u201", "u202"))
    steps = plan(snap, "600").steps
    assert [ring_users(s)[0] for s in steps[:3]] == ["u203", "u201", "u202"]


def test_longest_idle_rings_the_last_member_for_the_one_second_left() -> None:
    """Pins the hunt's end: a member still rings when only one second of the group timeout
    is left."""
    snap = with_group(LONGEST_IDLE, "g-sales", ring_seconds=21, member_ring_seconds=10)
    rings = [s for s in plan(snap, "600").steps if isinstance(s, RingOne | RingParallel)]
    assert [r.seconds for r in rings] == [10, 10, 1]


def test_skipped_members_are_noted_before_the_hunt_in_every_strategy() -> None:
    """Pins the note of skipped members ahead of the ringing, for longest idle and round
    robin as for parallel groups."""
    live = state(busy_users=frozenset({"u203"}))
    for strategy in HuntStrategy:
        snap = with_group(snapshot(), "g-sales", strategy=strategy)
        note, ring, *_ = plan(snap, "600", live=live).steps
        assert isinstance(note, Note) and "skipped user 203 (busy)" in note.reason, strategy
        assert isinstance(ring, RingOne | RingParallel), strategy


def test_overflow_to_an_external_number_leaves_through_the_groups_site() -> None:
    """Pins the trunk of a group's external overflow: the group's site (Hamburg)."""
    support = HuntGroup(
        "g-support",
        "Support",
        "ham",
        HuntStrategy.PARALLEL,
        ("u301",),
        "610",
        overflow=Target.external("+4940999888"),
    )
    snap = snapshot()
    snap = replace(snap, hunt_groups=(*snap.hunt_groups, support))
    step = last(plan(snap, "610"))
    assert isinstance(step, ForwardExternal)
    assert step.trunk_id == "trunk-ham"


def test_longest_idle_trace_says_who_is_next_and_since_when() -> None:
    """Pins the longest-idle trace: the first member is idle longest, the others follow as
    next, each with the end of their last call (or none yet)."""
    t = datetime(2025, 3, 3, 9, 0, tzinfo=BERLIN)
    live = state(last_call_end={"u201": t, "u202": t - timedelta(hours=2)})
    first, second, third, *_ = plan(LONGEST_IDLE, "600", live=live).steps
    assert first.reason.endswith("user 203 is idle longest (no call yet)")
    assert second.reason.endswith(
        "user 202 is next longest idle (last call ended 2025-03-03 07:00)"
    )
    assert third.reason.endswith("user 201 is next longest idle (last call ended 2025-03-03 09:00)")
