"""AUD-1: every change is logged with who, when, what, old → new, from where; staff reads of
customer data are logged; the customer admin reads its own log; nobody edits it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from rest_framework.test import APIClient

from provisioning import services
from provisioning.audit import MASK
from provisioning.errors import ApplicationError
from provisioning.models import Account, AuditEvent
from tests.factories import World, site_data
from tests.realservices import require_postgresql

ApiFactory = Callable[[Account | None], APIClient]


def _log(client: APIClient, **params: str) -> list[dict]:  # type: ignore[type-arg]
    response = client.get("/api/v1/audit-events/", {"page_size": 500, **params})
    assert response.status_code == 200, response.json()
    return response.json()["results"]  # type: ignore[no-any-return]


def test_customer_admin_reads_only_own_customers_log(world: World, api: ApiFactory) -> None:
    api(world.reseller_admin_a).patch(
        f"/api/v1/customers/{world.customer_a2.pk}/", {"city": "Bonn"}, format="json"
    )
    rows = _log(api(world.customer_admin_a1))
    assert rows, "the customer's creation must be in its log"
    assert {row["customer_id"] for row in rows} == {str(world.customer_a1.pk)}
    rows_a2 = _log(api(world.customer_admin_a2))
    assert any(row["changes"].get("city") == ["München", "Bonn"] for row in rows_a2)


def test_reseller_reads_its_subtree_but_not_other_resellers(world: World, api: ApiFactory) -> None:
    rows = _log(api(world.reseller_admin_a))
    customers = {row["customer_id"] for row in rows if row["customer_id"]}
    assert customers == {str(world.customer_a1.pk), str(world.customer_a2.pk)}
    assert str(world.reseller_b.pk) not in {row["reseller_id"] for row in rows}


def test_end_user_and_finance_do_not_read_the_log(world: World, api: ApiFactory) -> None:
    for account in (world.end_user_a1, world.finance):
        response = api(account).get("/api/v1/audit-events/")
        assert response.status_code == 403


def test_staff_reading_a_customer_is_recorded_for_that_customer(
    world: World, api: ApiFactory
) -> None:
    staff = api(world.staff)
    assert staff.get(f"/api/v1/customers/{world.customer_a1.pk}/").status_code == 200
    rows = _log(api(world.customer_admin_a1), action="access")
    assert len(rows) == 1
    assert rows[0]["actor_label"] == world.staff.username
    assert rows[0]["channel"] == "api"
    assert rows[0]["object_id"] == str(world.customer_a1.pk)


def test_staff_listing_customers_records_one_access_per_customer_shown(
    world: World, api: ApiFactory
) -> None:
    api(world.staff).get("/api/v1/customers/")
    accessed = AuditEvent.objects.filter(action="access").values_list("customer_id", flat=True)
    assert sorted(map(str, accessed)) == sorted(
        str(c.pk) for c in (world.customer_a1, world.customer_a2, world.customer_b1)
    )


def test_staff_reading_a_page_of_one_customer_writes_one_entry_naming_every_row(
    world: World, api: ApiFactory
) -> None:
    services.customer_set_base_license(
        customer=world.customer_a1, license_type="grundlizenz", acting_user=world.staff
    )
    for index, name in enumerate(("Zentrale", "Lager", "Filiale")):
        services.site_create(
            customer=world.customer_a1,
            acting_user=world.staff,
            data=site_data(name=name),
            extra_site_license=index > 0,
        )
    before = AuditEvent.objects.filter(action="access").count()
    response = api(world.staff).get("/api/v1/sites/", {"customer": str(world.customer_a1.pk)})
    assert response.status_code == 200
    shown = {row["id"] for row in response.json()["results"]}
    entries = AuditEvent.objects.filter(action="access", customer_id=world.customer_a1.pk)
    assert before == 0
    assert len(shown) == 3
    assert entries.count() == 1
    entry = entries.get()
    assert entry.object_type == "provisioning.site"
    assert entry.reseller_id == world.reseller_a.pk
    assert set(entry.changes["list"]["ids"]) == shown
    assert entry.changes["list"]["count"] == len(shown)
    assert entry.object_repr.startswith("Liste gelesen: ")


def test_reseller_reading_its_customer_is_not_an_access_event(
    world: World, api: ApiFactory
) -> None:
    api(world.reseller_admin_a).get(f"/api/v1/customers/{world.customer_a1.pk}/")
    assert not AuditEvent.objects.filter(action="access").exists()


def test_api_key_secret_is_masked_in_the_log(world: World) -> None:
    key, raw = services.api_key_create(acting_user=world.reseller_admin_a, name="ci")
    event = AuditEvent.objects.get(object_id=str(key.pk), action="create")
    assert event.changes["key_hash"] == [None, MASK]
    assert raw not in str(event.changes)
    assert key.key_hash not in str(event.changes)


def test_entries_cannot_be_changed_or_deleted_through_the_application(world: World) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    event.actor_label = "someone else"
    with pytest.raises(ApplicationError):
        event.save()
    with pytest.raises(ApplicationError):
        event.delete()
    with pytest.raises(ApplicationError):
        AuditEvent.objects.all().update(actor_label="x")
    with pytest.raises(ApplicationError):
        AuditEvent.objects.all().delete()


def test_the_api_offers_no_way_to_change_the_log(world: World, api: ApiFactory) -> None:
    event = AuditEvent.objects.filter(customer_id=world.customer_a1.pk).first()
    assert event is not None
    client = api(world.staff)
    url = f"/api/v1/audit-events/{event.pk}/"
    assert client.patch(url, {"actor_label": "x"}, format="json").status_code == 405
    assert client.delete(url).status_code == 405
    assert client.post("/api/v1/audit-events/", {}, format="json").status_code == 405
    assert AuditEvent.objects.get(pk=event.pk).actor_label == event.actor_label


@pytest.mark.postgresql
def test_database_refuses_raw_update_and_delete_on_postgresql(world: World) -> None:
    require_postgresql(connection.vendor)
    count = AuditEvent.objects.count()
    for sql in (
        "UPDATE provisioning_auditevent SET actor_label = 'forged'",
        "DELETE FROM provisioning_auditevent",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
    assert AuditEvent.objects.count() == count
    assert not AuditEvent.objects.filter(actor_label="forged").exists()


def test_django_admin_changes_are_logged_with_channel_admin(world: World) -> None:
    from django.test import Client

    client = Client()
    client.force_login(world.staff)
    url = f"/admin/provisioning/customer/{world.customer_b1.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: (form.initial.get(name) or "") for name in form.fields}
    data["reseller"] = str(world.reseller_b.pk)
    data["city"] = "Leipzig"
    response = client.post(url, data)
    assert response.status_code == 302, (
        getattr(response, "context", None) and response.context["adminform"].form.errors
    )
    event = AuditEvent.objects.get(object_id=str(world.customer_b1.pk), action="update")
    assert event.channel == "admin"
    assert event.changes["city"] == ["München", "Leipzig"]
    assert AuditEvent.objects.filter(
        object_id=str(world.customer_b1.pk), action="access", channel="admin"
    ).exists()
