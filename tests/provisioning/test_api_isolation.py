"""TEN-2: for every API endpoint, an actor of another reseller or customer gets the same answer
as for an id that does not exist, and lists never show foreign objects."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, get_resolver
from rest_framework.test import APIClient

from provisioning import services
from provisioning.models import Account, AuditEvent
from tests.factories import World


@dataclass(frozen=True)
class Case:
    resource: str
    owner: str
    obj: Callable[[World], object]
    outsiders: tuple[str, ...]
    detail_methods: tuple[str, ...]
    actions: tuple[str, ...] = ()


def _audit_event_of_a1(world: World) -> AuditEvent:
    return AuditEvent.objects.filter(customer_id=world.customer_a1.pk).first()  # type: ignore[return-value]


def _api_key_of_reseller_a(world: World) -> object:
    key, _ = services.api_key_create(acting_user=world.reseller_admin_a, name="matrix")
    return key


CASES = [
    Case(
        "resellers",
        "reseller_admin_a",
        lambda w: w.reseller_a,
        ("reseller_admin_b", "customer_admin_a1", "customer_admin_b1", "end_user_a1"),
        ("get", "put", "patch"),
    ),
    Case(
        "customers",
        "customer_admin_a1",
        lambda w: w.customer_a1,
        ("reseller_admin_b", "customer_admin_a2", "customer_admin_b1"),
        ("get", "put", "patch"),
        ("suspend", "activate"),
    ),
    Case(
        "api-keys",
        "reseller_admin_a",
        _api_key_of_reseller_a,
        ("reseller_admin_b", "customer_admin_a1", "end_user_a1", "finance"),
        ("get", "delete"),
    ),
    Case(
        "audit-events",
        "customer_admin_a1",
        _audit_event_of_a1,
        ("reseller_admin_b", "customer_admin_a2", "customer_admin_b1", "end_user_a1", "finance"),
        ("get",),
    ),
]

PARAMS = [
    pytest.param(case, outsider, id=f"{case.resource}-{outsider}")
    for case in CASES
    for outsider in case.outsiders
]


def _call(client: APIClient, method: str, url: str) -> tuple[int, object]:
    response = getattr(client, method)(url, data={}, format="json")
    return response.status_code, response.json()


@pytest.mark.parametrize(("case", "outsider"), PARAMS)
def test_outsider_learns_nothing(
    world: World, api: Callable[[Account | None], APIClient], case: Case, outsider: str
) -> None:
    obj = case.obj(world)
    pk = obj.pk  # type: ignore[attr-defined]
    owner_client = api(getattr(world, case.owner))
    assert owner_client.get(f"/api/v1/{case.resource}/{pk}/").status_code == 200

    client = api(getattr(world, outsider))
    unknown = uuid.uuid4()
    for method in case.detail_methods:
        foreign = _call(client, method, f"/api/v1/{case.resource}/{pk}/")
        missing = _call(client, method, f"/api/v1/{case.resource}/{unknown}/")
        assert foreign == missing, (method, foreign, missing)
        assert foreign[0] in (403, 404)
    for name in case.actions:
        foreign = _call(client, "post", f"/api/v1/{case.resource}/{pk}/{name}/")
        missing = _call(client, "post", f"/api/v1/{case.resource}/{unknown}/{name}/")
        assert foreign == missing, (name, foreign, missing)
    malformed = _call(client, "get", f"/api/v1/{case.resource}/not-a-uuid/")
    assert malformed[0] in (403, 404)

    listing = client.get(f"/api/v1/{case.resource}/", {"page_size": 500})
    if listing.status_code == 200:
        assert str(pk) not in {row["id"] for row in listing.json()["results"]}
    else:
        assert listing.status_code == 403
    # The object is untouched.
    assert type(obj)._default_manager.filter(pk=pk).exists()  # type: ignore[attr-defined]


def test_foreign_object_answers_404_with_not_found_body(
    world: World, api: Callable[[Account | None], APIClient]
) -> None:
    response = api(world.reseller_admin_b).get(f"/api/v1/customers/{world.customer_a1.pk}/")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "Not found.", "fields": {}}


def test_every_api_route_with_an_id_is_in_the_matrix() -> None:
    """A new endpoint must join the matrix above before it can ship."""
    covered = {case.resource for case in CASES}
    routes: set[str] = set()
    for pattern in get_resolver().url_patterns:
        if str(pattern.pattern) != "api/v1/":
            continue
        for sub in pattern.url_patterns:  # type: ignore[attr-defined]
            assert isinstance(sub, URLPattern)
            text = str(sub.pattern)
            if "(?P<pk>" in text:
                routes.add(text.lstrip("^").split("/")[0])
    assert routes, "no API detail routes found"
    assert routes <= covered, f"not covered by the isolation matrix: {routes - covered}"
    covered_actions = {(c.resource, a) for c in CASES for a in c.actions}
    action_re = re.compile(r"^\^?(?P<resource>[\w-]+)/\(\?P<pk>[^)]*\)/(?P<action>[\w-]+)/\$$")
    found_actions = set()
    for pattern in get_resolver().url_patterns:
        if str(pattern.pattern) != "api/v1/":
            continue
        for sub in pattern.url_patterns:  # type: ignore[attr-defined]
            match = action_re.match(str(sub.pattern))
            if match:
                found_actions.add((match["resource"], match["action"]))
    assert found_actions, "no API actions found"
    assert found_actions <= covered_actions, f"not covered: {found_actions - covered_actions}"
