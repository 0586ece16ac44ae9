"""Multi-row INSERTs for the billing run's drafts (BIL-4).

A month's run writes one invoice per customer, one line per customer and license type twice
(wholesale and retail) and an audit entry per invoice — tens of thousands of rows. Django's
``bulk_create`` builds a model instance per row and prepares every value through the SQL
compiler, which costs several times the peak query itself. Here each row is a plain mapping of
attribute names to Python values; each column gets one converter chosen once per field (the
same conversion the field's ``get_db_prep_save`` does, without the per-value dispatch), and the
rows go to the database with one ``executemany`` per batch. Defaults, ``auto_now`` and
``auto_now_add`` are filled in as the ORM would. No signals are sent — none are connected to
these models.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import attrgetter
from typing import Any

from django.db import connections, models, router
from django.utils import timezone

Converter = Callable[[Any], Any]

_AS_IS = frozenset(
    {
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)


def _identity(value: Any) -> Any:
    return value


def _hex(value: Any) -> Any:
    return None if value is None else value.hex


_HEX = attrgetter("hex")


def _converter(field: models.Field[Any, Any], db: Any) -> Converter:
    target: Any = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    kind = target.get_internal_type()
    ops = db.ops
    if kind in _AS_IS:
        return _identity
    if kind == "UUIDField":
        return _identity if db.features.has_native_uuid_field else _hex
    if kind == "DecimalField":
        digits, places = target.max_digits, target.decimal_places
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "GenericIPAddressField":
        return ops.adapt_ipaddressfield_value
    return lambda value: field.get_db_prep_save(value, db)


def _fill(field: models.Field[Any, Any], now: Any) -> Callable[[], Any]:
    """The value the ORM would insert for a missing attribute."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda: now
    return field.get_default


def _convert_column(values: list[Any], convert: Converter) -> list[Any]:
    if convert is _identity:
        return values
    if convert is _hex:
        try:
            return list(map(_HEX, values))
        except AttributeError:  # a NULL among the keys
            pass
    return list(map(convert, values))


def insert_rows(
    model: type[models.Model], rows: Sequence[Mapping[str, Any]], *, batch_size: int = 5000
) -> int:
    """INSERT ``rows`` (mappings of attribute name → value) into ``model``'s table; returns
    how many. Runs inside the caller's transaction; constraint violations raise
    ``IntegrityError`` exactly as ``bulk_create`` would."""
    # Database-generated keys (AutoField) are left to the database.
    fields = [
        field
        for field in model._meta.concrete_fields
        if not isinstance(field, models.AutoField | models.BigAutoField | models.SmallAutoField)
    ]
    now = timezone.now()
    db = connections[router.db_for_write(model)]
    plan = [(field.attname, _converter(field, db), _fill(field, now)) for field in fields]
    quote = db.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    count = 0
    with db.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            chunk = rows[start : start + batch_size]
            # Column by column: one converter call per value, no per-row dispatch; a value a
            # row leaves out is the field's default, as the ORM would insert.
            values = [
                _convert_column([row[name] if name in row else default() for row in chunk], convert)
                for name, convert, default in plan
            ]
            cursor.executemany(sql, list(zip(*values, strict=True)))
            count += len(chunk)
    return count
