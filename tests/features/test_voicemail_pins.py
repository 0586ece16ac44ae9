"""Voicemail PINs (FEA-9): 4–8 digits, not trivial, not the user's extension — and never
repeated back in an error or the audit log."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from portal.features.forms import VoicemailForm
from provisioning import services
from provisioning.errors import ApplicationError
from provisioning.models import Account, AuditEvent, VoicemailBox
from provisioning.validators import validate_voicemail_pin
from tests.factories import (
    System,
    World,
    build_system,
    user_data,
)

Api = Callable[[Account | None], APIClient]


def _fields(response: object) -> dict[str, list[str]]:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error", "message", "fields"}, body
    return body["fields"]  # type: ignore[no-any-return]


WEAK_PINS = ["123", "123456789", "12a4", "０１２３", "0000", "1111", "99999", "1234", "4321",
             "123456", "98765", "0123"]  # fmt: skip


def _system_with_four_digit_extension(world: World) -> System:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    services.number_block_create(
        trunk=system.trunk,
        acting_user=world.reseller_admin_a,
        base_number=system.block.base_number,
        first_extension=1000,
        last_extension=1009,
    )
    system.user = services.user_create(
        customer=world.customer_a1,
        acting_user=world.reseller_admin_a,
        data=user_data(system.site, "1005"),
    )
    return system


@pytest.mark.parametrize("pin", WEAK_PINS)
def test_api_refuses_weak_voicemail_pins_without_echoing_them(
    world: World, api: Api, pin: str
) -> None:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    response = api(world.customer_admin_a1).post(
        "/api/v1/voicemail-boxes/",
        {"user": str(system.user.pk), "enabled": True, "pin": pin},
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert list(_fields(response)) == ["pin"]
    assert pin not in json.dumps(response.json(), ensure_ascii=False)
    assert not VoicemailBox.objects.exists()


def test_pin_may_not_be_the_users_extension(world: World, api: Api) -> None:
    system = _system_with_four_digit_extension(world)
    client = api(world.customer_admin_a1)
    body = {"user": str(system.user.pk), "enabled": True, "pin": "1005"}
    response = client.post("/api/v1/voicemail-boxes/", body, format="json")
    assert response.status_code == 400 and list(_fields(response)) == ["pin"]
    assert "1005" not in json.dumps(response.json())
    with pytest.raises(ApplicationError) as refused:
        services.voicemail_update(
            subscriber=system.user, acting_user=world.customer_admin_a1, data={"pin": "1005"}
        )
    assert list(refused.value.fields) == ["pin"] and "1005" not in refused.value.message
    ok = client.post("/api/v1/voicemail-boxes/", {**body, "pin": "5871"}, format="json")
    assert ok.status_code == 201, ok.json()
    events = AuditEvent.objects.filter(object_type="provisioning.voicemailbox")
    assert events.exists()
    assert all("5871" not in json.dumps(e.changes) for e in events)


def test_pin_rules_as_a_validator() -> None:
    for pin in WEAK_PINS:
        with pytest.raises(ValidationError):
            validate_voicemail_pin(pin)
    with pytest.raises(ValidationError):
        validate_voicemail_pin("2024", extension="2024")
    for pin in ("5871", "1357", "2580", "246810"):
        validate_voicemail_pin(pin, extension="10")


def test_portal_voicemail_form_refuses_a_trivial_pin(world: World) -> None:
    form = VoicemailForm(data={"enabled": "on", "pin": "1234"}, customer=world.customer_a1)
    assert not form.is_valid() and "pin" in form.errors
    assert "1234" not in str(form.errors)
    form = VoicemailForm(data={"enabled": "on", "pin": "5871"}, customer=world.customer_a1)
    assert form.is_valid(), form.errors
