"""The public page and everything read from it (STA-1…STA-8): HTML in German and English, the
Statuspage-shaped JSON, the Atom feed, the iCalendar feed — rendered here so that the web views
and the static copy (``status_export``) serve the same bytes.

Rendered results are cached under the page revision (one small query per request), so a change
shows at once on every web process, and for at most ``STATUS_PAGE_CACHE_SECONDS`` otherwise
(the history and the 90-day bars move on with the clock).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from . import selectors, steps
from .models import Event, PageRevision
from .statuspage import statuspage_documents
from .texts import kind_label, localized, step_label, texts
from .wording import (
    duration_sentence,
    format_day,
    format_duration,
    format_moment,
    format_time,
    percent,
)

STEP_CLASS = {
    steps.INVESTIGATING: "investigating",
    steps.IDENTIFIED: "identified",
    steps.RECOVERING: "recovering",
    steps.RESOLVED: "resolved",
    steps.FALSE_ALARM: "false-alarm",
    steps.SCHEDULED: "scheduled",
    steps.IN_PROGRESS: "in-progress",
    steps.COMPLETED: "completed",
}

# Paths of the static copy, relative to its root (the live site serves the same under /status/).
JSON_PATHS = {
    "summary": "api/v2/summary.json",
    "status": "api/v2/status.json",
    "components": "api/v2/components.json",
    "incidents": "api/v2/incidents.json",
    "unresolved": "api/v2/incidents/unresolved.json",
    "maintenances": "api/v2/scheduled-maintenances.json",
    "upcoming": "api/v2/scheduled-maintenances/upcoming.json",
    "active": "api/v2/scheduled-maintenances/active.json",
}


@dataclass(frozen=True)
class Payload:
    """A rendered document as sent: its bytes, the same gzip-compressed, and its ETag."""

    data: bytes
    gzip: bytes
    etag: str

    @classmethod
    def of(cls, text: str) -> Payload:
        data = text.encode()
        digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()
        return cls(data, gzip.compress(data, compresslevel=6, mtime=0), f'"{digest}"')


_checked: dict[str, tuple[float, str]] = {}


def revision() -> str:
    """The page revision: its counter and the moment of the last change (so a counter that
    starts again, after a restore, never meets an old cache entry). A web process asks the
    database at most every ``STATUS_PAGE_REVISION_CHECK_SECONDS``; the process that made a
    change forgets its answer at once."""
    now = time.monotonic()
    known = _checked.get("revision")
    if known is not None and known[0] > now:
        return known[1]
    row = PageRevision.objects.filter(pk=1).values_list("revision", "changed_at").first()
    value = "0"
    if row is not None:
        number, changed_at = row
        value = f"{number}-{changed_at.timestamp() if changed_at else 0}"
    _checked["revision"] = (now + settings.STATUS_PAGE_REVISION_CHECK_SECONDS, value)
    return value


def forget_revision() -> None:
    _checked.clear()


def cached_payload(name: str, build: Callable[[], str]) -> Payload:
    """``build()`` rendered once per page revision (and at most every
    ``STATUS_PAGE_CACHE_SECONDS``), with its compressed form and ETag."""
    key = f"status:pub:{name}:{revision()}"
    value = cache.get(key)
    if value is None:
        value = Payload.of(build())
        cache.set(key, value, timeout=settings.STATUS_PAGE_CACHE_SECONDS)
    return value


def cached(name: str, build: Callable[[], str]) -> str:
    return cached_payload(name, build).data.decode()


# The page -------------------------------------------------------------------------------------


def _update_rows(event: Event, lang: str) -> list[dict[str, Any]]:
    """Newest first. ``time`` is the clock time alone on the day the event ended (the history
    lists events under that day) and the full date on any other day."""
    rows = []
    end_day = event.ended_at.astimezone(selectors.BERLIN).date() if event.ended_at else None
    for update in reversed(list(event.updates.all())):
        same_day = update.posted_at.astimezone(selectors.BERLIN).date() == end_day
        rows.append(
            {
                "step": step_label(update.step, lang),
                "step_class": STEP_CLASS[update.step],
                "when": format_moment(update.posted_at, lang),
                "time": (
                    format_time(update.posted_at, lang)
                    if same_day
                    else format_moment(update.posted_at, lang)
                ),
                "iso": update.posted_at.isoformat(),
                "message": localized(update, "message", lang),
            }
        )
    return rows


def _event_row(event: Event, lang: str) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": event.pk,
        "kind": kind_label(event.kind, lang),
        "title": localized(event, "title", lang),
        "step": step_label(event.step, lang),
        "step_class": STEP_CLASS[event.step],
        "components": [localized(c, "name", lang) for c in event.components.all()],
        "updates": _update_rows(event, lang),
        "urgent": event.urgent,
    }
    if event.scheduled_start and event.scheduled_end:
        row["scheduled_for"] = format_moment(event.scheduled_start, lang)
        row["scheduled_iso"] = event.scheduled_start.isoformat()
        row["expected_end"] = format_moment(event.scheduled_end, lang)
        row["expected_duration"] = format_duration(
            (event.scheduled_end - event.scheduled_start).total_seconds(), lang
        )
    if event.estimated_fix_at and event.is_open:
        row["estimated_fix"] = format_moment(event.estimated_fix_at, lang)
    if not event.is_open and event.ended_at and event.started_at:
        seconds = (event.ended_at - event.started_at).total_seconds()
        row["duration"] = duration_sentence(event.kind, event.step, seconds, lang)
        row["ended_day"] = format_day(event.ended_at.astimezone(selectors.BERLIN).date(), lang)
    return row


def _bar_rects(bars: list[selectors.DayBar], lang: str) -> list[dict[str, Any]]:
    """One rect per day; days with downtime or maintenance carry their date and length as a
    tooltip, plain good days none (the legend and the row's label say it), which keeps the
    page small."""
    t = texts(lang)
    rects = []
    for index, bar in enumerate(bars):
        title = ""
        if bar.downtime_seconds:
            title = f"{format_duration(bar.downtime_seconds, lang)} {t['downtime']}"
        elif bar.maintenance:
            title = f"{t['maintenance']}, {t['no_downtime']}"
        rects.append(
            {
                "x": index * 4,
                "level": bar.level,
                "title": f"{format_day(bar.day, lang)}: {title}" if title else "",
            }
        )
    return rects


def page_context(lang: str, *, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    t = texts(lang)
    components = selectors.visible_components()
    active = selectors.open_events()
    states = selectors.component_states(components, active)
    state_words = {
        selectors.OPERATIONAL: t["operational"],
        selectors.DEGRADED: t["degraded"],
        selectors.MAINTENANCE: t["maintenance"],
    }

    def state_row(state: selectors.ComponentState) -> dict[str, Any]:
        return {
            "name": localized(state.component, "name", lang),
            "description": localized(state.component, "description", lang),
            "state": state.state,
            "state_text": state_words[state.state],
            "step_class": STEP_CLASS[state.step] if state.step else "operational",
            "step": step_label(state.step, lang) if state.step else "",
        }

    groups = []
    for row in selectors.grouped(components, states):
        worst = row.worst
        groups.append(
            {
                "name": localized(row.group, "name", lang) if row.group else "",
                "collapsible": row.collapsible,
                "members": [state_row(m) for m in row.members],
                "summary": state_row(worst) if worst else None,
                "open": worst is not None,
            }
        )
    bars = selectors.daily_bars(components, now=now)
    history_days = []
    history = selectors.recent_history(now=now)
    today = now.astimezone(selectors.BERLIN).date()
    for offset in range(7):
        day = today - dt.timedelta(days=offset)
        events = [
            _event_row(e, lang)
            for e in history
            if e.ended_at and e.ended_at.astimezone(selectors.BERLIN).date() == day
        ]
        history_days.append({"day": format_day(day, lang), "events": events})
    other = "en" if lang == "de" else "de"
    return {
        "lang": lang,
        "t": t,
        "other_lang": other,
        "other_lang_url": "en/" if lang == "de" else "../",
        "root": "" if lang == "de" else "../",
        "status_base": settings.STATUS_BASE_URL,
        "portal_url": settings.PORTAL_BASE_URL,
        "report_url": getattr(settings, "STATUS_REPORT_URL", "") or "#report",
        "active": [_event_row(e, lang) for e in active],
        "groups": groups,
        "upcoming": [_event_row(e, lang) for e in selectors.upcoming_maintenance()],
        "history_days": history_days,
        "bars": [
            {
                "name": localized(c, "name", lang),
                "rects": _bar_rects(bars[c.pk][0], lang),
                "percent": percent(bars[c.pk][1].ratio, lang),
            }
            for c in components
        ],
        "updated": format_moment(now, lang),
        "updated_iso": now.isoformat(),
    }


def render_page(lang: str, *, now: dt.datetime | None = None) -> str:
    return render_to_string("status/public/page.html", page_context(lang, now=now))


def page(lang: str) -> Payload:
    return cached_payload(f"page:{lang}", lambda: render_page(lang))


# JSON, Atom and iCalendar -------------------------------------------------------------------


def json_document(name: str, *, now: dt.datetime | None = None) -> str:
    documents = statuspage_documents(now=now or timezone.now())
    return json.dumps(documents[name], ensure_ascii=False, indent=None, separators=(",", ":"))


def json_cached(name: str) -> Payload:
    return cached_payload(f"json:{name}", lambda: json_document(name))


def atom(lang: str, *, now: dt.datetime | None = None) -> str:
    from .feeds import atom_feed

    return atom_feed(lang, now=now or timezone.now())


def ical(*, now: dt.datetime | None = None) -> str:
    from .feeds import maintenance_calendar

    return maintenance_calendar(now=now or timezone.now())


# The static copy ------------------------------------------------------------------------------


def site_files(*, now: dt.datetime | None = None) -> dict[str, str]:
    """Every file of the static copy by its path relative to the root."""
    now = now or timezone.now()
    documents = statuspage_documents(now=now)
    files = {
        "index.html": render_page("de", now=now),
        "en/index.html": render_page("en", now=now),
        "feed.atom": atom("de", now=now),
        "en/feed.atom": atom("en", now=now),
        "maintenance.ics": ical(now=now),
    }
    for name, path in JSON_PATHS.items():
        files[path] = json.dumps(documents[name], ensure_ascii=False, separators=(",", ":"))
    return files


def export_site(directory: str | os.PathLike[str], *, now: dt.datetime | None = None) -> Path:
    """Write the static copy into ``directory``; each file is replaced atomically, so a web
    server reading it never sees half a file."""
    root = Path(directory)
    for relative, content in site_files(now=now).items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    return root
