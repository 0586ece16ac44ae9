"""IVR menus (FEA-3): digits, timeout and invalid input, nesting, references."""

from __future__ import annotations

from dataclasses import replace

from telephony.routing import (
    BranchKind,
    ForwardExternal,
    GoToMenu,
    IvrMenu,
    IvrOption,
    Reject,
    RejectCause,
    RingOne,
    RoutingSnapshot,
    RunIvr,
    Step,
    Target,
    Voicemail,
    plan_transfer,
)

from .builders import MONDAY_10, plan, snapshot, state, with_forwarding


def branch(menu: RunIvr, label: str) -> tuple[Step, ...]:
    return next(b.steps for b in menu.branches if b.label() == label)


def test_menu_offers_each_digit_and_timeout_and_invalid_branches() -> None:
    menu = plan(snapshot(), "700").steps[0]
    assert isinstance(menu, RunIvr)
    assert menu.announcement == "welcome-main"
    assert menu.timeout_seconds == 5
    assert menu.repeat_count == 2
    assert [(b.kind, b.digit) for b in menu.branches] == [
        (BranchKind.DIGIT, "1"),
        (BranchKind.DIGIT, "2"),
        (BranchKind.DIGIT, "0"),
        (BranchKind.TIMEOUT, None),
        (BranchKind.INVALID, None),
    ]
    assert "caller pressed 2" in branch(menu, "digit 2")[0].reason
    assert "no input after 3 plays: to operator" in branch(menu, "no input")[0].reason


def test_menu_without_timeout_target_ends_the_call() -> None:
    snap = snapshot()
    snap = replace(snap, ivr_menus=(replace(snap.ivr_menus[0], on_timeout=None),))
    menu = plan(snap, "700").steps[0]
    assert isinstance(menu, RunIvr)
    (end,) = branch(menu, "no input")
    assert isinstance(end, Reject)
    assert end.cause is RejectCause.UNAVAILABLE


def sub_menus(back_digit_target: Target) -> IvrMenu:
    return IvrMenu(
        id="m-sub",
        name="Service",
        announcement="service",
        options=(IvrOption("1", Target.extension("201")), IvrOption("9", back_digit_target)),
    )


def test_nested_menu_is_expanded_and_back_to_main_is_a_reference() -> None:
    snap = snapshot()
    main = replace(
        snap.ivr_menus[0], options=(*snap.ivr_menus[0].options, IvrOption("3", Target.ivr("m-sub")))
    )
    snap = replace(snap, ivr_menus=(main, sub_menus(Target.ivr("m-main"))))
    top = plan(snap, "700").steps[0]
    assert isinstance(top, RunIvr)
    (sub,) = branch(top, "digit 3")
    assert isinstance(sub, RunIvr)
    assert sub.menu_name == "Service"
    (back,) = branch(sub, "digit 9")
    assert isinstance(back, GoToMenu)
    assert back.menu_id == "m-main"
    assert "back to menu 'Hauptmenü'" in back.reason


def test_menu_reached_twice_is_expanded_once() -> None:
    snap = snapshot()
    main = replace(
        snap.ivr_menus[0],
        options=(IvrOption("1", Target.ivr("m-sub")), IvrOption("2", Target.ivr("m-sub"))),
    )
    snap = replace(snap, ivr_menus=(main, sub_menus(Target.extension("202"))))
    top = plan(snap, "700").steps[0]
    assert isinstance(top, RunIvr)
    assert isinstance(branch(top, "digit 1")[0], RunIvr)
    second = branch(top, "digit 2")[0]
    assert isinstance(second, GoToMenu)
    assert "expanded above" in second.reason


def test_menu_timeout_back_to_itself_is_a_loop() -> None:
    snap = snapshot()
    snap = replace(snap, ivr_menus=(replace(snap.ivr_menus[0], on_timeout=Target.ivr("m-main")),))
    menu = plan(snap, "700").steps[0]
    assert isinstance(menu, RunIvr)
    (end,) = branch(menu, "no input")
    assert isinstance(end, Reject)
    assert end.cause is RejectCause.LOOP
    assert "menu 'Hauptmenü' → menu 'Hauptmenü'" in end.reason


def test_menu_can_lead_to_voicemail_and_external_numbers() -> None:
    snap = snapshot()
    main = replace(
        snap.ivr_menus[0],
        options=(
            IvrOption("5", Target.voicemail("u202")),
            IvrOption("6", Target.external("+4989123")),
        ),
    )
    snap = replace(snap, ivr_menus=(main,))
    menu = plan(snap, "700").steps[0]
    assert isinstance(menu, RunIvr)
    assert branch(menu, "digit 5")[0].step_type == "voicemail"
    forward = branch(menu, "digit 6")[0]
    assert isinstance(forward, ForwardExternal)
    assert forward.trunk_id == "trunk-ber"


def main_menu(snap: RoutingSnapshot | None = None, *others: IvrMenu, **changes: object) -> RunIvr:
    """The main menu (extension 700) as planned, after ``changes`` to it; ``others`` are the
    other menus of the snapshot."""
    snap = snap or snapshot()
    main = replace(snap.ivr_menus[0], **changes)  # type: ignore[arg-type]
    menu = plan(replace(snap, ivr_menus=(main, *others)), "700").steps[0]
    assert isinstance(menu, RunIvr)
    return menu


def test_a_digit_configured_twice_follows_its_first_target() -> None:
    """Pins duplicate digits: one branch per digit, the first option wins."""
    menu = main_menu(
        options=(
            IvrOption("1", Target.extension("203")),
            IvrOption("1", Target.extension("201")),
            IvrOption("2", Target.extension("201")),
        )
    )
    assert [b.digit for b in menu.branches] == ["1", "2", None, None]
    ring = branch(menu, "digit 1")[0]
    assert isinstance(ring, RingOne) and ring.endpoint.user_id == "u203"


def test_invalid_input_follows_its_own_target_or_ends_the_call() -> None:
    """Pins the invalid-input branch: its own target, or the end of the call when none is
    set, after the announcement has played repeat_count + 1 times."""
    menu = main_menu(on_invalid=Target.extension("203"), on_timeout=None, repeat_count=1)
    ring = branch(menu, "invalid input")[0]
    assert isinstance(ring, RingOne) and ring.endpoint.user_id == "u203"
    assert ring.reason.startswith("invalid input after 2 plays: to user 203")
    (end,) = branch(menu, "no input")
    assert isinstance(end, Reject) and end.cause is RejectCause.UNAVAILABLE
    assert end.reason == "no input after 2 plays and no target set: call ends"
    (end,) = branch(main_menu(on_invalid=None), "invalid input")
    assert isinstance(end, Reject) and end.cause is RejectCause.UNAVAILABLE


def test_a_digit_back_to_the_same_menu_repeats_it_and_is_no_loop() -> None:
    """Pins key presses as caller input: a digit leading back to its own menu is a reference
    back (the caller hears the menu again), not a loop that ends the call."""
    options = snapshot().ivr_menus[0].options
    menu = main_menu(options=(*options, IvrOption("9", Target.ivr("m-main"))))
    (back,) = branch(menu, "digit 9")
    assert isinstance(back, GoToMenu) and back.menu_id == "m-main"
    assert back.reason == "caller pressed 9; back to menu 'Hauptmenü'"


def test_a_transferred_call_in_a_menu_is_no_longer_recalled() -> None:
    """Pins the transfer into a menu: once the caller chooses, the chosen target's overflow,
    forwarding and voicemail apply again (no recall to the operator)."""
    steps = plan_transfer(snapshot(), state(), "700", MONDAY_10, transferred_by="u200").steps
    (menu,) = steps
    assert isinstance(menu, RunIvr)
    *_, overflow = branch(menu, "digit 1")
    assert isinstance(overflow, Voicemail) and overflow.user_id == "u201"
    assert not any("back to the operator" in s.reason for s in menu.branches[0].steps)


def test_menu_step_carries_its_settings() -> None:
    """Pins the menu step: id, name, announcement, timeout and repeats as configured."""
    menu = main_menu(timeout_seconds=8, repeat_count=0)
    assert (menu.menu_id, menu.menu_name, menu.announcement) == (
        "m-main",
        "Hauptmenü",
        "welcome-main",
    )
    assert (menu.timeout_seconds, menu.repeat_count) == (8, 0)
    assert menu.reason == "call to extension 700; run menu 'Hauptmenü'"
    assert branch(menu, "no input")[0].reason.startswith("no input after 1 plays: to operator")


def test_no_input_can_lead_to_another_menu_which_is_played() -> None:
    """Pins a menu's fallback to a second menu: that menu is expanded, not taken for a loop."""
    second = IvrMenu("m-2", "Zwei", "two", (IvrOption("1", Target.extension("201")),))
    menu = main_menu(None, second, on_timeout=Target.ivr("m-2"))
    (inner,) = branch(menu, "no input")
    assert isinstance(inner, RunIvr) and inner.menu_id == "m-2"


def test_references_to_an_expanded_menu_name_it() -> None:
    """Pins the menu a reference leads to (id and name), back up the path or to a menu
    expanded elsewhere in the plan."""
    top = main_menu(
        None,
        sub_menus(Target.extension("202")),
        options=(
            IvrOption("1", Target.ivr("m-sub")),
            IvrOption("2", Target.ivr("m-sub")),
            IvrOption("3", Target.ivr("m-main")),
        ),
    )
    (again,) = branch(top, "digit 2")
    (back,) = branch(top, "digit 3")
    assert isinstance(again, GoToMenu) and isinstance(back, GoToMenu)
    assert (again.menu_id, again.menu_name) == ("m-sub", "Service")
    assert (back.menu_id, back.menu_name) == ("m-main", "Hauptmenü")


def test_a_loop_after_a_key_press_names_only_the_nodes_since_the_key() -> None:
    """Pins the cycle named in a loop behind a menu digit: the forwarding ring, not the menu
    before it."""
    snap = with_forwarding(snapshot(), "u201", always=Target.extension("202"))
    snap = with_forwarding(snap, "u202", always=Target.extension("201"))
    menu = main_menu(snap, options=(IvrOption("1", Target.extension("201")),))
    (end,) = branch(menu, "digit 1")
    assert isinstance(end, Reject) and end.cause is RejectCause.LOOP
    assert end.reason.endswith("routing loop: user 201 → user 202 → user 201: call ends")
