"""Incidents and maintenance: open, post steps, schedule, move on schedule (STA-2, STA-3, STA-8,
OPS-2). Every step is a new, timestamped update; nothing in the history is ever edited. Each
update goes to the subscribers of the affected components once the transaction commits (STA-6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from provisioning import audit
from provisioning.errors import ApplicationError

from .. import steps
from ..maintenance_rules import check_window
from ..models import Component, Event, EventKind, EventUpdate, Impact, Step
from ..texts import AUTO_MESSAGES
from ._common import ensure_staff, page_changed, record_create, record_update

if TYPE_CHECKING:
    from provisioning.models import Account

KEEP: Any = object()  # "leave the estimated fix time as it is"
DETAIL_FIELDS = frozenset({"title_de", "title_en", "impact", "components", "estimated_fix_at"})


def _required(value: str, field: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(
            f"{field}_required", f"{what} is required.", fields={field: [f"{what} is required."]}
        )
    return value


def _components(components: Sequence[Component]) -> list[Component]:
    chosen = list(dict.fromkeys(components))
    if not chosen:
        raise ApplicationError(
            "components_required",
            "Name at least one affected component.",
            fields={"components": ["Name at least one affected component."]},
        )
    return chosen


def _names(components: Sequence[Component]) -> list[str]:
    return sorted(c.name_de for c in components)


def _check_estimate(estimate: dt.datetime | None, now: dt.datetime) -> None:
    if estimate is not None and estimate <= now:
        raise ApplicationError(
            "estimate_in_past",
            "The estimated fix time must lie in the future.",
            fields={"estimated_fix_at": ["The estimated fix time must lie in the future."]},
        )


def _notify(update: EventUpdate) -> None:
    def enqueue() -> None:
        from ..tasks import fan_out_update

        fan_out_update.delay(str(update.pk))

    transaction.on_commit(enqueue)


def _append(
    event: Event,
    *,
    step: str,
    message_de: str,
    message_en: str,
    author: str,
    now: dt.datetime,
) -> EventUpdate:
    """Write the next update of ``event`` (already locked) and move its step and times."""
    last = event.updates.aggregate(last=Max("sequence"))["last"] or 0
    update = EventUpdate.objects.create(
        event=event,
        sequence=last + 1,
        step=step,
        message_de=message_de,
        message_en=message_en,
        posted_at=now,
        author=author,
    )
    event.step = step
    if event.kind == EventKind.INCIDENT and event.started_at is None:
        event.started_at = now
    if step == steps.IN_PROGRESS and event.started_at is None:
        event.started_at = now
    if steps.is_final(step):
        event.ended_at = now
        if step == steps.COMPLETED and event.started_at is None:
            event.started_at = now
    return update


def _author(acting_user: Account | None) -> str:
    return acting_user.get_username() if acting_user is not None else "system"


@transaction.atomic
def incident_open(
    *,
    acting_user: Account | None,
    title_de: str,
    components: Sequence[Component],
    message_de: str,
    title_en: str = "",
    message_en: str = "",
    step: str = steps.INVESTIGATING,
    impact: str = Impact.MAJOR,
    estimated_fix_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Event:
    """Open an incident with its first step (STA-2)."""
    ensure_staff(acting_user)
    now = now or timezone.now()
    title_de = _required(title_de, "title_de", "A German title")
    message_de = _required(message_de, "message_de", "A German message")
    chosen = _components(components)
    steps.check_first_step(steps.INCIDENT, step)
    if impact not in Impact.values:
        raise ApplicationError(
            "invalid_impact", "Unknown impact.", fields={"impact": ["Unknown impact."]}
        )
    _check_estimate(estimated_fix_at, now)
    event = Event(
        kind=EventKind.INCIDENT,
        title_de=title_de,
        title_en=title_en.strip(),
        step=step,
        impact=impact,
        estimated_fix_at=estimated_fix_at,
        created_by=acting_user,
    )
    event.save()
    event.components.set(chosen)
    update = _append(
        event,
        step=step,
        message_de=message_de,
        message_en=message_en.strip(),
        author=_author(acting_user),
        now=now,
    )
    event.save()
    record_create(event, acting_user, components=_names(chosen), message_de=message_de)
    page_changed()
    _notify(update)
    return event


@transaction.atomic
def event_post_update(
    *,
    event: Event,
    acting_user: Account | None,
    step: str,
    message_de: str,
    message_en: str = "",
    estimated_fix_at: Any = KEEP,
    now: dt.datetime | None = None,
) -> EventUpdate:
    """Post the next step of an incident or maintenance; steps only move forward, a further
    message in the same step is allowed (STA-2, STA-3). An incident's estimated fix time
    can be set or cleared with it (STA-8)."""
    ensure_staff(acting_user)
    now = now or timezone.now()
    event = Event.objects.select_for_update().get(pk=event.pk)
    message_de = _required(message_de, "message_de", "A German message")
    steps.check_transition(event.kind, event.step, step)
    if event.kind == EventKind.MAINTENANCE and step in {steps.IN_PROGRESS, steps.COMPLETED}:
        assert event.scheduled_start is not None
        if event.step == steps.SCHEDULED and now < event.scheduled_start:
            raise ApplicationError(
                "maintenance_not_started",
                "The announced window has not begun; maintenance cannot start early.",
                fields={"step": ["The announced window has not begun."]},
                status=409,
            )
    before = audit.snapshot(event)
    if estimated_fix_at is not KEEP:
        if event.kind != EventKind.INCIDENT:
            raise ApplicationError(
                "estimate_only_for_incidents",
                "Only incidents carry an estimated fix time.",
                fields={"estimated_fix_at": ["Only incidents carry an estimated fix time."]},
            )
        _check_estimate(estimated_fix_at, now)
        event.estimated_fix_at = estimated_fix_at
    update = _append(
        event,
        step=step,
        message_de=message_de,
        message_en=(message_en or "").strip(),
        author=_author(acting_user),
        now=now,
    )
    event.save()
    record_create(update, acting_user)
    record_update(event, acting_user, before)
    page_changed()
    _notify(update)
    return update


@transaction.atomic
def event_update_details(
    *, event: Event, acting_user: Account | None, data: Mapping[str, Any]
) -> Event:
    """Change title, impact, affected components or the estimated fix time of an open event;
    the updates themselves stay as they were posted."""
    ensure_staff(acting_user)
    unknown = set(data) - DETAIL_FIELDS
    if unknown:
        raise ApplicationError(
            "unknown_fields",
            "These fields cannot be set here: " + ", ".join(sorted(unknown)),
            fields={name: ["This field cannot be set here."] for name in sorted(unknown)},
        )
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not event.is_open:
        raise ApplicationError(
            "event_closed", "This event has ended; its details are history now.", status=409
        )
    now = timezone.now()
    before = audit.snapshot(event)
    extra: dict[str, Any] = {}
    if "title_de" in data:
        event.title_de = _required(data["title_de"], "title_de", "A German title")
    if "title_en" in data:
        event.title_en = (data["title_en"] or "").strip()
    if "impact" in data:
        if event.kind != EventKind.INCIDENT or data["impact"] not in Impact.values:
            raise ApplicationError(
                "invalid_impact", "Unknown impact.", fields={"impact": ["Unknown impact."]}
            )
        event.impact = data["impact"]
    if "estimated_fix_at" in data:
        if event.kind != EventKind.INCIDENT and data["estimated_fix_at"] is not None:
            raise ApplicationError(
                "estimate_only_for_incidents",
                "Only incidents carry an estimated fix time.",
                fields={"estimated_fix_at": ["Only incidents carry an estimated fix time."]},
            )
        _check_estimate(data["estimated_fix_at"], now)
        event.estimated_fix_at = data["estimated_fix_at"]
    if "components" in data:
        old = _names(list(event.components.all()))
        chosen = _components(data["components"])
        if _names(chosen) != old:
            event.components.set(chosen)
            extra["components"] = [old, _names(chosen)]
    event.save()
    if record_update(event, acting_user, before, **extra):
        page_changed()
    return event


@transaction.atomic
def maintenance_schedule(
    *,
    acting_user: Account | None,
    title_de: str,
    components: Sequence[Component],
    scheduled_start: dt.datetime,
    scheduled_end: dt.datetime,
    message_de: str,
    title_en: str = "",
    message_en: str = "",
    urgent: bool = False,
    urgent_reason: str = "",
    urgent_explanation: str = "",
    now: dt.datetime | None = None,
) -> Event:
    """Announce a maintenance window (STA-3, OPS-2): outside service hours, at least seven
    days ahead (urgent fault or security work: one hour, with a reason). Subscribers of the
    components and every reseller admin hear of it at once (STA-6, OPS-5)."""
    ensure_staff(acting_user)
    now = now or timezone.now()
    title_de = _required(title_de, "title_de", "A German title")
    message_de = _required(message_de, "message_de", "A German message")
    chosen = _components(components)
    check_window(
        start=scheduled_start,
        end=scheduled_end,
        now=now,
        urgent=urgent,
        urgent_reason=urgent_reason,
        urgent_explanation=urgent_explanation,
    )
    event = Event(
        kind=EventKind.MAINTENANCE,
        title_de=title_de,
        title_en=title_en.strip(),
        step=steps.SCHEDULED,
        scheduled_start=scheduled_start,
        scheduled_end=scheduled_end,
        urgent=urgent,
        urgent_reason=urgent_reason if urgent else "",
        urgent_explanation=urgent_explanation.strip() if urgent else "",
        created_by=acting_user,
    )
    event.save()
    event.components.set(chosen)
    update = _append(
        event,
        step=steps.SCHEDULED,
        message_de=message_de,
        message_en=message_en.strip(),
        author=_author(acting_user),
        now=now,
    )
    event.save()
    record_create(event, acting_user, components=_names(chosen), message_de=message_de)
    page_changed()
    _notify(update)

    def announce() -> None:
        from ..tasks import announce_maintenance

        announce_maintenance.delay(str(event.pk))

    transaction.on_commit(announce)
    return event


def maintenance_tick(*, now: dt.datetime | None = None) -> list[EventUpdate]:
    """Move every maintenance whose window has begun to in progress and every one whose window
    has ended to completed (Celery beat, every minute). Each move is its own transaction and
    re-checks the step under a row lock, so two ticks never post the same step twice."""
    now = now or timezone.now()
    posted: list[EventUpdate] = []
    due = Event.objects.filter(
        kind=EventKind.MAINTENANCE,
        step__in=[Step.SCHEDULED, Step.IN_PROGRESS],
        scheduled_start__lte=now,
    ).values_list("pk", flat=True)
    for pk in list(due):
        posted.extend(_advance_one(pk, now))
    return posted


@transaction.atomic
def _advance_one(pk: Any, now: dt.datetime) -> list[EventUpdate]:
    event = Event.objects.select_for_update().get(pk=pk)
    assert event.scheduled_start is not None and event.scheduled_end is not None
    posted = []
    wanted = []
    if event.step == steps.SCHEDULED and event.scheduled_start <= now:
        wanted.append(steps.IN_PROGRESS)
    if event.step in {steps.SCHEDULED, steps.IN_PROGRESS} and event.scheduled_end <= now:
        wanted.append(steps.COMPLETED)
    for step in wanted:
        before = audit.snapshot(event)
        de, en = AUTO_MESSAGES[step]
        update = _append(event, step=step, message_de=de, message_en=en, author="system", now=now)
        event.save()
        record_create(update, None)
        record_update(event, None, before)
        _notify(update)
        posted.append(update)
    if posted:
        page_changed()
    return posted
