"""Answers match the published OpenAPI schema where the data is empty or absent: a customer
without a base license, a user without a fax number (also in a PATCH answer), the operator's
schedule times, an issuer profile without an e-mail address (TEN-2, LIC-1, FEA-4, BIL-2)."""

from __future__ import annotations

import pytest

from provisioning import services
from tests.fuzzing import call_and_check, seed, wsgi_app


@pytest.fixture
def setup(db, settings):  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = ["*"]
    world = seed()
    keys = {
        actor: services.api_key_create(acting_user=getattr(world, actor), name="schema")[1]
        for actor in ("staff", "reseller_admin_a")
    }
    with wsgi_app() as app:
        yield keys, app, world


def test_customer_without_base_license(setup) -> None:  # type: ignore[no-untyped-def]
    keys, app, _world = setup
    response = call_and_check(app, keys["staff"], "GET", "/api/v1/customers/")
    assert "" in {row["base_license"] for row in response.json()["results"]}


def test_user_without_fax_number_in_reads_and_patch(setup) -> None:  # type: ignore[no-untyped-def]
    keys, app, _world = setup
    response = call_and_check(app, keys["reseller_admin_a"], "GET", "/api/v1/users/")
    user = response.json()["results"][0]
    assert user["fax_number"] is None
    patched = call_and_check(
        app,
        keys["reseller_admin_a"],
        "PATCH",
        "/api/v1/users/{id}/",
        path_parameters={"id": user["id"]},
        body={"last_name": "Neumann"},
        media_type="application/json",
    )
    assert patched.json()["fax_number"] is None


def test_operator_schedule_times(setup) -> None:  # type: ignore[no-untyped-def]
    keys, app, _world = setup
    response = call_and_check(app, keys["reseller_admin_a"], "GET", "/api/v1/operators/")
    entry = response.json()["results"][0]["schedule"][0]
    assert (entry["start"], entry["end"]) == ("08:00", "17:00")


def test_issuer_profile_without_email(setup) -> None:  # type: ignore[no-untyped-def]
    keys, app, world = setup
    response = call_and_check(
        app,
        keys["reseller_admin_a"],
        "GET",
        "/api/v1/issuer-profiles/{id}/",
        path_parameters={"id": str(world.reseller_a.pk)},
    )
    assert response.json()["email"] == ""
