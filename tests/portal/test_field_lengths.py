"""The portal's create pages refuse a text longer than its column beside that field — never cut
short, never a server error — like the API (tests/provisioning/test_api_field_lengths.py). Run
on PostgreSQL too, where an over-long value would otherwise raise."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from provisioning.models import Account
from tests.factories import World, site_data, unique_base_number
from tests.field_limits import (
    ADDRESS,
    CONTACT,
    DEVICE,
    TRUNK,
    USER,
    Make,
    Setup,
    build_setup,
    digits,
    phone,
    text,
)
from tests.portal.shell.test_pages import customer_form


@pytest.fixture
def setup(world: World) -> Setup:
    return build_setup(world)


@dataclass(frozen=True)
class Page:
    name: str
    actor: str
    url: Callable[[Setup], str]
    data: Callable[[Setup], dict[str, Any]]
    fields: tuple[tuple[str, int, Make], ...]


def _a1(view: str) -> Callable[[Setup], str]:
    return lambda s: reverse(f"portal:{view}", args=[s.system.customer.pk])


PAGES = [
    Page(
        "customer",
        "reseller_admin_a",
        lambda s: reverse("portal:customer_create"),
        lambda s: customer_form(),
        (*CONTACT, *ADDRESS),
    ),
    Page(
        "reseller",
        "staff",
        lambda s: reverse("portal:reseller_create"),
        lambda s: {**customer_form(), "company_name": "Partner GmbH"},
        (*CONTACT, *ADDRESS),
    ),
    Page(
        "api_key",
        "reseller_admin_a",
        lambda s: reverse("portal:api_key_create"),
        lambda s: {"name": "ERP"},
        (("name", 100, text),),
    ),
    Page(
        "site",
        "reseller_admin_a",
        _a1("site_create"),
        lambda s: {**site_data(), "extra_site_license": "on"},
        (("name", 100, text), *ADDRESS),
    ),
    Page(
        "trunk",
        "reseller_admin_a",
        lambda s: reverse("portal:trunk_create", args=[s.bare_site.pk]),
        lambda s: {
            "provider": "other",
            "provider_name": "Anbieter",
            "connection_type": "sip_datacenter",
            "registrar_host": "sip.example",
            "state": "planned",
            "emergency_street": "Weg 1",
            "emergency_postal_code": "10115",
            "emergency_city": "Berlin",
            "emergency_country": "DE",
        },
        TRUNK,
    ),
    Page(
        "number_block",
        "reseller_admin_a",
        lambda s: reverse("portal:block_create", args=[s.system.trunk.pk]),
        lambda s: {"base_number": unique_base_number(), "first_extension": 0, "last_extension": 9},
        (("base_number", 20, phone),),
    ),
    Page(
        "user",
        "customer_admin_a1",
        _a1("user_create"),
        lambda s: {
            "site": s.system.site.pk,
            "first_name": "Lea",
            "last_name": "Lang",
            "email": "lea@kunde.example",
            "extension": "20",
            "package": "volle_stimme",
            "works_at": "site",
        },
        USER,
    ),
    Page(
        "device",
        "customer_admin_a1",
        _a1("device_create"),
        lambda s: {"site": s.system.site.pk, "model": "IP222", "mac_address": "00:90:33:50:00:01"},
        DEVICE,
    ),
    Page(
        "hunt_group",
        "customer_admin_a1",
        _a1("feature_hunt_group_create"),
        lambda s: {
            "name": "Empfang",
            "site": s.system.site.pk,
            "strategy": "parallel",
            "ring_seconds": 30,
            "member_ring_seconds": 15,
        },
        (("name", 100, text), ("extension", 10, digits)),
    ),
    Page(
        "ivr_menu",
        "customer_admin_a1",
        _a1("feature_ivr_create"),
        lambda s: {"name": "Begrüßung", "timeout_seconds": 5, "repeat_count": 2},
        (("name", 100, text), ("extension", 10, digits)),
    ),
    Page(
        "pickup_group",
        "customer_admin_a1",
        _a1("feature_pickup_create"),
        lambda s: {"name": "Büro"},
        (("name", 100, text),),
    ),
    Page(
        "phonebook_entry",
        "customer_admin_a1",
        _a1("feature_phonebook"),
        lambda s: {"name": "Huber", "numbers": "+49891234567"},
        (("name", 200, text), ("company", 200, text)),
    ),
]


@pytest.mark.parametrize("page", [pytest.param(p, id=p.name) for p in PAGES])
def test_over_long_text_is_refused_beside_its_field(
    setup: Setup, portal: Callable[[Account | None], Client], page: Page
) -> None:
    client = portal(getattr(setup.world, page.actor))
    url = page.url(setup)
    for field, max_length, make in page.fields:
        value = make(max_length + 1)
        response = client.post(url, {**page.data(setup), field: value})
        assert response.status_code == 400, (field, response.status_code)
        errors = response.context["form"].errors
        assert field in errors, (field, errors)
    # The same page without the over-long value is accepted: each refusal above was the length.
    accepted = client.post(url, page.data(setup))
    assert accepted.status_code in (200, 302), accepted.status_code
