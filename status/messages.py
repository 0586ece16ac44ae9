"""The words of notifications: a step by e-mail and SMS (STA-6), the SMS confirmation (STA-5),
the announcement of a maintenance to reseller admins and the notice they pass on (OPS-5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from . import steps
from .models import Component, Event, EventUpdate
from .texts import kind_label, localized, step_label, texts
from .wording import format_duration, format_moment

SMS_LIMIT = 306  # two concatenated GSM-7 segments


def status_url(lang: str) -> str:
    return f"{settings.STATUS_BASE_URL}/" + ("en/" if lang == "en" else "")


def unsubscribe_url(token: str) -> str:
    return f"{settings.STATUS_BASE_URL}/unsubscribe/{token}/"


@dataclass(frozen=True)
class StepMessage:
    """A step rendered once per language; each recipient's footer is added when writing rows."""

    subject: str
    body: str
    sms: str


def window_lines(event: Event, lang: str) -> list[str]:
    t = texts(lang)
    if event.scheduled_start is None or event.scheduled_end is None:
        return []
    length = (event.scheduled_end - event.scheduled_start).total_seconds()
    return [
        f"{t['scheduled_for']}: {format_moment(event.scheduled_start, lang)}",
        f"{t['expected_duration']}: {format_duration(length, lang)}",
    ]


def render_step(
    event: Event, update: EventUpdate, components: Sequence[Component], lang: str
) -> StepMessage:
    t = texts(lang)
    title = localized(event, "title", lang)
    step = step_label(update.step, lang)
    kind = kind_label(event.kind, lang)
    message = localized(update, "message", lang)
    names = ", ".join(localized(c, "name", lang) for c in components)
    lines = [title, f"{step} · {format_moment(update.posted_at, lang)}", "", message, ""]
    lines.append(f"{t['affected']}: {names}")
    if event.kind == steps.MAINTENANCE:
        lines.extend(window_lines(event, lang))
        if event.scheduled_end is not None and update.step == steps.IN_PROGRESS:
            lines.append(f"{t['expected_end']}: {format_moment(event.scheduled_end, lang)}")
    elif event.estimated_fix_at is not None and not steps.is_final(update.step):
        lines.append(f"{t['estimated_fix']}: {format_moment(event.estimated_fix_at, lang)}")
    lines.extend(["", f"{t['mail_page']} {status_url(lang)}"])
    sms = f"stimme {kind}: {title} – {step}. {message}"
    tail = f" {status_url(lang)}"
    if len(sms) + len(tail) > SMS_LIMIT:
        sms = sms[: SMS_LIMIT - len(tail) - 1].rstrip() + "…"
    return StepMessage(subject=f"[{kind}] {title} – {step}", body="\n".join(lines), sms=sms + tail)


def email_footer(token: str, lang: str) -> str:
    t = texts(lang)
    return f"\n\n-- \n{t['mail_footer']}\n{t['mail_unsubscribe']} {unsubscribe_url(token)}\n"


def unsubscribe_headers(token: str) -> dict[str, str]:
    """RFC 2369 / RFC 8058: mailbox providers offer one-click unsubscribe with these."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(token)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def sms_confirmation(token: str, lang: str) -> str:
    return texts(lang)["sms_confirm"].format(link=unsubscribe_url(token))


def maintenance_announcement(
    event: Event, components: Sequence[Component], link: str
) -> tuple[str, str]:
    """The mail to reseller admins (German, then English): the window, the components, the
    text, and where to pass it on to their customers (OPS-5)."""
    assert event.scheduled_start is not None
    blocks = []
    for lang in ("de", "en"):
        t = texts(lang)
        names = ", ".join(localized(c, "name", lang) for c in components)
        lines = [
            localized(event, "title", lang),
            *window_lines(event, lang),
            f"{t['affected']}: {names}",
        ]
        if event.urgent:
            lines.append(f"{t['urgent']}: {event.urgent_explanation}")
        first = event.updates.order_by("sequence").first()
        if first is not None:
            lines.extend(["", localized(first, "message", lang)])
        blocks.append("\n".join(lines))
    intro = (
        "Guten Tag,\n\nwir kündigen folgende Wartungsarbeiten an. Im Portal können Sie die "
        f"Ankündigung mit einem Klick an die Administratoren Ihrer Kunden weitergeben:\n{link}\n"
    )
    subject = (
        f"stimme Wartungsankündigung: {event.title_de} "
        f"({format_moment(event.scheduled_start, 'de', weekday=False)})"
    )
    return subject, intro + "\n" + blocks[0] + "\n\n— English —\n\n" + blocks[1] + "\n"


def notice_draft(
    event: Event, components: Sequence[Component], reseller_name: str
) -> tuple[str, str]:
    """The prepared text a reseller sends to its customers' admins; editable before sending."""
    assert event.scheduled_start is not None and event.scheduled_end is not None
    names = ", ".join(c.name_de for c in components)
    length = format_duration((event.scheduled_end - event.scheduled_start).total_seconds(), "de")
    first = event.updates.order_by("sequence").first()
    details = first.message_de if first is not None else ""
    subject = (
        f"Wartungsarbeiten an Ihrer Telefonanlage am "
        f"{format_moment(event.scheduled_start, 'de', weekday=False)}"
    )
    body = (
        "Guten Tag,\n\n"
        "unser Plattformbetreiber führt Wartungsarbeiten durch, die Ihre Telefonanlage "
        "betreffen können:\n\n"
        f"{event.title_de}\n"
        f"Beginn: {format_moment(event.scheduled_start, 'de')}\n"
        f"Voraussichtliche Dauer: {length}\n"
        f"Betroffen: {names}\n\n"
        f"{details}\n\n"
        f"Den aktuellen Stand finden Sie jederzeit unter {status_url('de')}\n\n"
        f"Mit freundlichen Grüßen\n{reseller_name}\n"
    )
    return subject, body
