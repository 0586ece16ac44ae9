"""The user form refuses the extension of a hunt group in German, beside the extension field,
and does not offer it (TRK-2, FEA-1)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from provisioning import services
from provisioning.models import Subscriber
from tests.factories import World, build_system, user_data

pytestmark = pytest.mark.django_db


def _field_error(html: str, field: str) -> str:
    match = re.search(rf'id="id_{field}-error">(.*?)</div>', html, re.S)
    assert match, f"no error beside {field}"
    return match.group(1)


def test_user_form_refuses_the_extension_of_a_hunt_group_beside_the_field(
    world: World, portal
) -> None:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    services.hunt_group_create(
        customer=system.customer,
        acting_user=world.customer_admin_a1,
        data={"name": "Vertrieb", "site": system.site, "extension": "20"},
    )
    client = portal(world.customer_admin_a1)
    url = reverse("portal:user_create", args=[system.customer.pk])
    page = client.get(url, {"site": system.site.pk}).content.decode()
    assert '<option value="21">' in page and '<option value="20">' not in page
    data = {**user_data(system.site, "20"), "site": system.site.pk, "works_at": "site"}
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "Die Durchwahl 20 ist bereits vergeben an die Sammelruf-Gruppe „Vertrieb“."
        in _field_error(html, "extension")
    )
    assert f'value="{data["last_name"]}"' in html
    assert not Subscriber.objects.filter(last_name=data["last_name"]).exists()
