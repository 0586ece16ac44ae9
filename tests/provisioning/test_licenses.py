"""Base and demo licenses and the license ledger (LIC-1, LIC-2, LIC-6)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from django.core import mail
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone
from rest_framework.test import APIClient

from provisioning import services
from provisioning.errors import ApplicationError
from provisioning.models import Account, AuditEvent, LicenseEvent, Subscriber
from provisioning.tasks import demo_licenses_daily
from tests.factories import (
    World,
    build_system,
    site_data,
    trunk_data,
    unique_base_number,
    user_data,
)
from tests.realservices import require_postgresql

ApiFactory = Callable[[Account | None], APIClient]


def _ledger(customer_id: object) -> list[tuple[str, str]]:
    return list(
        LicenseEvent.objects.filter(customer_id=customer_id)
        .order_by("id")
        .values_list("license_type", "kind")
    )


def test_reseller_assigns_base_license_and_ledger_records_it(world: World, api: ApiFactory) -> None:
    url = f"/api/v1/customers/{world.customer_a1.pk}/base-license/"
    response = api(world.reseller_admin_a).post(url, {"license_type": "grundlizenz"}, format="json")
    assert response.status_code == 200
    assert response.json()["base_license"] == "grundlizenz"
    assert _ledger(world.customer_a1.pk) == [("grundlizenz", "assign")]


def test_base_license_change_is_release_and_assignment_at_the_same_instant(world: World) -> None:
    services.customer_set_base_license(
        customer=world.customer_a1, license_type="grundlizenz", acting_user=world.reseller_admin_a
    )
    services.customer_set_base_license(
        customer=world.customer_a1,
        license_type="erweiterte_grundlizenz",
        acting_user=world.reseller_admin_a,
    )
    rows = list(LicenseEvent.objects.filter(customer=world.customer_a1).order_by("id"))
    assert [(r.license_type, r.kind) for r in rows] == [
        ("grundlizenz", "assign"),
        ("grundlizenz", "release"),
        ("erweiterte_grundlizenz", "assign"),
    ]
    assert rows[1].effective_at == rows[2].effective_at
    assert rows[0].holding == rows[1].holding != rows[2].holding


def test_only_staff_assign_demo_license(world: World, api: ApiFactory) -> None:
    url = f"/api/v1/customers/{world.customer_a1.pk}/base-license/"
    refused = api(world.reseller_admin_a).post(url, {"license_type": "demolizenz"}, format="json")
    assert refused.status_code == 403
    assert not LicenseEvent.objects.exists()
    granted = api(world.staff).post(url, {"license_type": "demolizenz"}, format="json")
    assert granted.status_code == 200
    expires = dt.datetime.fromisoformat(granted.json()["demo_expires_at"])
    assert dt.timedelta(days=27, hours=23) < expires - timezone.now() <= dt.timedelta(days=28)


def test_unknown_base_license_names_the_field(world: World, api: ApiFactory) -> None:
    url = f"/api/v1/customers/{world.customer_a1.pk}/base-license/"
    response = api(world.staff).post(url, {"license_type": "gold"}, format="json")
    assert response.status_code == 400
    assert "license_type" in response.json()["fields"]


def _demo_customer(world: World) -> tuple[object, object]:
    system = build_system(world.customer_a1, world.staff, license_type="demolizenz")
    return system.customer, system.site


def test_demo_rejects_fourth_user_and_writes_nothing(world: World, api: ApiFactory) -> None:
    customer, site = _demo_customer(world)
    for ext in ("11", "12"):
        services.user_create(customer=customer, acting_user=world.staff, data=user_data(site, ext))
    counts = (Subscriber.objects.count(), LicenseEvent.objects.count(), AuditEvent.objects.count())
    response = api(world.customer_admin_a1).post(
        "/api/v1/users/",
        {**user_data(site, "13"), "site": str(site.pk)},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"] == "demo_user_limit"
    assert (
        Subscriber.objects.count(),
        LicenseEvent.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


def test_demo_rejects_second_trunk(world: World) -> None:
    customer, _ = _demo_customer(world)
    second = services.site_create(
        customer=customer, acting_user=world.staff, data=site_data(), extra_site_license=True
    )
    with pytest.raises(ApplicationError) as exc:
        services.trunk_create(site=second, acting_user=world.staff, data=trunk_data())
    assert exc.value.code == "demo_trunk_limit"


def _sites_with_trunks(world: World, count: int) -> None:
    for index in range(count):
        site = services.site_create(
            customer=world.customer_a1,
            acting_user=world.reseller_admin_a,
            data=site_data(),
            extra_site_license=index > 0,
        )
        services.trunk_create(site=site, acting_user=world.reseller_admin_a, data=trunk_data())


def test_demo_license_refused_for_a_customer_set_up_beyond_the_demo_limits(
    world: World, api: ApiFactory
) -> None:
    """Pins LIC-2's limits at the moment the demo is assigned (``demo_limits_exceeded`` in
    ``customer_set_base_license``): sites and trunks can be set up before any base license, so
    a customer with two sites and two trunks must not become a demo customer."""
    _sites_with_trunks(world, 2)
    changes = AuditEvent.objects.exclude(action="access")  # staff reading writes access rows
    counts = (LicenseEvent.objects.count(), changes.count())
    url = f"/api/v1/customers/{world.customer_a1.pk}/base-license/"
    response = api(world.staff).post(url, {"license_type": "demolizenz"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"] == "demo_limits_exceeded"
    world.customer_a1.refresh_from_db()
    assert world.customer_a1.base_license == "" and world.customer_a1.demo_expires_at is None
    assert (LicenseEvent.objects.count(), changes.count()) == counts
    # A paid license is still possible for the same customer.
    services.customer_set_base_license(
        customer=world.customer_a1, license_type="grundlizenz", acting_user=world.staff
    )


def test_demo_license_allowed_at_exactly_one_trunk(world: World) -> None:
    """Pins the other side of the LIC-2 limit: one site with its one trunk is within the demo."""
    _sites_with_trunks(world, 1)
    customer = services.customer_set_base_license(
        customer=world.customer_a1, license_type="demolizenz", acting_user=world.staff
    )
    assert customer.is_demo and customer.demo_expires_at is not None


def test_demo_warnings_and_suspension_at_expiry(
    world: World, api: ApiFactory, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    customer, site = _demo_customer(world)
    expires = customer.demo_expires_at  # type: ignore[attr-defined]
    pk = str(customer.pk)  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            services.demo_license_check(customer_id=pk, now=expires - dt.timedelta(days=10))
            == "nothing"
        )
        assert (
            services.demo_license_check(customer_id=pk, now=expires - dt.timedelta(days=6))
            == "warned-7"
        )
        assert (
            services.demo_license_check(customer_id=pk, now=expires - dt.timedelta(days=5))
            == "nothing"
        )
        assert (
            services.demo_license_check(customer_id=pk, now=expires - dt.timedelta(hours=20))
            == "warned-1"
        )
        assert (
            services.demo_license_check(customer_id=pk, now=expires + dt.timedelta(minutes=1))
            == "suspended"
        )
        assert (
            services.demo_license_check(customer_id=pk, now=expires + dt.timedelta(days=1))
            == "nothing"
        )
    assert [m.to for m in mail.outbox] == [[world.reseller_a.contact_email]] * 3
    assert "7 Tag" in mail.outbox[0].subject and "gesperrt" in mail.outbox[2].subject
    world.customer_a1.refresh_from_db()
    assert world.customer_a1.state == "suspended"
    # Read-only for its admins, nothing deleted.
    client = api(world.customer_admin_a1)
    assert client.get("/api/v1/users/").json()["count"] == 1
    refused = client.post(
        "/api/v1/users/", {**user_data(site, "11"), "site": str(site.pk)}, format="json"
    )  # type: ignore[arg-type]
    assert refused.status_code == 409 and refused.json()["error"] == "customer_suspended"
    # Converting to a paid license ends the demo and reactivates.
    services.customer_set_base_license(
        customer=world.customer_a1, license_type="grundlizenz", acting_user=world.reseller_admin_a
    )
    world.customer_a1.refresh_from_db()
    assert world.customer_a1.state == "active" and world.customer_a1.demo_expires_at is None


def test_suspension_at_demo_expiry_is_audited_without_an_actor(world: World) -> None:
    """Pins the audit entry of the automatic suspension (AUD-1, LIC-2): no person acted, and
    the entry records the state change."""
    customer, _ = _demo_customer(world)
    expires = customer.demo_expires_at  # type: ignore[attr-defined]
    pk = str(customer.pk)  # type: ignore[attr-defined]
    assert services.demo_license_check(customer_id=pk, now=expires) == "suspended"
    event = AuditEvent.objects.filter(object_id=pk, action="update").order_by("occurred_at").last()
    assert event is not None and event.actor_id is None
    assert event.changes == {"state": ["active", "suspended"]}


def test_converted_demo_is_not_suspended(world: World) -> None:
    customer, _ = _demo_customer(world)
    expires = customer.demo_expires_at  # type: ignore[attr-defined]
    services.customer_set_base_license(
        customer=world.customer_a1, license_type="grundlizenz", acting_user=world.reseller_admin_a
    )
    result = services.demo_license_check(
        customer_id=str(world.customer_a1.pk), now=expires + dt.timedelta(days=1)
    )
    assert result == "nothing"
    world.customer_a1.refresh_from_db()
    assert world.customer_a1.state == "active"


def test_daily_task_fans_out_over_demo_customers(world: World) -> None:
    _demo_customer(world)
    assert demo_licenses_daily() == 1


def test_user_created_and_deleted_in_the_same_minute_leaves_two_ledger_rows(world: World) -> None:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    user = services.user_create(
        customer=system.customer,
        acting_user=world.customer_admin_a1,
        data=user_data(system.site, "20"),
    )
    user_id = user.pk
    services.user_delete(subscriber=user, acting_user=world.customer_admin_a1)
    rows = LicenseEvent.objects.filter(subject_id=user_id).order_by("id")
    assert [(r.license_type, r.kind) for r in rows] == [
        ("klingende_stimme", "assign"),
        ("klingende_stimme", "release"),
    ]
    assert (rows[1].effective_at - rows[0].effective_at) < dt.timedelta(minutes=1)


def test_ledger_rows_cannot_be_changed(world: World) -> None:
    build_system(world.customer_a1, world.reseller_admin_a)
    row = LicenseEvent.objects.first()
    assert row is not None
    with pytest.raises(ApplicationError):
        row.save()
    with pytest.raises(ApplicationError):
        LicenseEvent.objects.all().delete()
    with pytest.raises(ApplicationError):
        LicenseEvent.objects.update(kind="release")


@pytest.mark.postgresql
def test_database_refuses_raw_changes_to_the_ledger(world: World) -> None:
    require_postgresql(connection.vendor)
    build_system(world.customer_a1, world.reseller_admin_a)
    for sql in (
        "UPDATE provisioning_licenseevent SET kind = 'release'",
        "DELETE FROM provisioning_licenseevent",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)


def test_license_api_shows_current_holdings_and_ledger_filters_by_time(
    world: World, api: ApiFactory
) -> None:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    services.user_update(
        subscriber=system.user,
        acting_user=world.customer_admin_a1,
        data={"package": "volle_stimme"},
    )
    client = api(world.customer_admin_a1)
    held = client.get("/api/v1/licenses/").json()["results"]
    assert sorted(r["license_type"] for r in held) == ["grundlizenz", "volle_stimme"]
    everything = client.get("/api/v1/license-events/").json()["count"]
    assert everything == 4  # base, package assign, package release, new package assign
    future = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    assert client.get("/api/v1/license-events/", {"since": future}).json()["count"] == 0
    assert unique_base_number().startswith("+4930")


def test_demo_warnings_are_due_exactly_seven_and_one_days_before_expiry(world: World) -> None:
    """Pins the warning edges (LIC-2): at exactly 7 days and exactly 1 day left the warning is
    due."""
    customer, _ = _demo_customer(world)
    expires = customer.demo_expires_at  # type: ignore[attr-defined]
    pk = str(customer.pk)  # type: ignore[attr-defined]
    check = services.demo_license_check
    assert check(customer_id=pk, now=expires - dt.timedelta(days=7)) == "warned-7"
    assert check(customer_id=pk, now=expires - dt.timedelta(days=1)) == "warned-1"


def test_demo_check_leaves_customers_without_a_running_demo_alone(world: World) -> None:
    """Pins who the daily check acts on (LIC-2): an unknown customer, and a paid customer even
    with a demo expiry left in its row, are never warned or suspended."""
    assert services.demo_license_check(customer_id=str(uuid.uuid4())) == "nothing"
    paid = world.customer_a2
    paid.base_license = "grundlizenz"
    paid.demo_expires_at = timezone.now() - dt.timedelta(days=1)
    paid.save()
    assert services.demo_license_check(customer_id=str(paid.pk)) == "nothing"
    paid.refresh_from_db()
    assert paid.state != "suspended"
