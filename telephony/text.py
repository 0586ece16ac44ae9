"""Texts for people that keep their code, so a caller with translations can say them again.

The telephony packages run without Django (the network probe runs on a customer's laptop), so
they write English. Every sentence they produce for people is a :class:`Text`: a ``str`` that
*is* the English sentence, and that also carries the ``code`` of its template and the
``params`` filled in. Plain-Python callers, the JSON of the API and the tests simply use the
string; the portal renders the same code and parameters with its German templates (and the
English catalogue) in the language of the request.

Parameters are strings, numbers, dates and times, or Texts themselves (a label inside a
sentence); :func:`join` makes one Text of several.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["JOIN", "Templates", "Text", "join"]

JOIN = "join"
"""The code of :func:`join`: ``items`` joined by ``sep``."""


class Text(str):
    """An English sentence with the ``code`` of its template and its ``params``."""

    code: str
    params: Mapping[str, Any]

    def __new__(cls, code: str, english: str, params: Mapping[str, Any] | None = None) -> Text:
        text = super().__new__(cls, english)
        text.code = code
        text.params = dict(params or {})
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        # Copies and pickles keep the code and parameters (``dataclasses.asdict`` copies).
        return (Text, (self.code, str(self), dict(self.params)))

    def __repr__(self) -> str:
        return f"Text({self.code!r}, {str(self)!r})"


def join(items: Iterable[str], sep: str) -> Text:
    """Several texts as one, e.g. the nodes of a loop or the reasons of a decision."""
    parts = tuple(items)
    return Text(JOIN, sep.join(parts), {"items": parts, "sep": sep})


class Templates:
    """English templates by code (``str.format``); calling it makes a :class:`Text`."""

    def __init__(self, english: Mapping[str, str]) -> None:
        self.english = english

    def __call__(self, code: str, /, **params: Any) -> Text:
        return Text(code, self.english[code].format(**params), params)
