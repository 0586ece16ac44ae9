"""A text longer than its column is refused by field — never cut short, never a 500 — on every
API endpoint that creates something. SQLite ignores varchar lengths and PostgreSQL raises, so
this runs on both (``DATABASE_URL=postgres://…``)."""

from __future__ import annotations

import io
import wave
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from provisioning import services
from provisioning.models import Account
from tests.factories import World, customer_data, reseller_data, site_data, unique_base_number
from tests.field_limits import ADDRESS as ADDRESS_FIELDS
from tests.field_limits import (
    CONTACT,
    DEVICE,
    TRUNK,
    USER,
    Make,
    Setup,
    build_setup,
    digits,
    email,
    phone,
    target,
    text,
)


@pytest.fixture
def setup(world: World) -> Setup:
    return build_setup(world)


@dataclass(frozen=True)
class Endpoint:
    path: str
    actor: str
    body: Callable[[Setup], dict[str, Any]]
    fields: tuple[tuple[str, int, Make], ...]
    method: str = "post"
    multipart: bool = False
    csv: Callable[[Setup, str, str], dict[str, Any]] | None = None  # rows: errors per row


ADDRESS = (*ADDRESS_FIELDS, ("country", 2, text))


def _wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x10" * 800)
    return buffer.getvalue()


def _a1(s: Setup) -> str:
    return str(s.system.customer.pk)


def _users_csv(s: Setup, field: str, value: str) -> dict[str, Any]:
    row = {
        "first_name": "Lea",
        "last_name": "Lang",
        "email": "lea@kunde.example",
        "site": s.system.site.name,
        "extension": "20",
        "package": "klare_stimme",
    }
    row[field] = value
    return {"csv": ";".join(row) + "\n" + ";".join(row.values()) + "\n"}


def _phonebook_csv(s: Setup, field: str, value: str) -> dict[str, Any]:
    row = {"name": "Huber", "company": "Huber KG", "numbers": "+49891234567"}
    row[field] = value
    return {"customer": _a1(s), "csv": ";".join(row) + "\n" + ";".join(row.values()) + "\n"}


ENDPOINTS = [
    Endpoint("resellers", "staff", lambda s: reseller_data(), (*CONTACT, *ADDRESS)),
    Endpoint("customers", "reseller_admin_a", lambda s: customer_data(), (*CONTACT, *ADDRESS)),
    Endpoint("api-keys", "reseller_admin_a", lambda s: {"name": "ERP"}, (("name", 100, text),)),
    Endpoint(
        "sites",
        "reseller_admin_a",
        lambda s: {"customer": _a1(s), **site_data(), "extra_site_license": True},
        (("name", 100, text), *ADDRESS),
    ),
    Endpoint(
        "trunks",
        "reseller_admin_a",
        lambda s: {
            "site": str(s.bare_site.pk),
            "provider": "other",
            "provider_name": "Anbieter",
            "connection_type": "sip_datacenter",
            "registrar_host": "sip.example",
        },
        (*TRUNK, ("emergency_country", 2, text)),
    ),
    Endpoint(
        "number-blocks",
        "reseller_admin_a",
        lambda s: {
            "trunk": str(s.system.trunk.pk),
            "base_number": unique_base_number(),
            "first_extension": 0,
            "last_extension": 9,
        },
        (("base_number", 20, phone),),
    ),
    Endpoint(
        "users",
        "customer_admin_a1",
        lambda s: {
            "site": str(s.system.site.pk),
            "first_name": "Lea",
            "last_name": "Lang",
            "email": "lea@kunde.example",
            "extension": "20",
            "package": "volle_stimme",
        },
        (*USER, ("fax_extension", 10, digits)),
    ),
    Endpoint(
        "users/import",
        "customer_admin_a1",
        lambda s: {},
        (
            ("first_name", 100, text),
            ("last_name", 100, text),
            ("email", 254, email),
            ("site", 100, text),
            ("extension", 10, digits),
        ),
        csv=_users_csv,
    ),
    Endpoint(
        "devices",
        "customer_admin_a1",
        lambda s: {
            "site": str(s.system.site.pk),
            "model": "IP222",
            "mac_address": "00:90:33:40:00:01",
        },
        DEVICE,
    ),
    Endpoint(
        "hunt-groups",
        "customer_admin_a1",
        lambda s: {"name": "Empfang", "site": str(s.system.site.pk)},
        (("name", 100, text), ("extension", 10, digits), ("overflow", 80, target)),
    ),
    Endpoint(
        "pickup-groups", "customer_admin_a1", lambda s: {"name": "Büro"}, (("name", 100, text),)
    ),
    Endpoint(
        "ivr-menus",
        "customer_admin_a1",
        lambda s: {"name": "Begrüßung"},
        (
            ("name", 100, text),
            ("extension", 10, digits),
            ("on_timeout", 80, target),
            ("on_invalid", 80, target),
        ),
    ),
    Endpoint(
        "operators",
        "customer_admin_a1",
        lambda s: {"day_target": f"user:{s.system.user.pk}"},
        (("day_target", 80, target), ("night_target", 80, target)),
    ),
    Endpoint(
        "call-forwardings",
        "customer_admin_a1",
        lambda s: {"user": str(s.system.user.pk)},
        (("always", 80, target), ("on_busy", 80, target), ("on_no_answer", 80, target)),
    ),
    Endpoint(
        "voicemail-boxes",
        "customer_admin_a1",
        lambda s: {"user": str(s.system.user.pk), "enabled": True},
        (("pin", 8, digits), ("email", 254, email)),
    ),
    Endpoint(
        "audio-files",
        "customer_admin_a1",
        lambda s: {
            "kind": "announcement",
            "file": SimpleUploadedFile("ansage.wav", _wav(), "audio/wav"),
        },
        (("name", 100, text),),
        multipart=True,
    ),
    Endpoint(
        "phonebook-entries",
        "customer_admin_a1",
        lambda s: {"name": "Huber", "numbers": ["+49891234567"]},
        (("name", 200, text), ("company", 200, text)),
    ),
    Endpoint(
        "phonebook-entries/import",
        "customer_admin_a1",
        lambda s: {},
        (("name", 200, text), ("company", 200, text)),
        csv=_phonebook_csv,
    ),
    Endpoint(
        "call-trace",
        "customer_admin_a1",
        lambda s: {"dialled": "10"},
        (("dialled", 40, digits), ("caller", 40, phone), ("at", 40, text)),
    ),
    Endpoint(
        "price-lists",
        "reseller_admin_a",
        lambda s: {
            "kind": "retail",
            "name": "2027",
            "valid_from": "2027-01-01",
            "prices": {
                "grundlizenz": "30.00",
                "erweiterte_grundlizenz": "60.00",
                "weiterer_standort": "15.00",
                "klare_stimme": "4.50",
                "klingende_stimme": "7.50",
                "volle_stimme": "12.00",
            },
        },
        (("name", 100, text),),
    ),
    Endpoint(
        "one-time-charges",
        "finance",
        lambda s: {
            "customer": _a1(s),
            "item": "onsite_hour",
            "quantity": "1",
            "occurred_at": "2026-10-07T10:00:00+02:00",
        },
        (("description", 200, text),),
    ),
    Endpoint(
        "issuer-profiles/platform",
        "staff",
        lambda s: {
            "company_name": "stimme Plattform GmbH",
            "street": "Friedrichstraße 1",
            "postal_code": "10117",
            "city": "Berlin",
            "country": "DE",
            "vat_id": "DE811111111",
        },
        (
            ("company_name", 200, text),
            *ADDRESS,
            ("vat_id", 20, text),
            ("tax_number", 30, text),
            ("email", 254, email),
            ("bank_name", 100, text),
        ),
        method="put",
    ),
    Endpoint(
        "issuer-profiles/reseller",
        "reseller_admin_a",
        lambda s: {},
        (("tax_number", 30, text), ("email", 254, email), ("bank_name", 100, text)),
        method="put",
    ),
]


def _path(endpoint: Endpoint, setup: Setup) -> str:
    if endpoint.path == "issuer-profiles/reseller":
        return f"/api/v1/issuer-profiles/{setup.world.reseller_a.pk}/"
    return f"/api/v1/{endpoint.path}/"


@pytest.mark.parametrize("endpoint", [pytest.param(e, id=e.path) for e in ENDPOINTS])
def test_over_long_text_is_refused_by_field(
    setup: Setup, api: Callable[[Account | None], APIClient], endpoint: Endpoint
) -> None:
    client = api(getattr(setup.world, endpoint.actor))
    for field, max_length, make in endpoint.fields:
        value = make(max_length + 1)
        assert len(value) == max_length + 1
        if endpoint.csv is not None:
            body = endpoint.csv(setup, field, value)
        else:
            body = {**endpoint.body(setup), field: value}
        response = getattr(client, endpoint.method)(
            _path(endpoint, setup), body, format="multipart" if endpoint.multipart else "json"
        )
        assert response.status_code == 400, (field, response.status_code, response.content[:300])
        answer = response.json()
        if endpoint.csv is not None:
            assert answer["error"] == "import_invalid", (field, answer)
            assert field in answer["rows"]["2"], (field, answer)
        else:
            assert field in answer["fields"], (field, answer)
    if endpoint.csv is None:
        # The body without the over-long value is accepted: each refusal above was the length.
        accepted = getattr(client, endpoint.method)(
            _path(endpoint, setup),
            endpoint.body(setup),
            format="multipart" if endpoint.multipart else "json",
        )
        assert accepted.status_code < 300, accepted.content[:300]


def test_network_check_with_an_over_long_tool_version_is_refused(
    setup: Setup, api: Callable[[Account | None], APIClient]
) -> None:
    from tests.netchecks.helpers import UPLOAD_URL, result_doc

    _token, raw = services.site_check_token_create(
        site=setup.system.site, acting_user=setup.world.reseller_admin_a
    )
    doc = result_doc()
    doc["tool_version"] = "1." + "0" * 31
    response = APIClient().post(UPLOAD_URL, doc, format="json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 400, response.content[:300]
    assert "tool_version" in response.json()["fields"]


def test_phonebook_import_with_one_over_long_row_imports_nothing(
    setup: Setup, api: Callable[[Account | None], APIClient]
) -> None:
    from provisioning.models import PhonebookEntry

    csv = "name;company;numbers\nHuber;;+49891234567\n" + "x" * 201 + ";;+49891234568\n"
    response = api(setup.world.customer_admin_a1).post(
        "/api/v1/phonebook-entries/import/", {"csv": csv}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "import_invalid"
    assert list(response.json()["rows"]) == ["3"] and "name" in response.json()["rows"]["3"]
    assert not PhonebookEntry.objects.exists()
