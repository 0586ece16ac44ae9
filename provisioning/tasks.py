"""Background work of provisioning. Tasks are thin: load by id, call a service."""

from __future__ import annotations

from celery import shared_task

from . import notifications


@shared_task(acks_late=True)
def notify_api_key_created(api_key_id: str) -> int:
    """Tell the key owner's organisation that a new API key exists (idempotent per key)."""
    return notifications.api_key_created(api_key_id=api_key_id)
