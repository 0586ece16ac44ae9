"""Money and date formats of the finance pages, and the revenue chart: monthly net revenue of
the platform by license type over the last 12 billed months, from issued invoices (credit notes
subtract; the figures come from ``billing.selectors.revenue_by_month``), drawn as a small
server-side SVG with stacked bars, a legend and text alternatives."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from billing.models import MONTHLY_ITEMS, PriceItem
from billing.money import previous_month
from billing.selectors import ONE_TIME_SERIES, revenue_by_month

# One colour per series (colour-blind friendly palette); one-time fees are grey.
COLOURS = ["#0072B2", "#56B4E9", "#009E73", "#E69F00", "#D55E00", "#CC79A7", "#999999"]
ONE_TIME = ONE_TIME_SERIES


def money(cents: int | None) -> str:
    """Cents as German money: ``123456`` → ``1.234,56 €`` (always German, as on the invoices)."""
    value = Decimal(cents or 0) / 100
    sign = "-" if value < 0 else ""
    text = f"{abs(value):,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{sign}{text}\u00a0€"


def month_label(month: dt.date) -> str:
    return f"{month:%m/%Y}"


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    colour: str
    cents: int
    x: float
    y: float
    height: float

    @property
    def display(self) -> str:
        return money(self.cents)


@dataclass(frozen=True)
class Bar:
    month: dt.date
    label: str
    total_cents: int
    segments: list[Segment]
    x: float

    @property
    def total_display(self) -> str:
        return money(self.total_cents)


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    legend: list[tuple[str, str, str]]  # key, label, colour
    max_cents: int
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    ticks: list[tuple[float, str]]
    bar_width: float

    @property
    def empty(self) -> bool:
        return not any(bar.total_cents for bar in self.bars)

    def rows(self) -> list[tuple[str, list[str], str]]:
        """The chart as table rows (month, one amount per series, total) for screen readers."""
        return [
            (bar.label, [money(s.cents) for s in bar.segments], money(bar.total_cents))
            for bar in self.bars
        ]


def _months(last: dt.date, count: int = 12) -> list[dt.date]:
    months = [last]
    while len(months) < count:
        months.insert(0, previous_month(months[0]))
    return months


def _nice_max(cents: int) -> int:
    """A round upper bound of the axis in cents (1, 2 or 5 × 10^n euros)."""
    euros = max(cents / 100, 1)
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= euros:
                return step * factor * 100
        step *= 10


def revenue_chart(today: dt.date) -> Chart:
    """The last 12 months that can be billed (up to the previous month)."""
    months = _months(previous_month(today))
    data = revenue_by_month(first=months[0], last=months[-1])
    series = [(item.value, str(PriceItem(item).label)) for item in MONTHLY_ITEMS]
    series.append((ONE_TIME, _("Einmalige Gebühren")))
    legend = [(key, label, COLOURS[i]) for i, (key, label) in enumerate(series)]
    totals = [sum(max(data.get((m, key), 0), 0) for key, _l in series) for m in months]
    max_cents = _nice_max(max(totals, default=0))
    width, height = 720, 300
    left, right, top, bottom = 80, 10, 10, 260
    slot = (width - left - right) / len(months)
    bar_width = slot * 0.6
    scale = (bottom - top) / max_cents
    bars = []
    for index, month in enumerate(months):
        x = left + index * slot + (slot - bar_width) / 2
        y = float(bottom)
        segments = []
        for key, label, colour in legend:
            cents = data.get((month, key), 0)
            h = max(cents, 0) * scale
            y -= h
            segments.append(Segment(key, label, colour, cents, x, round(y, 2), round(h, 2)))
        bars.append(
            Bar(month, month_label(month), sum(s.cents for s in segments), segments, round(x, 2))
        )
    ticks = [
        (round(bottom - (bottom - top) * step / 4, 2), money(max_cents * step // 4))
        for step in range(5)
    ]
    return Chart(
        bars=bars,
        legend=legend,
        max_cents=max_cents,
        width=width,
        height=height,
        plot_top=top,
        plot_bottom=bottom,
        ticks=ticks,
        bar_width=round(bar_width, 2),
    )
