"""One-time fees that provisioning records (an extra hunt group, a custom audio upload) become
billing charges. Provisioning never imports billing: billing reads its append-only fee rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from provisioning.models import OneTimeFeeEvent

from .models import OneTimeCharge, PriceItem
from .services.prices import one_time_charge_create

FEE_ITEMS = {
    "hunt_group": PriceItem.EXTRA_HUNT_GROUP,
    "audio_upload": PriceItem.CUSTOM_AUDIO,
}


def source_key(event: OneTimeFeeEvent) -> str:
    return f"provisioning-fee:{event.pk}"


def import_provisioning_fees(*, start: dt.datetime, end: dt.datetime) -> int:
    """Record a charge for every provisioning fee of ``[start, end)`` not yet recorded.
    Idempotent (the fee row's id is the charge's source key); returns how many were added."""
    events = list(
        OneTimeFeeEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end).select_related(
            "customer"
        )
    )
    known = set(
        OneTimeCharge.objects.filter(source_key__in=[source_key(e) for e in events]).values_list(
            "source_key", flat=True
        )
    )
    added = 0
    for event in events:
        item = FEE_ITEMS.get(event.fee_type)
        if item is None or source_key(event) in known:
            continue
        one_time_charge_create(
            acting_user=None,
            customer=event.customer,
            item=item,
            quantity=Decimal(event.quantity),
            occurred_at=event.occurred_at,
            description=event.label,
            source_key=source_key(event),
        )
        added += 1
    return added
