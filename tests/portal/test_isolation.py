"""TEN-2 for the portal: for every page that takes an object id, an actor of another reseller or
customer gets the same 404 page as for an id that does not exist, and lists never show foreign
objects. A new portal URL with an id fails this module until it is added to CASES."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse

from portal import urls as portal_urls
from provisioning import services
from provisioning.models import Account, ApiKey
from tests.factories import World

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Case:
    url_name: str
    owner: str  # an actor for whom the page works, so a 404 below is not a broken page
    owner_status: int
    obj: Callable[[World], object]
    outsiders: tuple[str, ...]
    methods: tuple[str, ...] = ("get", "post")


def _key_of_reseller_a(world: World) -> ApiKey:
    key, _ = services.api_key_create(acting_user=world.reseller_admin_a, name="matrix")
    return key


OTHER_CUSTOMERS = ("reseller_admin_b", "customer_admin_a2", "customer_admin_b1")

CASES = [
    Case(
        "customer_detail",
        "customer_admin_a1",
        200,
        lambda w: w.customer_a1,
        OTHER_CUSTOMERS,
        ("get",),
    ),
    Case("customer_edit", "reseller_admin_a", 200, lambda w: w.customer_a1, OTHER_CUSTOMERS),
    Case(
        "customer_suspend",
        "reseller_admin_a",
        302,
        lambda w: w.customer_a1,
        OTHER_CUSTOMERS,
        ("post",),
    ),
    Case(
        "customer_activate",
        "reseller_admin_a",
        302,
        lambda w: w.customer_a1,
        OTHER_CUSTOMERS,
        ("post",),
    ),
    Case(
        "reseller_detail",
        "reseller_admin_a",
        200,
        lambda w: w.reseller_a,
        ("reseller_admin_b", "customer_admin_a1", "customer_admin_b1", "end_user_a1"),
        ("get",),
    ),
    Case(
        "reseller_edit",
        "staff",
        200,
        lambda w: w.reseller_a,
        ("reseller_admin_b", "customer_admin_a1", "end_user_a1"),
    ),
    Case(
        "api_key_revoke",
        "reseller_admin_a",
        200,
        _key_of_reseller_a,
        ("reseller_admin_b", "customer_admin_a1", "end_user_a1", "finance"),
    ),
]


def _id_patterns(patterns: list[URLPattern | URLResolver]) -> set[str]:
    names: set[str] = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            names |= _id_patterns(entry.url_patterns)
        elif entry.pattern.converters and entry.name:
            names.add(entry.name)
    return names


def test_every_portal_url_with_an_id_is_in_the_matrix() -> None:
    assert _id_patterns(portal_urls.urlpatterns) == {case.url_name for case in CASES}


def _client(account: Account) -> Client:
    client = Client()
    client.force_login(account)
    return client


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.url_name)
def test_foreign_id_answers_exactly_like_an_unknown_id(world: World, case: Case) -> None:
    obj = case.obj(world)
    url = reverse(f"portal:{case.url_name}", args=[obj.pk])  # type: ignore[attr-defined]
    unknown = reverse(f"portal:{case.url_name}", args=[uuid.uuid4()])
    owner = _client(getattr(world, case.owner))
    owner_method = "get" if "get" in case.methods else "post"
    assert getattr(owner, owner_method)(url).status_code == case.owner_status
    for actor in case.outsiders:
        client = _client(getattr(world, actor))
        for method in case.methods:
            foreign = getattr(client, method)(url)
            missing = getattr(client, method)(unknown)
            assert foreign.status_code == 404, (actor, method)
            assert missing.status_code == 404, (actor, method)
            assert foreign.content == missing.content, (actor, method)
            assert str(obj) not in foreign.content.decode()


def test_malformed_and_unknown_addresses_get_the_same_page(world: World) -> None:
    client = _client(world.reseller_admin_b)
    unknown = client.get(reverse("portal:customer_detail", args=[uuid.uuid4()]))
    malformed = client.get("/customers/not-a-uuid/")
    assert malformed.status_code == 404
    assert malformed.content == unknown.content
    assert "Seite nicht gefunden" in unknown.content.decode()


def test_customer_lists_never_show_foreign_customers(world: World) -> None:
    a_names = {world.customer_a1.company_name, world.customer_a2.company_name}
    client = _client(world.reseller_admin_b)
    for url in (reverse("portal:customer_list"), reverse("portal:dashboard")):
        html = client.get(url, {"q": "GmbH"}).content.decode()
        assert world.customer_b1.company_name in html
        assert not any(name in html for name in a_names), url
    partial = client.get(
        reverse("portal:customer_list"), {"q": "Kunde"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert not any(name in partial for name in a_names)


def test_reseller_detail_lists_only_visible_customers(world: World) -> None:
    html = _client(world.reseller_admin_a).get(
        reverse("portal:reseller_detail", args=[world.reseller_a.pk])
    )
    assert world.customer_a1.company_name in html.content.decode()
    assert world.customer_b1.company_name not in html.content.decode()


def test_api_key_list_never_shows_foreign_keys(world: World) -> None:
    services.api_key_create(acting_user=world.reseller_admin_a, name="nur-a")
    services.api_key_create(acting_user=world.reseller_admin_b, name="nur-b")
    html = _client(world.reseller_admin_a).get(reverse("portal:api_key_list")).content.decode()
    assert "nur-a" in html and "nur-b" not in html
    staff = _client(world.staff).get(reverse("portal:api_key_list")).content.decode()
    assert "nur-a" in staff and "nur-b" in staff


def test_audit_list_never_shows_foreign_entries(world: World) -> None:
    html = _client(world.reseller_admin_a).get(reverse("portal:audit_list")).content.decode()
    assert world.customer_a1.company_name in html
    assert world.customer_b1.company_name not in html
    assert world.reseller_b.company_name not in html
    own = _client(world.customer_admin_b1).get(reverse("portal:audit_list")).content.decode()
    assert world.customer_b1.company_name in own
    assert world.customer_a1.company_name not in own
