"""Background work of provisioning. Tasks are thin: load by id, call a service."""

from __future__ import annotations

from celery import shared_task

from . import notifications


@shared_task(acks_late=True)
def notify_api_key_created(api_key_id: str) -> int:
    """Tell the key owner's organisation that a new API key exists (idempotent per key)."""
    return notifications.api_key_created(api_key_id=api_key_id)


@shared_task(acks_late=True)
def demo_license_check_customer(customer_id: str) -> str:
    """Warn or suspend one demo customer (idempotent: each warning is sent once)."""
    from .services import demo_license_check

    return demo_license_check(customer_id=customer_id)


@shared_task
def demo_licenses_daily() -> int:
    """Daily: one check task per demo customer (LIC-2). Returns how many were queued."""
    from .models import Customer

    ids = list(
        Customer.objects.filter(
            base_license="demolizenz", demo_expires_at__isnull=False
        ).values_list("pk", flat=True)
    )
    for customer_id in ids:
        demo_license_check_customer.delay(str(customer_id))
    return len(ids)
