"""Template filters of the support area."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _

register = template.Library()

STATE_CLASSES = {
    "new": "text-bg-primary",
    "acknowledged": "text-bg-info",
    "in_progress": "text-bg-info",
    "waiting_for_customer": "text-bg-warning",
    "resolved": "text-bg-success",
    "closed": "text-bg-secondary",
}
SEVERITY_CLASSES = {
    "critical": "text-bg-danger",
    "major": "text-bg-warning",
    "minor": "text-bg-light border",
}


@register.filter
def service_time(value: dt.timedelta | None) -> str:
    """Service time left, e.g. "3 Std. 20 Min." (whole minutes)."""
    if value is None:
        return "–"
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("%(hours)d Std. %(minutes)02d Min.") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d Min.") % {"minutes": minutes}


@register.filter
def state_class(value: str) -> str:
    return STATE_CLASSES.get(value, "text-bg-secondary")


@register.filter
def severity_class(value: str) -> str:
    return SEVERITY_CLASSES.get(value, "text-bg-light border")
