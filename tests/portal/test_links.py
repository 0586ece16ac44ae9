"""A link is shown exactly when the page behind it opens for the account: every link on a
customer's pages answers 200 for every role that sees the page (TEN-2)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from provisioning import services
from provisioning.management.commands.seed_demo import probe_result
from provisioning.models import Account
from tests.factories import World, build_system

from .walk import links

pytestmark = pytest.mark.django_db


def _client(account: Account) -> Client:
    client = Client()
    client.force_login(account)
    return client


@pytest.mark.parametrize("role", ["staff", "finance", "reseller_admin_a", "customer_admin_a1"])
def test_every_link_on_a_customers_system_pages_opens(world: World, role: str) -> None:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    # A site with a check result links its report from the readiness badge.
    token, _raw = services.site_check_token_create(
        site=system.site, acting_user=world.reseller_admin_a
    )
    services.network_check_record(
        token=token,
        result=probe_result(
            finished=timezone.now().replace(microsecond=0),
            delay_ms=24.0,
            jitter_ms=3.0,
            blocked=frozenset(),
        ),
        source_ip="203.0.113.44",
    )
    client = _client(getattr(world, role))
    customer = system.customer.pk
    pages = [
        reverse("portal:customer_detail", args=[customer]),
        reverse("portal:system_overview", args=[customer]),
        reverse("portal:site_list", args=[customer]),
        reverse("portal:site_detail", args=[system.site.pk]),
    ]
    checked: set[str] = set()
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        for link in links(response.content.decode()):
            href = link.href
            if not href.startswith("/") or href in checked:
                continue
            checked.add(href)
            target = client.get(href, follow=True)
            assert target.status_code == 200, (role, page, link.text, href, target.status_code)


def test_finance_sees_no_network_check_history_on_a_site(world: World) -> None:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    history = reverse("portal:netcheck_site", args=[system.site.pk])
    assert _client(world.finance).get(history).status_code == 403
    page = _client(world.finance).get(reverse("portal:site_detail", args=[system.site.pk]))
    assert history not in page.content.decode()
    # Those who may open it still find it there.
    page = _client(world.reseller_admin_a).get(reverse("portal:site_detail", args=[system.site.pk]))
    assert history in page.content.decode()
