"""A list's query parameter that cannot be read answers 400 naming the parameter instead of
being ignored: an unknown choice, a malformed id, a yes/no filter given anything but true or
false, a page size or page that is not a positive whole number (TEN-2)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import World


@pytest.mark.parametrize(
    ("path", "parameter", "value"),
    [
        ("/api/v1/customers/", "state", "bogus"),
        ("/api/v1/customers/", "reseller", "not-a-uuid"),
        ("/api/v1/hunt-groups/", "strategy", "zzz"),
        ("/api/v1/users/", "is_active", "bogus"),
        ("/api/v1/users/", "needs_emergency_notice", "2"),
        ("/api/v1/phonebook-entries/", "shared", "yes"),
        ("/api/v1/status/components/", "is_visible", "maybe"),
        ("/api/v1/customers/", "page_size", "abc"),
        ("/api/v1/customers/", "page_size", "0"),
        ("/api/v1/invoices/", "page_size", "-5"),
        ("/api/v1/sites/", "page", "abc"),
    ],
)
def test_unreadable_parameter_answers_400_naming_it(
    world: World, path: str, parameter: str, value: str
) -> None:
    client = APIClient()
    client.force_login(world.staff)
    response = client.get(path, {parameter: value})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "invalid"
    assert parameter in body["fields"]
    assert body["message"].startswith(f"{parameter}: ")


@pytest.mark.parametrize(
    "query",
    [
        {"is_active": "true"},
        {"is_active": "False"},
        {"page_size": "2", "page": "1"},
        {"page": "last"},
        {"page_size": "9999"},
    ],
)
def test_readable_parameters_still_answer_200(world: World, query: dict[str, str]) -> None:
    client = APIClient()
    client.force_login(world.staff)
    assert client.get("/api/v1/users/", query).status_code == 200


def test_the_message_is_english_when_asked(world: World) -> None:
    client = APIClient()
    client.force_login(world.staff)
    response = client.get("/api/v1/users/", {"is_active": "bogus"}, HTTP_ACCEPT_LANGUAGE="en")
    assert (
        response.json()["message"] == "is_active: “bogus” is not a yes/no value; use true or false."
    )


@pytest.mark.parametrize("path", ["/api/v1/audit-events/", "/api/v1/license-events/"])
def test_a_moment_with_any_offset_python_reads_filters_the_list(world: World, path: str) -> None:
    """Offsets beyond ±15:59 are refused by PostgreSQL unless the moment is converted first;
    a moment before the year 1 in UTC cannot be read at all."""
    client = APIClient()
    client.force_login(world.staff)
    for moment in ("0623-11-16T08:16:02.9-21:22", "3516-12-03T23:40:12+20:58"):
        response = client.get(path, {"since": moment})
        assert response.status_code == 200, (moment, response.content)
    assert client.get(path, {"until": "0623-11-16T08:16:02.9-21:22"}).json()["results"] == []
    refused = client.get(path, {"since": "0001-01-01T00:00:00+05:00"})
    assert refused.status_code == 400
    assert "since" in refused.json()["fields"]
