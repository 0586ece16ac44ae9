"""The ring plan: an ordered list of steps, each with a human-readable reason.

Steps are executed in order. A ringing step rings for ``seconds``; if nobody answers,
the next step follows. ``RunIvr`` hands the call to the caller's choice: the steps of
the chosen branch follow, and nothing after an ``RunIvr`` step in the same list is
reached. Terminal steps (``Voicemail``, ``SendViaTrunk``, ``Reject``, ``GoToMenu`` and
``ForwardExternal`` without ``seconds``) end the list.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from telephony.text import Text

from .model import Call, EmergencyAddress
from .texts import t

__all__ = [
    "BranchKind",
    "Endpoint",
    "EndpointKind",
    "ForwardExternal",
    "GoToMenu",
    "IvrBranch",
    "Note",
    "PlayAnnouncement",
    "Reject",
    "RejectCause",
    "RingOne",
    "RingParallel",
    "RoutingPlan",
    "RunIvr",
    "SendViaTrunk",
    "Step",
    "Voicemail",
    "iter_steps",
]


class EndpointKind(enum.StrEnum):
    DEVICE = "device"  # a desk phone the user is logged in on (hot-desking)
    CLIENT = "client"  # a software client (UC client, smartphone app, softphone)
    MOBILITY = "mobility"  # the user's external mobility number (parallel ringing)


@dataclass(frozen=True)
class Endpoint:
    kind: EndpointKind
    ref: str  # device id, client kind or E.164 number
    user_id: str

    def describe(self) -> Text:
        ref = t(f"client_{self.ref}") if self.kind is EndpointKind.CLIENT else self.ref
        return t(f"endpoint_{self.kind.value}", ref=ref, user=self.user_id)


class RejectCause(enum.StrEnum):
    BUSY = "busy"
    NOT_ANSWERED = "not_answered"
    UNAVAILABLE = "unavailable"
    UNKNOWN_NUMBER = "unknown_number"
    NOT_ENTITLED = "not_entitled"
    LOOP = "loop"
    TOO_COMPLEX = "too_complex"


class BranchKind(enum.StrEnum):
    DIGIT = "digit"
    TIMEOUT = "timeout"
    INVALID = "invalid"


@dataclass(frozen=True)
class PlayAnnouncement:
    step_type: ClassVar[str] = "play_announcement"
    announcement: str
    reason: str


@dataclass(frozen=True)
class RingParallel:
    step_type: ClassVar[str] = "ring_parallel"
    endpoints: tuple[Endpoint, ...]
    seconds: int
    reason: str


@dataclass(frozen=True)
class RingOne:
    step_type: ClassVar[str] = "ring_one"
    endpoint: Endpoint
    seconds: int
    reason: str


@dataclass(frozen=True)
class Voicemail:
    step_type: ClassVar[str] = "voicemail"
    user_id: str
    reason: str


@dataclass(frozen=True)
class ForwardExternal:
    """Forward to a public number. ``seconds`` is set when a later step may follow."""

    step_type: ClassVar[str] = "forward_external"
    number: str
    trunk_id: str
    reason: str
    seconds: int | None = None


@dataclass(frozen=True)
class SendViaTrunk:
    """An outbound public call (or emergency call) leaving through a site trunk."""

    step_type: ClassVar[str] = "send_via_trunk"
    number: str
    trunk_id: str
    site_id: str
    reason: str
    emergency: bool = False
    emergency_address: EmergencyAddress | None = None
    presented_number: str | None = None


@dataclass(frozen=True)
class GoToMenu:
    """Continue in a menu that is expanded elsewhere in this plan (keeps plans finite)."""

    step_type: ClassVar[str] = "go_to_menu"
    menu_id: str
    menu_name: str
    reason: str


@dataclass(frozen=True)
class Reject:
    step_type: ClassVar[str] = "reject"
    cause: RejectCause
    reason: str


@dataclass(frozen=True)
class Note:
    """Information only: a skipped step, a pickup hint, a decision worth tracing."""

    step_type: ClassVar[str] = "note"
    reason: str


@dataclass(frozen=True)
class IvrBranch:
    kind: BranchKind
    steps: tuple[Step, ...]
    digit: str | None = None

    def label(self) -> Text:
        if self.kind is BranchKind.DIGIT:
            return t("digit", digit=self.digit)
        return t("no_input") if self.kind is BranchKind.TIMEOUT else t("invalid_input")


@dataclass(frozen=True)
class RunIvr:
    step_type: ClassVar[str] = "run_ivr"
    menu_id: str
    menu_name: str
    announcement: str
    timeout_seconds: int
    repeat_count: int
    branches: tuple[IvrBranch, ...]
    reason: str


Step = (
    PlayAnnouncement
    | RingParallel
    | RingOne
    | Voicemail
    | ForwardExternal
    | SendViaTrunk
    | GoToMenu
    | Reject
    | Note
    | RunIvr
)


def iter_steps(steps: tuple[Step, ...]) -> Iterator[Step]:
    """All steps, depth first, including the steps inside IVR branches."""
    for step in steps:
        yield step
        if isinstance(step, RunIvr):
            for branch in step.branches:
                yield from iter_steps(branch.steps)


def _depth(steps: tuple[Step, ...]) -> int:
    deepest = 0
    for step in steps:
        if isinstance(step, RunIvr):
            for branch in step.branches:
                deepest = max(deepest, _depth(branch.steps))
    return deepest + 1


@dataclass(frozen=True)
class RoutingPlan:
    call: Call
    steps: tuple[Step, ...]

    def walk(self) -> Iterator[Step]:
        return iter_steps(self.steps)

    @property
    def step_count(self) -> int:
        return sum(1 for _ in self.walk())

    @property
    def depth(self) -> int:
        """Nesting depth: 1 for a flat plan, +1 per nested IVR level."""
        return _depth(self.steps)

    def endpoints(self) -> list[Endpoint]:
        """Every endpoint rung anywhere in the plan, in order of appearance."""
        found: list[Endpoint] = []
        for step in self.walk():
            if isinstance(step, RingParallel):
                found.extend(step.endpoints)
            elif isinstance(step, RingOne):
                found.append(step.endpoint)
        return found
