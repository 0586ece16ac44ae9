"""Deeply nested JSON bodies are refused with 400 naming the nesting bound, never a server
error (TEN-2)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from provisioning.api.parsers import MAX_DEPTH, depth_exceeds
from tests.factories import World


def _post(world: World, path: str, body: str, **headers: str):  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_login(world.staff)
    return client.generic("POST", path, body, content_type="application/json", **headers)


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 5_000 + "1" + "}" * 5_000,
        '{"company_name": ' + "[" * 40 + "]" * 40 + "}",
    ],
    ids=["100000-arrays", "5000-objects", "41-levels"],
)
@pytest.mark.parametrize("path", ["/api/v1/resellers/", "/api/v1/users/"])
def test_deep_nesting_answers_400_naming_the_bound(world: World, path: str, body: str) -> None:
    response = _post(world, path, body)
    assert response.status_code == 400
    assert response.json()["error"] == "json_too_deep"
    assert f"{MAX_DEPTH} Ebenen" in response.json()["message"]


def test_the_refusal_is_english_when_asked(world: World) -> None:
    response = _post(
        world, "/api/v1/resellers/", "[" * 2000 + "]" * 2000, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["message"] == (
        f"The JSON body is nested too deeply: at most {MAX_DEPTH} levels are allowed."
    )


def test_nesting_at_the_bound_is_parsed(world: World) -> None:
    body = '{"company_name": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}"
    response = _post(world, "/api/v1/resellers/", body)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"


def test_depth_is_measured_without_recursion() -> None:
    value: list = []
    for _ in range(50_000):
        value = [value]
    assert depth_exceeds(value, MAX_DEPTH)
    assert not depth_exceeds({"a": [{"b": 1}]}, 3)
    assert depth_exceeds({"a": [{"b": []}]}, 3)


def test_the_support_desk_refuses_deep_nesting_too(world: World) -> None:
    client = APIClient()
    client.force_login(world.customer_admin_a1)
    body = "[" * 100_000 + "]" * 100_000
    response = client.generic("POST", "/api/v1/tickets/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "json_too_deep"
