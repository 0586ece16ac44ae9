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

from telephony.text import Text, join

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
from .texts import t

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
    auto_labels: tuple[Text, ...] = ()
    menus: frozenset[tuple[str, bool]] = frozenset()  # menus on the whole path
    depth: int = 0
    operator: bool = False  # the operator entry is on this path
    transfer: bool = False  # an unanswered call returns to the operator

    def enter(self, key: NodeKey, label: Text) -> _Path:
        return replace(
            self,
            auto_keys=(*self.auto_keys, key),
            auto_labels=(*self.auto_labels, label),
            depth=self.depth + 1,
        )

    def cycle(self, key: NodeKey, label: Text) -> Text:
        start = self.auto_keys.index(key)
        return join((*self.auto_labels[start:], label), " → ")


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

    def _guard(self, path: _Path, key: NodeKey, label: Text) -> Reject | None:
        """Loop and size checks before entering a node."""
        if key in path.auto_keys:
            return Reject(RejectCause.LOOP, t("routing_loop", cycle=path.cycle(key, label)))
        self.visits += 1
        if path.depth >= MAX_DEPTH or self.visits > MAX_NODE_VISITS:
            return Reject(RejectCause.TOO_COMPLEX, t("too_complex", node=label))
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

    def _clients_of(self, user: User) -> tuple[list[Endpoint], list[Text]]:
        endpoints: list[Endpoint] = []
        skipped: list[Text] = []
        for kind in ClientKind:
            if (user.id, kind) not in self.state.online_clients:
                continue
            if is_entitled(user.package, kind.feature):
                endpoints.append(Endpoint(EndpointKind.CLIENT, kind.value, user.id))
            else:
                skipped.append(
                    t(
                        "client_skipped",
                        client=t(f"client_{kind.value}"),
                        user=user.label(),
                        package=user.package.label,
                        minimum=minimum_package(kind.feature).label,
                    )
                )
        return endpoints, skipped

    def _pickup_hint(self, user: User) -> str:
        names = [f"'{g.name}'" for g in self.snapshot.pickup_groups if user.id in g.member_ids]
        return t("pickup_hint", groups=", ".join(names)) if names else ""

    def _voicemail_check(self, user: User) -> tuple[bool, Note | None]:
        if not user.voicemail_enabled:
            return False, None
        if not is_entitled(user.package, Feature.VOICEMAIL):
            return False, Note(
                t(
                    "voicemail_skipped",
                    user=user.label(),
                    package=user.package.label,
                    minimum=minimum_package(Feature.VOICEMAIL).label,
                )
            )
        return True, None

    @staticmethod
    def _ring(endpoints: list[Endpoint], seconds: int, reason: Text) -> Step:
        if len(endpoints) == 1:
            return RingOne(endpoints[0], seconds, reason)
        return RingParallel(tuple(endpoints), seconds, reason)

    @staticmethod
    def _why(steps: list[Step], why: str) -> list[Step]:
        """Prefix the reason of the first step with the decision that led to it."""
        if not why or not steps:
            return steps
        first = steps[0]
        reason = why if first.reason in why else join((why, first.reason), "; ")
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
                Reject(
                    RejectCause.UNKNOWN_NUMBER, t("extension_unassigned", extension=resolved.ref)
                )
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
            steps = [Reject(RejectCause.UNAVAILABLE, t("disconnect"))]
        return self._why(steps, why)

    # ------------------------------------------------------------------ users

    def _user(self, user_id: str, path: _Path) -> list[Step]:
        user = self.directory.users.get(user_id)
        if user is None:
            return [Reject(RejectCause.UNKNOWN_NUMBER, t("user_missing", user=user_id))]
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
                t("forwards_always", user=label, target=self.directory.target_label(fw.always)),
                site_id=user.site_id,
            )

        devices = self._devices_of(user)
        clients, skipped = self._clients_of(user)
        notes: list[Step] = [Note(text) for text in skipped]
        if not devices and not clients:
            if path.transfer:
                return notes + self._recall(path, t("logged_out", user=label))
            fallback = fw.on_no_answer or fw.on_busy
            if fallback is not None:
                return notes + self.route(
                    fallback,
                    path,
                    t(
                        "forwarding",
                        situation=t("logged_out", user=label),
                        target=self.directory.target_label(fallback),
                    ),
                    site_id=user.site_id,
                )
            return notes + self.route(
                Target.operator(), path, t("logged_out_to_operator", user=label)
            )

        if user.id in self.state.busy_users:
            if path.transfer:
                return notes + self._recall(path, t("busy", user=label))
            if fw.on_busy is not None:
                return notes + self.route(
                    fw.on_busy,
                    path,
                    t(
                        "forwarding",
                        situation=t("busy", user=label),
                        target=self.directory.target_label(fw.on_busy),
                    ),
                    site_id=user.site_id,
                )
            return notes + self._voicemail_or_end(user, t("busy", user=label), RejectCause.BUSY)

        endpoints = devices + clients
        if user.mobility_number:
            if is_entitled(user.package, Feature.MOBILITY):
                number = normalize_public_number(user.mobility_number)
                endpoints.append(Endpoint(EndpointKind.MOBILITY, number, user.id))
            else:
                notes.append(
                    Note(
                        t(
                            "mobility_skipped",
                            user=label,
                            package=user.package.label,
                            minimum=minimum_package(Feature.MOBILITY).label,
                        )
                    )
                )
        seconds = (
            self.snapshot.operator.transfer_recall_seconds
            if path.transfer
            else fw.no_answer_seconds
        )
        ring = self._ring(
            endpoints,
            seconds,
            t("ring_user", user=label, name=user.name, pickup=self._pickup_hint(user)),
        )
        steps: list[Step] = [*notes, ring]
        not_answered = t("no_answer", user=label, seconds=seconds)
        if path.transfer:
            return steps + self._recall(
                path, t("transfer_not_answered", target=label, seconds=seconds)
            )
        if fw.on_no_answer is not None:
            return steps + self.route(
                fw.on_no_answer,
                path,
                t(
                    "forwarding",
                    situation=not_answered,
                    target=self.directory.target_label(fw.on_no_answer),
                ),
                site_id=user.site_id,
            )
        return steps + self._voicemail_or_end(user, not_answered, RejectCause.NOT_ANSWERED)

    def _voicemail_or_end(self, user: User, situation: Text, cause: RejectCause) -> list[Step]:
        allowed, note = self._voicemail_check(user)
        if allowed:
            return [Voicemail(user.id, t("to_voicemail", situation=situation, user=user.label()))]
        steps: list[Step] = [note] if note else []
        return [*steps, Reject(cause, t("no_voicemail", situation=situation))]

    def _voicemail_target(self, user_id: str) -> list[Step]:
        user = self.directory.users.get(user_id)
        if user is None:
            return [Reject(RejectCause.UNKNOWN_NUMBER, t("voicemail_owner_missing", user=user_id))]
        allowed, note = self._voicemail_check(user)
        if allowed:
            return [Voicemail(user.id, t("voicemail_of", user=user.label()))]
        if note is not None:
            return [note, Reject(RejectCause.NOT_ENTITLED, t("voicemail_unavailable"))]
        return [Reject(RejectCause.UNAVAILABLE, t("voicemail_disabled", user=user.label()))]

    def _operator_user(self, user_id: str, path: _Path) -> list[Step]:
        """The operator station is a user: ring their endpoints, ignore their forwarding."""
        user = self.directory.users.get(user_id)
        if user is None:
            return [Reject(RejectCause.UNKNOWN_NUMBER, t("operator_user_missing", user=user_id))]
        label = user.label()
        rejected = self._guard(path, ("operator-user", user.id, True), label)
        if rejected:
            return [rejected]
        ignored = t("forwarding_ignored") if user.forwarding.is_set else ""
        clients, skipped = self._clients_of(user)
        endpoints = self._devices_of(user) + clients
        notes: list[Step] = [Note(text) for text in skipped]
        if not endpoints:
            return [
                *notes,
                Reject(
                    RejectCause.UNAVAILABLE,
                    t("operator_no_device", user=label, ignored=ignored),
                ),
            ]
        if user.id in self.state.busy_users:
            return [
                *notes,
                Reject(RejectCause.BUSY, t("operator_busy", user=label, ignored=ignored)),
            ]
        seconds = self.snapshot.operator.ring_seconds
        return [
            *notes,
            self._ring(
                endpoints,
                seconds,
                t("ring_operator", user=label, name=user.name, ignored=ignored),
            ),
            Reject(
                RejectCause.NOT_ANSWERED,
                t("operator_no_answer", user=label, seconds=seconds),
            ),
        ]

    # ------------------------------------------------------------------ hunt groups

    def _group(self, group_id: str, path: _Path) -> list[Step]:
        group = self.directory.groups.get(group_id)
        if group is None:
            return [Reject(RejectCause.UNKNOWN_NUMBER, t("group_missing", group=group_id))]
        label = group.label()
        rejected = self._guard(path, ("group", group.id, path.operator), label)
        if rejected:
            return [rejected]
        path = path.enter(("group", group.id, path.operator), label)

        available, skipped = self._available_members(group)
        steps: list[Step] = []
        if skipped:
            steps.append(Note(t("group_skipped", group=label, members=join(skipped, "; "))))
        if not available:
            return steps + self._after_group(group, path, t("group_none_available", group=label))

        seconds = group.ring_seconds
        if group.strategy is HuntStrategy.PARALLEL:
            all_endpoints = [e for _, endpoints in available for e in endpoints]
            steps.append(
                self._ring(
                    all_endpoints,
                    seconds,
                    t("group_parallel", group=label, count=len(available)),
                )
            )
        elif group.strategy is HuntStrategy.LONGEST_IDLE:
            steps += self._longest_idle(group, available)
        else:
            steps += self._round_robin(group, available)
        return steps + self._after_group(
            group, path, t("group_not_answered", group=label, seconds=seconds)
        )

    def _available_members(
        self, group: HuntGroup
    ) -> tuple[list[tuple[User, list[Endpoint]]], list[Text]]:
        available: list[tuple[User, list[Endpoint]]] = []
        skipped: list[Text] = []
        seen: set[str] = set()
        for user_id in group.member_ids:
            if user_id in seen:
                continue
            seen.add(user_id)
            user = self.directory.users.get(user_id)
            if user is None:
                skipped.append(t("member_unknown", user=user_id))
                continue
            label = user.label()
            if user.site_id != group.site_id:
                skipped.append(t("member_other_site", user=label))
            elif (group.id, user.id) not in self.state.group_logins:
                skipped.append(t("member_logged_out", user=label))
            elif user.id in self.state.busy_users:
                skipped.append(t("member_busy", user=label))
            else:
                clients, _ = self._clients_of(user)
                endpoints = self._devices_of(user) + clients
                if endpoints:
                    available.append((user, endpoints))
                else:
                    skipped.append(t("member_no_device", user=label))
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
            since = t("last_call_ended", at=ended) if ended else t("no_call_yet")
            code = "longest_idle_first" if position == 0 else "longest_idle_next"
            steps.append(
                self._ring(
                    endpoints,
                    seconds,
                    t(code, group=group.label(), user=user.label(), since=since),
                )
            )
            remaining -= seconds
        return steps

    def _round_robin(
        self, group: HuntGroup, available: list[tuple[User, list[Endpoint]]]
    ) -> list[Step]:
        label = group.label()
        if len(available) == 1:
            user, endpoints = available[0]
            return [
                self._ring(
                    endpoints,
                    group.ring_seconds,
                    t("round_robin_only", group=label, user=user.label()),
                )
            ]
        first_user, first_endpoints = self.rng.choice(available)
        first_seconds = min(group.member_ring_seconds, group.ring_seconds)
        steps: list[Step] = [
            self._ring(
                first_endpoints,
                first_seconds,
                t("round_robin_first", group=label, user=first_user.label()),
            )
        ]
        rest = group.ring_seconds - first_seconds
        others = [e for user, endpoints in available if user.id != first_user.id for e in endpoints]
        if rest > 0:
            steps.append(
                self._ring(
                    others,
                    rest,
                    t(
                        "round_robin_others",
                        group=label,
                        user=first_user.label(),
                        count=len(available) - 1,
                    ),
                )
            )
        else:
            steps.append(Note(t("round_robin_timeout", group=label)))
        return steps

    def _after_group(self, group: HuntGroup, path: _Path, situation: Text) -> list[Step]:
        if path.transfer:
            return self._recall(path, situation)
        if group.overflow is not None:
            return self.route(
                group.overflow,
                path,
                t(
                    "overflow",
                    situation=situation,
                    target=self.directory.target_label(group.overflow),
                ),
                site_id=group.site_id,
            )
        return [Reject(RejectCause.NOT_ANSWERED, t("no_overflow", situation=situation))]

    # ------------------------------------------------------------------ menus

    def _menu(self, menu_id: str, path: _Path) -> list[Step]:
        menu = self.directory.menus.get(menu_id)
        if menu is None:
            return [Reject(RejectCause.UNKNOWN_NUMBER, t("menu_missing", menu=menu_id))]
        label = menu.label()
        key: NodeKey = ("menu", menu.id, path.operator)
        if key in path.auto_keys:
            return [Reject(RejectCause.LOOP, t("menu_loop", cycle=path.cycle(key, label)))]
        if (menu.id, path.operator) in path.menus:
            return [GoToMenu(menu.id, menu.name, t("menu_back", menu=label))]
        if (menu.id, path.operator) in self.expanded_menus:
            return [GoToMenu(menu.id, menu.name, t("menu_continue", menu=label))]
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
            steps = self.route(option.target, after_key, t("pressed", digit=option.digit))
            branches.append(IvrBranch(BranchKind.DIGIT, tuple(steps), option.digit))
        plays = menu.repeat_count + 1
        for kind, fallback, what in (
            (BranchKind.TIMEOUT, menu.on_timeout, t("no_input")),
            (BranchKind.INVALID, menu.on_invalid, t("invalid_input")),
        ):
            situation = t("after_plays", what=what, plays=plays)
            if fallback is None:
                steps = [Reject(RejectCause.UNAVAILABLE, t("menu_no_target", situation=situation))]
            else:
                steps = self.route(
                    fallback,
                    path,
                    t(
                        "menu_fallback",
                        situation=situation,
                        target=self.directory.target_label(fallback),
                    ),
                )
            branches.append(IvrBranch(kind, tuple(steps)))
        return RunIvr(
            menu.id,
            menu.name,
            menu.announcement,
            menu.timeout_seconds,
            menu.repeat_count,
            tuple(branches),
            t("run_menu", menu=menu.label()),
        )

    # ------------------------------------------------------------------ operator

    def _operator(self, path: _Path) -> list[Step]:
        """Extension 0 / main number: announcement, IVR (day), day or night target."""
        operator = self.snapshot.operator
        rejected = self._guard(path, ("operator", "", False), t("operator"))
        if rejected:
            return [rejected]
        path = replace(
            path.enter(("operator", "", False), t("operator")), operator=True, transfer=False
        )
        service = self.service
        steps: list[Step] = []
        announcement = operator.announcement
        if not service.day and operator.night_announcement:
            announcement = operator.night_announcement
        if announcement:
            steps.append(PlayAnnouncement(announcement, t("operator_announcement")))
        if service.day and operator.ivr_menu_id:
            steps += self.route(Target.ivr(operator.ivr_menu_id), path, t("operator_menu"))
        else:
            steps += self._station(path)
        return self._why(steps, service.reason)

    def _desk(self, path: _Path) -> list[Step]:
        """The operator's current day or night target, without announcement or menu."""
        rejected = self._guard(path, ("desk", "", True), t("operator"))
        if rejected:
            return [rejected]
        return self._station(path.enter(("desk", "", True), t("operator")))

    def _station(self, path: _Path) -> list[Step]:
        operator = self.snapshot.operator
        service = self.service
        target = operator.day_target if service.day else operator.night_target
        if target is None:
            return [Reject(RejectCause.UNAVAILABLE, t("service_no_target", service=service.label))]
        return self.route(
            target,
            path,
            t("service_target", service=service.label, target=self.directory.target_label(target)),
            operator_station=True,
        )

    def _recall(self, path: _Path, situation: Text) -> list[Step]:
        """A transferred call that is not answered comes back to the operator."""
        back = replace(path, operator=True, transfer=False)
        return self._why(self._desk(back), t("recall", situation=situation))

    # ------------------------------------------------------------------ external

    def _external(self, number: str, path: _Path, site_id: str | None) -> list[Step]:
        site = self._site_for_trunk(site_id)
        e164 = normalize_public_number(number)
        if site is None:
            return [Reject(RejectCause.UNAVAILABLE, t("no_trunk", number=e164))]
        reason = t("forward_external", number=e164, trunk=site.trunk_id, site=site.name)
        if path.transfer:
            seconds = self.snapshot.operator.transfer_recall_seconds
            return [
                ForwardExternal(e164, site.trunk_id, reason, seconds),
                *self._recall(path, t("transfer_not_answered", target=e164, seconds=seconds)),
            ]
        return [ForwardExternal(e164, site.trunk_id, reason)]

    # ------------------------------------------------------------------ entry points

    def inbound(self, call: Call, dialled: Dialled, caller: User | None, path: _Path) -> list[Step]:
        if dialled.kind is DialledKind.OPERATOR:
            why = (
                t("call_operator_main", number=dialled.via_public_number)
                if dialled.via_public_number
                else t("call_operator_zero")
            )
            return self.route(Target.operator(), path, why)
        if dialled.kind is DialledKind.EXTENSION:
            target = self.directory.extensions.get(dialled.value)
            if target is not None:
                return self.route(target, path, t("call_extension", extension=dialled.value))
            if caller is None and dialled.via_public_number:
                return self.route(
                    Target.operator(),
                    path,
                    t("extension_unassigned_operator", extension=dialled.value),
                )
            return [
                Reject(
                    RejectCause.UNKNOWN_NUMBER, t("extension_unassigned", extension=dialled.value)
                )
            ]
        return [Reject(RejectCause.UNKNOWN_NUMBER, t("cannot_route", dialled=call.dialled))]

    def emergency(self, call: Call, number: str, caller: User) -> list[Step]:
        site = self.directory.sites.get(caller.site_id)
        notes: list[Text] = []
        if site is None:
            site = self.snapshot.customer.main_site
            notes.append(t("emergency_site_unknown", site=caller.site_id))
        if site is None:
            return [Reject(RejectCause.UNAVAILABLE, t("emergency_no_site"))]
        device_sites = {
            self.directory.devices[d].site_id
            for u, d in self.state.hotdesk_logins
            if u == caller.id and d in self.directory.devices
        }
        if device_sites - {caller.site_id}:
            notes.append(t("emergency_hotdesk"))
        if call.presented_number:
            notes.append(t("emergency_presented"))
        where = {"number": number, "user": caller.label(), "trunk": site.trunk_id}
        reason = (
            t("emergency_call_notes", **where, site=site.name, notes=join(notes, "; "))
            if notes
            else t("emergency_call", **where, site=site.name)
        )
        return [
            SendViaTrunk(
                number,
                site.trunk_id,
                site.id,
                reason,
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
                    t("site_unknown", site=caller.site_id, user=caller.label()),
                )
            ]
        presented = call.presented_number or self.directory.public_number(caller)
        return [
            SendViaTrunk(
                number,
                site.trunk_id,
                site.id,
                t("outbound_call", user=caller.label(), trunk=site.trunk_id, site=site.name),
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
                        t("caller_unknown", user=call.caller_user_id),
                    )
                ]
        dialled = self.directory.classify(call.dialled)
        if dialled.kind is DialledKind.EMERGENCY:
            if caller is None:
                return [
                    Reject(
                        RejectCause.UNKNOWN_NUMBER,
                        t("emergency_only_users"),
                    )
                ]
            return self.emergency(call, dialled.value, caller)
        if dialled.kind is DialledKind.EXTERNAL:
            if caller is None:
                return [
                    Reject(
                        RejectCause.UNKNOWN_NUMBER,
                        t("not_customer_number", number=dialled.value),
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
        steps = [Reject(RejectCause.UNKNOWN_NUMBER, t("emergency_no_transfer"))]
    elif target.kind is DialledKind.EXTERNAL:
        operator_site = snapshot.customer.main_site
        steps = builder.route(
            Target.external(target.value),
            path,
            t("transfer_to", number=target.value),
            site_id=operator_site.id if operator_site else None,
        )
    elif target.kind is DialledKind.OPERATOR:
        steps = builder.route(Target.operator(), _Path(), t("transfer_operator"))
    elif target.kind is DialledKind.EXTENSION and target.value in builder.directory.extensions:
        steps = builder.route(
            builder.directory.extensions[target.value],
            path,
            t("transfer_extension", extension=target.value),
        )
    else:
        steps = builder._recall(path, t("transfer_unassigned", dialled=dialled))
    return RoutingPlan(call, tuple(steps))
