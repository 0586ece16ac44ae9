"""Loop detection (find_loops), reference checks, and loop safety of the engine."""

from __future__ import annotations

from dataclasses import replace

from telephony.routing import (
    MAX_DEPTH,
    MAX_NODE_VISITS,
    HuntGroup,
    HuntStrategy,
    IvrMenu,
    IvrOption,
    Reject,
    RejectCause,
    RoutingSnapshot,
    RunIvr,
    Severity,
    Target,
    find_loops,
    find_problems,
)

from .builders import (
    MONDAY_10,
    SUNDAY_11,
    logged_out,
    plan,
    rejection,
    snapshot,
    state,
    with_forwarding,
    with_group,
    with_operator,
    with_user,
)


def errors(snap: RoutingSnapshot) -> list[str]:
    return [p.message for p in find_loops(snap) if p.severity is Severity.ERROR]


def forwarding_ring() -> RoutingSnapshot:
    snap = with_forwarding(snapshot(), "u201", always=Target.extension("202"))
    snap = with_forwarding(snap, "u202", always=Target.extension("203"))
    return with_forwarding(snap, "u203", always=Target.user("u201"))


def test_clean_configuration_has_no_loops() -> None:
    assert find_loops(snapshot()) == []
    assert find_problems(snapshot()) == []


def test_forwarding_loop_is_reported() -> None:
    (problem,) = find_loops(forwarding_ring())
    assert problem.code == "forwarding_loop"
    assert problem.severity is Severity.ERROR
    assert problem.cycle == ("user 201", "user 202", "user 203", "user 201")
    assert "user 201 →(always) user 202 →(always) user 203 →(always) user 201" in problem.message


def test_forwarding_loop_ends_the_call_with_the_cycle_named() -> None:
    step = rejection(plan(forwarding_ring(), "202"))
    assert step.cause is RejectCause.LOOP
    assert "user 202 → user 203 → user 201 → user 202" in step.reason


def test_a_loop_entered_from_outside_names_only_the_cycle() -> None:
    """Pins the cycle in the loop text: the nodes before the loop are not part of it."""
    snap = with_forwarding(forwarding_ring(), "u203", always=Target.extension("202"))
    step = rejection(plan(snap, "201"))
    assert step.reason.endswith("routing loop: user 202 → user 203 → user 202: call ends")


def test_busy_forwarding_cycle_is_reported() -> None:
    snap = with_forwarding(snapshot(), "u201", on_busy=Target.extension("202"))
    snap = with_forwarding(snap, "u202", on_busy=Target.extension("201"))
    (message,) = errors(snap)
    assert "→(busy)" in message
    live = state(busy_users=frozenset({"u201", "u202"}))
    assert rejection(plan(snap, "201", live=live)).cause is RejectCause.LOOP


def test_hunt_group_overflow_cycle_is_reported() -> None:
    other = HuntGroup(
        "g-support",
        "Support",
        "ber",
        HuntStrategy.PARALLEL,
        ("u203",),
        "601",
        overflow=Target.hunt_group("g-sales"),
    )
    snap = with_group(snapshot(), "g-sales", overflow=Target.extension("601"))
    snap = replace(snap, hunt_groups=(*snap.hunt_groups, other))
    (problem,) = find_loops(snap)
    assert problem.code == "overflow_loop"
    assert set(problem.cycle) == {"hunt group 'Vertrieb'", "hunt group 'Support'"}
    assert rejection(plan(snap, "600")).cause is RejectCause.LOOP


def test_ivr_timeout_cycle_is_an_error() -> None:
    second = IvrMenu("m-2", "Zwei", "two", (), on_timeout=Target.ivr("m-main"))
    snap = snapshot()
    main = replace(snap.ivr_menus[0], on_timeout=Target.ivr("m-2"))
    snap = replace(snap, ivr_menus=(main, second))
    (problem,) = find_loops(snap)
    assert problem.severity is Severity.ERROR
    assert problem.code == "ivr_loop"
    assert "menu 'Hauptmenü' →(no input) menu 'Zwei' →(no input) menu 'Hauptmenü'" in (
        problem.message
    )


def test_ivr_menu_cycle_by_key_press_is_reported_as_warning() -> None:
    sub = IvrMenu("m-sub", "Service", "service", (IvrOption("9", Target.ivr("m-main")),))
    snap = snapshot()
    main = replace(
        snap.ivr_menus[0], options=(*snap.ivr_menus[0].options, IvrOption("3", Target.ivr("m-sub")))
    )
    snap = replace(snap, ivr_menus=(main, sub))
    (problem,) = find_loops(snap)
    assert problem.severity is Severity.WARNING
    assert problem.code == "ivr_cycle"
    assert "digit 3" in problem.message
    assert "digit 9" in problem.message


def test_operator_menu_pointing_back_to_the_operator_is_not_a_loop() -> None:
    snap = with_operator(snapshot(), ivr_menu_id="m-main")
    assert errors(snap) == []


def test_operator_day_target_pointing_to_the_operator_is_a_loop() -> None:
    snap = with_operator(snapshot(), day_target=Target.extension("0"))
    assert errors(snap) != []
    assert rejection(plan(snap, "0", now=MONDAY_10)).cause is RejectCause.LOOP


def test_logged_out_member_overflowing_back_to_the_operator_group_is_a_loop() -> None:
    # Operator rings the sales group; the group overflows to Clara, who has no
    # forwarding: if she is logged out the call goes back to the operator.
    snap = with_operator(snapshot(), day_target=Target.hunt_group("g-sales"))
    snap = with_group(snap, "g-sales", overflow=Target.extension("203"))
    (message,) = errors(snap)
    assert "→(logged out) operator" in message
    result = plan(snap, "0", live=logged_out(state(), "u203"))
    assert rejection(result).cause is RejectCause.LOOP


def test_night_only_loop_is_found() -> None:
    snap = with_operator(snapshot(), night_target=Target.hunt_group("g-sales"))
    snap = with_group(snap, "g-sales", overflow=Target.operator())
    assert len(errors(snap)) == 1
    assert rejection(plan(snap, "0", now=SUNDAY_11)).cause is RejectCause.LOOP
    assert rejection(plan(snap, "0", now=MONDAY_10)).cause is RejectCause.NOT_ANSWERED


def test_self_forwarding_is_a_loop() -> None:
    snap = with_forwarding(snapshot(), "u201", on_no_answer=Target.extension("201"))
    (problem,) = find_loops(snap)
    assert problem.cycle == ("user 201", "user 201")


def test_find_problems_reports_dangling_references_and_duplicates() -> None:
    snap = with_forwarding(snapshot(), "u201", always=Target.extension("999"))
    snap = with_user(snap, "u203", extension="202")
    snap = with_group(snap, "g-sales", member_ids=("u201", "u301", "ghost"))
    snap = with_operator(snap, night_target=Target.external("0301234"))
    codes = sorted(p.code for p in find_problems(snap))
    assert codes == [
        "duplicate_extension",
        "invalid_number",
        "member_other_site",
        "unknown_member",
        "unknown_target",  # user 201 forwards to extension 999
        "unknown_target",  # extension 203 of the main menu is gone (now 202 twice)
    ]


def test_engine_handles_deep_chains_without_recursion_errors() -> None:
    snap = snapshot()
    users = list(snap.users)
    base = users[1]
    for i in range(300):
        users.append(
            replace(
                base,
                id=f"x{i}",
                extension=str(1000 + i),
                forwarding=replace(base.forwarding, always=Target.extension(str(1001 + i))),
            )
        )
    snap = replace(snap, users=tuple(users))
    result = plan(snap, "1000")
    assert rejection(result).cause is RejectCause.TOO_COMPLEX


def forwarding_chain(length: int, first_extension: int = 1000) -> RoutingSnapshot:
    """``length`` users forwarding all calls one to the next; the last one has a desk phone
    and no forwarding."""
    snap = snapshot()
    base = snap.users[1]
    chain = [
        replace(
            base,
            id=f"x{i}",
            extension=str(first_extension + i),
            forwarding=replace(
                base.forwarding,
                always=Target.extension(str(first_extension + i + 1)) if i < length - 1 else None,
            ),
        )
        for i in range(length)
    ]
    return replace(snap, users=(*snap.users, *chain))


def test_a_path_of_forty_nodes_is_planned_and_one_more_is_too_complex() -> None:
    """Pins the depth bound (MAX_DEPTH, 40): forty nodes on one path are routed, the next
    one ends the call as too complex, naming it."""
    assert MAX_DEPTH == 40
    live = state(hotdesk_logins=frozenset({("x39", "d201"), ("x40", "d201")}))
    result = plan(forwarding_chain(40), "1000", live=live)
    assert [e.user_id for e in result.endpoints()] == ["x39"]
    step = rejection(plan(forwarding_chain(41), "1000", live=live))
    assert step.cause is RejectCause.TOO_COMPLEX
    assert step.reason.endswith("routing too deep or too large at user 1040: call ends")


def test_a_plan_of_max_node_visits_is_built_and_one_more_entry_is_too_complex() -> None:
    """Pins the size bound: a plan with MAX_NODE_VISITS (400) node entries is complete, one more
    entry ends that branch as too complex (menus reset the depth at each key press, so only
    the size bound applies)."""
    # One menu entry, ten digits through a chain of 39 users (390 entries), then the no-input
    # branch entering the chain at its 31st user (9 entries): 400 in all.
    assert MAX_NODE_VISITS == 1 + 10 * 39 + 9
    chain = forwarding_chain(39)
    live = state(hotdesk_logins=frozenset({("x38", "d201")}))
    digits = tuple(IvrOption(str(d), Target.extension("1000")) for d in range(10))
    menu = IvrMenu(
        "m-big", "Groß", "big", digits, extension="800", on_timeout=Target.extension("1030")
    )
    snap = replace(chain, ivr_menus=(menu,))
    result = plan(snap, "800", live=live)
    assert not any(
        isinstance(s, Reject) and s.cause is RejectCause.TOO_COMPLEX for s in result.walk()
    )
    assert len(result.endpoints()) == 11
    snap = replace(chain, ivr_menus=(replace(menu, on_invalid=Target.extension("1038")),))
    top = plan(snap, "800", live=live).steps[0]
    assert isinstance(top, RunIvr)
    *_, invalid = top.branches
    assert rejection(invalid.steps).cause is RejectCause.TOO_COMPLEX
    assert len(plan(snap, "800", live=live).endpoints()) == 11


def test_the_depth_bound_holds_at_the_operator_and_its_station_too() -> None:
    """Pins the bound on the operator's nodes: a chain that reaches the operator as its 41st
    node, or the operator's station as its 41st, ends as too complex right there."""
    at_operator = with_forwarding(forwarding_chain(40), "x39", always=Target.operator())
    step = rejection(plan(at_operator, "1000"))
    assert step.cause is RejectCause.TOO_COMPLEX
    assert step.reason.endswith("routing too deep or too large at operator: call ends")
    at_station = with_forwarding(forwarding_chain(39), "x38", always=Target.operator())
    step = rejection(plan(at_station, "1000"))
    assert step.cause is RejectCause.TOO_COMPLEX
    assert step.reason.endswith("routing too deep or too large at user 200: call ends")
