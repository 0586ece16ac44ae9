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
    RunIvr,
    Step,
    Target,
)

from .builders import plan, snapshot


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
