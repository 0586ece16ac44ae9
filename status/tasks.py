"""Background work of the status page. Tasks are thin and idempotent: load by id, call a
function (docs/status.md)."""

from __future__ import annotations

from celery import shared_task

from provisioning.audit import audit_context
from provisioning.models import Channel


@shared_task(acks_late=True)
def fan_out_update(update_id: str) -> int:
    """Write the outbox rows of one step and queue their batches (STA-6)."""
    from .delivery import fan_out_update as fan_out

    return fan_out(update_id=update_id)


@shared_task(acks_late=True)
def send_outbox_batch(ids: list[int]) -> dict[str, int]:
    """Send the outbox rows this delivery can claim (a repeat finds them sent or claimed)."""
    from .delivery import send_batch

    return send_batch(ids)


@shared_task(acks_late=True)
def announce_maintenance(event_id: str) -> int:
    """Mail every reseller admin about a newly scheduled maintenance (OPS-5)."""
    from .delivery import announce_maintenance as announce

    return announce(event_id=event_id)


@shared_task
def outbox_sweep() -> int:
    """Every minute: queue outbox rows whose task was lost or whose worker died."""
    from .delivery import sweep

    return sweep()


@shared_task
def maintenance_tick() -> int:
    """Every minute: move maintenance to in progress at its start, to completed at its end."""
    from .services import maintenance_tick as tick

    with audit_context(channel=Channel.TASK):
        return len(tick())


@shared_task
def export_static_site() -> str:
    """Rewrite the static copy of the page when ``STIMME_STATUS_EXPORT_DIR`` is set."""
    from django.conf import settings

    if not settings.STATUS_EXPORT_DIR:
        return ""
    from .publish import export_site

    return str(export_site(settings.STATUS_EXPORT_DIR))
