"""The guided set-up shows the state of the system as it is (LIC-1, LIC-3, TRK-1, TRK-2)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from provisioning import services
from provisioning.models import Account, NumberBlock
from tests.factories import World, build_system, site_data, unique_base_number

pytestmark = pytest.mark.django_db


def _client(account: Account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def test_trunk_step_marks_no_site_done_before_its_trunk_exists(world: World) -> None:
    customer = world.customer_a2
    actor = world.reseller_admin_a
    services.customer_set_base_license(
        customer=customer, license_type="grundlizenz", acting_user=actor
    )
    services.site_create(customer=customer, acting_user=actor, data=site_data(name="Zentrale"))
    client = _client(actor)
    url = reverse("portal:setup_trunks", args=[customer.pk])
    for response in (
        client.get(url),
        client.post(url, {"provider": "peoplefone"}),  # refused: the form comes back
    ):
        html = response.content.decode()
        assert 'id="trunk-form"' in html
        assert "SIP-Trunk angelegt" not in html
        assert 'data-step="trunks" data-done="false"' in html


def _selected_trunk(html: str) -> list[str]:
    select = html.split('name="trunk"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


def test_numbers_step_keeps_the_trunk_for_the_next_block(world: World) -> None:
    system = build_system(world.customer_a2, world.reseller_admin_a)
    client = _client(world.reseller_admin_a)
    url = reverse("portal:setup_numbers", args=[system.customer.pk])
    for last in (9, 19):
        page = client.get(url).content.decode()
        # The trunk chosen in the form is what the browser sends back with the next block.
        assert _selected_trunk(page) == [str(system.trunk.pk)]
        response = client.post(
            url,
            {
                "trunk": _selected_trunk(page)[0],
                "base_number": unique_base_number(),
                "first_extension": 0,
                "last_extension": last,
            },
        )
        assert response.status_code == 302, response.content.decode()
    assert NumberBlock.objects.filter(trunk=system.trunk).count() == 3
