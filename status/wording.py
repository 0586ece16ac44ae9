"""How the page words durations and numbers (STA-4), in German and English, as pure functions.

Durations are cut to whole minutes (an event of 1 h 10 min 38 s "lasted 1 h 10 min"), the way
people read a clock; under a minute reads "less than 1 min".
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from . import steps

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
