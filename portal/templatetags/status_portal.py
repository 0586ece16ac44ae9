"""Template filters of the status area: step labels and badge colours (STA-1)."""

from __future__ import annotations

from django import template

from status import steps
from status.texts import step_label

register = template.Library()

BADGES = {
    steps.INVESTIGATING: "text-bg-warning",
    steps.IDENTIFIED: "text-bg-danger",
    steps.RECOVERING: "text-bg-primary",
    steps.RESOLVED: "text-bg-success",
    steps.FALSE_ALARM: "text-bg-secondary",
    steps.SCHEDULED: "text-bg-secondary",
    steps.IN_PROGRESS: "text-bg-info",
    steps.COMPLETED: "text-bg-success",
}


@register.filter
def step_badge(step: str) -> str:
    return BADGES.get(step, "text-bg-light")


@register.filter
def step_label_de(step: str) -> str:
    return step_label(step, "de")
