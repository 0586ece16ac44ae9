"""The one exception type services raise for rule violations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ApplicationError(Exception):
    """A business rule refused the request.

    ``code`` is a stable machine-readable name (e.g. ``demo_user_limit``); ``message`` is the
    service's English text, kept as the fallback; ``fields`` maps input field names to messages
    where the rule concerns a field. ``params`` are the details the message of ``code`` in
    ``provisioning.messages`` names (e.g. the conflicting name), so people read it in the
    language of their request. ``status`` is the HTTP status the API answers with (400 or 409).
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        fields: dict[str, list[str]] | None = None,
        params: Mapping[str, Any] | None = None,
        status: int = 400,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.params = dict(params or {})
        self.status = status


REFERRERS_NAMED = 5
"""How many of the objects still referring to a deleted one a refusal names."""


def still_referenced(error: Exception) -> ApplicationError:
    """The refusal of a delete the database's protected references stopped (a ``ProtectedError``
    or ``RestrictedError``), naming the first few objects that still point at the one deleted,
    each as its kind and name in the language the message is read in (409, ``in_use``)."""
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy

    objects = list(getattr(error, "protected_objects", None) or [])
    objects += list(getattr(error, "restricted_objects", None) or [])
    referrers: list[Any] = []
    for obj in objects:
        referrer = format_lazy(
            gettext_lazy("{kind} „{name}“"), kind=obj._meta.verbose_name, name=str(obj)
        )
        if str(referrer) not in {str(r) for r in referrers}:
            referrers.append(referrer)
        if len(referrers) == REFERRERS_NAMED:
            break
    names = ", ".join(str(r) for r in referrers)
    return ApplicationError(
        "in_use",
        f"Still used by {names}; remove or change these first.",
        params={"referrers": referrers},
        status=409,
    )
