"""Price lists and one-time charges (BIL-2, BIL-3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.db import IntegrityError, transaction

from provisioning import audit
from provisioning.errors import ApplicationError
from provisioning.models import Account, AuditAction, Customer, Reseller
from provisioning.permissions import ensure

from ..models import (
    MONTHLY_ITEMS,
    BillingRun,
    OneTimeCharge,
    Price,
    PriceList,
    PriceListKind,
    RunState,
)
from ..money import BERLIN, cents
from ..permissions import (
    can_edit_retail_prices,
    can_edit_wholesale_prices,
    can_record_charges,
)


def _ensure_may_edit(acting_user: Account, kind: str, reseller: Reseller | None) -> None:
    if kind == PriceListKind.WHOLESALE:
        ensure(can_edit_wholesale_prices(acting_user), "Only platform staff edit wholesale prices.")
    else:
        ensure(can_edit_retail_prices(acting_user, reseller))


def _set_prices(price_list: PriceList, prices: Mapping[str, Decimal]) -> dict[str, int]:
    in_cents = {item: cents(amount) for item, amount in prices.items()}
    price_list.prices.all().delete()
    Price.objects.bulk_create(
        Price(price_list=price_list, item=item, amount_cents=amount)
        for item, amount in sorted(in_cents.items())
    )
    return in_cents


def price_list_create(
    *,
    acting_user: Account,
    kind: str,
    reseller: Reseller | None,
    name: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    prices: Mapping[str, Decimal],
) -> PriceList:
    """A new price list. Retail lists must price every monthly item (a customer can hold any
    of them); wholesale reseller lists may override only some items of the default list."""
    _ensure_may_edit(acting_user, kind, reseller)
    if kind == PriceListKind.RETAIL and reseller is None:
        raise ApplicationError(
            "reseller_required",
            "A retail list belongs to a reseller.",
            fields={"reseller": ["required"]},
        )
    if (kind == PriceListKind.RETAIL or reseller is None) and (
        missing := [item.value for item in MONTHLY_ITEMS if item not in prices]
    ):
        raise ApplicationError(
            "prices_incomplete",
            "Every monthly license needs a price: " + ", ".join(missing),
            fields={"prices": [f"missing: {', '.join(missing)}"]},
        )
    if valid_until is not None and valid_until < valid_from:
        raise ApplicationError(
            "invalid_validity",
            "valid_until is before valid_from.",
            fields={"valid_until": ["before valid_from"]},
        )
    try:
        with transaction.atomic():
            price_list = PriceList.objects.create(
                kind=kind,
                reseller=reseller,
                name=name,
                valid_from=valid_from,
                valid_until=valid_until,
            )
            in_cents = _set_prices(price_list, prices)
            changes = audit.created_changes(price_list)
            changes["prices"] = [None, in_cents]
            audit.record_change(
                actor=acting_user, action=AuditAction.CREATE, instance=price_list, changes=changes
            )
    except IntegrityError:
        raise ApplicationError(
            "price_list_exists",
            "A price list of this kind already starts on that day.",
            fields={"valid_from": ["a list already starts on this day"]},
            status=409,
        ) from None
    return price_list


@transaction.atomic
def price_list_update(
    *,
    acting_user: Account,
    price_list: PriceList,
    name: str | None = None,
    valid_until: dt.date | None = None,
    prices: Mapping[str, Decimal] | None = None,
) -> PriceList:
    """Rename a list, end it, or replace its prices. Invoices already issued keep the prices
    they were issued with (they store amounts, not references)."""
    _ensure_may_edit(acting_user, price_list.kind, price_list.reseller)
    before = audit.snapshot(price_list)
    before_prices = {p.item: p.amount_cents for p in price_list.prices.all()}
    if name is not None:
        price_list.name = name
    if valid_until is not None:
        if valid_until < price_list.valid_from:
            raise ApplicationError(
                "invalid_validity",
                "valid_until is before valid_from.",
                fields={"valid_until": ["before valid_from"]},
            )
        price_list.valid_until = valid_until
    price_list.save()
    changes = audit.changes_between(before, price_list)
    if prices is not None:
        after_prices = _set_prices(price_list, prices)
        if after_prices != before_prices:
            changes["prices"] = [before_prices, after_prices]
    audit.record_change(
        actor=acting_user, action=AuditAction.UPDATE, instance=price_list, changes=changes
    )
    return price_list


def one_time_charge_create(
    *,
    acting_user: Account | None,
    customer: Customer,
    item: str,
    quantity: Decimal,
    occurred_at: dt.datetime,
    description: str = "",
    source_key: str | None = None,
) -> OneTimeCharge:
    """Record a one-time fee for ``customer``. With ``source_key`` (e.g. ``hunt_group:<id>``)
    a second call for the same event returns the first charge instead of billing twice, so
    other parts of the platform may call this from their own services or tasks."""
    if acting_user is not None:
        ensure(can_record_charges(acting_user))
        month = occurred_at.astimezone(BERLIN).date().replace(day=1)
        if BillingRun.objects.filter(month=month, state=RunState.DONE).exists():
            raise ApplicationError(
                "month_already_billed",
                f"{month:%Y-%m} is billed already; a fee dated then would never be invoiced.",
                fields={"occurred_at": ["month already billed"]},
            )
    if source_key is not None:
        existing = OneTimeCharge.objects.filter(source_key=source_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            charge = OneTimeCharge.objects.create(
                customer=customer,
                item=item,
                quantity=quantity,
                occurred_at=occurred_at,
                description=description,
                source_key=source_key,
                created_by=acting_user,
            )
            audit.record_change(
                actor=acting_user,
                action=AuditAction.CREATE,
                instance=charge,
                changes=audit.created_changes(charge),
            )
    except IntegrityError:
        return OneTimeCharge.objects.get(source_key=source_key)
    return charge
