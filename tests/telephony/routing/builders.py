"""A small customer ("Beispiel GmbH") used by the routing tests, plus helpers."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from telephony.routing import (
    Call,
    Customer,
    Device,
    EmergencyAddress,
    Forwarding,
    HuntGroup,
    HuntStrategy,
    IvrMenu,
    IvrOption,
    LiveState,
    NumberBlock,
    OperatorConfig,
    Package,
    PickupGroup,
    Reject,
    RoutingPlan,
    RoutingSnapshot,
    ScheduleEntry,
    Site,
    Step,
    Target,
    User,
    build_plan,
    describe_step,
)

BERLIN = ZoneInfo("Europe/Berlin")

MONDAY_10 = datetime(2025, 3, 3, 10, 0, tzinfo=BERLIN)
MONDAY_19 = datetime(2025, 3, 3, 19, 0, tzinfo=BERLIN)
SUNDAY_11 = datetime(2025, 3, 2, 11, 0, tzinfo=BERLIN)
CHRISTMAS_10 = datetime(2025, 12, 25, 10, 0, tzinfo=BERLIN)  # a Thursday

BERLIN_SITE = Site(
    id="ber",
    name="Berlin",
    trunk_id="trunk-ber",
    emergency_address=EmergencyAddress("Friedrichstraße 1", "10117", "Berlin"),
    is_main=True,
)
HAMBURG_SITE = Site(
    id="ham",
    name="Hamburg",
    trunk_id="trunk-ham",
    emergency_address=EmergencyAddress("Elbchaussee 5", "22763", "Hamburg"),
)

BERLIN_BASE = "+49301234"
HAMBURG_BASE = "+49405678"

WEEKDAYS_8_TO_17 = tuple(ScheduleEntry(day, time(8, 0), time(17, 0)) for day in range(5))


def snapshot() -> RoutingSnapshot:
    """Berlin (main site) and Hamburg; an operator user, a sales hunt group, a menu."""
    users = (
        User("u200", "Olga Operator", "200", "ber", Package.KLARE),
        User("u201", "Anna Albrecht", "201", "ber", Package.KLINGENDE, voicemail_enabled=True),
        User(
            "u202",
            "Ben Becker",
            "202",
            "ber",
            Package.VOLLE,
            voicemail_enabled=True,
            mobility_number="+491701234567",
        ),
        User("u203", "Clara Czerny", "203", "ber", Package.KLARE, voicemail_enabled=True),
        User("u301", "Hanno Hansen", "301", "ham", Package.KLINGENDE, voicemail_enabled=True),
    )
    devices = (
        Device("d200", "ber", "reception"),
        Device("d201", "ber"),
        Device("d202", "ber"),
        Device("d203", "ber"),
        Device("d301", "ham"),
        Device("d-ham-desk", "ham", "Hamburg hot desk"),
    )
    sales = HuntGroup(
        id="g-sales",
        name="Vertrieb",
        site_id="ber",
        strategy=HuntStrategy.PARALLEL,
        member_ids=("u201", "u202", "u203"),
        extension="600",
        ring_seconds=30,
        member_ring_seconds=10,
        overflow=Target.voicemail("u201"),
    )
    main_menu = IvrMenu(
        id="m-main",
        name="Hauptmenü",
        announcement="welcome-main",
        options=(
            IvrOption("1", Target.hunt_group("g-sales")),
            IvrOption("2", Target.extension("203")),
            IvrOption("0", Target.operator()),
        ),
        extension="700",
        on_timeout=Target.operator(),
        on_invalid=Target.operator(),
    )
    return RoutingSnapshot(
        customer=Customer(
            id="c1",
            name="Beispiel GmbH",
            sites=(BERLIN_SITE, HAMBURG_SITE),
            number_blocks=(
                NumberBlock(BERLIN_BASE, 0, 999, "ber"),
                NumberBlock(HAMBURG_BASE, 0, 999, "ham"),
            ),
        ),
        users=users,
        devices=devices,
        hunt_groups=(sales,),
        ivr_menus=(main_menu,),
        pickup_groups=(PickupGroup("p1", "Empfang", ("u200", "u201")),),
        operator=OperatorConfig(
            day_target=Target.user("u200"),
            night_target=Target.voicemail("u201"),
            schedule=WEEKDAYS_8_TO_17,
        ),
    )


def state(**overrides: Any) -> LiveState:
    """Everybody logged in on their own desk phone and in the sales group."""
    base = LiveState(
        hotdesk_logins=frozenset(
            {
                ("u200", "d200"),
                ("u201", "d201"),
                ("u202", "d202"),
                ("u203", "d203"),
                ("u301", "d301"),
            }
        ),
        group_logins=frozenset({("g-sales", "u201"), ("g-sales", "u202"), ("g-sales", "u203")}),
    )
    return replace(base, **overrides)


def logged_out(live: LiveState, user_id: str) -> LiveState:
    return replace(
        live, hotdesk_logins=frozenset(p for p in live.hotdesk_logins if p[0] != user_id)
    )


def with_user(snap: RoutingSnapshot, user_id: str, **changes: Any) -> RoutingSnapshot:
    users = tuple(replace(u, **changes) if u.id == user_id else u for u in snap.users)
    return replace(snap, users=users)


def with_forwarding(snap: RoutingSnapshot, user_id: str, **changes: Any) -> RoutingSnapshot:
    user = next(u for u in snap.users if u.id == user_id)
    return with_user(snap, user_id, forwarding=replace(user.forwarding, **changes))


def with_group(snap: RoutingSnapshot, group_id: str, **changes: Any) -> RoutingSnapshot:
    groups = tuple(replace(g, **changes) if g.id == group_id else g for g in snap.hunt_groups)
    return replace(snap, hunt_groups=groups)


def with_operator(snap: RoutingSnapshot, **changes: Any) -> RoutingSnapshot:
    return replace(snap, operator=replace(snap.operator, **changes))


def no_forwarding() -> Forwarding:
    return Forwarding()


def plan(
    snap: RoutingSnapshot,
    dialled: str,
    *,
    live: LiveState | None = None,
    caller_user_id: str | None = None,
    caller_number: str | None = "+4989555000",
    presented_number: str | None = None,
    now: datetime = MONDAY_10,
    seed: int = 0,
) -> RoutingPlan:
    import random

    call = Call(
        dialled=dialled,
        caller_user_id=caller_user_id,
        caller_number=None if caller_user_id else caller_number,
        presented_number=presented_number,
    )
    return names_everything(build_plan(snap, live or state(), call, now, random.Random(seed)))


def names_everything(result: RoutingPlan) -> RoutingPlan:
    """Every plan the routing tests build is checked: the call trace names every user, site,
    group, menu, number and time it speaks of (no "None" where a name belongs)."""
    for step in result.walk():
        for text in (step.reason, describe_step(step)):
            assert "None" not in text, f"{step.step_type}: {text}"
    return result


def kinds(steps: tuple[Step, ...] | RoutingPlan) -> list[str]:
    """Step types of a flat step list (IVR branches not included)."""
    items = steps.steps if isinstance(steps, RoutingPlan) else steps
    return [s.step_type for s in items]


def last(plan_or_steps: tuple[Step, ...] | RoutingPlan) -> Step:
    items = plan_or_steps.steps if isinstance(plan_or_steps, RoutingPlan) else plan_or_steps
    return items[-1]


def rejection(plan_or_steps: tuple[Step, ...] | RoutingPlan) -> Reject:
    step = last(plan_or_steps)
    assert isinstance(step, Reject), f"expected a rejection, got {step}"
    return step
