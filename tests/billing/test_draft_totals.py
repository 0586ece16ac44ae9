"""A draft's stored totals (written in bulk by the run) equal the money rules' totals."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from billing.money import STANDARD_VAT, ZERO_VAT, Line, cents, totals
from billing.planning import PlannedInvoice, PlannedLine
from billing.services.invoices import draft_rows

GERMAN = {"country": "DE", "vat_id": "DE123456789"}
AUSTRIAN = {"country": "AT", "vat_id": "ATU12345678"}

quantities = st.one_of(
    st.integers(min_value=1, max_value=5000).map(Decimal),
    st.decimals(min_value=Decimal("0.25"), max_value=Decimal("40"), places=2),
)
prices = st.integers(min_value=0, max_value=500_000).map(lambda c: Decimal(c) / 100)


@given(
    items=st.lists(st.tuples(quantities, prices), min_size=1, max_size=30),
    reverse=st.booleans(),
)
def test_draft_totals_follow_the_money_rules(
    items: list[tuple[Decimal, Decimal]], reverse: bool
) -> None:
    customer = uuid.uuid4()
    planned = PlannedInvoice(
        kind="retail",
        reseller_id=uuid.uuid4(),
        buyer_reseller_id=None,
        buyer_customer_id=customer,
        buyer_name="Kunde",
        lines=[PlannedLine("klare_stimme", "Klare stimme", customer, q, p) for q, p in items],
    )
    invoice, lines = draft_rows(
        planned,
        month=dt.date(2026, 10, 1),
        run_id=None,
        seller=GERMAN,
        buyer=AUSTRIAN if reverse else GERMAN,
    )
    rate = ZERO_VAT if reverse else STANDARD_VAT
    expected = totals(Line(q, p, rate) for q, p in items)
    assert invoice["net_cents"] == cents(expected.net)
    assert invoice["tax_cents"] == cents(expected.tax)
    assert invoice["gross_cents"] == cents(expected.gross)
    assert [line["net_cents"] for line in lines] == [cents(Line(q, p, rate).net) for q, p in items]
    assert invoice["reverse_charge"] is reverse
