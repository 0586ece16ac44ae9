"""Every write of the status page goes through these services (docs/status.md)."""

from .components import (
    component_create,
    component_delete,
    component_group_create,
    component_group_delete,
    component_group_update,
    component_update,
)
from .events import (
    KEEP,
    event_post_update,
    event_update_details,
    incident_open,
    maintenance_schedule,
    maintenance_tick,
)
from .notices import maintenance_notice_pass_on, notice_prepare, notice_recipients
from .subscriptions import (
    RateLimitedError,
    subscription_for_token,
    subscription_subscribe,
    subscription_unsubscribe,
)

__all__ = [
    "KEEP",
    "RateLimitedError",
    "component_create",
    "component_delete",
    "component_group_create",
    "component_group_delete",
    "component_group_update",
    "component_update",
    "event_post_update",
    "event_update_details",
    "incident_open",
    "maintenance_notice_pass_on",
    "maintenance_schedule",
    "maintenance_tick",
    "notice_prepare",
    "notice_recipients",
    "subscription_for_token",
    "subscription_subscribe",
    "subscription_unsubscribe",
]
