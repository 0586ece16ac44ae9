"""Customers through the API: who may do what, validation, errors, filters (TEN-1, TEN-2)."""

from __future__ import annotations

from collections.abc import Callable

from rest_framework.test import APIClient

from provisioning.models import Account, AuditEvent, Customer
from tests.factories import World, customer_data

ApiFactory = Callable[[Account | None], APIClient]


def test_reseller_admin_creates_customer_under_own_reseller(world: World, api: ApiFactory) -> None:
    response = api(world.reseller_admin_a).post(
        "/api/v1/customers/", customer_data(company_name="Zahnarztpraxis Dr. Roth"), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reseller"] == str(world.reseller_a.pk)
    assert body["state"] == "active"
    customer = Customer.objects.get(pk=body["id"])
    event = AuditEvent.objects.get(object_id=str(customer.pk), action="create")
    assert event.actor_id == world.reseller_admin_a.pk
    assert event.channel == "api"
    assert event.customer_id == customer.pk
    assert event.changes["company_name"] == [None, "Zahnarztpraxis Dr. Roth"]


def test_reseller_admin_cannot_place_customer_at_other_reseller(
    world: World, api: ApiFactory
) -> None:
    client = api(world.reseller_admin_a)
    foreign = client.post(
        "/api/v1/customers/", customer_data(reseller=str(world.reseller_b.pk)), format="json"
    )
    unknown = client.post(
        "/api/v1/customers/",
        customer_data(reseller="00000000-0000-4000-8000-000000000000"),
        format="json",
    )
    assert foreign.status_code == unknown.status_code == 400
    assert foreign.json()["fields"]["reseller"] == unknown.json()["fields"]["reseller"]
    assert (
        not Customer.objects.filter(reseller=world.reseller_b)
        .exclude(pk=world.customer_b1.pk)
        .exists()
    )


def test_staff_must_name_the_reseller(world: World, api: ApiFactory) -> None:
    response = api(world.staff).post("/api/v1/customers/", customer_data(), format="json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert "reseller" in response.json()["fields"]


def test_bad_vat_id_names_field_and_rule_and_writes_nothing(world: World, api: ApiFactory) -> None:
    before = Customer.objects.count(), AuditEvent.objects.count()
    response = api(world.reseller_admin_a).post(
        "/api/v1/customers/", customer_data(vat_id="DE12"), format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"error", "message", "fields"}
    assert "vat_id" in body["fields"]
    assert "DE" in body["fields"]["vat_id"][0]
    assert (Customer.objects.count(), AuditEvent.objects.count()) == before


def test_duplicate_company_name_is_a_conflict(world: World, api: ApiFactory) -> None:
    response = api(world.reseller_admin_a).post(
        "/api/v1/customers/",
        customer_data(company_name=world.customer_a1.company_name),
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"] == "customer_name_taken"
    assert "company_name" in response.json()["fields"]


def test_customer_admin_reads_but_cannot_change_own_customer(world: World, api: ApiFactory) -> None:
    client = api(world.customer_admin_a1)
    assert client.get(f"/api/v1/customers/{world.customer_a1.pk}/").status_code == 200
    response = client.patch(
        f"/api/v1/customers/{world.customer_a1.pk}/", {"city": "Köln"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"] == "permission_denied"
    world.customer_a1.refresh_from_db()
    assert world.customer_a1.city == "München"
    assert client.post("/api/v1/customers/", customer_data(), format="json").status_code == 403


def test_update_records_only_changed_fields(world: World, api: ApiFactory) -> None:
    response = api(world.reseller_admin_a).patch(
        f"/api/v1/customers/{world.customer_a1.pk}/",
        {"city": "Köln", "postal_code": "50667"},
        format="json",
    )
    assert response.status_code == 200
    event = AuditEvent.objects.filter(object_id=str(world.customer_a1.pk), action="update").get()
    assert event.changes == {"city": ["München", "Köln"], "postal_code": ["80331", "50667"]}


def test_customer_cannot_move_to_another_reseller(world: World, api: ApiFactory) -> None:
    response = api(world.staff).patch(
        f"/api/v1/customers/{world.customer_a1.pk}/",
        {"reseller": str(world.reseller_b.pk)},
        format="json",
    )
    assert response.status_code == 400
    assert "reseller" in response.json()["fields"]


def test_suspend_and_activate(world: World, api: ApiFactory) -> None:
    client = api(world.reseller_admin_a)
    url = f"/api/v1/customers/{world.customer_a2.pk}/"
    assert client.post(url + "suspend/").json()["state"] == "suspended"
    assert client.post(url + "activate/").json()["state"] == "active"
    assert api(world.customer_admin_a2).post(url + "suspend/").status_code == 403
    actions = list(
        AuditEvent.objects.filter(object_id=str(world.customer_a2.pk), action="update")
        .order_by("occurred_at")
        .values_list("changes", flat=True)
    )
    assert actions == [{"state": ["active", "suspended"]}, {"state": ["suspended", "active"]}]


def test_finance_reads_customers_but_cannot_create(world: World, api: ApiFactory) -> None:
    client = api(world.finance)
    listing = client.get("/api/v1/customers/")
    assert listing.status_code == 200
    assert listing.json()["count"] == 3
    response = client.post(
        "/api/v1/customers/",
        customer_data(reseller=str(world.reseller_a.pk)),
        format="json",
    )
    assert response.status_code == 403


def test_list_is_paginated_filtered_and_searchable(world: World, api: ApiFactory) -> None:
    client = api(world.staff)
    page = client.get("/api/v1/customers/", {"page_size": 2})
    assert page.json()["count"] == 3
    assert len(page.json()["results"]) == 2
    assert page.json()["next"]
    by_reseller = client.get("/api/v1/customers/", {"reseller": str(world.reseller_b.pk)})
    assert [c["id"] for c in by_reseller.json()["results"]] == [str(world.customer_b1.pk)]
    search = client.get("/api/v1/customers/", {"q": world.customer_a2.company_name})
    assert [c["id"] for c in search.json()["results"]] == [str(world.customer_a2.pk)]
    bad = client.get("/api/v1/customers/", {"state": "gone"})
    assert bad.status_code == 400
    assert "state" in bad.json()["fields"]


def test_unauthenticated_requests_are_refused(world: World, api: ApiFactory) -> None:
    response = api(None).get("/api/v1/customers/")
    assert response.status_code in (401, 403)
    assert response.json()["error"] in {"not_authenticated", "authentication_failed"}


def test_staff_manages_resellers_reseller_admin_reads_own(world: World, api: ApiFactory) -> None:
    from tests.factories import reseller_data

    assert (
        api(world.staff).post("/api/v1/resellers/", reseller_data(), format="json").status_code
        == 201
    )
    client = api(world.reseller_admin_a)
    listing = client.get("/api/v1/resellers/").json()
    assert [r["id"] for r in listing["results"]] == [str(world.reseller_a.pk)]
    assert client.post("/api/v1/resellers/", reseller_data(), format="json").status_code == 403
    patch = client.patch(
        f"/api/v1/resellers/{world.reseller_a.pk}/", {"city": "Kiel"}, format="json"
    )
    assert patch.status_code == 403
