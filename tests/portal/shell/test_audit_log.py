"""The audit log page with every kind of object in it (AUD-1): each change is labelled in the
reader's words, including changes to a relation that lives on another model (a hunt group's
members, a menu's options, the operator's schedule, a phonebook entry's numbers)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from portal.shell.audit_values import readable
from portal.shell.views import _field_label
from provisioning import services
from provisioning.models import Account, AuditEvent
from tests.factories import World, build_system

pytestmark = pytest.mark.django_db


def _client(account: Account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def _features(world: World) -> None:
    """Customer A1 with a hunt group, a pickup group, an IVR menu, the operator with a
    schedule, a forwarding, voicemail and a phonebook entry, all changed once."""
    system = build_system(world.customer_a1, world.reseller_admin_a)
    admin = world.customer_admin_a1
    customer, user = system.customer, system.user
    group = services.hunt_group_create(
        customer=customer,
        acting_user=admin,
        data={"name": "Zentrale", "site": system.site, "members": [user]},
    )
    services.hunt_group_update(group=group, acting_user=admin, data={"members": []})
    pickup = services.pickup_group_create(
        customer=customer, acting_user=admin, data={"name": "Lager", "members": [user]}
    )
    services.pickup_group_update(group=pickup, acting_user=admin, data={"members": []})
    menu = services.ivr_menu_create(
        customer=customer,
        acting_user=admin,
        data={"name": "Haupt", "options": [{"digit": "1", "target": f"user:{user.pk}"}]},
    )
    services.ivr_menu_update(menu=menu, acting_user=admin, data={"options": []})
    services.operator_update(
        customer=customer,
        acting_user=admin,
        data={
            "day_target": f"user:{user.pk}",
            "schedule": [{"weekday": 0, "start": "08:00", "end": "17:00"}],
        },
    )
    services.forwarding_update(
        subscriber=user, acting_user=admin, data={"on_busy": f"hunt_group:{group.pk}"}
    )
    services.voicemail_update(
        subscriber=user, acting_user=admin, data={"enabled": True, "pin": "4711"}
    )
    book = services.phonebook_for(customer=customer)
    entry = services.phonebook_entry_create(
        phonebook=book, acting_user=admin, data={"name": "Huber", "numbers": ["+49891234567"]}
    )
    services.phonebook_entry_update(
        entry=entry, acting_user=admin, data={"numbers": ["+49891234568"]}
    )


@pytest.mark.parametrize("role", ["staff", "reseller_admin_a", "customer_admin_a1"])
def test_audit_log_shows_every_kind_of_object(world: World, role: str) -> None:
    _features(world)
    client = _client(getattr(world, role))
    types = set(AuditEvent.objects.values_list("object_type", flat=True))
    assert {
        "provisioning.huntgroup",
        "provisioning.ivrmenu",
        "provisioning.operatorsettings",
        "provisioning.phonebookentry",
    } <= types
    assert client.get(reverse("portal:audit_list")).status_code == 200
    for object_type in sorted(types):
        response = client.get(reverse("portal:audit_list"), {"object_type": object_type})
        assert response.status_code == 200, object_type
    # Relations kept on another model are named by that model.
    pages = [
        client.get(reverse("portal:audit_list"), {"object_type": t}).text
        for t in (
            "provisioning.huntgroup",
            "provisioning.ivrmenu",
            "provisioning.operatorsettings",
            "provisioning.phonebookentry",
        )
    ]
    assert "Gruppenmitglieder</span>" in pages[0]
    assert "Menüoptionen</span>" in pages[1]
    assert "Zeitplan</span>" in pages[2]
    assert "Telefonbuchnummern</span>" in pages[3]


def test_every_field_and_relation_of_every_model_has_a_label() -> None:
    for model in apps.get_models():
        object_type = model._meta.label_lower
        for field in model._meta.get_fields(include_hidden=True):
            label = _field_label(object_type, field.name)
            assert isinstance(label, str) and label, (object_type, field.name)


def test_changed_values_read_as_the_reader_knows_them(world: World) -> None:
    """Choice codes show their label, related objects their name, cents read as euros with a
    decimal comma, dates the German way."""
    system = build_system(world.customer_a1, world.reseller_admin_a)
    admin = world.customer_admin_a1
    group = services.hunt_group_create(
        customer=system.customer,
        acting_user=admin,
        data={"name": "Zentrale", "site": system.site, "members": [system.user]},
    )
    services.hunt_group_update(group=group, acting_user=admin, data={"strategy": "round_robin"})
    page = _client(admin).get(
        reverse("portal:audit_list"), {"object_type": "provisioning.huntgroup"}
    )
    text = page.content.decode()
    assert "alle gleichzeitig → zufällig zuerst, dann alle" in text
    assert "round_robin" not in text
    assert f"– → {system.site}" in text  # the site by name, not its id
    assert str(system.site.pk) not in text

    assert readable("billing.price", "amount_cents", 123456) == "1.234,56 €"
    assert readable("billing.pricelist", "valid_from", "2026-01-01") == "01.01.2026"
    assert readable("provisioning.huntgroup", "site", "not-an-id") == "not-an-id"


def test_a_page_staff_read_shows_as_one_list_entry_in_the_customers_log(world: World) -> None:
    """AUD-1, platform reads: staff opening a customer's users page writes one entry for the
    page, and the customer admin's log words it "Liste gelesen: 1 Benutzer"."""
    system = build_system(world.customer_a1, world.reseller_admin_a)
    staff_page = _client(world.staff).get(f"/customers/{system.customer.pk}/users/")
    assert staff_page.status_code == 200
    listed = AuditEvent.objects.filter(action="access", object_type="provisioning.subscriber")
    assert listed.count() == 1
    assert listed.get().changes["list"]["ids"] == [str(system.user.pk)]
    page = _client(world.customer_admin_a1).get(reverse("portal:audit_list"), {"action": "access"})
    assert "Liste gelesen: 1 Benutzer" in page.content.decode()
    english = _client(world.customer_admin_a1).get(
        reverse("portal:audit_list"), {"action": "access"}, headers={"accept-language": "en"}
    )
    assert english.status_code == 200
