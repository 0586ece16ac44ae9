"""The page as Statuspage's public ``/api/v2/`` documents, so existing widgets and monitors
can read it (summary.json, status.json, components.json, incidents.json, …).

Our model stays the source; this is a view of it: recovering is Statuspage's ``monitoring``, a
false alarm ends as ``resolved`` with ``"stimme_step": "false_alarm"``; every component and
event also carries its English name in ``stimme_name_en``. Texts are German, the page's
default language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from . import selectors, steps
from .models import Event, EventKind, Impact
from .texts import texts

PAGE_ID = "stimme"
STEP_STATUS = {
    steps.INVESTIGATING: "investigating",
    steps.IDENTIFIED: "identified",
    steps.RECOVERING: "monitoring",
    steps.RESOLVED: "resolved",
    steps.FALSE_ALARM: "resolved",
    steps.SCHEDULED: "scheduled",
    steps.IN_PROGRESS: "in_progress",
    steps.COMPLETED: "completed",
}
IMPACT_COMPONENT_STATUS: dict[str, str] = {
    Impact.MINOR: "degraded_performance",
    Impact.MAJOR: "partial_outage",
    Impact.CRITICAL: "major_outage",
}
COMPONENT_RANK = {
    "operational": 0,
    "under_maintenance": 1,
    "degraded_performance": 2,
    "partial_outage": 3,
    "major_outage": 4,
}
INDICATOR_DESCRIPTION = {
    "none": "status_none",
    "minor": "status_minor",
    "major": "status_major",
    "critical": "status_critical",
    "maintenance": "status_maintenance",
}


def iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(selectors.BERLIN).isoformat(timespec="milliseconds")


def _component_doc(component: Any, status: str, position: int) -> dict[str, Any]:
    return {
        "id": str(component.pk),
        "name": component.name_de,
        "stimme_name_en": component.name_en or component.name_de,
        "status": status,
        "created_at": iso(component.created_at),
        "updated_at": iso(component.updated_at),
        "position": position,
        "description": component.description_de or None,
        "showcase": True,
        "start_date": None,
        "group_id": str(component.group_id) if component.group_id else None,
        "page_id": PAGE_ID,
        "group": False,
        "only_show_if_degraded": False,
    }


def _event_doc(event: Event, component_docs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    updates = list(event.updates.all())
    first = updates[0] if updates else None
    monitoring = next((u.posted_at for u in updates if u.step == steps.RECOVERING), None)
    doc: dict[str, Any] = {
        "id": str(event.pk),
        "name": event.title_de,
        "stimme_name_en": event.title_en or event.title_de,
        "stimme_kind": event.kind,
        "stimme_step": event.step,
        "status": STEP_STATUS[event.step],
        "impact": event.impact if event.kind == EventKind.INCIDENT else "maintenance",
        "created_at": iso(first.posted_at if first else event.created_at),
        "updated_at": iso(updates[-1].posted_at if updates else event.updated_at),
        "monitoring_at": iso(monitoring),
        "resolved_at": iso(event.ended_at),
        "started_at": iso(event.started_at or (first.posted_at if first else None)),
        "shortlink": f"{settings.STATUS_BASE_URL}/#event-{event.pk}",
        "page_id": PAGE_ID,
        "incident_updates": [
            {
                "id": str(u.pk),
                "status": STEP_STATUS[u.step],
                "stimme_step": u.step,
                "body": u.message_de,
                "stimme_body_en": u.message_en or u.message_de,
                "incident_id": str(event.pk),
                "created_at": iso(u.posted_at),
                "updated_at": iso(u.posted_at),
                "display_at": iso(u.posted_at),
            }
            for u in reversed(updates)
        ],
        "components": [
            component_docs[str(c.pk)] for c in event.components.all() if str(c.pk) in component_docs
        ],
    }
    if event.kind == EventKind.MAINTENANCE:
        doc["scheduled_for"] = iso(event.scheduled_start)
        doc["scheduled_until"] = iso(event.scheduled_end)
    elif event.estimated_fix_at is not None and event.is_open:
        doc["stimme_estimated_fix_at"] = iso(event.estimated_fix_at)
    return doc


def statuspage_documents(*, now: dt.datetime) -> dict[str, dict[str, Any]]:
    """Every v2 document by name (see ``publish.JSON_PATHS``)."""
    components = selectors.visible_components()
    active = selectors.open_events()
    states = selectors.component_states(components, active)
    docs: dict[str, dict[str, Any]] = {}
    rows: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for position, component in enumerate(components, start=1):
        state = states[component.pk]
        if state.state == selectors.DEGRADED:
            status = IMPACT_COMPONENT_STATUS.get(state.impact, "partial_outage")
        elif state.state == selectors.MAINTENANCE:
            status = "under_maintenance"
        else:
            status = "operational"
        doc = _component_doc(component, status, position)
        docs[str(component.pk)] = doc
        if component.group is not None:
            key = str(component.group_id)
            group = groups.get(key)
            if group is None:
                group = groups[key] = {
                    "id": key,
                    "name": component.group.name_de,
                    "stimme_name_en": component.group.name_en or component.group.name_de,
                    "status": "operational",
                    "created_at": iso(component.group.created_at),
                    "updated_at": iso(component.group.updated_at),
                    "position": position,
                    "description": None,
                    "showcase": False,
                    "start_date": None,
                    "group_id": None,
                    "page_id": PAGE_ID,
                    "group": True,
                    "only_show_if_degraded": False,
                    "components": [],
                }
                rows.append(group)
            group["components"].append(str(component.pk))
            if COMPONENT_RANK[status] > COMPONENT_RANK[group["status"]]:
                group["status"] = status
        rows.append(doc)

    open_incidents = [e for e in active if e.kind == EventKind.INCIDENT]
    running = [e for e in active if e.kind == EventKind.MAINTENANCE]
    upcoming = selectors.upcoming_maintenance()
    recent = selectors.recent_history(now=now, days=7)
    if open_incidents:
        worst = max(open_incidents, key=lambda e: selectors.IMPACT_RANK.get(e.impact, 0))
        indicator = worst.impact or "major"
    elif running:
        indicator = "maintenance"
    else:
        indicator = "none"
    page = {
        "id": PAGE_ID,
        "name": "stimme",
        "url": settings.STATUS_BASE_URL + "/",
        "time_zone": "Europe/Berlin",
        "updated_at": iso(now),
    }
    overall = {
        "indicator": indicator,
        "description": texts("en")[INDICATOR_DESCRIPTION[indicator]],
        "stimme_description_de": texts("de")[INDICATOR_DESCRIPTION[indicator]],
    }

    def events(items: list[Event]) -> list[dict[str, Any]]:
        return [_event_doc(e, docs) for e in items]

    recent_incidents = [e for e in recent if e.kind == EventKind.INCIDENT]
    recent_maintenance = [e for e in recent if e.kind == EventKind.MAINTENANCE]
    return {
        "summary": {
            "page": page,
            "status": overall,
            "components": rows,
            "incidents": events(open_incidents),
            "scheduled_maintenances": events(running + upcoming),
        },
        "status": {"page": page, "status": overall},
        "components": {"page": page, "components": rows},
        "incidents": {"page": page, "incidents": events(open_incidents + recent_incidents)},
        "unresolved": {"page": page, "incidents": events(open_incidents)},
        "maintenances": {
            "page": page,
            "scheduled_maintenances": events(running + upcoming + recent_maintenance),
        },
        "upcoming": {"page": page, "scheduled_maintenances": events(upcoming)},
        "active": {"page": page, "scheduled_maintenances": events(running)},
    }
