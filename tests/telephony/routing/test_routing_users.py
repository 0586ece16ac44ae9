"""Calls to users: forwarding (FEA-8), hot-desking (FEA-7), voicemail and mobility."""

from __future__ import annotations

from dataclasses import replace

from telephony.routing import (
    ClientKind,
    EndpointKind,
    ForwardExternal,
    Note,
    RejectCause,
    RingOne,
    RingParallel,
    Target,
    Voicemail,
)

from .builders import (
    BERLIN_BASE,
    HAMBURG_BASE,
    kinds,
    last,
    logged_out,
    plan,
    rejection,
    snapshot,
    state,
    with_forwarding,
    with_user,
)


def test_call_to_extension_rings_the_users_device_then_voicemail() -> None:
    result = plan(snapshot(), "201")
    ring, after = result.steps
    assert isinstance(ring, RingOne)
    assert ring.endpoint.ref == "d201"
    assert ring.seconds == 20
    assert isinstance(after, Voicemail)
    assert after.user_id == "u201"


def test_public_number_of_the_block_reaches_the_extension() -> None:
    result = plan(snapshot(), BERLIN_BASE + "201")
    ring = result.steps[0]
    assert isinstance(ring, RingOne)
    assert ring.endpoint.user_id == "u201"


def test_national_format_is_normalised_to_the_customer_block() -> None:
    result = plan(snapshot(), "030 1234-202")
    assert any(e.user_id == "u202" for e in result.endpoints())


def test_forward_always_to_internal_extension_rings_that_user() -> None:
    snap = with_forwarding(snapshot(), "u201", always=Target.extension("203"))
    result = plan(snap, "201")
    assert [e.user_id for e in result.endpoints()] == ["u203"]
    assert "user 201 forwards all calls to user 203" in result.steps[0].reason


def test_forward_always_to_external_number_leaves_via_the_users_site_trunk() -> None:
    snap = with_forwarding(snapshot(), "u301", always=Target.external("+4940999888"))
    step = last(plan(snap, "301"))
    assert isinstance(step, ForwardExternal)
    assert step.number == "+4940999888"
    assert step.trunk_id == "trunk-ham"


def test_busy_user_with_busy_forwarding_is_forwarded() -> None:
    snap = with_forwarding(snapshot(), "u201", on_busy=Target.extension("202"))
    result = plan(snap, "201", live=state(busy_users=frozenset({"u201"})))
    assert "user 201 is busy: forwarding to user 202" in result.steps[0].reason
    assert {e.user_id for e in result.endpoints()} == {"u202"}


def test_busy_user_without_forwarding_goes_to_voicemail() -> None:
    result = plan(snapshot(), "201", live=state(busy_users=frozenset({"u201"})))
    assert kinds(result) == ["voicemail"]


def test_busy_user_without_voicemail_is_rejected_busy() -> None:
    snap = with_user(snapshot(), "u201", voicemail_enabled=False)
    result = plan(snap, "201", live=state(busy_users=frozenset({"u201"})))
    assert rejection(result).cause is RejectCause.BUSY


def test_no_answer_forwarding_rings_for_n_seconds_then_forwards() -> None:
    snap = with_forwarding(
        snapshot(), "u201", on_no_answer=Target.external("+4989111222"), no_answer_seconds=12
    )
    ring, forward = plan(snap, "201").steps
    assert isinstance(ring, RingOne)
    assert ring.seconds == 12
    assert isinstance(forward, ForwardExternal)
    assert forward.number == "+4989111222"
    assert forward.trunk_id == "trunk-ber"
    assert "no answer from user 201 after 12 s" in forward.reason


def test_voicemail_needs_klingende_stimme() -> None:
    result = plan(snapshot(), "203")  # Clara: Klare stimme, voicemail switched on
    assert not any(isinstance(s, Voicemail) for s in result.walk())
    notes = [s.reason for s in result.steps if isinstance(s, Note)]
    assert any("voicemail of user 203 skipped" in n and "Klingende" in n for n in notes)
    assert rejection(result).cause is RejectCause.NOT_ANSWERED


def test_forwarding_to_voicemail_without_entitlement_is_not_entitled() -> None:
    snap = with_forwarding(snapshot(), "u201", always=Target.voicemail("u203"))
    result = plan(snap, "201")
    assert rejection(result).cause is RejectCause.NOT_ENTITLED


def test_mobility_rings_in_parallel_with_volle_stimme() -> None:
    ring = plan(snapshot(), "202").steps[0]
    assert isinstance(ring, RingParallel)
    assert [(e.kind, e.ref) for e in ring.endpoints] == [
        (EndpointKind.DEVICE, "d202"),
        (EndpointKind.MOBILITY, "+491701234567"),
    ]


def test_mobility_is_skipped_without_volle_stimme() -> None:
    snap = with_user(snapshot(), "u201", mobility_number="+491709999999")
    result = plan(snap, "201")
    assert all(e.kind is not EndpointKind.MOBILITY for e in result.endpoints())
    assert any(
        isinstance(s, Note) and "mobility of user 201 skipped" in s.reason for s in result.steps
    )


def test_software_clients_ring_only_when_the_package_includes_them() -> None:
    live = state(
        online_clients=frozenset({("u201", ClientKind.UC_CLIENT), ("u201", ClientKind.SOFTPHONE)})
    )
    result = plan(snapshot(), "201", live=live)
    refs = {e.ref for e in result.endpoints()}
    assert refs == {"d201", "uc_client"}  # softphone needs Volle stimme
    assert any(isinstance(s, Note) and "softphone" in s.reason for s in result.steps)


def test_hotdesk_user_rings_on_the_device_at_another_site() -> None:
    live = logged_out(state(), "u201")
    live = replace(live, hotdesk_logins=live.hotdesk_logins | {("u201", "d-ham-desk")})
    ring = plan(snapshot(), "201", live=live).steps[0]
    assert isinstance(ring, RingOne)
    assert ring.endpoint.ref == "d-ham-desk"


def test_hotdesk_login_does_not_log_out_the_previous_user_of_the_device() -> None:
    live = state(hotdesk_logins=frozenset({("u201", "d201"), ("u203", "d201")}))
    first = plan(snapshot(), "201", live=live).steps[0]
    second = plan(snapshot(), "203", live=live).steps[0]
    assert isinstance(first, RingOne)
    assert isinstance(second, RingOne)
    assert first.endpoint.ref == second.endpoint.ref == "d201"


def test_logged_out_user_without_forwarding_goes_to_operator() -> None:
    result = plan(snapshot(), "201", live=logged_out(state(), "u201"))
    assert "user 201 is logged out and has no forwarding: to operator" in result.steps[0].reason
    assert [e.user_id for e in result.endpoints()] == ["u200"]


def test_logged_out_user_keeps_forwarding() -> None:
    snap = with_forwarding(snapshot(), "u201", on_no_answer=Target.extension("202"))
    result = plan(snap, "201", live=logged_out(state(), "u201"))
    assert "user 201 is logged out: forwarding to user 202" in result.steps[0].reason
    assert "u200" not in {e.user_id for e in result.endpoints()}


def test_logged_out_user_with_forward_always_still_forwards() -> None:
    snap = with_forwarding(snapshot(), "u201", always=Target.external("+4930777"))
    step = last(plan(snap, "201", live=logged_out(state(), "u201")))
    assert isinstance(step, ForwardExternal)


def test_user_with_only_a_software_client_online_is_not_logged_out() -> None:
    live = replace(
        logged_out(state(), "u201"),
        online_clients=frozenset({("u201", ClientKind.SMARTPHONE_APP)}),
    )
    ring = plan(snapshot(), "201", live=live).steps[0]
    assert isinstance(ring, RingOne)
    assert ring.endpoint.kind is EndpointKind.CLIENT


def test_pickup_group_is_reported_as_information() -> None:
    ring = plan(snapshot(), "201").steps[0]
    assert "pickup group 'Empfang' can pick up" in ring.reason


def test_internal_call_to_unassigned_extension_is_rejected() -> None:
    result = plan(snapshot(), "999", caller_user_id="u201")
    assert rejection(result).cause is RejectCause.UNKNOWN_NUMBER


def test_external_call_to_unassigned_public_extension_goes_to_operator() -> None:
    result = plan(snapshot(), HAMBURG_BASE + "555")
    assert "extension 555 is not assigned: to operator" in result.steps[0].reason
    assert [e.user_id for e in result.endpoints()] == ["u200"]


def test_unknown_internal_caller_is_rejected() -> None:
    result = plan(snapshot(), "201", caller_user_id="nobody")
    assert rejection(result).cause is RejectCause.UNKNOWN_NUMBER


def test_every_external_forwarding_leaves_through_the_users_own_site() -> None:
    """Pins the trunk of external forwarding when busy, unanswered or logged out: the
    forwarding user's site (Hamburg), not the main site."""
    number = Target.external("+4940999888")
    busy = with_forwarding(snapshot(), "u301", on_busy=number)
    unanswered = with_forwarding(snapshot(), "u301", on_no_answer=number)
    for snap, live in (
        (busy, state(busy_users=frozenset({"u301"}))),
        (unanswered, state()),
        (unanswered, logged_out(state(), "u301")),
    ):
        step = last(plan(snap, "301", live=live))
        assert isinstance(step, ForwardExternal)
        assert step.trunk_id == "trunk-ham"


def test_external_forwarding_of_a_user_with_an_unknown_site_uses_the_main_site() -> None:
    """Pins the trunk fallback: a site that no longer exists routes via the main site."""
    snap = with_forwarding(snapshot(), "u301", always=Target.external("+4940999888"))
    step = last(plan(with_user(snap, "u301", site_id="gone"), "301"))
    assert isinstance(step, ForwardExternal)
    assert step.trunk_id == "trunk-ber"


def test_external_forwarding_without_any_site_is_unavailable() -> None:
    """Pins the customer without sites: an external forward has no trunk and ends the call."""
    snap = with_forwarding(snapshot(), "u201", always=Target.external("089 999888"))
    snap = replace(snap, customer=replace(snap.customer, sites=()))
    step = rejection(plan(snap, "201"))
    assert step.cause is RejectCause.UNAVAILABLE
    assert step.reason.endswith("no trunk to forward to +4989999888")


def test_only_outside_callers_via_a_public_number_reach_the_operator_when_unassigned() -> None:
    """Pins who reaches the operator through an unassigned number: an outside caller dialling
    the public number does; an outside caller naming a bare extension and a user dialling the
    public number are refused."""
    assert rejection(plan(snapshot(), "555")).cause is RejectCause.UNKNOWN_NUMBER
    internal = plan(snapshot(), HAMBURG_BASE + "555", caller_user_id="u201")
    assert rejection(internal).cause is RejectCause.UNKNOWN_NUMBER
    assert internal.endpoints() == []


def test_a_number_that_cannot_be_dialled_is_refused_and_named() -> None:
    """Pins dialled strings that are neither numbers nor extensions."""
    for dialled in ("abc", "+12"):
        step = rejection(plan(snapshot(), dialled))
        assert step.cause is RejectCause.UNKNOWN_NUMBER
        assert step.reason == f"cannot route '{dialled}'"


def test_a_user_in_no_pickup_group_gets_no_pickup_remark() -> None:
    """Pins the pickup remark of the ring step: only for members of a pickup group."""
    ring = plan(snapshot(), "203").steps[0]
    assert ring.reason == "call to extension 203; ring user 203 (Clara Czerny)"
