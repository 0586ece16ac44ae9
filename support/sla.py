"""The monthly service-level report (SUP-3): per reseller, level and category the tickets
received in a month (Europe/Berlin), and how many met their reaction and resolution targets.

One aggregate query per report. A ticket counts for the month it was received in. Its target
was **met** when the reaction (acknowledgment, or resolving it at once) came by its due moment,
and the resolution by its due moment (a ticket resolved while its clock stood still met it);
**missed** when the check flagged a breach, the moment came late, or the due moment passed
without it; **pending** while neither is known yet. Percentages are met / (met + missed),
one decimal, empty without a decided ticket. Change requests have no targets; service
requests only a reaction target. Level 1 is the reseller's desk towards its customers, level
2 the platform towards the reseller.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.db.models import Case, CharField, Count, F, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from provisioning.models import Reseller

from .models import Kind, Ticket

BERLIN = ZoneInfo("Europe/Berlin")
CATEGORIES = ("critical", "major", "minor", "service_request", "change_request")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def parse_month(value: str) -> dt.date:
    """``YYYY-MM`` → the month's first day; ``ValueError`` otherwise."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return dt.date(year, month, 1)
    except (ValueError, TypeError):
        raise ValueError("Expected a month as YYYY-MM.") from None


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(month.year, month.month, 1, tzinfo=BERLIN)
    following = dt.datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=BERLIN)
    return start, following


@dataclass
class Figures:
    tickets: int = 0
    reaction_met: int = 0
    reaction_missed: int = 0
    reaction_pending: int = 0
    resolution_met: int = 0
    resolution_missed: int = 0
    resolution_pending: int = 0

    def add(self, other: Figures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @staticmethod
    def percent(met: int, missed: int) -> Decimal | None:
        decided = met + missed
        if not decided:
            return None
        return (Decimal(100 * met) / decided).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def reaction_met_percent(self) -> Decimal | None:
        return self.percent(self.reaction_met, self.reaction_missed)

    @property
    def resolution_met_percent(self) -> Decimal | None:
        return self.percent(self.resolution_met, self.resolution_missed)


@dataclass
class ResellerLevel:
    reseller_id: Any
    reseller_name: str
    level: int
    by_category: dict[str, Figures] = field(default_factory=dict)

    @property
    def total(self) -> Figures:
        out = Figures()
        for figures in self.by_category.values():
            out.add(figures)
        return out


@dataclass
class SlaReport:
    month: dt.date
    rows: list[ResellerLevel]

    @property
    def total(self) -> Figures:
        out = Figures()
        for row in self.rows:
            out.add(row.total)
        return out


def _category() -> Case:
    return Case(
        When(kind=Kind.FAULT, then=F("severity")),
        default=F("kind"),
        output_field=CharField(),
    )


def _outcomes(now: dt.datetime) -> dict[str, Any]:
    reacted = Coalesce("acknowledged_at", "resolved_at")
    has_reaction = Q(reaction_due_at__isnull=False)
    reaction_missed = has_reaction & (
        Q(reaction_breached_at__isnull=False)
        | Q(reacted_at__gt=F("reaction_due_at"))
        | Q(reacted_at__isnull=True, reaction_due_at__lt=now)
    )
    reaction_met = has_reaction & Q(
        reaction_breached_at__isnull=True, reacted_at__lte=F("reaction_due_at")
    )
    has_resolution = Q(kind=Kind.FAULT)
    resolution_missed = has_resolution & (
        Q(resolution_breached_at__isnull=False)
        | Q(resolved_at__gt=F("resolution_due_at"))
        | Q(resolved_at__isnull=True, resolution_due_at__lt=now)
    )
    resolution_met = (
        has_resolution
        & Q(resolution_breached_at__isnull=True, resolved_at__isnull=False)
        & (Q(resolution_due_at__isnull=True) | Q(resolved_at__lte=F("resolution_due_at")))
    )
    return {
        "reacted": reacted,
        "counts": {
            "tickets": Count("pk"),
            "reaction_met": Count("pk", filter=reaction_met),
            "reaction_missed": Count("pk", filter=reaction_missed),
            "reaction_any": Count("pk", filter=has_reaction),
            "resolution_met": Count("pk", filter=resolution_met),
            "resolution_missed": Count("pk", filter=resolution_missed),
            "resolution_any": Count("pk", filter=has_resolution),
        },
    }


def sla_report(
    month: dt.date, *, resellers: QuerySet[Reseller], now: dt.datetime | None = None
) -> SlaReport:
    """The month's figures for ``resellers`` (one aggregate query, one for the names)."""
    now = now or timezone.now()
    start, end = month_bounds(month)
    parts = _outcomes(now)
    grouped = (
        Ticket.objects.filter(
            received_at__gte=start, received_at__lt=end, reseller__in=resellers.values("pk")
        )
        .annotate(category=_category(), reacted_at=parts["reacted"])
        .values("reseller_id", "level", "category")
        .annotate(**parts["counts"])
        .order_by()
    )
    names = dict(resellers.values_list("pk", "company_name"))
    rows: dict[tuple[Any, int], ResellerLevel] = {}
    for group in cast(Iterable[dict[str, Any]], grouped):
        key = (group["reseller_id"], group["level"])
        row = rows.setdefault(
            key, ResellerLevel(group["reseller_id"], names.get(group["reseller_id"], ""), key[1])
        )
        row.by_category[group["category"]] = Figures(
            tickets=group["tickets"],
            reaction_met=group["reaction_met"],
            reaction_missed=group["reaction_missed"],
            reaction_pending=group["reaction_any"]
            - group["reaction_met"]
            - group["reaction_missed"],
            resolution_met=group["resolution_met"],
            resolution_missed=group["resolution_missed"],
            resolution_pending=(
                group["resolution_any"] - group["resolution_met"] - group["resolution_missed"]
            ),
        )
    ordered = sorted(
        rows.values(), key=lambda r: (r.reseller_name.lower(), str(r.reseller_id), r.level)
    )
    return SlaReport(month=month, rows=ordered)


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value}"


def as_dict(report: SlaReport) -> dict[str, Any]:
    def figures(f: Figures) -> dict[str, Any]:
        return {
            "tickets": f.tickets,
            "reaction_met": f.reaction_met,
            "reaction_missed": f.reaction_missed,
            "reaction_pending": f.reaction_pending,
            "reaction_met_percent": _percent(f.reaction_met_percent) or None,
            "resolution_met": f.resolution_met,
            "resolution_missed": f.resolution_missed,
            "resolution_pending": f.resolution_pending,
            "resolution_met_percent": _percent(f.resolution_met_percent) or None,
        }

    return {
        "month": f"{report.month:%Y-%m}",
        "rows": [
            {
                "reseller": str(row.reseller_id),
                "reseller_name": row.reseller_name,
                "level": row.level,
                "by_category": {
                    category: figures(row.by_category[category])
                    for category in CATEGORIES
                    if category in row.by_category
                },
                "total": figures(row.total),
            }
            for row in report.rows
        ],
        "total": figures(report.total),
    }


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: a leading ``= + - @`` (or tab, CR) would start a
    formula, so it gets a ``'`` in front."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


CSV_COLUMNS = [
    "month", "reseller", "reseller_id", "level", "category", "tickets",
    "reaction_met", "reaction_missed", "reaction_pending", "reaction_met_percent",
    "resolution_met", "resolution_missed", "resolution_pending", "resolution_met_percent",
]  # fmt: skip


def _csv_rows(report: SlaReport) -> Iterable[list[object]]:
    month = f"{report.month:%Y-%m}"
    for row in report.rows:
        parts = [(c, row.by_category[c]) for c in CATEGORIES if c in row.by_category]
        for category, f in [*parts, ("total", row.total)]:
            yield [
                month, row.reseller_name, row.reseller_id, row.level, category, f.tickets,
                f.reaction_met, f.reaction_missed, f.reaction_pending,
                _percent(f.reaction_met_percent),
                f.resolution_met, f.resolution_missed, f.resolution_pending,
                _percent(f.resolution_met_percent),
            ]  # fmt: skip


def as_csv(report: SlaReport) -> str:
    """One line per reseller, level and category plus a total line each (UTF-8, ``;``, decimal
    point); text cells are neutralised against formula injection."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in _csv_rows(report):
        writer.writerow([csv_cell(value) for value in line])
    return out.getvalue()
