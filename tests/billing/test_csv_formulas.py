"""The billing exports (invoice CSV and DATEV batch) write a buyer's name that would be a
spreadsheet formula with a leading ' (BIL-6, TEN-2)."""

from __future__ import annotations

import csv
import io

import pytest

from provisioning.models import Customer
from tests.factories import World

EVIL = '=HYPERLINK("http://x","Kunde")'


@pytest.fixture
def evil_name(world: World) -> None:
    Customer.objects.filter(pk=world.customer_a1.pk).update(company_name=EVIL)


def test_invoice_csv_and_datev_neutralise_formulas(evil_name: None, billed: World, api) -> None:  # type: ignore[no-untyped-def]
    client = api(billed.finance)
    text = client.get("/api/v1/exports/?month=2026-10&format=csv&issuer=all").content.decode()
    buyers = {row["buyer"] for row in csv.DictReader(io.StringIO(text))}
    assert "'" + EVIL in buyers and EVIL not in buyers
    reseller = billed.reseller_a.pk
    datev = client.get(f"/api/v1/exports/?month=2026-10&format=datev&issuer={reseller}")
    body = datev.content.decode("cp1252")
    assert '"\'=HYPERLINK(""http://x"",""Kunde"")' in body
    assert ';"=HYPERLINK' not in body
