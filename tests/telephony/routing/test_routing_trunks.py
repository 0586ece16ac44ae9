"""Outbound calls and emergency calls (TRK-3)."""

from __future__ import annotations

import pytest

from telephony.routing import RejectCause, RoutingPlan, SendViaTrunk

from .builders import BERLIN_SITE, HAMBURG_SITE, plan, rejection, snapshot, state


def only_trunk_step(result: RoutingPlan) -> SendViaTrunk:
    assert len(result.steps) == 1
    step = result.steps[0]
    assert isinstance(step, SendViaTrunk)
    return step


@pytest.mark.parametrize("number", ["110", "112"])
def test_emergency_call_leaves_through_the_assigned_site_trunk(number: str) -> None:
    step = only_trunk_step(plan(snapshot(), number, caller_user_id="u301"))
    assert step.emergency
    assert step.number == number
    assert step.trunk_id == HAMBURG_SITE.trunk_id
    assert step.emergency_address == HAMBURG_SITE.emergency_address


def test_emergency_call_from_hotdesk_at_other_site_uses_home_trunk() -> None:
    live = state(hotdesk_logins=frozenset({("u201", "d-ham-desk")}))
    step = only_trunk_step(plan(snapshot(), "112", caller_user_id="u201", live=live))
    assert step.trunk_id == BERLIN_SITE.trunk_id
    assert step.emergency_address == BERLIN_SITE.emergency_address
    assert "hot-desk location does not change the trunk" in step.reason


def test_presenting_another_number_does_not_change_the_emergency_trunk() -> None:
    result = plan(snapshot(), "110", caller_user_id="u301", presented_number="+493012340")
    step = only_trunk_step(result)
    assert step.trunk_id == HAMBURG_SITE.trunk_id
    assert step.presented_number == "+493012340"
    assert "presented number does not change the trunk" in step.reason


def test_emergency_call_ignores_forwarding_and_busy_state() -> None:
    live = state(busy_users=frozenset({"u203"}), hotdesk_logins=frozenset())
    step = only_trunk_step(plan(snapshot(), "112", caller_user_id="u203", live=live))
    assert step.trunk_id == BERLIN_SITE.trunk_id


def test_external_caller_cannot_place_an_emergency_call_through_the_customer() -> None:
    assert rejection(plan(snapshot(), "112")).cause is RejectCause.UNKNOWN_NUMBER


def test_outbound_public_call_uses_the_callers_assigned_site_trunk() -> None:
    live = state(hotdesk_logins=frozenset({("u301", "d201")}))  # Hamburg user in Berlin
    step = only_trunk_step(plan(snapshot(), "+4989555123", caller_user_id="u301", live=live))
    assert not step.emergency
    assert step.emergency_address is None
    assert step.trunk_id == HAMBURG_SITE.trunk_id
    assert step.presented_number == "+49405678301"


def test_outbound_national_number_is_normalised_to_e164() -> None:
    step = only_trunk_step(plan(snapshot(), "089 555123", caller_user_id="u201"))
    assert step.number == "+4989555123"
    assert step.trunk_id == BERLIN_SITE.trunk_id


def test_internal_call_to_own_public_number_is_routed_internally() -> None:
    result = plan(snapshot(), "+49301234202", caller_user_id="u201")
    assert not any(isinstance(s, SendViaTrunk) for s in result.steps)
    assert {e.user_id for e in result.endpoints()} == {"u202"}


def test_external_caller_to_foreign_number_is_rejected() -> None:
    assert rejection(plan(snapshot(), "+4989555123")).cause is RejectCause.UNKNOWN_NUMBER
