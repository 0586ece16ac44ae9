"""The plain data an invoice document is rendered from (no Django models)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Party:
    """Seller or buyer as printed: name, postal address, VAT id and contact."""

    name: str
    street: str
    postal_code: str
    city: str
    country: str
    vat_id: str = ""
    tax_number: str = ""
    email: str = ""
    iban: str = ""
    bic: str = ""
    bank_name: str = ""


@dataclass(frozen=True)
class DocumentLine:
    position: int
    description: str
    quantity: Decimal
    unit_code: str
    unit_price: Decimal
    net: Decimal
    vat_rate: Decimal


@dataclass(frozen=True)
class DocumentData:
    """Everything §14 UStG and EN 16931 need on one invoice or credit note."""

    number: str
    type_code: str  # 380 invoice, 381 credit note
    issue_date: dt.date
    due_date: dt.date
    period_start: dt.date
    period_end: dt.date
    seller: Party
    buyer: Party
    lines: tuple[DocumentLine, ...]
    by_rate: tuple[tuple[Decimal, Decimal, Decimal], ...]  # (rate, net, tax)
    net: Decimal
    tax: Decimal
    gross: Decimal
    reverse_charge: bool
    payment_terms: str
    currency: str = "EUR"
    preceding_number: str = ""
    preceding_date: dt.date | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_credit_note(self) -> bool:
        return self.type_code == "381"
