"""The portal's one bridge from a service refusal to the page.

A service refuses with ``ApplicationError`` (a rule) or a model's ``ValidationError`` (a value);
:func:`show_refusal` puts it beside the field it names, above the form, or — for a button
without a form — as a message above the page. The words come from the one catalogue in
``provisioning.messages``, in the language of the request, the same the API answers with.
:func:`attempt` and :func:`perform` run a service call and show its refusal that way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError, RestrictedError
from django.forms import BaseForm
from django.http import HttpRequest

from provisioning import messages
from provisioning.errors import ApplicationError, still_referenced
from provisioning.permissions import PermissionDeniedError

__all__ = ["attempt", "perform", "show_refusal"]

T = TypeVar("T")


def show_refusal(
    target: BaseForm | HttpRequest,
    error: ApplicationError | ValidationError,
    *,
    aliases: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Show ``error`` on a form (beside each field it names that the form has, else above the
    form) or, given a request, as an error message above the page. ``aliases`` names the form
    fields of a service field the form splits up (the ``prices`` of a price list are one field
    per item)."""
    if isinstance(error, ValidationError):
        _show_validation_error(target, error)
        return
    text = messages.message(error)
    if isinstance(target, HttpRequest):
        flash.error(target, text)
        return
    named = [alias for name in error.fields for alias in (aliases or {}).get(name, [name])]
    fields: list[str | None] = [name for name in named if name in target.fields]
    for name in fields or [None]:
        target.add_error(name, text)


def _show_validation_error(target: BaseForm | HttpRequest, error: ValidationError) -> None:
    """A model's ``full_clean`` inside a service refused a value."""
    if isinstance(target, HttpRequest):
        for text in error.messages:
            flash.error(target, text)
    elif hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target.add_error(name if name in target.fields else None, errors)
    else:
        target.add_error(None, error)


def attempt(
    target: BaseForm | HttpRequest,
    action: Callable[[], T],
    *,
    aliases: Mapping[str, Sequence[str]] | None = None,
) -> T | None:
    """Run a service call; its result, or None with the refusal shown on ``target``. A role
    that may not make the change gets 403."""
    try:
        return action()
    except PermissionDeniedError:
        raise PermissionDenied from None
    except (ApplicationError, ValidationError) as error:
        show_refusal(target, error, aliases=aliases)
    except (ProtectedError, RestrictedError) as error:
        show_refusal(target, still_referenced(error))
    return None


def perform(request: HttpRequest, action: Callable[[], Any], done: str) -> bool:
    """Run a service call of a button (delete, activate, log out): ``done`` as a success
    message, or the refusal as an error message. Whether it was done."""
    try:
        action()
    except PermissionDeniedError:
        raise PermissionDenied from None
    except (ApplicationError, ValidationError) as error:
        show_refusal(request, error)
        return False
    except (ProtectedError, RestrictedError) as error:
        show_refusal(request, still_referenced(error))
        return False
    flash.success(request, done)
    return True
