"""Every area of a customer — its data, telephone system, call features and network checks —
is reachable from that customer's navigation, for every role that may see it, and no link
leads to a page the account may not open (TEN-2, FEA-1 … FEA-4, NET-1)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from provisioning import services
from provisioning.models import Account
from tests.factories import World, build_system

from .walk import find, follow, links

pytestmark = pytest.mark.django_db


def _client(account: Account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def test_reseller_admin_reaches_every_call_feature_of_a_customer_by_links(world: World) -> None:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    services.hunt_group_create(
        customer=system.customer,
        acting_user=world.reseller_admin_a,
        data={"name": "Empfang", "site": system.site, "members": [system.user]},
    )
    client = _client(world.reseller_admin_a)
    dashboard = client.get(reverse("portal:dashboard"))
    customers = follow(client, dashboard, data_nav="customers")
    customer = follow(client, customers, text=system.customer.company_name)
    features = follow(client, customer, data_customer_nav="features")
    assert features.request["PATH_INFO"] == reverse(
        "portal:feature_overview", args=[system.customer.pk]
    )
    follow(client, features, text="Empfang")  # an existing hunt group
    follow(client, features, id="hunt-group-create")
    follow(client, features, id="ivr-create")
    follow(client, features, id="tab-operator")
    follow(client, features, id="tab-trace")
    follow(client, features, id="more-features")  # pickup groups and hot desks
    # From the telephone system too.
    system_page = follow(client, customer, data_customer_nav="system")
    follow(client, system_page, data_customer_nav="features")
    follow(client, system_page, data_customer_nav="netcheck")


CUSTOMER_PAGES = ["portal:customer_detail", "portal:system_overview", "portal:site_detail"]


@pytest.mark.parametrize(
    ("role", "areas"),
    [
        ("staff", {"customer", "system", "features", "netcheck"}),
        ("finance", {"customer", "system"}),
        ("reseller_admin_a", {"customer", "system", "features", "netcheck"}),
        ("customer_admin_a1", {"customer", "system", "features", "netcheck"}),
    ],
)
def test_customer_navigation_shows_each_area_the_role_may_open(
    world: World, role: str, areas: set[str]
) -> None:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    client = _client(getattr(world, role))
    for name in CUSTOMER_PAGES:
        pk = system.site.pk if name == "portal:site_detail" else system.customer.pk
        page = client.get(reverse(name, args=[pk]))
        assert page.status_code == 200
        shown = {
            link.attrs["data-customer-nav"]
            for link in links(page.content.decode())
            if "data-customer-nav" in link.attrs
        }
        assert shown == areas, (name, shown)
        for area in shown:
            follow(client, page, data_customer_nav=area)


def test_customer_admin_reaches_its_features_from_its_company_page(world: World) -> None:
    build_system(world.customer_a1, world.reseller_admin_a)
    client = _client(world.customer_admin_a1)
    company = follow(client, client.get(reverse("portal:dashboard")), data_nav="own_customer")
    features = follow(client, company, data_customer_nav="features")
    assert find(features.content.decode(), id="tab-operator")
