"""Money, months and VAT: pure functions over plain data (BIL-5).

Amounts are ``Decimal`` euros in the domain and integer cents in storage. Every rounding is
ROUND_HALF_UP at the cent: line nets are rounded, tax is computed per VAT rate on the sum of
the rounded line nets (as EN 16931 BR-CO-14/BR-CO-17 expect), gross is net plus tax.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
CENT = Decimal("0.01")
STANDARD_VAT = Decimal("19.00")
ZERO_VAT = Decimal("0.00")
EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
REVERSE_CHARGE_NOTE = "Steuerschuldnerschaft des Leistungsempfängers"
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def cents(amount: Decimal) -> int:
    """``amount`` euros as whole cents, rounded half up."""
    return int((amount.quantize(CENT, rounding=ROUND_HALF_UP) * 100).to_integral_value())


def euros(amount_cents: int) -> Decimal:
    return (Decimal(amount_cents) / 100).quantize(CENT)


def parse_month(value: str) -> dt.date:
    """``"2026-10"`` → 1 October 2026; refuses anything else."""
    match = _MONTH.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a month like 2026-10")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def previous_month(day: dt.date) -> dt.date:
    first = day.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month as [start, end): Europe/Berlin midnights, as aware datetimes in UTC."""
    start = dt.datetime.combine(month.replace(day=1), dt.time(), tzinfo=BERLIN)
    end = dt.datetime.combine(next_month(month), dt.time(), tzinfo=BERLIN)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def last_day(month: dt.date) -> dt.date:
    return next_month(month) - dt.timedelta(days=1)


def is_reverse_charge(*, seller_country: str, buyer_country: str, buyer_vat_id: str) -> bool:
    """B2B supply from Germany to a business in another EU member state with a VAT id: the
    buyer owes the VAT (§13b UStG); the invoice shows 0 % and the reverse-charge note."""
    return (
        seller_country == "DE"
        and buyer_country != "DE"
        and buyer_country in EU_COUNTRIES
        and bool(buyer_vat_id.strip())
    )


@dataclass(frozen=True)
class Line:
    """An invoice line in plain data: quantity × unit price at a VAT rate."""

    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal

    @property
    def net(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Totals:
    """Net, tax and gross of an invoice, with net and tax per VAT rate."""

    net: Decimal
    tax: Decimal
    gross: Decimal
    by_rate: dict[Decimal, tuple[Decimal, Decimal]]


def totals(lines: Iterable[Line]) -> Totals:
    basis: dict[Decimal, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for line in lines:
        basis[line.vat_rate] += line.net
    by_rate = {
        rate: (net, (net * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP))
        for rate, net in sorted(basis.items())
    }
    net = sum((n for n, _ in by_rate.values()), Decimal("0.00"))
    tax = sum((t for _, t in by_rate.values()), Decimal("0.00"))
    return Totals(net=net, tax=tax, gross=net + tax, by_rate=by_rate)
