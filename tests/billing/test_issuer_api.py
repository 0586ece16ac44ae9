"""Issuer profiles in the API (BIL-4, BIL-5, TEN-2): ``/api/v1/issuer-profiles/{platform or
reseller id}/``. A reseller admin reads and changes only its own reseller's invoicing data (any
other id answers like an unknown one); platform finance reads all; platform staff change all."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from billing.models import IssuerProfile
from provisioning.models import Account
from tests.factories import World

ApiFactory = Callable[[Account | None], APIClient]
NOT_FOUND = {"error": "not_found", "message": "Nicht gefunden.", "fields": {}}
pytestmark = pytest.mark.django_db

BANK = {
    "tax_number": "27/456/78901",
    "email": "rechnung@reseller.example",
    "iban": "DE89 3704 0044 0532 0130 00",
    "bic": "COBADEFFXXX",
    "bank_name": "Commerzbank",
    "payment_terms_days": 21,
}
PLATFORM_BODY = {
    "company_name": "stimme Plattform GmbH",
    "street": "Friedrichstraße 1",
    "postal_code": "10117",
    "city": "Berlin",
    "country": "DE",
    "vat_id": "DE811111111",
    **BANK,
}


def _url(key: object) -> str:
    return f"/api/v1/issuer-profiles/{key}/"


def test_reseller_admin_reads_and_changes_its_own_profile(world: World, api: ApiFactory) -> None:
    client = api(world.reseller_admin_a)
    url = _url(world.reseller_a.pk)
    before = client.get(url)
    assert before.status_code == 200
    data = before.json()
    assert data["id"] == str(world.reseller_a.pk) and data["iban"] == ""
    assert data["company_name"] == world.reseller_a.company_name  # from the reseller record
    assert data["payment_terms_days"] == 14 and data["updated_at"] is None
    put = client.put(url, {**BANK, "company_name": "Umbenannt GmbH"}, format="json")
    assert put.status_code == 200, put.json()
    assert put.json()["iban"] == "DE89370400440532013000"
    assert put.json()["company_name"] == world.reseller_a.company_name  # not changeable here
    stored = IssuerProfile.objects.get(issuer_key=str(world.reseller_a.pk))
    assert stored.reseller == world.reseller_a and stored.payment_terms_days == 21
    patch = client.patch(url, {"payment_terms_days": 30}, format="json")
    assert patch.status_code == 200 and patch.json()["payment_terms_days"] == 30
    assert patch.json()["bank_name"] == "Commerzbank"  # PATCH keeps what it does not name
    emptied = client.put(url, {"iban": "DE89370400440532013000"}, format="json")
    assert emptied.json()["bank_name"] == "" and emptied.json()["payment_terms_days"] == 14
    listing = client.get("/api/v1/issuer-profiles/").json()
    assert [row["id"] for row in listing["results"]] == [str(world.reseller_a.pk)]


def test_invalid_bank_data_is_refused_with_the_field(world: World, api: ApiFactory) -> None:
    client = api(world.reseller_admin_a)
    response = client.put(
        _url(world.reseller_a.pk),
        {**BANK, "iban": "DE89370400440532013001", "bic": "XYZ"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid" and set(body["fields"]) == {"iban", "bic"}
    terms = client.patch(_url(world.reseller_a.pk), {"payment_terms_days": -1}, format="json")
    assert terms.status_code == 400 and "payment_terms_days" in terms.json()["fields"]
    assert not IssuerProfile.objects.exists()


@pytest.mark.parametrize(
    "outsider", ["reseller_admin_b", "customer_admin_a1", "customer_admin_b1", "end_user_a1"]
)
def test_foreign_profiles_answer_like_unknown_ids(
    world: World, api: ApiFactory, outsider: str
) -> None:
    IssuerProfile.objects.create(
        issuer_key=str(world.reseller_a.pk),
        reseller=world.reseller_a,
        iban="DE89370400440532013000",
    )
    client = api(getattr(world, outsider))
    for key in (world.reseller_a.pk, uuid.uuid4(), "not-a-uuid", "platform"):
        for method in ("get", "put", "patch"):
            response = getattr(client, method)(_url(key), BANK, format="json")
            assert response.status_code == 404, (outsider, key, method)
            assert response.json() == NOT_FOUND
    listing = client.get("/api/v1/issuer-profiles/").json()
    assert str(world.reseller_a.pk) not in {row["id"] for row in listing["results"]}
    assert IssuerProfile.objects.get().iban == "DE89370400440532013000"


def test_finance_reads_all_and_keeps_the_resellers_data(world: World, api: ApiFactory) -> None:
    staff = api(world.staff)
    assert staff.put(_url("platform"), PLATFORM_BODY, format="json").status_code == 200
    assert staff.put(_url(world.reseller_b.pk), BANK, format="json").status_code == 200
    finance = api(world.finance)
    platform = finance.get(_url("platform")).json()
    assert platform["company_name"] == "stimme Plattform GmbH" and platform["reseller"] is None
    assert finance.get(_url(world.reseller_a.pk)).status_code == 200
    ids = {row["id"] for row in finance.get("/api/v1/issuer-profiles/").json()["results"]}
    assert ids == {"platform", str(world.reseller_b.pk)}
    refused = finance.put(_url("platform"), {**PLATFORM_BODY, "city": "Potsdam"}, format="json")
    assert refused.status_code == 403
    assert IssuerProfile.objects.get(issuer_key="platform").city == "Berlin"
    changed = finance.patch(_url(world.reseller_b.pk), {"bank_name": "Sparkasse"}, format="json")
    assert changed.status_code == 200 and changed.json()["bank_name"] == "Sparkasse"


def test_staff_sets_the_platforms_own_data(world: World, api: ApiFactory) -> None:
    client = api(world.staff)
    incomplete = client.put(_url("platform"), BANK, format="json")
    assert incomplete.status_code == 400
    assert {"company_name", "street", "vat_id"} <= set(incomplete.json()["fields"])
    bad_vat = client.put(_url("platform"), {**PLATFORM_BODY, "vat_id": "DE12"}, format="json")
    assert bad_vat.status_code == 400 and "vat_id" in bad_vat.json()["fields"]
    response = client.put(
        _url("platform"), {**PLATFORM_BODY, "datev_consultant_number": 4711}, format="json"
    )
    assert response.status_code == 200
    stored = IssuerProfile.objects.get(issuer_key="platform")
    assert stored.company_name == "stimme Plattform GmbH" and stored.reseller is None
    assert stored.datev_consultant_number == 4711 and stored.iban == "DE89370400440532013000"
    # a reseller admin cannot touch the platform's data (it does not exist for it)
    assert api(world.reseller_admin_a).get(_url("platform")).status_code == 404


def test_platform_sets_a_resellers_datev_numbers_and_the_reseller_cannot(
    world: World, api: ApiFactory
) -> None:
    url = _url(world.reseller_a.pk)
    datev = {"datev_consultant_number": 4711, "datev_client_number": 42}
    set_by_finance = api(world.finance).put(url, {**BANK, **datev}, format="json")
    assert set_by_finance.status_code == 200
    assert set_by_finance.json()["datev_client_number"] == 42
    own = api(world.reseller_admin_a).patch(url, {"datev_client_number": 7}, format="json")
    assert own.status_code == 200 and own.json()["datev_client_number"] == 42
    kept = api(world.staff).put(url, BANK, format="json")  # PUT without them keeps them
    assert kept.json()["datev_consultant_number"] == 4711
    bad = api(world.staff).patch(url, {"datev_client_number": 0}, format="json")
    assert bad.status_code == 400 and "datev_client_number" in bad.json()["fields"]
