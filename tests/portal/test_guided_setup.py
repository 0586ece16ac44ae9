"""The guided set-up shows the state of the system as it is (LIC-1, LIC-3, TRK-1, TRK-2)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from provisioning import services
from provisioning.models import Account
from tests.factories import World, site_data

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
