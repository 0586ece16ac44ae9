"""Reading results: scoped like every resource; foreign ids answer like unknown ones."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from provisioning import netcheck_report, services
from provisioning.models import Account, NetworkCheck
from telephony.netcheck.result import SCHEMA_VERSION
from tests.factories import World


@pytest.mark.parametrize("owner", ["staff", "reseller_admin_a", "customer_admin_a1"])
def test_owners_list_and_read_results(
    world: World,
    uploaded_check: NetworkCheck,
    api: Callable[[Account | None], APIClient],
    owner: str,
) -> None:
    client = api(getattr(world, owner))
    rows = client.get("/api/v1/network-checks/", {"site": str(uploaded_check.site_id)}).json()
    assert [row["id"] for row in rows["results"]] == [str(uploaded_check.pk)]
    assert "result" not in rows["results"][0]
    detail = client.get(f"/api/v1/network-checks/{uploaded_check.pk}/")
    assert detail.status_code == 200
    assert detail.json()["result"]["schema"] == SCHEMA_VERSION


@pytest.mark.parametrize(
    "outsider",
    ["reseller_admin_b", "customer_admin_a2", "customer_admin_b1", "end_user_a1", "finance"],
)
def test_outsiders_see_nothing(
    world: World,
    uploaded_check: NetworkCheck,
    api: Callable[[Account | None], APIClient],
    outsider: str,
) -> None:
    client = api(getattr(world, outsider))
    listing = client.get("/api/v1/network-checks/", {"site": str(uploaded_check.site_id)})
    assert listing.status_code == 200 and listing.json()["count"] == 0
    assert client.get("/api/v1/network-checks/").json()["count"] == 0
    foreign = client.get(f"/api/v1/network-checks/{uploaded_check.pk}/")
    unknown = client.get(f"/api/v1/network-checks/{uuid.uuid4()}/")
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json() == unknown.json()


def test_anonymous_cannot_list(uploaded_check: NetworkCheck) -> None:
    response = APIClient().get("/api/v1/network-checks/")
    assert response.status_code in (401, 403)


def test_list_query_count_does_not_grow_with_results(
    world: World,
    uploaded_check: NetworkCheck,
    api: Callable[[Account | None], APIClient],
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
    token = services.site_check_token_create(
        site=uploaded_check.site, acting_user=world.reseller_admin_a
    )[0]
    for _ in range(5):
        services.network_check_record(token=token, result=netcheck_report.result_of(uploaded_check))
    client = api(world.customer_admin_a1)
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        rows = client.get("/api/v1/network-checks/").json()
    assert rows["count"] == 6
