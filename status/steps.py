"""The step machine of status events (STA-2, STA-3), as plain data and pure functions.

An incident moves investigating → identified → recovering → resolved, or to false alarm from
any open step; a maintenance moves scheduled → in progress → completed. Steps only move forward
(skipping is allowed, going back is not); a further message in the same step is allowed, so a
step posted by mistake is corrected by a new message, never by editing the old one.
"""

from __future__ import annotations

from provisioning.errors import ApplicationError

INCIDENT = "incident"
MAINTENANCE = "maintenance"

INVESTIGATING = "investigating"
IDENTIFIED = "identified"
RECOVERING = "recovering"
RESOLVED = "resolved"
FALSE_ALARM = "false_alarm"
SCHEDULED = "scheduled"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"

INCIDENT_STEPS: tuple[str, ...] = (INVESTIGATING, IDENTIFIED, RECOVERING, RESOLVED, FALSE_ALARM)
MAINTENANCE_STEPS: tuple[str, ...] = (SCHEDULED, IN_PROGRESS, COMPLETED)
ALL_STEPS: tuple[str, ...] = INCIDENT_STEPS + MAINTENANCE_STEPS

# Position of each step on its path; false alarm ends an incident from any open step.
_RANK = {
    INVESTIGATING: 0,
    IDENTIFIED: 1,
    RECOVERING: 2,
    RESOLVED: 3,
    FALSE_ALARM: 3,
    SCHEDULED: 0,
    IN_PROGRESS: 1,
    COMPLETED: 2,
}
FINAL_STEPS = frozenset({RESOLVED, FALSE_ALARM, COMPLETED})
OPEN_INCIDENT_STEPS = frozenset({INVESTIGATING, IDENTIFIED, RECOVERING})


def steps_of(kind: str) -> tuple[str, ...]:
    if kind == INCIDENT:
        return INCIDENT_STEPS
    if kind == MAINTENANCE:
        return MAINTENANCE_STEPS
    raise ValueError(f"unknown event kind {kind!r}")


def is_final(step: str) -> bool:
    return step in FINAL_STEPS


def first_steps(kind: str) -> frozenset[str]:
    """Steps an event may be opened with: any open incident step; maintenance starts scheduled."""
    return OPEN_INCIDENT_STEPS if kind == INCIDENT else frozenset({SCHEDULED})


def allowed_next(kind: str, current: str) -> tuple[str, ...]:
    """Steps that may follow ``current`` (the same step included while the event is open)."""
    if is_final(current):
        return ()
    rank = _RANK[current]
    return tuple(step for step in steps_of(kind) if _RANK[step] >= rank)


def check_first_step(kind: str, step: str) -> None:
    if step not in first_steps(kind):
        allowed = ", ".join(sorted(first_steps(kind)))
        raise ApplicationError(
            "invalid_first_step",
            f"A new {kind} starts with one of: {allowed}.",
            fields={"step": [f"Choose one of: {allowed}."]},
        )


def check_transition(kind: str, current: str, new: str) -> None:
    """Refuse a step that does not move ``kind`` forward from ``current``."""
    if new not in steps_of(kind):
        raise ApplicationError(
            "invalid_step",
            f"{new!r} is not a step of an {kind}.",
            fields={"step": [f"Choose one of: {', '.join(steps_of(kind))}."]},
        )
    if is_final(current):
        raise ApplicationError(
            "event_closed",
            f"This {kind} has ended ({current}); it takes no further steps.",
            fields={"step": ["The event has ended."]},
            status=409,
        )
    if new not in allowed_next(kind, current):
        raise ApplicationError(
            "step_backwards",
            f"Steps only move forward: {current} cannot be followed by {new}. "
            "Correct a wrong step with a new message.",
            fields={"step": [f"Choose one of: {', '.join(allowed_next(kind, current))}."]},
            status=409,
        )
