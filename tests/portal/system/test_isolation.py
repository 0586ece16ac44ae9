"""TEN-2 for the telephone system pages beyond the id-in-the-path matrix of test_isolation.py:
ids in query strings and form fields, and lists of one customer never show another's objects."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from provisioning import services
from provisioning.models import Device, Subscriber
from tests.factories import World, build_system, user_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def systems(world: World):  # type: ignore[no-untyped-def]
    """Customers A1 and A2 of reseller A and B1 of reseller B, each with a system."""
    a1 = build_system(world.customer_a1, world.reseller_admin_a)
    a2 = build_system(world.customer_a2, world.reseller_admin_a)
    b1 = build_system(world.customer_b1, world.reseller_admin_b)
    for system, name in ((a1, "Einsfrau"), (a2, "Zweimann"), (b1, "Dreiecks")):
        Subscriber.objects.filter(pk=system.user.pk).update(last_name=name)
    return a1, a2, b1


def test_lists_and_exports_show_only_the_customers_own_objects(
    world: World, portal, systems
) -> None:
    a1, a2, b1 = systems
    for actor in (world.reseller_admin_a, world.customer_admin_a1, world.staff):
        client = portal(actor)
        for name in ("user_list", "user_export", "site_list", "system_overview", "device_list"):
            html = client.get(reverse(f"portal:{name}", args=[a1.customer.pk]), {"q": "e"})
            text = html.content.decode("utf-8-sig")
            assert "Zweimann" not in text and "Dreiecks" not in text, (actor, name)
            assert a2.site.name not in text and b1.site.name not in text, (actor, name)
        licenses = client.get(reverse("portal:license_ledger", args=[a1.customer.pk]))
        assert "Zweimann" not in licenses.content.decode()


def test_ids_of_other_customers_in_query_strings_find_nothing(
    world: World, portal, systems
) -> None:
    a1, a2, b1 = systems
    client = portal(world.reseller_admin_a)
    unknown = client.get(
        reverse("portal:setup_trunks", args=[a1.customer.pk]), {"site": uuid.uuid4()}
    )
    foreign = client.get(
        reverse("portal:setup_trunks", args=[a1.customer.pk]), {"site": a2.site.pk}
    )
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.content == unknown.content
    admin = portal(world.customer_admin_a1)
    extensions = reverse("portal:user_extensions", args=[a1.customer.pk])
    assert admin.get(extensions, {"site": b1.site.pk}).status_code == 404
    assert admin.get(extensions, {"site": a2.site.pk}).status_code == 404
    # A foreign site for the user form falls back to the customer's own; a foreign user is
    # never pre-filled into the device form.
    form = admin.get(reverse("portal:user_create", args=[a1.customer.pk]), {"site": a2.site.pk})
    assert a2.site.name not in form.content.decode()
    device = admin.get(reverse("portal:device_create", args=[a1.customer.pk]), {"user": a2.user.pk})
    assert a2.user.number.e164 not in device.content.decode()


def test_foreign_objects_cannot_be_chosen_in_forms(world: World, portal, systems) -> None:
    a1, a2, b1 = systems
    client = portal(world.customer_admin_a1)
    data = {**user_data(a2.site, "20"), "site": a2.site.pk, "works_at": "site"}
    response = client.post(reverse("portal:user_create", args=[a1.customer.pk]), data)
    assert response.status_code == 400
    assert not Subscriber.objects.filter(last_name=data["last_name"]).exists()
    device = {"model": "IP112", "mac_address": "00:90:33:00:AA:01", "site": b1.site.pk}
    assert (
        client.post(reverse("portal:device_create", args=[a1.customer.pk]), device).status_code
        == 400
    )
    # Another customer's user cannot be given a device, not even by number or e-mail.
    device["site"] = a1.site.pk
    for reference in (a2.user.number.e164, a2.user.email, b1.user.number.e164, b1.user.email):
        device["user"] = reference
        response = client.post(reverse("portal:device_create", args=[a1.customer.pk]), device)
        assert response.status_code == 400, reference
    assert not Device.objects.exists()
    # Blocks are added only to the trunks of the customer in the address.
    reseller = portal(world.reseller_admin_a)
    numbers = reverse("portal:setup_numbers", args=[a1.customer.pk])
    block = {"trunk": b1.trunk.pk, "base_number": "+49 30 9999999", "last_extension": 9}
    assert reseller.post(numbers, block).status_code == 400
    block["trunk"] = a2.trunk.pk
    assert reseller.post(numbers, block).status_code == 400


def test_end_user_sees_only_their_own_phone(world: World, portal, systems) -> None:
    a1 = systems[0]
    colleague = services.user_create(
        customer=a1.customer,
        acting_user=world.reseller_admin_a,
        data=user_data(a1.site, "30", last_name="Kollege"),
    )
    Subscriber.objects.filter(pk=a1.user.pk).update(account=world.end_user_a1)
    html = portal(world.end_user_a1).get(reverse("portal:my_phone")).content.decode()
    assert a1.user.number.e164 in html
    assert colleague.number.e164 not in html and "Kollege" not in html
