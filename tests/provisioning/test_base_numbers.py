"""A number block's base number is refused in the words of what was typed (``12345``), never
in its normalised form (``+49123450``) (TRK-2)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from provisioning import services
from provisioning.errors import ApplicationError
from provisioning.models import Account
from tests.factories import World, build_system

Api = Callable[[Account | None], APIClient]


def _fields(response: object) -> dict[str, list[str]]:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error", "message", "fields"}, body
    return body["fields"]  # type: ignore[no-any-return]


def test_base_number_error_speaks_of_what_was_typed(world: World, api: Api) -> None:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    client = api(world.reseller_admin_a)
    body = {"trunk": str(system.trunk.pk), "base_number": "12345", "last_extension": 99}
    response = client.post("/api/v1/number-blocks/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert list(_fields(response)) == ["base_number"]
    text = json.dumps(response.json())
    assert "+4912345" not in text
    assert response.json()["fields"]["base_number"][0].startswith(
        "12345 is not a valid German phone number: "
    ), response.json()
    german = client.post("/api/v1/number-blocks/", body, format="json")
    assert german.json()["fields"]["base_number"][0].startswith(
        "12345 ist keine gültige deutsche Rufnummer: "
    ), german.json()
    garbage = client.post(
        "/api/v1/number-blocks/", {**body, "base_number": "abc"}, format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert garbage.status_code == 400
    assert "abc" in garbage.json()["fields"]["base_number"][0]


def test_base_number_too_long_with_its_extension_names_the_extension(
    world: World, api: Api
) -> None:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    response = api(world.reseller_admin_a).post(
        "/api/v1/number-blocks/",
        {"trunk": str(system.trunk.pk), "base_number": "+49 30 12345678901",
         "first_extension": 0, "last_extension": 9999},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 400, response.json()
    message = response.json()["fields"]["base_number"][0]
    assert message.startswith("+49 30 12345678901 is not a valid German phone number"), message


def test_service_refuses_a_bad_base_number_speaking_of_what_was_typed(world: World) -> None:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    with pytest.raises(ApplicationError) as refused:
        services.number_block_create(
            trunk=system.trunk,
            acting_user=world.reseller_admin_a,
            base_number="12345",
            first_extension=0,
            last_extension=9,
        )
    assert refused.value.fields["base_number"][0].startswith("12345 ")
    assert "+4912345" not in refused.value.message
