"""The portal's user search and export and the API's are one filter and one CSV codec (LIC-4):
the same query finds the same users, and both hand out the same file."""

from __future__ import annotations

import pytest
from django.urls import reverse

from provisioning import services
from tests.factories import World, build_system, user_data

pytestmark = pytest.mark.django_db


def _names(rows: list[str]) -> set[str]:
    return {row.split(";")[1] for row in rows[1:]}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("Zeh", {"Zehbein", "Zehnder"}),
        ("Ida Zehn", {"Zehnder"}),  # first and last name
        ("ida.z@", {"Zehnder"}),
        ("{block} 2 1", {"Zehbein"}),  # a number written with spaces
    ],
)
def test_api_and_portal_find_the_same_users_and_export_the_same_file(
    world: World, api, portal, query: str, found: set[str]
) -> None:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    for extension, first, last, email in [
        ("21", "Udo", "Zehbein", "udo@firma.example"),
        ("22", "Ida", "Zehnder", "ida.z@firma.example"),
    ]:
        services.user_create(
            customer=system.customer,
            acting_user=world.reseller_admin_a,
            data=user_data(system.site, extension, first_name=first, last_name=last, email=email),
        )
    query = query.format(block=system.block.base_number)
    from_api = api(world.customer_admin_a1).get("/api/v1/users/export/", {"q": query})
    from_portal = portal(world.customer_admin_a1).get(
        reverse("portal:user_export", args=[system.customer.pk]), {"q": query}
    )
    assert from_api.status_code == from_portal.status_code == 200
    assert from_api["Content-Disposition"] == from_portal["Content-Disposition"]
    assert from_api.content == from_portal.content  # both sort by name
    assert _names(from_api.content.decode("utf-8-sig").splitlines()) == found
