"""No CSV the platform writes runs a formula when opened in a spreadsheet program: a cell a
tenant typed that starts with = + - @, a tab or a carriage return gets a leading ', in the
users export (API and portal) and the phonebook export; plain numbers keep their sign
(LIC-4, FEA-6, TEN-2). The billing exports: tests/billing/test_csv_formulas.py."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from provisioning import services
from provisioning.downloads import spreadsheet_safe
from tests.factories import World, build_system, user_data

ATTACKS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|x", "-2+3+cmd|x"]


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        *[(attack, "'" + attack) for attack in ATTACKS],
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("+4930123456", "+4930123456"),
        ("+4930123456,+4930123457", "+4930123456,+4930123457"),
        ("-12.50", "-12.50"),
        ("Müller", "Müller"),
        ("", ""),
        (42, 42),
    ],
)
def test_spreadsheet_safe(cell: object, safe: object) -> None:
    assert spreadsheet_safe(cell) == safe


def _rows(text: str, delimiter: str = ";") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def test_users_export_neutralises_formulas_in_api_and_portal(world: World) -> None:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    services.user_create(
        customer=system.customer,
        acting_user=world.customer_admin_a1,
        data=user_data(system.site, "11", first_name=ATTACKS[0], last_name=ATTACKS[1]),
    )
    api = APIClient()
    api.force_login(world.customer_admin_a1)
    portal = Client()
    portal.force_login(world.customer_admin_a1)
    for response in (
        api.get("/api/v1/users/export/"),
        portal.get(reverse("portal:user_export", args=[system.customer.pk])),
    ):
        assert response.status_code == 200
        rows = _rows(response.content.decode())
        row = next(r for r in rows if r[0].startswith("'="))
        assert row[:2] == ["'" + ATTACKS[0], "'" + ATTACKS[1]]
        assert row[-1].startswith("+49")  # the number keeps its plus


def test_phonebook_export_neutralises_formulas(world: World) -> None:
    book = services.phonebook_for(customer=world.customer_a1)
    services.phonebook_entry_create(
        phonebook=book,
        acting_user=world.customer_admin_a1,
        data={"name": ATTACKS[2], "company": ATTACKS[3], "numbers": ["+49 30 1234567"]},
    )
    api = APIClient()
    api.force_login(world.customer_admin_a1)
    response = api.get("/api/v1/phonebook-entries/export/")
    assert response.status_code == 200
    assert _rows(response.content.decode())[1] == [
        "'" + ATTACKS[2],
        "'" + ATTACKS[3],
        "+49301234567",
    ]
