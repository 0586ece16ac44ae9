"""How the page words durations and numbers (STA-4), in German and English, as pure functions.

Durations are cut to whole minutes (an event of 1 h 10 min 38 s "lasted 1 h 10 min"), the way
people read a clock; under a minute reads "less than 1 min".
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from . import steps
from .maintenance_rules import BERLIN

UNITS = {
    "de": ("Tg.", "Std.", "Min."),
    "en": ("d", "h", "min"),
}


def _lang(lang: str) -> str:
    return lang if lang in UNITS else "de"


def duration_parts(seconds: float) -> tuple[int, int, int]:
    """Whole days, hours and minutes in ``seconds`` (cut, not rounded)."""
    minutes = max(0, int(seconds // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    return days, hours, minutes


def format_duration(seconds: float, lang: str = "de") -> str:
    """``1 Std. 10 Min.`` / ``1 h 10 min``; zero parts are left out."""
    day_unit, hour_unit, minute_unit = UNITS[_lang(lang)]
    days, hours, minutes = duration_parts(seconds)
    if not (days or hours or minutes):
        return "weniger als 1 Min." if _lang(lang) == "de" else "less than 1 min"
    parts = []
    if days:
        parts.append(f"{days} {day_unit}")
    if hours:
        parts.append(f"{hours} {hour_unit}")
    if minutes:
        parts.append(f"{minutes} {minute_unit}")
    return " ".join(parts)


def duration_phrase(kind: str, final_step: str, seconds: float, lang: str = "de") -> str:
    """What an ended event's history line says about its length (STA-4):
    ``dauerte 1 Std. 10 Min.``, ``nach 16 Min. als Fehlalarm geschlossen``,
    ``geplant, dauerte 15 Min.`` (English: ``lasted …``, ``closed as false alarm after …``,
    ``planned, lasted …``)."""
    lang = _lang(lang)
    length = format_duration(seconds, lang)
    if kind == steps.MAINTENANCE:
        return f"geplant, dauerte {length}" if lang == "de" else f"planned, lasted {length}"
    if final_step == steps.FALSE_ALARM:
        if lang == "de":
            return f"nach {length} als Fehlalarm geschlossen"
        return f"closed as false alarm after {length}"
    return f"dauerte {length}" if lang == "de" else f"lasted {length}"


def duration_sentence(kind: str, final_step: str, seconds: float, lang: str = "de") -> str:
    """The phrase as a sentence: ``Dauerte 1 Std. 10 Min.``"""
    phrase = duration_phrase(kind, final_step, seconds, lang)
    return phrase[:1].upper() + phrase[1:] + ("" if phrase.endswith(".") else ".")


def percent(ratio: float, lang: str = "de", places: int = 2) -> str:
    """A ratio as ``99,95 %`` / ``99.95 %`` — cut, never rounded up to 100 %."""
    quantum = Decimal(1).scaleb(-places)
    number = (Decimal(str(ratio)) * 100).quantize(quantum, rounding=ROUND_DOWN)
    text = f"{number:.{places}f}"
    if _lang(lang) == "de":
        text = text.replace(".", ",")
    return f"{text} %"


def format_moment(moment: dt.datetime, lang: str = "de", *, weekday: bool = True) -> str:
    """A moment in Berlin time: ``Sa. 09.01.2027 22:00 MEZ`` / ``Sat 9 Jan 2027 22:00 CET``."""
    local = moment.astimezone(BERLIN)
    summer = bool(local.dst())
    if _lang(lang) == "de":
        zone = "MESZ" if summer else "MEZ"
        text = f"{local:%d.%m.%Y %H:%M} {zone}"
        day = ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So.")[local.weekday()]
    else:
        zone = "CEST" if summer else "CET"
        month = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
        text = f"{local.day} {month[local.month - 1]} {local.year} {local:%H:%M} {zone}"
        day = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[local.weekday()]
    return f"{day} {text}" if weekday else text


def format_time(moment: dt.datetime, lang: str = "de") -> str:
    """``22:05:13 MEZ`` — the time of an update within a day."""
    local = moment.astimezone(BERLIN)
    summer = bool(local.dst())
    zone = ("MESZ" if summer else "MEZ") if _lang(lang) == "de" else ("CEST" if summer else "CET")
    return f"{local:%H:%M:%S} {zone}"


def format_day(day: dt.date, lang: str = "de") -> str:
    """``Sa. 09.01.2027`` / ``Sat 9 Jan 2027``."""
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=BERLIN)
    return format_moment(moment, lang).rsplit(" ", 2)[0]
