"""How the audit log page words one recorded value (AUD-1).

The log stores values as the database holds them — choice codes, ids of related objects,
amounts in cent, ISO timestamps — so that it stays exact. The page shows what a reader
recognises: the choice's label, the related object's name, euros with a decimal comma, German
dates. Anything it cannot resolve is shown as stored.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import formats, timezone


def _field(object_type: str, name: str) -> models.Field[Any, Any] | None:
    try:
        field = apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None
    return field if isinstance(field, models.Field) else None


def _related_name(field: models.ForeignKey[Any, Any], value: Any) -> str | None:
    try:
        target = field.related_model._default_manager.filter(pk=value).first()
    except (ValueError, TypeError, ValidationError):
        return None
    return str(target) if target is not None else None


def _moment(field: models.Field[Any, Any], value: str) -> str | None:
    try:
        if isinstance(field, models.DateTimeField):
            moment = dt.datetime.fromisoformat(value)
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "d.m.Y H:i")
        if isinstance(field, models.DateField):
            return formats.date_format(dt.date.fromisoformat(value), "d.m.Y")
        if isinstance(field, models.TimeField):
            return formats.time_format(dt.time.fromisoformat(value), "H:i")
    except ValueError:
        return None
    return None


def _euros(cents: Any) -> str | None:
    try:
        amount = Decimal(cents) / 100
    except (InvalidOperation, TypeError, ValueError):
        return None
    return f"{formats.number_format(amount, 2, use_l10n=True, force_grouping=True)} €"


def _number(value: Any) -> str | None:
    try:
        return formats.number_format(Decimal(value), use_l10n=True)
    except (InvalidOperation, TypeError, ValueError):
        return None


def readable(object_type: str, name: str, value: Any) -> Any:
    """``value`` of field ``name`` on ``object_type`` as the page shows it; ``None``, booleans
    and lists stay as they are for the template's own wording."""
    if value is None or value == "" or isinstance(value, bool | list | dict):
        return value
    field = _field(object_type, name)
    if field is None:
        return value
    worded: str | None = None
    if field.choices:
        worded = {str(key): str(label) for key, label in field.flatchoices}.get(str(value))
    elif isinstance(field, models.ForeignKey):
        worded = _related_name(field, value)
    elif name.endswith("_cents"):
        worded = _euros(value)
    elif isinstance(field, models.DateField | models.TimeField) and isinstance(value, str):
        worded = _moment(field, value)
    elif isinstance(field, models.DecimalField | models.FloatField):
        worded = _number(value)
    return worded if worded is not None else value
