"""``string_if_invalid`` for the tests: a portal template that names an unknown variable fails.

Django renders an unknown variable as an empty string, so a typo such as ``{{ invocie.number }}``
passes every test. In the tests the template engine's ``string_if_invalid`` is an object that
raises :class:`InvalidTemplateVariable` when the variable sits in one of the portal's own
templates (``portal/templates``). Templates of Django's admin and of other packages rely on
the silence (Django's documentation says so), so for them it behaves exactly like the default
empty string, filters included.

Only ``{{ … }}`` output and tag arguments are checked: ``{% if %}`` and ``{% for %}`` ignore
missing variables by design. A variable filtered through ``|default`` (or ``|default_if_none``)
is declared optional by its author — e.g. ``{{ reseller.issuer.tax_number|default:"–" }}`` for
a reseller without an issuer profile — and renders the default as without the check.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.base import FilterExpression, Node

OPTIONAL_FILTERS = frozenset({"default", "default_if_none"})


class InvalidTemplateVariable(Exception):
    """A portal template referred to a variable the context does not have."""


def portal_templates_dir() -> Path:
    return Path(settings.BASE_DIR, "portal", "templates").resolve()


class PortalStringIfInvalid(str):
    """The engine's ``string_if_invalid``: Django asks ``"%s" in it`` and then formats it with
    the variable, which is where this object looks at the template being rendered."""

    def __new__(cls) -> PortalStringIfInvalid:
        return super().__new__(cls, "<invalid template variable>")

    def __contains__(self, item: object) -> bool:
        return item == "%s" or super().__contains__(str(item))

    def __mod__(self, variable: Any) -> Any:
        node, expression, context = _rendering()
        origin = getattr(getattr(node, "origin", None), "name", "") or ""
        optional = expression is not None and any(
            getattr(func, "__name__", "") in OPTIONAL_FILTERS for func, _args in expression.filters
        )
        if (
            origin
            and not optional
            and Path(origin).resolve().is_relative_to(portal_templates_dir())
        ):
            token = getattr(node, "token", None)
            where = f" (in: {token.contents})" if token is not None else ""
            line = f":{token.lineno}" if token is not None else ""
            raise InvalidTemplateVariable(
                f"{Path(origin).relative_to(settings.BASE_DIR)}{line}: "
                f"unknown variable {variable}{where}"
            )
        if expression is None or context is None:
            return ""
        # Optional or elsewhere: what Django does without string_if_invalid — "" through the
        # filters.
        silent = copy.copy(expression)
        silent.is_var = False
        silent.var = ""
        return silent.resolve(context)


def _rendering() -> tuple[Node | None, FilterExpression | None, Any]:
    """The template node being rendered and the filter expression being resolved (from the
    calling frames: Django passes neither to ``string_if_invalid``)."""
    node: Node | None = None
    expression: FilterExpression | None = None
    context: Any = None
    frame = sys._getframe(2)
    while frame is not None and node is None:
        owner = frame.f_locals.get("self")
        if expression is None and isinstance(owner, FilterExpression):
            expression = owner
            context = frame.f_locals.get("context")
        elif isinstance(owner, Node):
            node = owner
        frame = frame.f_back  # type: ignore[assignment]
    return node, expression, context


STRING_IF_INVALID = PortalStringIfInvalid()
