"""Text and JSON renderings of a ring plan (for the call trace page and the API)."""

from __future__ import annotations

import dataclasses
import enum
from datetime import date, datetime, time
from typing import Any

from telephony.text import Text, join

from .model import EmergencyAddress
from .plan import (
    ForwardExternal,
    GoToMenu,
    Note,
    PlayAnnouncement,
    Reject,
    RingOne,
    RingParallel,
    RoutingPlan,
    RunIvr,
    SendViaTrunk,
    Step,
    Voicemail,
)
from .texts import t

__all__ = ["describe_step", "plan_to_dict", "render_plan"]

_INDENT = "   "


def describe_step(step: Step) -> Text:
    """What a step does, without its reason."""
    if isinstance(step, PlayAnnouncement):
        return t("step_play", announcement=step.announcement)
    if isinstance(step, RingParallel):
        endpoints = join((e.describe() for e in step.endpoints), ", ")
        return t("step_ring_parallel", seconds=step.seconds, endpoints=endpoints)
    if isinstance(step, RingOne):
        return t("step_ring_one", endpoint=step.endpoint.describe(), seconds=step.seconds)
    if isinstance(step, Voicemail):
        return t("step_voicemail", user=step.user_id)
    if isinstance(step, ForwardExternal):
        if step.seconds is None:
            return t("step_forward", number=step.number, trunk=step.trunk_id)
        return t("step_forward_for", number=step.number, trunk=step.trunk_id, seconds=step.seconds)
    if isinstance(step, SendViaTrunk):
        where = {"number": step.number, "trunk": step.trunk_id, "site": step.site_id}
        if step.emergency:
            where["address"] = str(step.emergency_address)
            if step.presented_number:
                return t("step_emergency_presenting", **where, presented=step.presented_number)
            return t("step_emergency", **where)
        if step.presented_number:
            return t("step_send_presenting", **where, presented=step.presented_number)
        return t("step_send", **where)
    if isinstance(step, GoToMenu):
        return t("step_go_to_menu", menu=step.menu_name)
    if isinstance(step, Reject):
        return t("step_reject", cause=t(f"cause_{step.cause.value}"))
    if isinstance(step, Note):
        return t("step_note")
    return t(
        "step_menu",
        menu=step.menu_name,
        announcement=step.announcement,
        seconds=step.timeout_seconds,
        repeats=step.repeat_count,
    )


def _render(steps: tuple[Step, ...], level: int, lines: list[str]) -> None:
    indent = _INDENT * level
    for number, step in enumerate(steps, start=1):
        if isinstance(step, Note):
            lines.append(f"{indent}{number}. Note: {step.reason}")
        else:
            lines.append(f"{indent}{number}. {describe_step(step)} — {step.reason}")
        if isinstance(step, RunIvr):
            for branch in step.branches:
                lines.append(f"{indent}{_INDENT}{branch.label()}:")
                _render(branch.steps, level + 2, lines)


def render_plan(plan: RoutingPlan) -> str:
    """Numbered lines, one per step; IVR branches are indented below their menu."""
    caller = plan.call.caller_user_id or plan.call.caller_number or "unknown caller"
    lines = [f"Call from {caller} to {plan.call.dialled}"]
    _render(plan.steps, 0, lines)
    return "\n".join(lines)


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, EmergencyAddress):
        return {**dataclasses.asdict(value), "text": str(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data: dict[str, Any] = {}
        step_type = getattr(type(value), "step_type", None)
        if step_type is not None:
            data["type"] = step_type
        for item in dataclasses.fields(value):
            data[item.name] = _jsonable(getattr(value, item.name))
        return data
    if isinstance(value, tuple | list | frozenset | set):
        return [_jsonable(v) for v in value]
    return value


def plan_to_dict(plan: RoutingPlan) -> dict[str, Any]:
    """A JSON-serialisable dict; every step carries its ``type`` and ``reason``."""
    result = _jsonable(plan)
    assert isinstance(result, dict)
    return result
