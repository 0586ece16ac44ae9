"""The operator (FEA-4): who answers the main number by day and by night, the weekly schedule,
holidays and the manual day/night switch."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import time
from typing import Any

from django.db import transaction

from .. import audit
from ..access import require_same_customer
from ..errors import ApplicationError
from ..models import (
    OPERATOR_EXTENSION,
    Account,
    AuditAction,
    Customer,
    DayNightMode,
    ExtensionOwner,
    OperatorScheduleEntry,
    OperatorSettings,
    Subscriber,
)
from ..permissions import can_manage_users, ensure, ensure_customer_writable
from ._common import audited_update, guard_users, lock_customer, only_fields
from .extensions import extension_claim
from .feature_checks import check_target, refuse_loops, require_own_audio

OPERATOR_FIELDS = frozenset(
    {
        "day_target",
        "night_target",
        "announcement",
        "night_announcement",
        "ivr_menu",
        "manual_mode",
        "holidays_are_night",
        "ring_seconds",
        "transfer_recall_seconds",
        "schedule",
    }
)


def _uuid(value: str) -> Any:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def operator_get(*, customer: Customer) -> OperatorSettings | None:
    return OperatorSettings.objects.filter(customer=customer).first()


def _check_schedule(entries: Iterable[Mapping[str, Any]]) -> list[tuple[int, time, time]]:
    result = []
    for entry in entries:
        weekday, start, end = int(entry["weekday"]), entry["start"], entry["end"]
        if not 0 <= weekday <= 6:
            raise ApplicationError(
                "invalid_schedule",
                "Weekdays run from 0 (Monday) to 6 (Sunday).",
                fields={"schedule": ["Weekdays run from 0 (Monday) to 6 (Sunday)."]},
            )
        if end != time(0, 0) and end <= start:
            raise ApplicationError(
                "invalid_schedule",
                f"{start:%H:%M}-{end:%H:%M}: the end lies before the start.",
                fields={"schedule": ["The end lies before the start."]},
            )
        result.append((weekday, start, end))
    return sorted(result)


def _schedule_of(settings: OperatorSettings) -> list[str]:
    return [
        f"{e.weekday} {e.start:%H:%M}-{e.end:%H:%M}"
        for e in settings.schedule.order_by("weekday", "start")
    ]


@transaction.atomic
def operator_update(
    *, customer: Customer, acting_user: Account, data: Mapping[str, Any]
) -> OperatorSettings:
    """Configure the operator (created on first use). ``schedule`` replaces the weekly
    schedule: a list of ``{"weekday", "start", "end"}`` in Europe/Berlin time."""
    customer = lock_customer(customer)
    guard_users(acting_user, customer)
    fields = only_fields(data, OPERATOR_FIELDS)
    schedule = fields.pop("schedule", None)
    for name in ("day_target", "night_target"):
        if name in fields:
            fields[name] = check_target(customer, fields[name], name)
    for name in ("announcement", "night_announcement"):
        require_own_audio(customer, fields.get(name), name)
    if fields.get("ivr_menu") is not None:
        require_same_customer(fields["ivr_menu"], customer, "ivr_menu")
    settings = operator_get(customer=customer)
    creating = settings is None
    if settings is None:
        settings = OperatorSettings(customer=customer)
    before = {} if creating else audit.snapshot(settings)
    before_schedule = [] if creating else _schedule_of(settings)
    for name, value in fields.items():
        setattr(settings, name, value)
    if not settings.day_target and not settings.ivr_menu_id:
        raise ApplicationError(
            "day_target_required",
            "The operator needs a day target (a user or a hunt group) or a menu.",
            fields={"day_target": ["Choose who answers calls to the main number."]},
        )
    settings.full_clean(exclude=["customer"])
    settings.save()
    if creating:
        extension_claim(
            customer=customer,
            kind=ExtensionOwner.OPERATOR,
            owner=settings,
            extension=OPERATOR_EXTENSION,
            field_name="non_field_errors",
        )
    if schedule is not None:
        entries = _check_schedule(schedule)
        settings.schedule.all().delete()
        OperatorScheduleEntry.objects.bulk_create(
            OperatorScheduleEntry(operator=settings, weekday=w, start=s, end=e)
            for w, s, e in entries
        )
    changes = audit.changes_between(before, settings)
    after_schedule = _schedule_of(settings)
    if after_schedule != before_schedule:
        changes["schedule"] = [before_schedule, after_schedule]
    if changes:
        audit.record_change(
            actor=acting_user,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            instance=settings,
            changes=changes,
        )
    refuse_loops(customer)
    return settings


@transaction.atomic
def operator_set_mode(*, customer: Customer, acting_user: Account, mode: str) -> OperatorSettings:
    """The manual day/night switch: admins, or the operator user from their phone."""
    settings = operator_get(customer=customer)
    if settings is None:
        raise ApplicationError(
            "operator_not_configured", "Configure the operator first.", status=409
        )
    operator_user = None
    if settings.day_target.startswith("user:"):
        operator_user = Subscriber.objects.filter(
            customer=customer, pk=_uuid(settings.day_target[5:])
        ).first()
    is_operator = operator_user is not None and operator_user.account_id == acting_user.pk
    ensure(is_operator or can_manage_users(acting_user, customer))
    ensure_customer_writable(acting_user, customer)
    if mode not in DayNightMode.values:
        raise ApplicationError(
            "invalid_mode", "Mode is auto, day or night.", fields={"mode": ["auto, day or night"]}
        )
    audited_update(settings, {"manual_mode": mode}, actor=acting_user)
    refuse_loops(customer)
    return settings
