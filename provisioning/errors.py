"""The one exception type services raise for rule violations."""

from __future__ import annotations


class ApplicationError(Exception):
    """A business rule refused the request.

    ``code`` is a stable machine-readable name (e.g. ``demo_user_limit``); ``message`` is for
    people; ``fields`` maps input field names to messages where the rule concerns a field.
    ``status`` is the HTTP status the API answers with (400 or 409).
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        fields: dict[str, list[str]] | None = None,
        status: int = 400,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.status = status
