"""Reads of the status page: components with their current state (STA-1), open and upcoming
events, the 7-day history (STA-4) and availability per component (OPS-3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from . import availability, steps
from .availability import BERLIN, IncidentSpan, MaintenanceSpan
from .models import Component, ComponentGroup, Event, EventKind, EventUpdate, Impact, Step

IMPACT_RANK: dict[str, int] = {Impact.MINOR: 1, Impact.MAJOR: 2, Impact.CRITICAL: 3}
OPERATIONAL = "operational"
DEGRADED = "degraded"
MAINTENANCE = "maintenance"


def events_with_details() -> QuerySet[Event]:
    return Event.objects.prefetch_related(
        Prefetch("updates", queryset=EventUpdate.objects.order_by("sequence")),
        Prefetch("components", queryset=Component.objects.order_by("position", "name_de")),
    )


def visible_components() -> list[Component]:
    return list(
        Component.objects.filter(is_visible=True)
        .select_related("group")
        .order_by("group__position", "group__name_de", "position", "name_de")
    )


def open_events() -> list[Event]:
    """Open incidents and running maintenance, newest first."""
    return list(
        events_with_details()
        .filter(
            Q(kind=EventKind.INCIDENT, step__in=steps.OPEN_INCIDENT_STEPS)
            | Q(kind=EventKind.MAINTENANCE, step=Step.IN_PROGRESS)
        )
        .order_by("-started_at", "-created_at")
    )


def upcoming_maintenance() -> list[Event]:
    return list(
        events_with_details()
        .filter(kind=EventKind.MAINTENANCE, step=Step.SCHEDULED)
        .order_by("scheduled_start")
    )


def recent_history(*, now: dt.datetime | None = None, days: int = 7) -> list[Event]:
    """Events that ended within the last ``days`` days, newest end first (STA-4)."""
    now = now or timezone.now()
    return list(
        events_with_details()
        .filter(ended_at__gte=now - dt.timedelta(days=days), ended_at__lte=now)
        .order_by("-ended_at")
    )


@dataclass
class ComponentState:
    """What the page shows for one component: its state and the event that sets it."""

    component: Component
    state: str = OPERATIONAL
    event: Event | None = None

    @property
    def step(self) -> str | None:
        return self.event.step if self.event is not None else None

    @property
    def impact(self) -> str:
        return self.event.impact if self.event is not None else ""


def component_states(
    components: Sequence[Component], active: Iterable[Event]
) -> dict[Any, ComponentState]:
    """The state of each component: degraded while an open incident affects it (the worst
    impact, then the newest), else maintenance while a running one does, else operational."""
    states = {c.pk: ComponentState(c) for c in components}
    ranked = sorted(
        active,
        key=lambda e: (
            e.kind == EventKind.INCIDENT,
            IMPACT_RANK.get(e.impact, 0),
            e.started_at or e.created_at,
        ),
        reverse=True,
    )
    for event in ranked:
        new_state = DEGRADED if event.kind == EventKind.INCIDENT else MAINTENANCE
        for component in event.components.all():
            state = states.get(component.pk)
            if state is not None and state.event is None:
                state.state, state.event = new_state, event
    return states


@dataclass
class GroupRow:
    """A group on the page: expands and collapses when it holds two or more components."""

    group: ComponentGroup | None
    members: list[ComponentState] = field(default_factory=list)

    @property
    def collapsible(self) -> bool:
        return self.group is not None and len(self.members) >= 2

    @property
    def worst(self) -> ComponentState | None:
        affected = [m for m in self.members if m.event is not None]
        if not affected:
            return None
        return max(
            affected,
            key=lambda m: (m.state == DEGRADED, IMPACT_RANK.get(m.impact, 0)),
        )


def grouped(components: Sequence[Component], states: dict[Any, ComponentState]) -> list[GroupRow]:
    rows: list[GroupRow] = []
    by_group: dict[Any, GroupRow] = {}
    for component in components:
        if component.group_id is None:
            rows.append(GroupRow(None, [states[component.pk]]))
            continue
        row = by_group.get(component.group_id)
        if row is None:
            row = by_group[component.group_id] = GroupRow(component.group)
            rows.append(row)
        row.members.append(states[component.pk])
    return rows


# Availability ---------------------------------------------------------------------------------


def spans(start: dt.datetime, end: dt.datetime) -> tuple[list[IncidentSpan], list[MaintenanceSpan]]:
    """Incidents and announced maintenance windows touching ``[start, end)`` as plain data."""
    incidents = []
    for event in (
        Event.objects.filter(kind=EventKind.INCIDENT, started_at__lt=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start))
        .prefetch_related("components")
    ):
        assert event.started_at is not None
        incidents.append(
            IncidentSpan(
                start=event.started_at,
                end=event.ended_at,
                false_alarm=event.step == Step.FALSE_ALARM,
                components=frozenset(c.pk for c in event.components.all()),
            )
        )
    windows = []
    for event in Event.objects.filter(
        kind=EventKind.MAINTENANCE, scheduled_start__lt=end, scheduled_end__gt=start
    ).prefetch_related("components"):
        assert event.scheduled_start is not None and event.scheduled_end is not None
        windows.append(
            MaintenanceSpan(
                start=event.scheduled_start,
                end=event.scheduled_end,
                components=frozenset(c.pk for c in event.components.all()),
            )
        )
    return incidents, windows


def availability_report(
    components: Sequence[Component],
    start: dt.datetime,
    end: dt.datetime,
    *,
    now: dt.datetime | None = None,
) -> list[availability.Availability]:
    """Availability of each component over ``[start, end)`` (measured up to now), OPS-3."""
    now = now or timezone.now()
    incidents, windows = spans(start, min(end, now))
    return [availability.measure(c.pk, incidents, windows, start, end, now) for c in components]


@dataclass(frozen=True)
class DayBar:
    """One day of a component's 90-day bar."""

    day: dt.date
    downtime_seconds: float
    maintenance: bool

    @property
    def level(self) -> str:
        if self.downtime_seconds >= 3600:
            return "major"
        if self.downtime_seconds > 0:
            return "minor"
        return "maintenance" if self.maintenance else "ok"


def daily_bars(
    components: Sequence[Component], *, days: int = 90, now: dt.datetime | None = None
) -> dict[Any, tuple[list[DayBar], availability.Availability]]:
    """For each component: one bar per local day of the last ``days`` days (today last) and
    the availability over them."""
    now = now or timezone.now()
    today = now.astimezone(BERLIN).date()
    day_list = [today - dt.timedelta(days=n) for n in range(days - 1, -1, -1)]
    start = availability.day_bounds(day_list[0])[0]
    incidents, windows = spans(start, now)
    result = {}
    for component in components:
        down = availability.downtime(component.pk, incidents, windows, start, now, now)
        per_day = availability.daily_downtime(down, day_list)
        mine = [(w.start, w.end) for w in windows if component.pk in w.components]
        maintenance_days = availability.daily_downtime(
            availability.clip(mine, start, now), day_list
        )
        bars = [
            DayBar(day, seconds, maint > 0)
            for day, seconds, maint in zip(day_list, per_day, maintenance_days, strict=True)
        ]
        measured = availability.measure(component.pk, incidents, windows, start, now, now)
        result[component.pk] = (bars, measured)
    return result
