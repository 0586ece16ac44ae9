"""The step machine of incidents and maintenance (STA-2, STA-3): forward only, ends are final."""

from __future__ import annotations

import pytest

from provisioning.errors import ApplicationError
from status import steps
from status.steps import (
    COMPLETED,
    FALSE_ALARM,
    IDENTIFIED,
    IN_PROGRESS,
    INCIDENT,
    INVESTIGATING,
    MAINTENANCE,
    RECOVERING,
    RESOLVED,
    SCHEDULED,
)

INCIDENT_FORWARD = [
    (INVESTIGATING, INVESTIGATING),
    (INVESTIGATING, IDENTIFIED),
    (INVESTIGATING, RECOVERING),
    (INVESTIGATING, RESOLVED),
    (INVESTIGATING, FALSE_ALARM),
    (IDENTIFIED, IDENTIFIED),
    (IDENTIFIED, RECOVERING),
    (IDENTIFIED, RESOLVED),
    (IDENTIFIED, FALSE_ALARM),
    (RECOVERING, RECOVERING),
    (RECOVERING, RESOLVED),
    (RECOVERING, FALSE_ALARM),
]
INCIDENT_BACKWARD = [
    (IDENTIFIED, INVESTIGATING),
    (RECOVERING, INVESTIGATING),
    (RECOVERING, IDENTIFIED),
]
MAINTENANCE_FORWARD = [
    (SCHEDULED, SCHEDULED),
    (SCHEDULED, IN_PROGRESS),
    (SCHEDULED, COMPLETED),
    (IN_PROGRESS, IN_PROGRESS),
    (IN_PROGRESS, COMPLETED),
]


@pytest.mark.parametrize(("current", "new"), INCIDENT_FORWARD)
def test_incident_moves_forward_or_stays(current: str, new: str) -> None:
    steps.check_transition(INCIDENT, current, new)


@pytest.mark.parametrize(("current", "new"), INCIDENT_BACKWARD)
def test_incident_never_moves_back(current: str, new: str) -> None:
    with pytest.raises(ApplicationError) as raised:
        steps.check_transition(INCIDENT, current, new)
    assert raised.value.code == "step_backwards"
    assert raised.value.status == 409
    assert "step" in raised.value.fields


@pytest.mark.parametrize("final", [RESOLVED, FALSE_ALARM])
@pytest.mark.parametrize("new", steps.INCIDENT_STEPS)
def test_ended_incident_takes_no_step(final: str, new: str) -> None:
    with pytest.raises(ApplicationError) as raised:
        steps.check_transition(INCIDENT, final, new)
    assert raised.value.code == "event_closed"


@pytest.mark.parametrize(("current", "new"), MAINTENANCE_FORWARD)
def test_maintenance_moves_forward(current: str, new: str) -> None:
    steps.check_transition(MAINTENANCE, current, new)


def test_maintenance_never_moves_back_and_ends_with_completed() -> None:
    with pytest.raises(ApplicationError) as raised:
        steps.check_transition(MAINTENANCE, IN_PROGRESS, SCHEDULED)
    assert raised.value.code == "step_backwards"
    for new in steps.MAINTENANCE_STEPS:
        with pytest.raises(ApplicationError) as raised:
            steps.check_transition(MAINTENANCE, COMPLETED, new)
        assert raised.value.code == "event_closed"


@pytest.mark.parametrize(
    ("kind", "new"),
    [
        (INCIDENT, SCHEDULED),
        (INCIDENT, COMPLETED),
        (MAINTENANCE, RESOLVED),
        (MAINTENANCE, FALSE_ALARM),
    ],
)
def test_steps_of_the_other_kind_are_refused(kind: str, new: str) -> None:
    current = INVESTIGATING if kind == INCIDENT else SCHEDULED
    with pytest.raises(ApplicationError) as raised:
        steps.check_transition(kind, current, new)
    assert raised.value.code == "invalid_step"


def test_first_steps() -> None:
    steps.check_first_step(INCIDENT, INVESTIGATING)
    steps.check_first_step(INCIDENT, IDENTIFIED)
    steps.check_first_step(MAINTENANCE, SCHEDULED)
    for kind, step in [(INCIDENT, RESOLVED), (INCIDENT, FALSE_ALARM), (MAINTENANCE, IN_PROGRESS)]:
        with pytest.raises(ApplicationError) as raised:
            steps.check_first_step(kind, step)
        assert raised.value.code == "invalid_first_step"


def test_allowed_next_lists_the_forward_steps() -> None:
    assert steps.allowed_next(INCIDENT, IDENTIFIED) == (
        IDENTIFIED,
        RECOVERING,
        RESOLVED,
        FALSE_ALARM,
    )
    assert steps.allowed_next(INCIDENT, RESOLVED) == ()
    assert steps.allowed_next(MAINTENANCE, SCHEDULED) == (SCHEDULED, IN_PROGRESS, COMPLETED)
