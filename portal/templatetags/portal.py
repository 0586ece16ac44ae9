"""Template helpers of the portal: the navigation and small display filters."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.http import HttpRequest
from django.utils.translation import gettext as _

from portal.shell.nav import active_key, build_customer_nav, build_nav
from provisioning import permissions

register = template.Library()


@register.inclusion_tag("portal/_nav.html", takes_context=True)
def portal_nav(context: template.Context) -> dict[str, Any]:
    request: HttpRequest | None = context.get("request")
    if request is None:
        return {"items": [], "active": None}
    items = build_nav(request.user)
    return {"items": items, "active": active_key(request.path, items)}


@register.inclusion_tag("portal/_customer_nav.html", takes_context=True)
def customer_nav(context: template.Context, customer: Any, active: str = "") -> dict[str, Any]:
    """The areas of ``customer`` the current account may open, ``active`` marked."""
    request: HttpRequest | None = context.get("request")
    user = getattr(request, "user", None)
    if customer is None or not getattr(user, "is_authenticated", False):
        return {"items": []}
    return {
        "items": build_customer_nav(user, customer),  # type: ignore[arg-type]
        "active": active,
        "customer": customer,
    }


@register.filter(name="may_view_network_checks")
def network_checks_open_for(user: Any) -> bool:
    """The rule the network check pages ask, for templates that link to them."""
    return bool(getattr(user, "is_authenticated", False)) and permissions.can_view_network_checks(
        user
    )


@register.filter
def audit_value(value: Any) -> str:
    """One old or new value of an audit entry, readable ("–" for empty)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    return str(value)


def _kind(widget: Any) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "check"
    if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple is one too
        return "choices"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


@register.filter
def widget_kind(field: Any) -> str:
    """How ``portal/_field.html`` lays a field out: ``"check"`` (one checkbox), ``"choices"``
    (a list of checkboxes or radio buttons), ``"select"`` or ``"input"``."""
    return _kind(field.field.widget)


def _describedby(field: Any) -> list[str]:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-help")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return ids


@register.filter
def bs_widget(field: Any) -> str:
    """A form field's widget with Bootstrap classes and its error text linked for screen readers."""
    css = {
        "check": "form-check-input",
        "choices": "form-check-input",
        "select": "form-select",
    }.get(_kind(field.field.widget), "form-control")
    attrs: dict[str, str] = {"class": css + (" is-invalid" if field.errors else "")}
    if field.errors:
        attrs["aria-invalid"] = "true"
    describedby = _describedby(field)
    if describedby:
        attrs["aria-describedby"] = " ".join(describedby)
    return field.as_widget(attrs=attrs)


@register.filter
def bs_choices(field: Any) -> list[Any]:
    """The options of a checkbox or radio list, each input with Bootstrap's form-check class,
    for the template to lay out as ``<div class="form-check">`` rows."""
    css = "form-check-input" + (" is-invalid" if field.errors else "")
    options = list(field.subwidgets)
    for option in options:
        option.data["attrs"] = {**option.data["attrs"], "class": css}
    return options


@register.filter
def describedby(field: Any) -> str:
    """The ids of a field's help and error texts, for ``aria-describedby``."""
    return " ".join(_describedby(field))
