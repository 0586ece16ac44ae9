"""Configuration validation: routing loops and dangling references.

The loop analysis works on a graph whose nodes are users, hunt groups, IVR menus
and the operator, and whose edges are the places a call can go next:

* user: "always" forwarding; otherwise busy and no-answer forwarding, and the
  operator when the user has neither (a logged-out user without forwarding);
* hunt group: overflow;
* menu: timeout and invalid-input targets (automatic) and digits (caller input);
* operator: the menu (day, if configured) or the day target, and the night target.

Like the engine, a node is tracked together with whether the operator has already
been entered on the path, because "operator" then means the operator's day or night
target directly (the operator's own menu can send callers to the operator without
looping). The analysis is run once for day service and once for night service.

A cycle of automatic edges is an ``ERROR``: the call would go round without anybody
doing anything. A cycle that needs a key press is a ``WARNING`` (for example a
"back to the main menu" digit); it cannot loop without the caller.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from telephony.text import Text, join

from .model import RoutingSnapshot, Target, TargetKind
from .numbers import OPERATOR_EXTENSION, Directory
from .texts import t

__all__ = ["ConfigProblem", "Severity", "find_loops", "find_problems"]


class Severity(enum.StrEnum):
    ERROR = "error"  # saving the configuration should be refused
    WARNING = "warning"  # allowed, but worth showing


@dataclass(frozen=True)
class ConfigProblem:
    code: str
    severity: Severity
    message: Text
    cycle: tuple[Text, ...] = ()  # node labels; the first label is repeated at the end


Node = tuple[str, str, bool]  # (kind, id, operator already entered)


@dataclass(frozen=True)
class _Edge:
    target: Node
    label: Text
    automatic: bool


class _Graph:
    def __init__(self, snapshot: RoutingSnapshot, directory: Directory, day: bool) -> None:
        self.snapshot = snapshot
        self.directory = directory
        self.day = day
        self.edges: dict[Node, list[_Edge]] = {}
        roots: list[Node] = [("user", u.id, False) for u in snapshot.users]
        roots += [("group", g.id, False) for g in snapshot.hunt_groups]
        roots += [("menu", m.id, False) for m in snapshot.ivr_menus]
        # The operator entry, and its day/night target directly (a transfer recall).
        roots += [("operator", "", False), ("desk", "", True)]
        queue = deque(roots)
        while queue:
            node = queue.popleft()
            if node in self.edges:
                continue
            self.edges[node] = list(self._edges_of(node))
            queue.extend(edge.target for edge in self.edges[node])

    def _nodes_for(self, target: Target | None, entered: bool, station: bool = False) -> list[Node]:
        if target is None:
            return []
        resolved = self.directory.resolve(target)
        kind, ref = resolved.kind, resolved.ref
        if kind is TargetKind.USER and ref in self.directory.users and not station:
            return [("user", ref, entered)]
        if kind is TargetKind.HUNT_GROUP and ref in self.directory.groups:
            return [("group", ref, entered)]
        if kind is TargetKind.IVR and ref in self.directory.menus:
            return [("menu", ref, entered)]
        if kind is TargetKind.OPERATOR:
            return [("desk", "", True)] if entered else [("operator", "", False)]
        # Voicemail, external numbers, disconnect, a station user and unknown
        # references end the call here.
        return []

    def _edge(
        self,
        target: Target | None,
        entered: bool,
        label: Text,
        automatic: bool = True,
        station: bool = False,
    ) -> list[_Edge]:
        return [_Edge(n, label, automatic) for n in self._nodes_for(target, entered, station)]

    def _edges_of(self, node: Node) -> Iterable[_Edge]:
        kind, ref, entered = node
        operator = self.snapshot.operator
        if kind == "user":
            fw = self.directory.users[ref].forwarding
            if fw.always is not None:
                return self._edge(fw.always, entered, t("edge_always"))
            edges = self._edge(fw.on_busy, entered, t("edge_busy"))
            edges += self._edge(fw.on_no_answer, entered, t("edge_no_answer"))
            if fw.on_busy is None and fw.on_no_answer is None:
                edges += self._edge(Target.operator(), entered, t("edge_logged_out"))
            return edges
        if kind == "group":
            return self._edge(self.directory.groups[ref].overflow, entered, t("edge_overflow"))
        if kind == "menu":
            menu = self.directory.menus[ref]
            edges = []
            seen: set[str] = set()
            for option in menu.options:
                if option.digit not in seen:
                    seen.add(option.digit)
                    edges += self._edge(
                        option.target, entered, t("digit", digit=option.digit), False
                    )
            edges += self._edge(menu.on_timeout, entered, t("no_input"))
            edges += self._edge(menu.on_invalid, entered, t("invalid_input"))
            return edges
        service = t("day_service") if self.day else t("night_service")
        if kind == "operator" and self.day and operator.ivr_menu_id:
            return self._edge(Target.ivr(operator.ivr_menu_id), True, t("day_service"))
        station = operator.day_target if self.day else operator.night_target
        return self._edge(station, True, service, station=True)

    def rank(self, node: Node) -> tuple[int, int, bool]:
        """Order nodes as the configuration lists them, so messages read naturally."""
        kind, ref, entered = node
        order = ("operator", "desk", "menu", "group", "user")
        position = {
            "user": [u.id for u in self.snapshot.users],
            "group": [g.id for g in self.snapshot.hunt_groups],
            "menu": [m.id for m in self.snapshot.ivr_menus],
        }.get(kind, [])
        return (order.index(kind), position.index(ref) if ref in position else 0, entered)

    def label(self, node: Node) -> Text:
        kind, ref, _ = node
        if kind == "user":
            return self.directory.users[ref].label()
        if kind == "group":
            return self.directory.groups[ref].label()
        if kind == "menu":
            return self.directory.menus[ref].label()
        return t("operator")


def _strongly_connected(nodes: list[Node], succ: dict[Node, list[Node]]) -> list[list[Node]]:
    """Tarjan's algorithm, iterative (configurations may be large)."""
    index: dict[Node, int] = {}
    low: dict[Node, int] = {}
    on_stack: set[Node] = set()
    stack: list[Node] = []
    result: list[list[Node]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[Node, int]] = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            successors = succ.get(node, [])
            if position < len(successors):
                work.append((node, position + 1))
                nxt = successors[position]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component: list[Node] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return result


def _path_within(
    start: Node,
    goal: Node,
    allowed: set[Node],
    edges: dict[Node, list[_Edge]],
    automatic_only: bool,
) -> list[_Edge] | None:
    """Shortest edge path from ``start`` to ``goal`` inside ``allowed`` (BFS)."""
    previous: dict[Node, tuple[Node, _Edge] | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for edge in edges.get(node, []):
            if edge.target not in allowed or (automatic_only and not edge.automatic):
                continue
            if edge.target == goal:
                path = [edge]
                back = previous[node]
                while back is not None:
                    path.append(back[1])
                    back = previous[back[0]]
                return list(reversed(path))
            if edge.target not in previous:
                previous[edge.target] = (node, edge)
                queue.append(edge.target)
    return None


def _describe(graph: _Graph, start: Node, path: list[_Edge]) -> tuple[tuple[Text, ...], Text]:
    labels = [graph.label(start)]
    parts: list[str] = [graph.label(start)]
    for edge in path:
        labels.append(graph.label(edge.target))
        parts.append(t("edge", edge=edge.label, node=graph.label(edge.target)))
    return tuple(labels), join(parts, "")


def _code(nodes: Iterable[Node]) -> str:
    kinds = {node[0] for node in nodes}
    if kinds == {"user"}:
        return "forwarding_loop"
    if kinds == {"group"}:
        return "overflow_loop"
    if kinds == {"menu"}:
        return "ivr_loop"
    return "routing_loop"


def _canonical(labels: tuple[str, ...]) -> tuple[str, ...]:
    ring = labels[:-1]
    rotations = [ring[i:] + ring[:i] for i in range(len(ring))]
    return min(rotations) if rotations else labels


def _loops_in(graph: _Graph) -> list[tuple[tuple[str, ...], ConfigProblem]]:
    found: list[tuple[tuple[str, ...], ConfigProblem]] = []
    nodes = sorted(graph.edges, key=graph.rank)
    for automatic_only in (True, False):
        succ = {
            node: [e.target for e in graph.edges[node] if e.automatic or not automatic_only]
            for node in nodes
        }
        for component in _strongly_connected(nodes, succ):
            members = set(component)
            candidates = [
                (node, edge)
                for node in sorted(members, key=graph.rank)
                for edge in graph.edges[node]
                if edge.target in members
                and (edge.automatic if automatic_only else not edge.automatic)
            ]
            if not candidates:
                continue
            node, edge = candidates[0]
            rest: list[_Edge] | None = []
            if edge.target != node:
                rest = _path_within(edge.target, node, members, graph.edges, automatic_only)
            if rest is None:  # pragma: no cover - a component always closes
                continue
            labels, text = _describe(graph, node, [edge, *rest])
            if automatic_only:
                problem = ConfigProblem(
                    _code([node, *(e.target for e in rest)]),
                    Severity.ERROR,
                    t("loop_error", cycle=text),
                    labels,
                )
            else:
                problem = ConfigProblem(
                    "ivr_cycle",
                    Severity.WARNING,
                    t("loop_warning", cycle=text),
                    labels,
                )
            found.append((_canonical(labels), problem))
    return found


def find_loops(snapshot: RoutingSnapshot) -> list[ConfigProblem]:
    """Cycles in the routing configuration, errors first, each cycle reported once."""
    directory = Directory(snapshot)
    seen: set[tuple[Severity, tuple[str, ...]]] = set()
    problems: list[ConfigProblem] = []
    for day in (True, False):
        for canonical, problem in _loops_in(_Graph(snapshot, directory, day)):
            key = (problem.severity, canonical)
            if key not in seen:
                seen.add(key)
                problems.append(problem)
    return sorted(problems, key=lambda p: p.severity is not Severity.ERROR)


def _reference_problems(snapshot: RoutingSnapshot, directory: Directory) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []

    def error(code: str, message: Text) -> None:
        problems.append(ConfigProblem(code, Severity.ERROR, message))

    owners: dict[str, Text] = {}
    named = [(u.extension, t("user_named", user=u.label(), name=u.name)) for u in snapshot.users]
    named += [(g.extension, g.label()) for g in snapshot.hunt_groups if g.extension]
    named += [(m.extension, m.label()) for m in snapshot.ivr_menus if m.extension]
    for extension, label in named:
        if extension == OPERATOR_EXTENSION:
            error("reserved_extension", t("reserved_extension", owner=label))
        elif extension in owners:
            error(
                "duplicate_extension",
                t(
                    "duplicate_extension",
                    extension=extension,
                    first=owners[extension],
                    second=label,
                ),
            )
        else:
            owners[extension] = label

    def check(target: Target | None, where: Text) -> None:
        if target is None:
            return
        resolved = directory.resolve(target)
        kind, ref = resolved.kind, resolved.ref
        missing = (
            (kind is TargetKind.EXTENSION)
            or (kind in (TargetKind.USER, TargetKind.VOICEMAIL) and ref not in directory.users)
            or (kind is TargetKind.HUNT_GROUP and ref not in directory.groups)
            or (kind is TargetKind.IVR and ref not in directory.menus)
        )
        if missing:
            error("unknown_target", t("unknown_target", where=where, target=target.describe()))
        if kind is TargetKind.EXTERNAL and not (ref.startswith("+") and ref[1:].isdigit()):
            error("invalid_number", t("not_e164", where=where, number=ref))

    for user in snapshot.users:
        label = user.label()
        if user.site_id not in directory.sites:
            error("unknown_site", t("user_unknown_site", user=label, site=user.site_id))
        fw = user.forwarding
        check(fw.always, t("where_forward_always", user=label))
        check(fw.on_busy, t("where_forward_busy", user=label))
        check(fw.on_no_answer, t("where_forward_no_answer", user=label))
    for group in snapshot.hunt_groups:
        if group.site_id not in directory.sites:
            error("unknown_site", t("group_unknown_site", group=group.label(), site=group.site_id))
        for member_id in group.member_ids:
            member = directory.users.get(member_id)
            if member is None:
                error(
                    "unknown_member", t("group_unknown_member", group=group.label(), user=member_id)
                )
            elif member.site_id != group.site_id:
                error(
                    "member_other_site",
                    t("group_member_other_site", user=member.label(), group=group.label()),
                )
        check(group.overflow, t("where_overflow", group=group.label()))
    for menu in snapshot.ivr_menus:
        for option in menu.options:
            check(option.target, t("where_digit", menu=menu.label(), digit=option.digit))
        check(menu.on_timeout, t("where_no_input", menu=menu.label()))
        check(menu.on_invalid, t("where_invalid_input", menu=menu.label()))
    operator = snapshot.operator
    check(operator.day_target, t("where_day_target"))
    check(operator.night_target, t("where_night_target"))
    if operator.ivr_menu_id is not None:
        check(Target.ivr(operator.ivr_menu_id), t("where_operator_menu"))
    for device in snapshot.devices:
        if device.site_id not in directory.sites:
            error("unknown_site", t("device_unknown_site", device=device.id, site=device.site_id))
    return problems


def find_problems(snapshot: RoutingSnapshot) -> list[ConfigProblem]:
    """Loops (see ``find_loops``) plus dangling references and inconsistencies."""
    directory = Directory(snapshot)
    return find_loops(snapshot) + _reference_problems(snapshot, directory)
