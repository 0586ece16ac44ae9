"""Property tests: random configurations, including ones with loops and bad references."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TypeVar
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telephony.routing import (
    MAX_DEPTH,
    Call,
    ClientKind,
    Customer,
    DayNightMode,
    Device,
    EmergencyAddress,
    EndpointKind,
    Feature,
    ForwardExternal,
    Forwarding,
    GoToMenu,
    HuntGroup,
    HuntStrategy,
    IvrMenu,
    IvrOption,
    LiveState,
    NumberBlock,
    OperatorConfig,
    Package,
    Reject,
    RejectCause,
    RoutingPlan,
    RoutingSnapshot,
    RunIvr,
    ScheduleEntry,
    SendViaTrunk,
    Site,
    Step,
    Target,
    User,
    Voicemail,
    build_plan,
    find_loops,
    is_entitled,
    normalize_public_number,
    plan_to_dict,
    plan_transfer,
    render_plan,
)

BERLIN = ZoneInfo("Europe/Berlin")
T = TypeVar("T")
MOMENTS = st.datetimes(datetime(2025, 1, 1), datetime(2025, 12, 31), timezones=st.just(BERLIN))
PROPERTY_SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@dataclass(frozen=True)
class Scenario:
    snapshot: RoutingSnapshot
    state: LiveState
    now: datetime
    seed: int


def pick(draw: st.DrawFn, items: Sequence[T]) -> T:
    """Draw one item; cheaper than building a new ``sampled_from`` for every draw."""
    return items[draw(st.integers(0, len(items) - 1))]


def _target(
    draw: st.DrawFn, users: list[str], groups: list[str], menus: list[str], extensions: list[str]
) -> Target:
    choice = draw(st.integers(0, 7))
    if choice == 0:
        return Target.extension(pick(draw, [*extensions, "0", "999"]))
    if choice == 1:
        return Target.user(pick(draw, users))
    if choice == 2:
        return Target.voicemail(pick(draw, users))
    if choice == 3:
        return Target.operator()
    if choice == 4:
        return Target.external("+4989555000")
    if choice == 5 and groups:
        return Target.hunt_group(pick(draw, groups))
    if choice == 6 and menus:
        return Target.ivr(pick(draw, menus))
    return Target.disconnect()


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    n_sites = draw(st.integers(1, 3))
    sites = tuple(
        Site(
            f"s{i}",
            f"Site {i}",
            f"trunk-{i}",
            EmergencyAddress(f"Straße {i}", f"1011{i}", f"Stadt {i}"),
            is_main=(i == 0),
        )
        for i in range(n_sites)
    )
    site_ids = [s.id for s in sites]
    blocks = tuple(NumberBlock(f"+4930{i + 1}000", 0, 999, f"s{i}") for i in range(n_sites))

    n_users = draw(st.integers(1, 7))
    n_groups = draw(st.integers(0, 3))
    n_menus = draw(st.integers(0, 3))
    user_ids = [f"u{i}" for i in range(n_users)]
    group_ids = [f"g{i}" for i in range(n_groups)]
    menu_ids = [f"m{i}" for i in range(n_menus)]
    extensions = [str(100 + i) for i in range(n_users)]
    group_ext = [pick(draw, [None, str(500 + i)]) for i in range(n_groups)]
    menu_ext = [pick(draw, [None, str(700 + i)]) for i in range(n_menus)]
    all_ext = extensions + [e for e in group_ext + menu_ext if e]

    def target() -> Target:
        return _target(draw, user_ids, group_ids, menu_ids, all_ext)

    def maybe_target(percent: int = 40) -> Target | None:
        return target() if draw(st.integers(0, 99)) < percent else None

    users = tuple(
        User(
            user_ids[i],
            f"User {i}",
            extensions[i],
            pick(draw, site_ids),
            pick(draw, list(Package)),
            Forwarding(
                always=maybe_target(25),
                on_busy=maybe_target(),
                on_no_answer=maybe_target(),
                no_answer_seconds=draw(st.integers(5, 40)),
            ),
            voicemail_enabled=draw(st.booleans()),
            mobility_number=pick(draw, [None, "+491701111111", "01702222222"]),
        )
        for i in range(n_users)
    )
    devices = tuple(Device(f"d{i}", pick(draw, site_ids)) for i in range(draw(st.integers(0, 5))))
    groups = tuple(
        HuntGroup(
            group_ids[i],
            f"Group {i}",
            pick(draw, site_ids),
            pick(draw, list(HuntStrategy)),
            tuple(draw(st.lists(st.sampled_from(tuple(user_ids)), max_size=5))),
            extension=group_ext[i],
            ring_seconds=draw(st.integers(5, 60)),
            member_ring_seconds=draw(st.integers(5, 30)),
            overflow=maybe_target(60),
        )
        for i in range(n_groups)
    )
    menus = tuple(
        IvrMenu(
            menu_ids[i],
            f"Menu {i}",
            f"announcement-{i}",
            tuple(
                IvrOption(digit, target())
                for digit in draw(st.lists(st.sampled_from("0123456789*#"), max_size=4))
            ),
            extension=menu_ext[i],
            repeat_count=draw(st.integers(0, 3)),
            on_timeout=maybe_target(60),
            on_invalid=maybe_target(60),
        )
        for i in range(n_menus)
    )
    schedule = tuple(
        ScheduleEntry(day, time(draw(st.integers(0, 11))), time(draw(st.integers(12, 23))))
        for day in draw(st.lists(st.integers(0, 6), max_size=7, unique=True))
    )
    operator = OperatorConfig(
        day_target=target(),
        night_target=maybe_target(80),
        schedule=schedule,
        holidays=frozenset(
            draw(st.lists(st.dates(date(2025, 1, 1), date(2025, 12, 31)), max_size=3))
        ),
        manual_mode=pick(draw, list(DayNightMode)),
        announcement=pick(draw, [None, "hello"]),
        ivr_menu_id=pick(draw, [None, *menu_ids]),
    )
    snapshot = RoutingSnapshot(
        customer=Customer("c", "Customer", sites, blocks),
        users=users,
        operator=operator,
        devices=devices,
        hunt_groups=groups,
        ivr_menus=menus,
    )
    device_ids = [d.id for d in devices]
    logins = (
        draw(
            st.frozensets(
                st.tuples(st.sampled_from(tuple(user_ids)), st.sampled_from(tuple(device_ids)))
            )
        )
        if device_ids
        else frozenset()
    )
    group_logins = (
        draw(
            st.frozensets(
                st.tuples(st.sampled_from(tuple(group_ids)), st.sampled_from(tuple(user_ids)))
            )
        )
        if group_ids
        else frozenset()
    )
    state = LiveState(
        hotdesk_logins=logins,
        group_logins=group_logins,
        busy_users=draw(st.frozensets(st.sampled_from(tuple(user_ids)))),
        last_call_end=draw(st.dictionaries(st.sampled_from(tuple(user_ids)), MOMENTS)),
        online_clients=draw(
            st.frozensets(
                st.tuples(st.sampled_from(tuple(user_ids)), st.sampled_from(tuple(ClientKind)))
            )
        ),
    )
    return Scenario(snapshot, state, draw(MOMENTS), draw(st.integers(0, 2**32)))


@st.composite
def calls(draw: st.DrawFn, snapshot: RoutingSnapshot) -> Call:
    numbers = [u.extension for u in snapshot.users]
    numbers += [g.extension for g in snapshot.hunt_groups if g.extension]
    numbers += [m.extension for m in snapshot.ivr_menus if m.extension]
    public = [b.base + e for b in snapshot.customer.number_blocks for e in ("", "0", *numbers)]
    dialled = draw(
        st.sampled_from([*numbers, *public, "0", "110", "112", "+4989123456", "0897654", "999"])
    )
    if draw(st.booleans()):
        return Call(dialled, caller_user_id=pick(draw, [u.id for u in snapshot.users]))
    return Call(dialled, caller_number="+4921199999")


TERMINAL = (Voicemail, SendViaTrunk, Reject, GoToMenu, RunIvr)


def check_step_lists(steps: tuple[Step, ...], menus_on_path: tuple[str, ...]) -> None:
    """Each list ends in exactly one terminal step; no menu is nested inside itself."""
    assert steps, "a step list must not be empty"
    for step in steps[:-1]:
        assert not isinstance(step, TERMINAL), f"{step} must be last"
        if isinstance(step, ForwardExternal):
            assert step.seconds is not None
    final = steps[-1]
    assert isinstance(final, TERMINAL) or (
        isinstance(final, ForwardExternal) and final.seconds is None
    )
    if isinstance(final, RunIvr):
        # A menu may be nested in itself once: outside and inside the operator's path.
        assert menus_on_path.count(final.menu_id) < 2
        for branch in final.branches:
            check_step_lists(branch.steps, (*menus_on_path, final.menu_id))


def check_bounded(plan: RoutingPlan, snapshot: RoutingSnapshot) -> None:
    assert plan.depth <= MAX_DEPTH
    # Each menu is expanded at most twice (outside and inside the operator's path).
    expanded = [s.menu_id for s in plan.walk() if isinstance(s, RunIvr)]
    assert all(expanded.count(m) <= 2 for m in set(expanded))
    assert plan.step_count <= 5000
    check_step_lists(plan.steps, ())
    json.dumps(plan_to_dict(plan))
    assert render_plan(plan).count("\n") >= plan.step_count


def check_endpoints(plan: RoutingPlan, scenario: Scenario) -> None:
    snapshot, state = scenario.snapshot, scenario.state
    users = {u.id: u for u in snapshot.users}
    devices = {d.id for d in snapshot.devices}
    trunks = {s.trunk_id for s in snapshot.customer.sites}
    for endpoint in plan.endpoints():
        user = users[endpoint.user_id]
        if endpoint.kind is EndpointKind.DEVICE:
            assert endpoint.ref in devices
            assert (user.id, endpoint.ref) in state.hotdesk_logins
        elif endpoint.kind is EndpointKind.CLIENT:
            kind = ClientKind(endpoint.ref)
            assert (user.id, kind) in state.online_clients
            assert is_entitled(user.package, kind.feature)
        else:
            assert user.mobility_number is not None
            assert endpoint.ref == normalize_public_number(user.mobility_number)
            assert is_entitled(user.package, Feature.MOBILITY)
    for step in plan.walk():
        if isinstance(step, Voicemail):
            owner = users[step.user_id]
            assert owner.voicemail_enabled
            assert is_entitled(owner.package, Feature.VOICEMAIL)
        if isinstance(step, SendViaTrunk | ForwardExternal):
            assert step.trunk_id in trunks


@PROPERTY_SETTINGS
@given(data=st.data(), scenario=scenarios())
def test_every_plan_ends_and_is_bounded(data: st.DataObject, scenario: Scenario) -> None:
    call = data.draw(calls(scenario.snapshot))
    plan = build_plan(
        scenario.snapshot, scenario.state, call, scenario.now, random.Random(scenario.seed)
    )
    check_bounded(plan, scenario.snapshot)


@PROPERTY_SETTINGS
@given(data=st.data(), scenario=scenarios())
def test_every_ringing_endpoint_belongs_to_the_customer(
    data: st.DataObject, scenario: Scenario
) -> None:
    call = data.draw(calls(scenario.snapshot))
    plan = build_plan(
        scenario.snapshot, scenario.state, call, scenario.now, random.Random(scenario.seed)
    )
    check_endpoints(plan, scenario)


@PROPERTY_SETTINGS
@given(data=st.data(), scenario=scenarios())
def test_transfers_end_and_ring_only_customer_endpoints(
    data: st.DataObject, scenario: Scenario
) -> None:
    dialled = data.draw(calls(scenario.snapshot)).dialled
    plan = plan_transfer(
        scenario.snapshot, scenario.state, dialled, scenario.now, rng=random.Random(scenario.seed)
    )
    check_bounded(plan, scenario.snapshot)
    check_endpoints(plan, scenario)


@PROPERTY_SETTINGS
@given(
    data=st.data(),
    scenario=scenarios(),
    number=st.sampled_from(["110", "112"]),
    presented=st.sampled_from([None, "+493010000", "+4989999"]),
)
def test_emergency_call_always_uses_the_callers_site_trunk(
    data: st.DataObject, scenario: Scenario, number: str, presented: str | None
) -> None:
    caller = data.draw(st.sampled_from(scenario.snapshot.users))
    call = Call(number, caller_user_id=caller.id, presented_number=presented)
    plan = build_plan(scenario.snapshot, scenario.state, call, scenario.now, random.Random(0))
    site = next(s for s in scenario.snapshot.customer.sites if s.id == caller.site_id)
    (step,) = plan.steps
    assert isinstance(step, SendViaTrunk)
    assert step.emergency
    assert step.number == number
    assert step.trunk_id == site.trunk_id
    assert step.emergency_address == site.emergency_address


@PROPERTY_SETTINGS
@given(data=st.data(), scenario=scenarios())
def test_configuration_without_loop_errors_never_loops_at_runtime(
    data: st.DataObject, scenario: Scenario
) -> None:
    problems = find_loops(scenario.snapshot)
    for problem in problems:
        assert problem.cycle[0] == problem.cycle[-1]
    call = data.draw(calls(scenario.snapshot))
    plan = build_plan(
        scenario.snapshot, scenario.state, call, scenario.now, random.Random(scenario.seed)
    )
    loops = [s for s in plan.walk() if isinstance(s, Reject) and s.cause is RejectCause.LOOP]
    if not any(p.severity == "error" for p in problems):
        assert loops == [], render_plan(plan)
