"""Where a call ends when its target is missing, switched off or not entitled (FEA-1..FEA-4):
the cause the switch signals and the reason the call trace shows."""

from __future__ import annotations

import pytest

from telephony.routing import HuntStrategy, RejectCause, RingOne, RingParallel, Target

from .builders import plan, rejection, snapshot, state, with_group

NOBODY = state(group_logins=frozenset())
VIA_OVERFLOW = "no member of hunt group 'Vertrieb' is available: overflow to "


@pytest.mark.parametrize(
    ("target", "cause", "reason"),
    [
        (
            Target.hunt_group("g-none"),
            RejectCause.UNKNOWN_NUMBER,
            "unknown hunt group g-none; hunt group g-none does not exist",
        ),
        (
            Target.ivr("m-none"),
            RejectCause.UNKNOWN_NUMBER,
            "unknown menu m-none; menu m-none does not exist",
        ),
        (
            Target.user("u-none"),
            RejectCause.UNKNOWN_NUMBER,
            "unknown user u-none; user u-none does not exist",
        ),
        (
            Target.voicemail("u-none"),
            RejectCause.UNKNOWN_NUMBER,
            "voicemail of unknown user u-none; voicemail owner u-none does not exist",
        ),
        (
            Target.extension("299"),
            RejectCause.UNKNOWN_NUMBER,
            "extension 299; extension 299 is not assigned",
        ),
        (Target.disconnect(), RejectCause.UNAVAILABLE, "disconnect; configured to disconnect"),
        (
            Target.voicemail("u200"),
            RejectCause.UNAVAILABLE,
            "voicemail of user 200; voicemail of user 200 is not enabled: call ends",
        ),
    ],
)
def test_a_dead_end_target_rejects_with_its_cause_and_says_why(
    target: Target, cause: RejectCause, reason: str
) -> None:
    """Pins each dead end's cause and trace text (a missing hunt group, menu, user, voicemail
    owner or extension is an unknown number; a disconnect or a switched-off voicemail is
    unavailable)."""
    step = rejection(plan(with_group(snapshot(), "g-sales", overflow=target), "600", live=NOBODY))
    assert step.cause is cause
    assert step.reason == VIA_OVERFLOW + reason


def test_voicemail_without_the_package_is_not_entitled() -> None:
    """Pins the package rule for voicemail targets (LIC-5): the Klare Stimme package has none."""
    snap = with_group(snapshot(), "g-sales", overflow=Target.voicemail("u203"))
    step = rejection(plan(snap, "600", live=NOBODY))
    assert step.cause is RejectCause.NOT_ENTITLED
    assert step.reason == "voicemail not available: call ends"


def test_longest_idle_never_rings_a_member_for_zero_seconds() -> None:
    """Pins the stop of the longest-idle hunt: when the group timeout is used up exactly, the
    next member does not get a 0-second ring step."""
    snap = with_group(
        snapshot(),
        "g-sales",
        strategy=HuntStrategy.LONGEST_IDLE,
        ring_seconds=20,
        member_ring_seconds=10,
    )
    rings = [s for s in plan(snap, "600").steps if isinstance(s, RingOne | RingParallel)]
    assert [r.seconds for r in rings] == [10, 10]


def test_round_robin_trace_counts_the_other_members() -> None:
    """Pins the round-robin trace text: the drawn member, then how many others ring."""
    snap = with_group(snapshot(), "g-sales", strategy=HuntStrategy.ROUND_ROBIN)
    first, others, _overflow = plan(snap, "600", seed=7).steps
    assert first.reason == (
        "call to extension 600; hunt group 'Vertrieb' (round robin): user 202 was drawn at "
        "random and rings first"
    )
    assert others.reason == (
        "hunt group 'Vertrieb' (round robin): not answered by user 202, all 2 other members ring"
    )
