"""Template helpers of the portal: the navigation and small display filters."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.translation import gettext as _

from portal.shell.nav import active_key, build_nav

register = template.Library()


@register.inclusion_tag("portal/_nav.html", takes_context=True)
def portal_nav(context: template.Context) -> dict[str, Any]:
    request: HttpRequest | None = context.get("request")
    if request is None:
        return {"items": [], "active": None}
    items = build_nav(request.user)
    return {"items": items, "active": active_key(request.path, items)}


@register.filter
def audit_value(value: Any) -> str:
    """One old or new value of an audit entry, readable ("–" for empty)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    return str(value)


@register.filter
def bs_widget(field: Any) -> str:
    """A form field's widget with Bootstrap classes and its error text linked for screen readers."""
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "")
    css = "form-select" if input_type == "select" else "form-control"
    attrs: dict[str, str] = {"class": css + (" is-invalid" if field.errors else "")}
    describedby = []
    if field.help_text:
        describedby.append(f"{field.auto_id}-help")
    if field.errors:
        attrs["aria-invalid"] = "true"
        describedby.append(f"{field.auto_id}-error")
    if describedby:
        attrs["aria-describedby"] = " ".join(describedby)
    return field.as_widget(attrs=attrs)
