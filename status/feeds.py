"""Atom feed of events (one entry per event, updated with each step) and an iCalendar feed of
maintenance windows, for feed readers and calendars (docs/status.md)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks

from . import selectors
from .models import Event, EventKind
from .texts import kind_label, localized, step_label, texts
from .wording import format_moment

FEED_EVENTS = 50
CALENDAR_DAYS = 90


def _page_url(lang: str) -> str:
    return f"{settings.STATUS_BASE_URL}/" + ("en/" if lang == "en" else "")


def atom_feed(lang: str, *, now: dt.datetime) -> str:
    t = texts(lang)
    events = list(
        selectors.events_with_details().order_by("-updated_at", "-created_at")[:FEED_EVENTS]
    )
    feed = Atom1Feed(
        title=t["feed_title"],
        link=_page_url(lang),
        description=t["title"],
        language=lang,
        feed_url=_page_url(lang) + "feed.atom",
        feed_guid=f"{settings.STATUS_BASE_URL}/#{lang}",
    )
    for event in events:
        updates = list(event.updates.all())
        if not updates:
            continue
        parts = []
        for update in reversed(updates):
            parts.append(
                f"<p><strong>{escape(step_label(update.step, lang))}</strong> · "
                f"{escape(format_moment(update.posted_at, lang))}</p>"
                f"{linebreaks(localized(update, 'message', lang))}"
            )
        names = ", ".join(localized(c, "name", lang) for c in event.components.all())
        parts.append(f"<p>{escape(t['affected'])}: {escape(names)}</p>")
        feed.add_item(
            title=(
                f"[{step_label(event.step, lang)}] {kind_label(event.kind, lang)}: "
                f"{localized(event, 'title', lang)}"
            ),
            link=f"{_page_url(lang)}#event-{event.pk}",
            description="".join(parts),
            unique_id=f"urn:uuid:{event.pk}",
            unique_id_is_permalink=False,
            pubdate=updates[0].posted_at,
            updateddate=updates[-1].posted_at,
            categories=[event.kind],
        )
    return feed.writeString("utf-8")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """RFC 5545: lines longer than 75 octets continue on the next line after a space."""
    out: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode()) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return [out[0]] + [" " + part for part in out[1:]]


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def maintenance_calendar(*, now: dt.datetime) -> str:
    """Upcoming, running and recent (90 days) maintenance windows as VEVENTs; a window's
    SEQUENCE counts its updates, so calendars pick up every change."""
    host = settings.STATUS_BASE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "stimme"
    t = texts("de")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//stimme//status page//DE",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(t['ical_name'])}",
        "X-WR-TIMEZONE:Europe/Berlin",
    ]
    events: list[Event] = list(
        selectors.events_with_details()
        .filter(
            kind=EventKind.MAINTENANCE,
            scheduled_end__gte=now - dt.timedelta(days=CALENDAR_DAYS),
        )
        .order_by("scheduled_start")
    )
    for event in events:
        assert event.scheduled_start is not None and event.scheduled_end is not None
        updates = list(event.updates.all())
        names = ", ".join(c.name_de for c in event.components.all())
        description = "\n\n".join(
            [
                *(
                    f"{step_label(u.step, 'de')} · {format_moment(u.posted_at, 'de')}: "
                    f"{u.message_de}"
                    for u in updates
                ),
                f"{t['affected']}: {names}",
                _page_url("de"),
            ]
        )
        last = updates[-1].posted_at if updates else event.updated_at
        summary = f"[{step_label(event.step, 'de')}] {event.title_de}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.pk}@{host}",
            f"DTSTAMP:{_utc(last)}",
            f"LAST-MODIFIED:{_utc(last)}",
            f"SEQUENCE:{len(updates)}",
            f"DTSTART:{_utc(event.scheduled_start)}",
            f"DTEND:{_utc(event.scheduled_end)}",
            f"SUMMARY:{_escape(summary)}",
            f"DESCRIPTION:{_escape(description)}",
            f"URL:{_page_url('de')}#event-{event.pk}",
            "STATUS:CONFIRMED",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in _fold(line))
