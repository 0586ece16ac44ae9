"""What a month bills, as plain data (BIL-1, BIL-3, BIL-4): one wholesale invoice per reseller
with a line per customer and license type plus one-time fees, and one retail invoice per
customer with its reseller's prices. The billing run writes this plan; a dry run shows it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from provisioning.models import Customer, Reseller

from .models import MONTHLY_ITEMS, InvoiceKind, OneTimeCharge, PriceItem
from .money import BERLIN, month_bounds
from .peaks import billable_quantities, peak_quantities
from .pricing import price_book
from .problems import Problem, distinct, retail_price_missing, wholesale_price_missing


class PlannedLine(NamedTuple):
    """One line of a planned invoice (a tuple: a month plans a hundred thousand of them)."""

    item: str
    description: str
    customer_id: uuid.UUID
    quantity: Decimal
    unit_price: Decimal


@dataclass
class PlannedInvoice:
    kind: str
    reseller_id: uuid.UUID
    buyer_reseller_id: uuid.UUID | None
    buyer_customer_id: uuid.UUID | None
    buyer_name: str
    lines: list[PlannedLine] = field(default_factory=list)

    @property
    def net(self) -> Decimal:
        return sum(
            ((line.quantity * line.unit_price).quantize(Decimal("0.01")) for line in self.lines),
            Decimal("0.00"),
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "buyer_reseller": str(self.buyer_reseller_id) if self.buyer_reseller_id else None,
            "buyer_customer": str(self.buyer_customer_id) if self.buyer_customer_id else None,
            "buyer_name": self.buyer_name,
            "net": str(self.net),
            "lines": [
                {
                    "item": line.item,
                    "description": line.description,
                    "customer": str(line.customer_id),
                    "quantity": str(line.quantity),
                    "unit_price": str(line.unit_price),
                }
                for line in self.lines
            ],
        }


@dataclass
class Plan:
    month: dt.date
    invoices: list[PlannedInvoice]
    problems: list[Problem]
    """Why some buyers get no invoice, as data (``billing.problems``)."""
    resellers: dict[uuid.UUID, Reseller]
    customers: dict[uuid.UUID, Customer]


# What an invoice needs of a customer (its address block and VAT id); loading only these
# keeps a run over ten thousand customers cheap.
CUSTOMER_FIELDS = (
    "id",
    "reseller_id",
    "company_name",
    "street",
    "postal_code",
    "city",
    "country",
    "vat_id",
    "contact_email",
)


def _charge_text(charge: OneTimeCharge) -> str:
    day = charge.occurred_at.astimezone(BERLIN)
    text = PriceItem(charge.item).label
    if charge.description:
        text += f" – {charge.description}"
    return f"{text} ({day:%d.%m.%Y})"


def plan_month(month: dt.date) -> Plan:
    start, end = month_bounds(month)
    from .fees import import_provisioning_fees

    import_provisioning_fees(start=start, end=end)
    quantities = billable_quantities(peak_quantities(month))
    charges: dict[uuid.UUID, list[OneTimeCharge]] = defaultdict(list)
    for charge in OneTimeCharge.objects.filter(occurred_at__gte=start, occurred_at__lt=end):
        charges[charge.customer_id].append(charge)
    customer_ids = set(quantities)
    # A customer without a paid base license in the month is not billed, fees included.
    customers = {
        c.pk: c for c in Customer.objects.filter(pk__in=customer_ids).only(*CUSTOMER_FIELDS)
    }
    resellers = {
        r.pk: r for r in Reseller.objects.filter(pk__in={c.reseller_id for c in customers.values()})
    }
    book = price_book(month, reseller_ids=resellers)
    problems: list[Problem] = []
    invoices: list[PlannedInvoice] = []
    by_reseller: dict[uuid.UUID, list[Customer]] = defaultdict(list)
    for customer in customers.values():
        by_reseller[customer.reseller_id].append(customer)
    for reseller in sorted(resellers.values(), key=lambda r: r.company_name):
        own = sorted(by_reseller[reseller.pk], key=lambda c: (c.company_name, str(c.pk)))
        wholesale = PlannedInvoice(
            kind=InvoiceKind.WHOLESALE,
            reseller_id=reseller.pk,
            buyer_reseller_id=reseller.pk,
            buyer_customer_id=None,
            buyer_name=reseller.company_name,
        )
        wholesale_ok = True
        for customer in own:
            retail = PlannedInvoice(
                kind=InvoiceKind.RETAIL,
                reseller_id=reseller.pk,
                buyer_reseller_id=None,
                buyer_customer_id=customer.pk,
                buyer_name=customer.company_name,
            )
            retail_ok = True
            for item, quantity, text in _items(quantities[customer.pk], charges[customer.pk]):
                price = book.wholesale_price(reseller.pk, item)
                if price is None:
                    wholesale_ok = False
                    problems.append(
                        wholesale_price_missing(
                            item=item, reseller=reseller.company_name, reseller_id=str(reseller.pk)
                        )
                    )
                else:
                    wholesale.lines.append(
                        PlannedLine(
                            item, f"{customer.company_name}: {text}", customer.pk, quantity, price
                        )
                    )
                retail_price = book.retail_price(reseller.pk, item)
                if retail_price is None:
                    retail_ok = False
                    problems.append(
                        retail_price_missing(
                            item=item,
                            reseller=reseller.company_name,
                            reseller_id=str(reseller.pk),
                            customer=customer.company_name,
                            customer_id=str(customer.pk),
                        )
                    )
                else:
                    retail.lines.append(
                        PlannedLine(item, text, customer.pk, quantity, retail_price)
                    )
            if retail_ok and retail.lines:
                invoices.append(retail)
        if wholesale_ok and wholesale.lines:
            invoices.append(wholesale)
    return Plan(
        month=month,
        invoices=invoices,
        problems=distinct(problems),
        resellers=resellers,
        customers=customers,
    )


def _items(
    quantities: dict[str, int], charges: list[OneTimeCharge]
) -> list[tuple[str, Decimal, str]]:
    items: list[tuple[str, Decimal, str]] = []
    for item in MONTHLY_ITEMS:
        count = quantities.get(item.value, 0)
        if count > 0:
            items.append((item.value, Decimal(count), item.label))
    for charge in sorted(charges, key=lambda c: (c.occurred_at, str(c.pk))):
        items.append((charge.item, charge.quantity, _charge_text(charge)))
    return items
