"""Which price applies (BIL-2, BIL-3): the list in force on the first day of the billed month.

A price list applies to a month when ``valid_from`` is on or before the month's first day and
``valid_until`` (inclusive) is not before it; of several, the latest ``valid_from`` wins. A
change that takes effect mid-month therefore applies from the following month on: monthly
licenses are billed whole, never prorated.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from .models import Price, PriceList, PriceListKind


@dataclass
class PriceBook:
    """Net unit prices in euros for one month: the default wholesale prices, each reseller's
    wholesale overrides, and each reseller's retail prices."""

    wholesale_default: dict[str, Decimal] = field(default_factory=dict)
    wholesale: dict[uuid.UUID, dict[str, Decimal]] = field(default_factory=dict)
    retail: dict[uuid.UUID, dict[str, Decimal]] = field(default_factory=dict)

    def wholesale_price(self, reseller_id: uuid.UUID, item: str) -> Decimal | None:
        own = self.wholesale.get(reseller_id, {})
        return own.get(item, self.wholesale_default.get(item))

    def retail_price(self, reseller_id: uuid.UUID, item: str) -> Decimal | None:
        return self.retail.get(reseller_id, {}).get(item)


def in_force(lists: QuerySet[PriceList], day: dt.date) -> list[PriceList]:
    """Of ``lists``, the one in force on ``day`` per (kind, reseller): the latest
    ``valid_from`` not after it whose ``valid_until`` is not before it."""
    candidates = lists.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day), valid_from__lte=day
    ).order_by("kind", "reseller_id", "-valid_from")
    chosen: dict[tuple[str, uuid.UUID | None], PriceList] = {}
    for price_list in candidates:
        chosen.setdefault((price_list.kind, price_list.reseller_id), price_list)
    return list(chosen.values())


def lists_in_force(month: dt.date) -> list[PriceList]:
    """One list per (kind, reseller): the one in force on ``month``'s first day."""
    return in_force(PriceList.objects.all(), month.replace(day=1))


def price_book(month: dt.date, *, reseller_ids: Iterable[uuid.UUID] | None = None) -> PriceBook:
    lists = lists_in_force(month)
    if reseller_ids is not None:
        wanted = set(reseller_ids)
        lists = [p for p in lists if p.reseller_id is None or p.reseller_id in wanted]
    by_list: dict[uuid.UUID, dict[str, Decimal]] = {p.pk: {} for p in lists}
    for price in Price.objects.filter(price_list__in=[p.pk for p in lists]):
        by_list[price.price_list_id][price.item] = Decimal(price.amount_cents) / 100
    book = PriceBook()
    for price_list in lists:
        prices = by_list[price_list.pk]
        if price_list.kind == PriceListKind.WHOLESALE:
            if price_list.reseller_id is None:
                book.wholesale_default = prices
            else:
                book.wholesale[price_list.reseller_id] = prices
        else:
            assert price_list.reseller_id is not None
            book.retail[price_list.reseller_id] = prices
    return book
