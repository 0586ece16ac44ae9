"""Peak quantities per customer and license type in a month (BIL-1), from the ledger alone.

Semantics: a holding is the interval [assigned, released) — it includes its start and
excludes its end. At one instant releases count before assignments, so a license handed from
one person to another, or a package change, counts once. Zero-length holdings are ignored.
Holdings that began before the month count from the month's start; the month is
[first midnight, next first midnight) in Europe/Berlin. The peak is the largest number of
holdings open at the same time.

``peak_quantities`` computes this for every customer in one SQL query (a window-function
sweep that runs the same on SQLite and PostgreSQL); ``peak`` is the same rule over plain data.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db import connection

from provisioning.models import LicenseEvent, LicenseType

from .money import month_bounds

Interval = tuple[dt.datetime, dt.datetime | None]
PAID_BASE = (LicenseType.GRUNDLIZENZ.value, LicenseType.ERWEITERTE_GRUNDLIZENZ.value)


def peak(intervals: Iterable[Interval], start: dt.datetime, end: dt.datetime) -> int:
    """The most intervals open at once within [start, end) (pure sweep over plain data)."""
    events: list[tuple[dt.datetime, int]] = []
    for begin, finish in intervals:
        if finish is not None and finish <= begin:
            continue
        if begin >= end or (finish is not None and finish <= start):
            continue
        events.append((max(begin, start), 1))
        if finish is not None and finish < end:
            events.append((finish, -1))
    best = running = 0
    for _, delta in sorted(events):
        running += delta
        best = max(best, running)
    return best


def _sql() -> str:
    """The sweep without a self-join: every ledger row is already a +1 (assign) or -1
    (release) event. Rows before the month collapse into one event per key at the month's
    start (the holdings still open then); rows inside the month are events at their instant.
    Ordered by (instant, delta), releases come first, so a handover or a zero-length holding
    never raises the running count; the peak is the largest running sum. The scan uses the
    ledger's (effective_at, customer, license_type, kind) index only."""
    table = connection.ops.quote_name(LicenseEvent._meta.db_table)
    delta = "CASE WHEN kind = 'assign' THEN 1 ELSE -1 END"
    # The only interpolation is our own table name; all values are bound parameters.
    return f"""
WITH moves AS (
    SELECT customer_id, license_type, %(start)s AS at, SUM({delta}) AS delta
    FROM {table}
    WHERE effective_at < %(start)s
    GROUP BY customer_id, license_type
    UNION ALL
    SELECT customer_id, license_type, effective_at AS at, {delta} AS delta
    FROM {table}
    WHERE effective_at >= %(start)s AND effective_at < %(end)s
),
running AS (
    SELECT customer_id, license_type,
           SUM(delta) OVER (
               PARTITION BY customer_id, license_type
               ORDER BY at, delta
               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
           ) AS held
    FROM moves
)
SELECT customer_id, license_type, MAX(held) AS peak
FROM running
GROUP BY customer_id, license_type
"""  # noqa: S608


def peak_quantities(
    month: dt.date, *, customer_ids: Iterable[uuid.UUID] | None = None
) -> dict[tuple[uuid.UUID, str], int]:
    """``{(customer id, license type): peak}`` for every customer with holdings in ``month``
    (one query over the ledger; zero peaks omitted; demo licenses included — see
    :func:`billable_quantities` for what is billed)."""
    start, end = month_bounds(month)
    params = {
        "start": connection.ops.adapt_datetimefield_value(start),
        "end": connection.ops.adapt_datetimefield_value(end),
    }
    sql = _sql()
    wanted = None if customer_ids is None else {str(c).replace("-", "") for c in customer_ids}
    result: dict[tuple[uuid.UUID, str], int] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for customer_id, license_type, value in cursor.fetchall():
            key = customer_id if isinstance(customer_id, uuid.UUID) else uuid.UUID(customer_id)
            if wanted is not None and key.hex not in wanted:
                continue
            if value and value > 0:
                result[(key, license_type)] = int(value)
    return result


def billable_quantities(
    peaks: dict[tuple[uuid.UUID, str], int],
) -> dict[uuid.UUID, dict[str, int]]:
    """What is billed per customer: demo licenses never; a customer is billed only if it held a
    paid base license (Grundlizenz or Erweiterte Grundlizenz) in the month, so a customer whose
    base license in the month was only a Demolizenz is not billed at all (LIC-2, BIL-2)."""
    per_customer: dict[uuid.UUID, dict[str, int]] = {}
    for (customer_id, license_type), value in peaks.items():
        if license_type == LicenseType.DEMOLIZENZ:
            continue
        per_customer.setdefault(customer_id, {})[license_type] = value
    return {
        customer_id: quantities
        for customer_id, quantities in per_customer.items()
        if any(quantities.get(base, 0) > 0 for base in PAID_BASE)
    }
