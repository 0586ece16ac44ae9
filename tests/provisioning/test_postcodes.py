"""Postcodes: German ones (country DE) have exactly five digits, other countries keep the loose
rule — for resellers, customers, sites, trunks' emergency addresses and issuer profiles, in the
models, the API and the portal forms alike."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from billing.models import IssuerProfile
from portal.finance.forms import IssuerProfileForm
from portal.system.forms import SiteForm, TrunkForm
from portal.tenants.forms import CustomerForm, ResellerForm
from provisioning.models import Account, Customer
from tests.factories import (
    World,
    build_system,
    customer_data,
    reseller_data,
    site_data,
    trunk_data,
)

Api = Callable[[Account | None], APIClient]


def _fields(response: object) -> dict[str, list[str]]:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error", "message", "fields"}, body
    return body["fields"]  # type: ignore[no-any-return]


BAD_GERMAN_POSTCODES = ["1234", "123456", "1011A", "10 115"]


@pytest.mark.parametrize("postcode", BAD_GERMAN_POSTCODES)
def test_german_postcodes_have_five_digits_in_the_api(
    world: World, api: Api, postcode: str
) -> None:
    client = api(world.staff)
    for path, body in (
        ("/api/v1/resellers/", reseller_data(postal_code=postcode)),
        (
            "/api/v1/customers/",
            {**customer_data(postal_code=postcode), "reseller": str(world.reseller_a.pk)},
        ),
    ):
        response = client.post(path, body, format="json")
        assert response.status_code == 400, (path, response.json())
        assert list(_fields(response)) == ["postal_code"], response.json()


def test_other_countries_keep_the_loose_postcode_rule(world: World, api: Api) -> None:
    client = api(world.reseller_admin_a)
    austrian = customer_data(postal_code="1010", city="Wien", country="AT", federal_state="")
    assert client.post("/api/v1/customers/", austrian, format="json").status_code == 201
    dutch = customer_data(postal_code="1012 AB", city="Amsterdam", country="NL", federal_state="")
    assert client.post("/api/v1/customers/", dutch, format="json").status_code == 201
    # The loose rule still applies everywhere.
    nonsense = customer_data(postal_code="1!", country="AT", federal_state="")
    assert client.post("/api/v1/customers/", nonsense, format="json").status_code == 400


def test_changing_only_postcode_or_country_is_checked_against_the_other(
    world: World, api: Api
) -> None:
    client = api(world.reseller_admin_a)
    url = f"/api/v1/customers/{world.customer_a1.pk}/"  # German, 80331
    refused = client.patch(url, {"postal_code": "8033"}, format="json")
    assert refused.status_code == 400 and list(_fields(refused)) == ["postal_code"]
    moved = client.patch(url, {"country": "AT", "postal_code": "8010"}, format="json")
    assert moved.status_code == 200, moved.json()
    back = client.patch(url, {"country": "DE"}, format="json")
    assert back.status_code == 400 and list(_fields(back)) == ["postal_code"]


def test_sites_trunks_and_the_platform_issuer_check_german_postcodes(
    world: World, api: Api
) -> None:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    client = api(world.reseller_admin_a)
    site = client.post(
        "/api/v1/sites/",
        {"customer": str(world.customer_a1.pk), **site_data(postal_code="1011"),
         "extra_site_license": True},
        format="json",
    )  # fmt: skip
    assert site.status_code == 400 and list(_fields(site)) == ["postal_code"]
    trunk = client.patch(
        f"/api/v1/trunks/{system.trunk.pk}/", {"emergency_postal_code": "101150"}, format="json"
    )
    assert trunk.status_code == 400 and list(_fields(trunk)) == ["emergency_postal_code"]
    abroad = client.patch(
        f"/api/v1/trunks/{system.trunk.pk}/",
        {"emergency_postal_code": "1010", "emergency_country": "AT"},
        format="json",
    )
    assert abroad.status_code == 200, abroad.json()
    issuer = api(world.staff).put(
        "/api/v1/issuer-profiles/platform/",
        {"company_name": "stimme GmbH", "street": "Friedrichstraße 1", "postal_code": "1011",
         "city": "Berlin", "vat_id": "DE811111111"},
        format="json",
    )  # fmt: skip
    assert issuer.status_code == 400 and list(_fields(issuer)) == ["postal_code"]


def test_models_refuse_a_short_german_postcode(world: World) -> None:
    customer = Customer(reseller=world.reseller_a, **customer_data(postal_code="1234"))
    with pytest.raises(ValidationError) as refused:
        customer.full_clean()
    assert list(refused.value.message_dict) == ["postal_code"]
    profile = IssuerProfile(issuer_key="x", postal_code="123", country="DE")
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert list(refused.value.message_dict) == ["postal_code"]


def test_portal_forms_refuse_a_short_german_postcode(world: World) -> None:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    forms = [
        CustomerForm(data={**customer_data(postal_code="1234")}),
        ResellerForm(data={**reseller_data(postal_code="1234")}),
        SiteForm(data=site_data(postal_code="1234")),
        TrunkForm(
            data={**trunk_data(), "emergency_street": "Weg 1", "emergency_postal_code": "1234",
                  "emergency_city": "Berlin", "emergency_country": "DE"},
            instance=system.trunk,
        ),
        IssuerProfileForm(
            data={"company_name": "stimme GmbH", "street": "Weg 1", "postal_code": "1234",
                  "city": "Berlin", "country": "DE", "vat_id": "DE811111111",
                  "payment_terms_days": 14},
        ),
    ]  # fmt: skip
    for form in forms:
        assert not form.is_valid()
        field = "emergency_postal_code" if isinstance(form, TrunkForm) else "postal_code"
        assert field in form.errors, (type(form).__name__, form.errors)
    good = SiteForm(data=site_data(postal_code="10115"))
    assert good.is_valid(), good.errors
