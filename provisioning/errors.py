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
