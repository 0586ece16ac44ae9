"""One error body for every API error: ``{"error": code, "message": text, "fields": {...}}``,
its texts in the language of the request (German unless ``Accept-Language`` asks for English)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from provisioning import messages as catalogue
from provisioning.errors import ApplicationError, still_referenced


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, messages in _flatten(value).items():
                    out[f"{key}.{sub}"] = messages
            elif isinstance(value, list):
                out[str(key)] = [str(v) for v in value]
            else:
                out[str(key)] = [str(value)]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]}
    return {"non_field_errors": [str(detail)]}


def error_response(
    code: str, message: str, http_status: int, fields: dict[str, list[str]] | None = None
) -> Response:
    return Response({"error": code, "message": message, "fields": fields or {}}, status=http_status)


def import_refused(errors: dict[int, dict[str, list[str]]]) -> Response:
    """A CSV import that imported nothing: the errors of each row (row 2 is the first data
    row), for users and phonebook entries alike."""
    return Response(
        {
            "error": "import_invalid",
            "message": f"{len(errors)} row(s) have errors; nothing was imported.",
            "fields": {},
            "rows": {str(line): row for line, row in sorted(errors.items())},
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404 | exceptions.NotFound):
        # The same answer for a foreign, an unknown and a malformed id.
        return error_response(
            "not_found", str(exceptions.NotFound.default_detail), status.HTTP_404_NOT_FOUND
        )
    if isinstance(exc, ProtectedError | RestrictedError):
        # A delete the database stopped: 409 naming what still refers to the object.
        exc = still_referenced(exc)
    if isinstance(exc, ApplicationError):
        # The rule's message in the request's language (German unless it asks for English).
        return error_response(
            exc.code, catalogue.message(exc), exc.status, catalogue.field_messages(exc)
        )
    if isinstance(exc, DjangoValidationError):
        fields = _flatten(exc.message_dict) if hasattr(exc, "error_dict") else {}
        first = next(iter(fields.values()), exc.messages)[0] if fields else exc.messages[0]
        return error_response("invalid", first, status.HTTP_400_BAD_REQUEST, fields)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        name, messages = next(iter(fields.items()), ("", ["Invalid input."]))
        message = f"{name}: {messages[0]}" if name and name != "non_field_errors" else messages[0]
        response.data = {"error": "invalid", "message": message, "fields": fields}
        return response
    if isinstance(exc, exceptions.APIException):
        detail = exc.detail
        message = str(detail) if not isinstance(detail, dict | list) else str(_flatten(detail))
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        response.data = {"error": str(code), "message": message, "fields": {}}
    return response
