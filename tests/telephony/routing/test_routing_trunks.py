"""Outbound calls and emergency calls (TRK-3)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from telephony.routing import RejectCause, RoutingPlan, SendViaTrunk

from .builders import (
    BERLIN_SITE,
    HAMBURG_SITE,
    logged_out,
    plan,
    rejection,
    snapshot,
    state,
    with_user,
)


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


def test_emergency_call_from_the_own_desk_names_no_exception() -> None:
    """Pins the plain emergency trace: the caller's own desk phone (another user's hot-desk
    login elsewhere does not count) and no presented number add no remark; the site's public
    number of the caller is presented."""
    step = only_trunk_step(plan(snapshot(), "112", caller_user_id="u201"))
    assert step.reason == (
        "emergency call 112 from user 201 leaves through trunk trunk-ber of the assigned site "
        "'Berlin' with its emergency address"
    )
    assert (step.site_id, step.presented_number) == ("ber", "+49301234201")


def test_emergency_call_of_a_user_with_an_unknown_site_uses_the_main_site() -> None:
    """Pins the fallback for a caller whose assigned site is gone: the main site's trunk and
    emergency address, saying so."""
    snap = with_user(snapshot(), "u301", site_id="gone")
    live = logged_out(state(), "u301")
    step = only_trunk_step(plan(snap, "112", caller_user_id="u301", live=live))
    assert (step.trunk_id, step.site_id) == (BERLIN_SITE.trunk_id, "ber")
    assert step.emergency_address == BERLIN_SITE.emergency_address
    assert step.reason.endswith("(assigned site gone is unknown, using the main site)")


def test_emergency_call_without_any_site_fails_unavailable() -> None:
    """Pins the customer without sites: the emergency call cannot leave and says why."""
    snap = snapshot()
    snap = replace(snap, customer=replace(snap.customer, sites=()))
    step = rejection(plan(snap, "110", caller_user_id="u201"))
    assert step.cause is RejectCause.UNAVAILABLE
    assert step.reason == "no site with a trunk: emergency call fails"


def test_emergency_notes_are_joined_in_order() -> None:
    """Pins the emergency trace with several remarks: unknown site, hot desk, presented
    number."""
    snap = with_user(snapshot(), "u201", site_id="gone")
    live = state(hotdesk_logins=frozenset({("u201", "d-ham-desk")}))
    step = only_trunk_step(
        plan(snap, "112", caller_user_id="u201", live=live, presented_number="+493012340")
    )
    assert step.reason.endswith(
        "(assigned site gone is unknown, using the main site; hot-desk location does not "
        "change the trunk; presented number does not change the trunk)"
    )


def test_outbound_call_of_a_user_with_an_unknown_site_is_unavailable() -> None:
    """Pins the outbound call of a user whose site is gone: no trunk is guessed."""
    snap = with_user(snapshot(), "u301", site_id="gone")
    step = rejection(plan(snap, "+4989555123", caller_user_id="u301"))
    assert step.cause is RejectCause.UNAVAILABLE
    assert step.reason == "assigned site gone of user 301 is unknown"


def test_outbound_call_presents_the_chosen_number_and_says_which_trunk() -> None:
    """Pins the presented number of an outbound call and its trace text."""
    result = plan(snapshot(), "+4989555123", caller_user_id="u201", presented_number="+4930123")
    step = only_trunk_step(result)
    assert (step.presented_number, step.site_id) == ("+4930123", "ber")
    assert step.reason == (
        "public call from user 201 leaves through trunk trunk-ber of the assigned site 'Berlin'"
    )
