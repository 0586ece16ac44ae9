"""Writing the license ledger (LIC-6). Only services call these, inside their transaction."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models

from .errors import ApplicationError
from .models import Customer, LedgerKind, LicenseEvent


def assign(
    *,
    customer: Customer,
    license_type: str,
    subject: models.Model,
    at: dt.datetime,
    label: str = "",
) -> uuid.UUID:
    """Record that ``subject`` holds one license of ``license_type`` from ``at``; returns the
    holding id that its release will name."""
    holding = uuid.uuid4()
    LicenseEvent.objects.create(
        customer=customer,
        license_type=license_type,
        kind=LedgerKind.ASSIGN,
        effective_at=at,
        holding=holding,
        subject_type=subject._meta.model_name or "",
        subject_id=subject.pk,
        subject_label=(label or str(subject))[:200],
    )
    return holding


def release(*, holding: uuid.UUID, at: dt.datetime) -> LicenseEvent:
    """Record the end of a holding at ``at`` (the same instant as a following assignment when a
    license changes hands or a package changes)."""
    start = LicenseEvent.objects.filter(holding=holding, kind=LedgerKind.ASSIGN).first()
    if start is None:
        raise ApplicationError("unknown_holding", f"No license holding {holding}.")
    if LicenseEvent.objects.filter(holding=holding, kind=LedgerKind.RELEASE).exists():
        raise ApplicationError("holding_released", "This license was already released.")
    return LicenseEvent.objects.create(
        customer_id=start.customer_id,
        license_type=start.license_type,
        kind=LedgerKind.RELEASE,
        effective_at=at,
        holding=holding,
        subject_type=start.subject_type,
        subject_id=start.subject_id,
        subject_label=start.subject_label,
    )


def change(
    *,
    holding: uuid.UUID,
    customer: Customer,
    license_type: str,
    subject: models.Model,
    at: dt.datetime,
    label: str = "",
) -> uuid.UUID:
    """A package or base-license change: a release and an assignment at the same instant."""
    release(holding=holding, at=at)
    return assign(customer=customer, license_type=license_type, subject=subject, at=at, label=label)
