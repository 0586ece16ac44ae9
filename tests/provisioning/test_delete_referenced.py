"""A delete the database's protected references stop answers 409 naming what still refers to
the object — in the API and on the portal's confirmation pages, German unless English is asked
for — never a server error (TEN-2, FEA-1)."""

from __future__ import annotations

from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from portal.refusals import perform
from provisioning import messages, services
from provisioning.errors import still_referenced
from provisioning.models import Reseller, Site, Trunk
from tests.factories import World, build_system, site_data


def _site_with_hunt_group(world: World) -> Site:
    customer, admin = world.customer_a1, world.reseller_admin_a
    services.customer_set_base_license(
        customer=customer, license_type="grundlizenz", acting_user=admin
    )
    site = services.site_create(customer=customer, acting_user=admin, data=site_data())
    services.hunt_group_create(
        customer=customer, acting_user=admin, data={"name": "Vertrieb", "site": site, "members": []}
    )
    return site


def test_api_delete_of_a_site_with_a_hunt_group_answers_409_naming_it(world: World) -> None:
    site = _site_with_hunt_group(world)
    client = APIClient()
    client.force_login(world.reseller_admin_a)
    response = client.delete(f"/api/v1/sites/{site.pk}/")
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "in_use"
    assert "Sammelruf-Gruppe „Vertrieb“" in body["message"]
    assert "Entfernen oder ändern Sie diese zuerst" in body["message"]
    assert Site.objects.filter(pk=site.pk).exists()


def test_api_names_the_referrers_in_english_when_asked(world: World) -> None:
    site = _site_with_hunt_group(world)
    client = APIClient()
    client.force_login(world.reseller_admin_a)
    response = client.delete(f"/api/v1/sites/{site.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    message = response.json()["message"]
    assert message.startswith("Still used by: Hunt group “Vertrieb”")
    assert "Sammelruf" not in message


def test_portal_delete_of_a_site_with_a_hunt_group_shows_the_refusal(world: World) -> None:
    site = _site_with_hunt_group(world)
    client = Client()
    client.force_login(world.reseller_admin_a)
    response = client.post(reverse("portal:site_delete", args=[site.pk]), follow=True)
    assert response.status_code == 200
    assert "Sammelruf-Gruppe „Vertrieb“" in response.content.decode()
    assert Site.objects.filter(pk=site.pk).exists()


def test_a_trunk_with_number_blocks_names_them(world: World, rf) -> None:  # type: ignore[no-untyped-def]
    system = build_system(world.customer_a1, world.reseller_admin_a)
    trunk = Trunk.objects.get(pk=system.trunk.pk)
    try:
        trunk.delete()
    except ProtectedError as error:
        refusal = still_referenced(error)
    assert refusal.status == 409
    assert "Rufnummernblock" in messages.message(refusal)


def test_a_reseller_with_customers_names_them_on_the_portal_too(world: World, rf) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    reseller = Reseller.objects.get(pk=world.reseller_b.pk)
    assert perform(request, reseller.delete, "gelöscht") is False
    shown = [str(m) for m in request._messages]
    assert any(world.customer_b1.company_name in text for text in shown)
    assert Reseller.objects.filter(pk=reseller.pk).exists()
