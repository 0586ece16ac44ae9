"""The life of a ticket (SUP-1, SUP-4), as pure rules.

new → acknowledged → in progress ⇄ waiting for customer → resolved → closed. Acknowledging is
its own step (with classification and an estimated resolution time). A resolved or closed
ticket is reopened (back to in progress) within 14 days of its resolution, never later.
Waiting for the customer stops the service-level clocks (``pauses``), and so does the time a
reopened ticket spent resolved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

NEW = "new"
ACKNOWLEDGED = "acknowledged"
IN_PROGRESS = "in_progress"
WAITING = "waiting_for_customer"
RESOLVED = "resolved"
CLOSED = "closed"

REOPEN_WINDOW = dt.timedelta(days=14)

#: States in which the ticket is being worked on (estimates can be missed).
ACTIVE = frozenset({ACKNOWLEDGED, IN_PROGRESS})
#: States of a ticket nobody works on any more.
DONE = frozenset({RESOLVED, CLOSED})
OPEN = frozenset({NEW, ACKNOWLEDGED, IN_PROGRESS, WAITING})
#: States in which the service-level clocks stand still.
STOPPED = frozenset({WAITING, RESOLVED, CLOSED})

#: Moves of the ``transition`` action (acknowledging has its own action).
TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({RESOLVED}),
    ACKNOWLEDGED: frozenset({IN_PROGRESS, WAITING, RESOLVED}),
    IN_PROGRESS: frozenset({WAITING, RESOLVED}),
    WAITING: frozenset({IN_PROGRESS, RESOLVED}),
    RESOLVED: frozenset({CLOSED, IN_PROGRESS}),
    CLOSED: frozenset({IN_PROGRESS}),
}


def is_reopen(current: str, target: str) -> bool:
    return current in DONE and target == IN_PROGRESS


def may_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def may_reopen(resolved_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Within 14 days of the resolution (the 14th day's last moment included)."""
    return resolved_at is not None and now - resolved_at <= REOPEN_WINDOW


def pauses(
    changes: Iterable[tuple[dt.datetime, str]],
) -> list[tuple[dt.datetime, dt.datetime | None]]:
    """The intervals in which the clocks stood still (waiting for the customer, or resolved
    before a reopen), from the ticket's state changes ``(moment, new state)`` in order; the
    last one is open while the ticket still stands."""
    out: list[tuple[dt.datetime, dt.datetime | None]] = []
    since: dt.datetime | None = None
    for moment, state in changes:
        if state in STOPPED and since is None:
            since = moment
        elif state not in STOPPED and since is not None:
            out.append((since, moment))
            since = None
    if since is not None:
        out.append((since, None))
    return out
