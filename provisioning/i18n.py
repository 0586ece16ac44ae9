"""Saying a German msgid in the language of the request.

The project's msgids are German (the default language); English lives in the catalogue
``portal/locale/en``. Texts that also exist in English elsewhere (a service's ``message``, the
English templates of ``telephony``) fall back to that English where the English catalogue has
no translation yet, so an English request never sees German and a German one never English.
Numbers and dates in parameters are written in the locale of the request.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import get_language, gettext

__all__ = ["fill", "is_german", "localized", "translated"]


def is_german() -> bool:
    """Is the active language German (the language of the msgids)?"""
    language = get_language()
    return language is None or language.split("-")[0] == "de"


def translated(msgid: str) -> str | None:
    """``msgid`` in the active language, or None where that language has no translation of it
    (so the caller can use its English instead)."""
    text = gettext(msgid)
    if text == msgid and not is_german():
        return None
    return text


class _LocaleFormatter(string.Formatter):
    """``str.format`` with numbers in the active locale (``12,50`` in German) and aware times in
    the current time zone; the format spec (``.2f``, ``%d.%m.%Y``) is the template's."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        if isinstance(value, float | Decimal):
            text = format(value, format_spec or "g")
            return text.replace(".", str(formats.get_format("DECIMAL_SEPARATOR")))
        return str(format(value, format_spec))


_FORMATTER = _LocaleFormatter()


def fill(template: str, params: Mapping[str, Any]) -> str:
    """A ``str.format`` template filled in the active locale."""
    return _FORMATTER.vformat(template, (), params)


def localized(value: Any) -> str:
    """A parameter of a ``%(name)s`` message in the active locale."""
    if isinstance(value, float | Decimal):
        return _FORMATTER.format_field(value, "")
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return str(formats.date_format(value, "SHORT_DATETIME_FORMAT"))
    if isinstance(value, date):
        return str(formats.date_format(value, "SHORT_DATE_FORMAT"))
    return str(value)
