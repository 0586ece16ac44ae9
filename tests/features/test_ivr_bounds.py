"""IVR menus (FEA-3): ``timeout_seconds`` 1–60 and ``repeat_count`` 0–5 in the model, the
database, the API, its OpenAPI schema and the portal form."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from rest_framework.test import APIClient

from portal.features.forms import IvrMenuForm
from provisioning import services
from provisioning.models import Account, IvrMenu
from tests.factories import World

Api = Callable[[Account | None], APIClient]


def _fields(response: object) -> dict[str, list[str]]:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error", "message", "fields"}, body
    return body["fields"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("timeout_seconds", 0, False),
        ("timeout_seconds", 1, True),
        ("timeout_seconds", 60, True),
        ("timeout_seconds", 61, False),
        ("repeat_count", -1, False),
        ("repeat_count", 0, True),
        ("repeat_count", 5, True),
        ("repeat_count", 6, False),
    ],
)
def test_ivr_timeout_and_repeats_have_bounds_in_the_api(
    world: World, api: Api, field: str, value: int, ok: bool
) -> None:
    response = api(world.customer_admin_a1).post(
        "/api/v1/ivr-menus/", {"name": "Menü", field: value}, format="json"
    )
    if ok:
        assert response.status_code == 201, response.json()
    else:
        assert response.status_code == 400 and list(_fields(response)) == [field]


def test_ivr_bounds_are_in_the_openapi_schema(db: None) -> None:
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for name in ("IvrMenu", "IvrMenuRequest", "PatchedIvrMenuRequest"):
        properties = schema["components"]["schemas"][name]["properties"]
        assert properties["timeout_seconds"]["minimum"] == 1, name
        assert properties["timeout_seconds"]["maximum"] == 60, name
        assert properties["repeat_count"]["minimum"] == 0, name
        assert properties["repeat_count"]["maximum"] == 5, name


def test_ivr_bounds_in_the_model_and_the_database(world: World) -> None:
    menu = services.ivr_menu_create(
        customer=world.customer_a1, acting_user=world.customer_admin_a1, data={"name": "Menü"}
    )
    for field, value in (("timeout_seconds", 61), ("repeat_count", 6)):
        candidate = IvrMenu(customer=world.customer_a1, name="X", **{field: value})
        with pytest.raises(ValidationError) as refused:
            candidate.full_clean()
        assert list(refused.value.message_dict) == [field]
        with pytest.raises(IntegrityError), transaction.atomic():
            IvrMenu.objects.filter(pk=menu.pk).update(**{field: value})
    with pytest.raises(IntegrityError), transaction.atomic():
        IvrMenu.objects.filter(pk=menu.pk).update(timeout_seconds=0)


def test_portal_ivr_form_has_the_model_bounds(world: World) -> None:
    base = {"name": "Menü", "timeout_seconds": 5, "repeat_count": 2}
    assert IvrMenuForm(data=base, customer=world.customer_a1).is_valid()
    for field, value in (("timeout_seconds", 61), ("repeat_count", 6), ("timeout_seconds", 0)):
        form = IvrMenuForm(data={**base, field: value}, customer=world.customer_a1)
        assert not form.is_valid() and field in form.errors, (field, value)
