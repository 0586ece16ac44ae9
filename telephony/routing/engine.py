"""The call-routing engine: snapshot + live state + call + time -> ring plan.

The engine is pure: it reads the snapshot and returns a plan, nothing else. It is
loop-safe for any input, validated or not:

* every node (user, hunt group, menu, operator) entered along a path without caller
  input in between is remembered; entering it again ends the call with a ``loop``
  rejection naming the cycle;
* a menu that is already expanded (on this path after a key press, or elsewhere in
  the plan) is referenced with ``GoToMenu`` instead of being expanded again;
* the nesting depth and the number of node entries per plan are bounded.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime

from .model import (
    Call,
    ClientKind,
    Feature,
    HuntGroup,
    HuntStrategy,
    IvrMenu,
    LiveState,
    RoutingSnapshot,
    Site,
    Target,
    TargetKind,
    User,
    is_entitled,
    minimum_package,
)
from .numbers import Dialled, DialledKind, Directory, normalize_public_number
from .plan import (
    BranchKind,
    Endpoint,
    EndpointKind,
    ForwardExternal,
    GoToMenu,
    IvrBranch,
    Note,
    PlayAnnouncement,
    Reject,
    RejectCause,
    RingOne,
    RingParallel,
    RoutingPlan,
    RunIvr,
    SendViaTrunk,
    Step,
    Voicemail,
)
from .schedule import ServiceDecision, service_at

__all__ = ["MAX_DEPTH", "MAX_NODE_VISITS", "build_plan", "plan_transfer"]

MAX_DEPTH = 40
"""Maximum number of nodes on one path through the configuration."""

MAX_NODE_VISITS = 400
"""Maximum number of node entries while building one plan."""

NodeKey = tuple[str, str, bool]


@dataclass(frozen=True)
class _Path:
    """Where we are in the configuration while building a plan."""

    auto_keys: tuple[NodeKey, ...] = ()  # nodes since the last key press
    auto_labels: tuple[str, ...] = ()
    menus: frozenset[tuple[str, bool]] = frozenset()  # menus on the whole path
    depth: int = 0
    operator: bool = False  # the operator entry is on this path
    transfer: bool = False  # an unanswered call returns to the operator

    def enter(self, key: NodeKey, label: str) -> _Path:
        return replace(
            self,
            auto_keys=(*self.auto_keys, key),
            auto_labels=(*self.auto_labels, label),
            depth=self.depth + 1,
        )

    def cycle(self, key: NodeKey, label: str) -> str:
        start = self.auto_keys.index(key)
        return " → ".join((*self.auto_labels[start:], label))


@dataclass
class _Builder:
    snapshot: RoutingSnapshot
    state: LiveState
    now: datetime
    rng: random.Random
    directory: Directory = field(init=False)
    expanded_menus: set[tuple[str, bool]] = field(default_factory=set)
    visits: int = 0
    _service: ServiceDecision | None = None

    def __post_init__(self) -> None:
        self.directory = Directory(self.snapshot)

    # ------------------------------------------------------------------ helpers

    @property
    def service(self) -> ServiceDecision:
        if self._service is None:
            self._service = service_at(self.snapshot.operator, self.now)
        return self._service

    def _guard(self, path: _Path, key: NodeKey, label: str) -> Reject | None:
        """Loop and size checks before entering a node."""
        if key in path.auto_keys:
            return Reject(RejectCause.LOOP, f"routing loop: {path.cycle(key, label)}: call ends")
        self.visits += 1
        if path.depth >= MAX_DEPTH or self.visits > MAX_NODE_VISITS:
            return Reject(
                RejectCause.TOO_COMPLEX,
                f"routing too deep or too large at {label}: call ends",
            )
        return None

    def _site_for_trunk(self, site_id: str | None) -> Site | None:
        if site_id is not None and site_id in self.directory.sites:
            return self.directory.sites[site_id]
        return self.snapshot.customer.main_site

    def _devices_of(self, user: User) -> list[Endpoint]:
        device_ids = sorted(
            device_id
            for user_id, device_id in self.state.hotdesk_logins
            if user_id == user.id and device_id in self.directory.devices
        )
        return [Endpoint(EndpointKind.DEVICE, d, user.id) for d in device_ids]

    def _clients_of(self, user: User) -> tuple[list[Endpoint], list[str]]:
        endpoints: list[Endpoint] = []
        skipped: list[str] = []
        for kind in ClientKind:
            if (user.id, kind) not in self.state.online_clients:
                continue
            if is_entitled(user.package, kind.feature):
                endpoints.append(Endpoint(EndpointKind.CLIENT, kind.value, user.id))
            else:
                skipped.append(
                    f"{kind.value.replace('_', ' ')} of {user.label()} skipped: "
                    f"{user.package.label} does not include it "
                    f"(needs {minimum_package(kind.feature).label})"
                )
        return endpoints, skipped

    def _pickup_hint(self, user: User) -> str:
        names = [f"'{g.name}'" for g in self.snapshot.pickup_groups if user.id in g.member_ids]
        return f" (pickup group {', '.join(names)} can pick up)" if names else ""

    def _voicemail_check(self, user: User) -> tuple[bool, Note | None]:
        if not user.voicemail_enabled:
            return False, None
        if not is_entitled(user.package, Feature.VOICEMAIL):
            return False, Note(
                f"voicemail of {user.label()} skipped: {user.package.label} does not include "
                f"voicemail (needs {minimum_package(Feature.VOICEMAIL).label})"
            )
        return True, None

    @staticmethod
    def _ring(endpoints: list[Endpoint], seconds: int, reason: str) -> Step:
        if len(endpoints) == 1:
            return RingOne(endpoints[0], seconds, reason)
        return RingParallel(tuple(endpoints), seconds, reason)

    @staticmethod
    def _why(steps: list[Step], why: str) -> list[Step]:
        """Prefix the reason of the first step with the decision that led to it."""
        if not why or not steps:
            return steps
        first = steps[0]
        reason = why if first.reason in why else f"{why}; {first.reason}"
        return [replace(first, reason=reason), *steps[1:]]

    # ------------------------------------------------------------------ dispatch

    def route(
        self,
        target: Target,
        path: _Path,
        why: str = "",
        *,
        site_id: str | None = None,
        operator_station: bool = False,
    ) -> list[Step]:
        """Steps for sending the call to ``target``.

        ``site_id`` is the site whose trunk carries an external forward.
        ``operator_station`` is set when the target is the operator's day or night
        target: a user is then rung without applying their forwarding.
        """
        resolved = self.directory.resolve(target)
        kind = resolved.kind
        if kind is TargetKind.EXTENSION:
            steps: list[Step] = [
                Reject(RejectCause.UNKNOWN_NUMBER, f"extension {resolved.ref} is not assigned")
            ]
        elif kind is TargetKind.USER and operator_station:
            steps = self._operator_user(resolved.ref, path)
        elif kind is TargetKind.USER:
            steps = self._user(resolved.ref, path)
        elif kind is TargetKind.HUNT_GROUP:
            steps = self._group(resolved.ref, path)
        elif kind is TargetKind.IVR:
            steps = self._menu(resolved.ref, path)
        elif kind is TargetKind.VOICEMAIL:
            steps = self._voicemail_target(resolved.ref)
        elif kind is TargetKind.OPERATOR:
            steps = self._desk(path) if path.operator else self._operator(path)
        elif kind is TargetKind.EXTERNAL:
            steps = self._external(resolved.ref, path, site_id)
        else:
            steps = [Reject(RejectCause.UNAVAILABLE, "configured to disconnect")]
        return self._why(steps, why)

    # ------------------------------------------------------------------ users

    def _user(self, user_id: str, path: _Path) -> list[Step]:
        user = self.directory.users.get(user_id)
        if user is None:
            return [Reject(RejectCause.UNKNOWN_NUMBER, f"user {user_id} does not exist")]
        label = user.label()
        rejected = self._guard(path, ("user", user.id, path.operator), label)
        if rejected:
            return [rejected]
        path = path.enter(("user", user.id, path.operator), label)
        fw = user.forwarding

        if fw.always is not None:
            return self.route(
                fw.always,
                path,
                f"{label} forwards all calls to {self.directory.target_label(fw.always)}",
                site_id=user.site_id,
            )

        devices = self._devices_of(user)
        clients, skipped = self._clients_of(user)
        notes: list[Step] = [Note(text) for text in skipped]
        if not devices and not clients:
            if path.transfer:
                return notes + self._recall(path, f"{label} is logged out")
            fallback = fw.on_no_answer or fw.on_busy
            if fallback is not None:
                return notes + self.route(
                    fallback,
                    path,
                    f"{label} is logged out: forwarding to {self.directory.target_label(fallback)}",
                    site_id=user.site_id,
                )
            return notes + self.route(
                Target.operator(), path, f"{label} is logged out and has no forwarding: to operator"
            )

        if user.id in self.state.busy_users:
            if path.transfer:
                return notes + self._recall(path, f"{label} is busy")
            if fw.on_busy is not None:
                return notes + self.route(
                    fw.on_busy,
                    path,
                    f"{label} is busy: forwarding to {self.directory.target_label(fw.on_busy)}",
                    site_id=user.site_id,
                )
            return notes + self._voicemail_or_end(user, f"{label} is busy", RejectCause.BUSY)

        endpoints = devices + clients
        if user.mobility_number:
            if is_entitled(user.package, Feature.MOBILITY):
                number = normalize_public_number(user.mobility_number)
                endpoints.append(Endpoint(EndpointKind.MOBILITY, number, user.id))
            else:
                notes.append(
                    Note(
                        f"mobility of {label} skipped: {user.package.label} does not include "
                        f"mobility (needs {minimum_package(Feature.MOBILITY).label})"
                    )
                )
        seconds = (
            self.snapshot.operator.transfer_recall_seconds
            if path.transfer
            else fw.no_answer_seconds
        )
        ring = self._ring(
            endpoints, seconds, f"ring {label} ({user.name}){self._pickup_hint(user)}"
        )
        steps: list[Step] = [*notes, ring]
        not_answered = f"no answer from {label} after {seconds} s"
        if path.transfer:
            return steps + self._recall(
                path, f"transfer to {label} not answered within {seconds} s"
            )
        if fw.on_no_answer is not None:
            return steps + self.route(
                fw.on_no_answer,
                path,
                f"{not_answered}: forwarding to {self.directory.target_label(fw.on_no_answer)}",
                site_id=user.site_id,
            )
        return steps + self._voicemail_or_end(user, not_answered, RejectCause.NOT_ANSWERED)

    def _voicemail_or_end(self, user: User, situation: str, cause: RejectCause) -> list[Step]:
        allowed, note = self._voicemail_check(user)
        if allowed:
            return [Voicemail(user.id, f"{situation}: voicemail of {user.label()}")]
        steps: list[Step] = [note] if note else []
        return [*steps, Reject(cause, f"{situation} and no voicemail: call ends")]

    def _voicemail_target(self, user_id: str) -> list[Step]:
        user = self.directory.users.get(user_id)
        if user is None:
            return [Reject(RejectCause.UNKNOWN_NUMBER, f"voicemail owner {user_id} does not exist")]
        allowed, note = self._voicemail_check(user)
        if allowed:
            return [Voicemail(user.id, f"voicemail of {user.label()}")]
        if note is not None:
            return [note, Reject(RejectCause.NOT_ENTITLED, "voicemail not available: call ends")]
        return [
            Reject(
                RejectCause.UNAVAILABLE,
                f"voicemail of {user.label()} is not enabled: call ends",
            )
        ]

    def _operator_user(self, user_id: str, path: _Path) -> list[Step]:
        """The operator station is a user: ring their endpoints, ignore their forwarding."""
        user = self.directory.users.get(user_id)
        if user is None:
            return [Reject(RejectCause.UNKNOWN_NUMBER, f"operator user {user_id} does not exist")]
        label = user.label()
        rejected = self._guard(path, ("operator-user", user.id, True), label)
        if rejected:
            return [rejected]
        ignored = (
            " (calls to the operator ignore the individual forwarding)"
            if user.forwarding.is_set
            else ""
        )
        clients, skipped = self._clients_of(user)
        endpoints = self._devices_of(user) + clients
        notes: list[Step] = [Note(text) for text in skipped]
        if not endpoints:
            return [
                *notes,
                Reject(
                    RejectCause.UNAVAILABLE,
                    f"operator {label} has no device logged in{ignored}: call ends",
                ),
            ]
        if user.id in self.state.busy_users:
            return [*notes, Reject(RejectCause.BUSY, f"operator {label} is busy{ignored}")]
        seconds = self.snapshot.operator.ring_seconds
        return [
            *notes,
            self._ring(endpoints, seconds, f"ring operator {label} ({user.name}){ignored}"),
            Reject(
                RejectCause.NOT_ANSWERED,
                f"operator {label} did not answer within {seconds} s: call ends",
            ),
        ]

    # ------------------------------------------------------------------ hunt groups

    def _group(self, group_id: str, path: _Path) -> list[Step]:
        group = self.directory.groups.get(group_id)
        if group is None:
            return [Reject(RejectCause.UNKNOWN_NUMBER, f"hunt group {group_id} does not exist")]
        label = group.label()
        rejected = self._guard(path, ("group", group.id, path.operator), label)
        if rejected:
            return [rejected]
        path = path.enter(("group", group.id, path.operator), label)

        available, skipped = self._available_members(group)
        steps: list[Step] = []
        if skipped:
            steps.append(Note(f"{label}: skipped {'; '.join(skipped)}"))
        if not available:
            return steps + self._after_group(group, path, f"no member of {label} is available")

        seconds = group.ring_seconds
        if group.strategy is HuntStrategy.PARALLEL:
            all_endpoints = [e for _, endpoints in available for e in endpoints]
            steps.append(
                self._ring(
                    all_endpoints,
                    seconds,
                    f"{label} (parallel): all {len(available)} available members ring",
                )
            )
        elif group.strategy is HuntStrategy.LONGEST_IDLE:
            steps += self._longest_idle(group, available)
        else:
            steps += self._round_robin(group, available)
        return steps + self._after_group(group, path, f"{label} not answered within {seconds} s")

    def _available_members(
        self, group: HuntGroup
    ) -> tuple[list[tuple[User, list[Endpoint]]], list[str]]:
        available: list[tuple[User, list[Endpoint]]] = []
        skipped: list[str] = []
        seen: set[str] = set()
        for user_id in group.member_ids:
            if user_id in seen:
                continue
            seen.add(user_id)
            user = self.directory.users.get(user_id)
            if user is None:
                skipped.append(f"unknown user {user_id}")
                continue
            label = user.label()
            if user.site_id != group.site_id:
                skipped.append(f"{label} (belongs to another site)")
            elif (group.id, user.id) not in self.state.group_logins:
                skipped.append(f"{label} (logged out of the group)")
            elif user.id in self.state.busy_users:
                skipped.append(f"{label} (busy)")
            else:
                clients, _ = self._clients_of(user)
                endpoints = self._devices_of(user) + clients
                if endpoints:
                    available.append((user, endpoints))
                else:
                    skipped.append(f"{label} (no device logged in)")
        return available, skipped

    def _longest_idle(
        self, group: HuntGroup, available: list[tuple[User, list[Endpoint]]]
    ) -> list[Step]:
        order = {user_id: index for index, user_id in enumerate(group.member_ids)}

        def idle_key(item: tuple[User, list[Endpoint]]) -> tuple[int, float, int, str]:
            user = item[0]
            ended = self.state.last_call_end.get(user.id)
            if ended is None:
                return (0, 0.0, order.get(user.id, 0), user.id)
            return (1, ended.timestamp(), order.get(user.id, 0), user.id)

        ranked = sorted(available, key=idle_key)
        steps: list[Step] = []
        remaining = group.ring_seconds
        for position, (user, endpoints) in enumerate(ranked):
            seconds = min(group.member_ring_seconds, remaining)
            if seconds <= 0:
                break
            ended = self.state.last_call_end.get(user.id)
            since = f"last call ended {ended:%Y-%m-%d %H:%M}" if ended else "no call yet"
            who = "is idle longest" if position == 0 else "is next longest idle"
            steps.append(
                self._ring(
                    endpoints,
                    seconds,
                    f"{group.label()} (longest idle): {user.label()} {who} ({since})",
                )
            )
            remaining -= seconds
        return steps

    def _round_robin(
        self, group: HuntGroup, available: list[tuple[User, list[Endpoint]]]
    ) -> list[Step]:
        label = f"{group.label()} (round robin)"
        if len(available) == 1:
            user, endpoints = available[0]
            return [
                self._ring(
                    endpoints, group.ring_seconds, f"{label}: {user.label()} is the only member"
                )
            ]
        first_user, first_endpoints = self.rng.choice(available)
        first_seconds = min(group.member_ring_seconds, group.ring_seconds)
        steps: list[Step] = [
            self._ring(
                first_endpoints,
                first_seconds,
                f"{label}: {first_user.label()} was drawn at random and rings first",
            )
        ]
        rest = group.ring_seconds - first_seconds
        others = [e for user, endpoints in available if user.id != first_user.id for e in endpoints]
        if rest > 0:
            steps.append(
                self._ring(
                    others,
                    rest,
                    f"{label}: not answered by {first_user.label()}, "
                    f"all {len(available) - 1} other members ring",
                )
            )
        else:
            steps.append(
                Note(f"{label}: group timeout used up by the first member; others do not ring")
            )
        return steps

    def _after_group(self, group: HuntGroup, path: _Path, situation: str) -> list[Step]:
        if path.transfer:
            return self._recall(path, situation)
        if group.overflow is not None:
            return self.route(
                group.overflow,
                path,
                f"{situation}: overflow to {self.directory.target_label(group.overflow)}",
                site_id=group.site_id,
            )
        return [Reject(RejectCause.NOT_ANSWERED, f"{situation} and has no overflow: call ends")]

    # ------------------------------------------------------------------ menus

    def _menu(self, menu_id: str, path: _Path) -> list[Step]:
        menu = self.directory.menus.get(menu_id)
        if menu is None:
            return [Reject(RejectCause.UNKNOWN_NUMBER, f"menu {menu_id} does not exist")]
        label = menu.label()
        key: NodeKey = ("menu", menu.id, path.operator)
        if key in path.auto_keys:
            return [
                Reject(
                    RejectCause.LOOP,
                    f"menu loop without caller input: {path.cycle(key, label)}: call ends",
                )
            ]
        if (menu.id, path.operator) in path.menus:
            return [GoToMenu(menu.id, menu.name, f"back to {label}")]
        if (menu.id, path.operator) in self.expanded_menus:
            return [GoToMenu(menu.id, menu.name, f"continue in {label} (expanded above)")]
        rejected = self._guard(path, key, label)
        if rejected:
            return [rejected]
        self.expanded_menus.add((menu.id, path.operator))
        inner = replace(
            path.enter(key, label), menus=path.menus | {(menu.id, path.operator)}, transfer=False
        )
        return [self._run_menu(menu, inner)]

    def _run_menu(self, menu: IvrMenu, path: _Path) -> RunIvr:
        # A key press is caller input: loops through it are not automatic loops.
        after_key = replace(path, auto_keys=(), auto_labels=())
        branches: list[IvrBranch] = []
        seen: set[str] = set()
        for option in menu.options:
            if option.digit in seen:
                continue
            seen.add(option.digit)
            steps = self.route(option.target, after_key, f"caller pressed {option.digit}")
            branches.append(IvrBranch(BranchKind.DIGIT, tuple(steps), option.digit))
        plays = menu.repeat_count + 1
        for kind, fallback, what in (
            (BranchKind.TIMEOUT, menu.on_timeout, "no input"),
            (BranchKind.INVALID, menu.on_invalid, "invalid input"),
        ):
            situation = f"{what} after {plays} plays"
            if fallback is None:
                steps = [
                    Reject(RejectCause.UNAVAILABLE, f"{situation} and no target set: call ends")
                ]
            else:
                steps = self.route(
                    fallback,
                    path,
                    f"{situation}: to {self.directory.target_label(fallback)}",
                )
            branches.append(IvrBranch(kind, tuple(steps)))
        return RunIvr(
            menu.id,
            menu.name,
            menu.announcement,
            menu.timeout_seconds,
            menu.repeat_count,
            tuple(branches),
            f"run {menu.label()}",
        )

    # ------------------------------------------------------------------ operator

    def _operator(self, path: _Path) -> list[Step]:
        """Extension 0 / main number: announcement, IVR (day), day or night target."""
        operator = self.snapshot.operator
        rejected = self._guard(path, ("operator", "", False), "operator")
        if rejected:
            return [rejected]
        path = replace(
            path.enter(("operator", "", False), "operator"), operator=True, transfer=False
        )
        service = self.service
        steps: list[Step] = []
        announcement = operator.announcement
        if not service.day and operator.night_announcement:
            announcement = operator.night_announcement
        if announcement:
            steps.append(PlayAnnouncement(announcement, "operator announcement before answering"))
        if service.day and operator.ivr_menu_id:
            steps += self.route(Target.ivr(operator.ivr_menu_id), path, "the operator menu answers")
        else:
            steps += self._station(path)
        return self._why(steps, service.reason)

    def _desk(self, path: _Path) -> list[Step]:
        """The operator's current day or night target, without announcement or menu."""
        rejected = self._guard(path, ("desk", "", True), "operator")
        if rejected:
            return [rejected]
        return self._station(path.enter(("desk", "", True), "operator"))

    def _station(self, path: _Path) -> list[Step]:
        operator = self.snapshot.operator
        service = self.service
        target = operator.day_target if service.day else operator.night_target
        if target is None:
            return [
                Reject(RejectCause.UNAVAILABLE, f"{service.label} has no target set: call ends")
            ]
        return self.route(
            target,
            path,
            f"{service.label} target {self.directory.target_label(target)}",
            operator_station=True,
        )

    def _recall(self, path: _Path, situation: str) -> list[Step]:
        """A transferred call that is not answered comes back to the operator."""
        back = replace(path, operator=True, transfer=False)
        return self._why(self._desk(back), f"{situation}: back to the operator")

    # ------------------------------------------------------------------ external

    def _external(self, number: str, path: _Path, site_id: str | None) -> list[Step]:
        site = self._site_for_trunk(site_id)
        e164 = normalize_public_number(number)
        if site is None:
            return [Reject(RejectCause.UNAVAILABLE, f"no trunk to forward to {e164}")]
        reason = f"forward to {e164} via trunk {site.trunk_id} of site '{site.name}'"
        if path.transfer:
            seconds = self.snapshot.operator.transfer_recall_seconds
            return [
                ForwardExternal(e164, site.trunk_id, reason, seconds),
                *self._recall(path, f"transfer to {e164} not answered within {seconds} s"),
            ]
        return [ForwardExternal(e164, site.trunk_id, reason)]

    # ------------------------------------------------------------------ entry points

    def inbound(self, call: Call, dialled: Dialled, caller: User | None, path: _Path) -> list[Step]:
        if dialled.kind is DialledKind.OPERATOR:
            what = f"main number {dialled.via_public_number}" if dialled.via_public_number else "0"
            return self.route(Target.operator(), path, f"call to the operator ({what})")
        if dialled.kind is DialledKind.EXTENSION:
            target = self.directory.extensions.get(dialled.value)
            if target is not None:
                return self.route(target, path, f"call to extension {dialled.value}")
            if caller is None and dialled.via_public_number:
                return self.route(
                    Target.operator(),
                    path,
                    f"extension {dialled.value} is not assigned: to operator",
                )
            return [
                Reject(RejectCause.UNKNOWN_NUMBER, f"extension {dialled.value} is not assigned")
            ]
        return [Reject(RejectCause.UNKNOWN_NUMBER, f"cannot route '{call.dialled}'")]

    def emergency(self, call: Call, number: str, caller: User) -> list[Step]:
        site = self.directory.sites.get(caller.site_id)
        notes: list[str] = []
        if site is None:
            site = self.snapshot.customer.main_site
            notes.append(f"assigned site {caller.site_id} is unknown, using the main site")
        if site is None:
            return [Reject(RejectCause.UNAVAILABLE, "no site with a trunk: emergency call fails")]
        device_sites = {
            self.directory.devices[d].site_id
            for u, d in self.state.hotdesk_logins
            if u == caller.id and d in self.directory.devices
        }
        if device_sites - {caller.site_id}:
            notes.append("hot-desk location does not change the trunk")
        if call.presented_number:
            notes.append("presented number does not change the trunk")
        extra = f" ({'; '.join(notes)})" if notes else ""
        return [
            SendViaTrunk(
                number,
                site.trunk_id,
                site.id,
                f"emergency call {number} from {caller.label()} leaves through trunk "
                f"{site.trunk_id} of the assigned site '{site.name}' with its emergency "
                f"address{extra}",
                emergency=True,
                emergency_address=site.emergency_address,
                presented_number=call.presented_number or self.directory.public_number(caller),
            )
        ]

    def outbound(self, call: Call, number: str, caller: User) -> list[Step]:
        site = self.directory.sites.get(caller.site_id)
        if site is None:
            return [
                Reject(
                    RejectCause.UNAVAILABLE,
                    f"assigned site {caller.site_id} of {caller.label()} is unknown",
                )
            ]
        presented = call.presented_number or self.directory.public_number(caller)
        return [
            SendViaTrunk(
                number,
                site.trunk_id,
                site.id,
                f"public call from {caller.label()} leaves through trunk {site.trunk_id} "
                f"of the assigned site '{site.name}'",
                presented_number=presented,
            )
        ]

    def plan(self, call: Call) -> list[Step]:
        caller: User | None = None
        if call.caller_user_id is not None:
            caller = self.directory.users.get(call.caller_user_id)
            if caller is None:
                return [
                    Reject(
                        RejectCause.UNKNOWN_NUMBER,
                        f"caller {call.caller_user_id} is not a user of this customer",
                    )
                ]
        dialled = self.directory.classify(call.dialled)
        if dialled.kind is DialledKind.EMERGENCY:
            if caller is None:
                return [
                    Reject(
                        RejectCause.UNKNOWN_NUMBER,
                        "emergency numbers can only be dialled by users of this customer",
                    )
                ]
            return self.emergency(call, dialled.value, caller)
        if dialled.kind is DialledKind.EXTERNAL:
            if caller is None:
                return [
                    Reject(
                        RejectCause.UNKNOWN_NUMBER,
                        f"{dialled.value} does not belong to this customer",
                    )
                ]
            return self.outbound(call, dialled.value, caller)
        return self.inbound(call, dialled, caller, _Path())


def build_plan(
    snapshot: RoutingSnapshot,
    state: LiveState,
    call: Call,
    now: datetime,
    rng: random.Random | None = None,
) -> RoutingPlan:
    """Build the ring plan for ``call`` at ``now`` (timezone-aware).

    ``rng`` decides the first member of round-robin hunt groups; pass a seeded
    ``random.Random`` for reproducible plans.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("routing needs a timezone-aware datetime")
    builder = _Builder(snapshot, state, now, rng or random.Random())
    return RoutingPlan(call, tuple(builder.plan(call)))


def plan_transfer(
    snapshot: RoutingSnapshot,
    state: LiveState,
    dialled: str,
    now: datetime,
    *,
    transferred_by: str | None = None,
    rng: random.Random | None = None,
) -> RoutingPlan:
    """Plan for a call transferred to ``dialled`` (extension, public or external number).

    Ringing follows the target's "always" forwarding, but no-answer and busy
    forwarding, voicemail and hunt-group overflow are replaced by a recall: if the
    transfer is not answered, the call comes back to the operator.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("routing needs a timezone-aware datetime")
    builder = _Builder(snapshot, state, now, rng or random.Random())
    call = Call(dialled=dialled, caller_user_id=transferred_by)
    target = builder.directory.classify(dialled)
    path = _Path(transfer=True)
    steps: list[Step]
    if target.kind is DialledKind.EMERGENCY:
        steps = [Reject(RejectCause.UNKNOWN_NUMBER, "emergency numbers cannot be transfer targets")]
    elif target.kind is DialledKind.EXTERNAL:
        operator_site = snapshot.customer.main_site
        steps = builder.route(
            Target.external(target.value),
            path,
            f"transfer to {target.value}",
            site_id=operator_site.id if operator_site else None,
        )
    elif target.kind is DialledKind.OPERATOR:
        steps = builder.route(Target.operator(), _Path(), "transfer to the operator")
    elif target.kind is DialledKind.EXTENSION and target.value in builder.directory.extensions:
        steps = builder.route(
            builder.directory.extensions[target.value],
            path,
            f"transfer to extension {target.value}",
        )
    else:
        steps = builder._recall(path, f"transfer target '{dialled}' is not assigned")
    return RoutingPlan(call, tuple(steps))
