"""TRK-2 under concurrency on PostgreSQL: a number is never assigned twice, and an extension
never held twice within a customer, even when two requests race for it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction

from provisioning import services
from provisioning.errors import ApplicationError
from provisioning.models import ExtensionClaim, HuntGroup, IvrMenu, PhoneNumber, Subscriber
from provisioning.services.extensions import extension_claim
from tests.factories import build_system, build_world, user_data
from tests.realservices import require_postgresql


def _race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment in threads (own database connections); returns each
    call's result or the ApplicationError it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except ApplicationError as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.mark.postgresql
def test_two_concurrent_blocks_with_the_same_numbers_one_wins(transactional_db: None) -> None:
    require_postgresql(connection.vendor)
    world = build_world()
    a = build_system(world.customer_a1, world.reseller_admin_a)
    b = build_system(world.customer_b1, world.reseller_admin_b)
    base = "+4940777000"

    def block(system: Any, actor: Any) -> Callable[[], Any]:
        return lambda: services.number_block_create(
            trunk=system.trunk,
            acting_user=actor,
            base_number=base,
            first_extension=0,
            last_extension=99,
        )

    results = _race(block(a, world.reseller_admin_a), block(b, world.reseller_admin_b))
    errors = [r for r in results if isinstance(r, ApplicationError)]
    assert len(errors) == 1, results
    assert errors[0].code == "number_taken"
    assert PhoneNumber.objects.filter(e164__startswith=base).count() == 100


@pytest.mark.postgresql
def test_two_concurrent_users_on_the_same_extension_one_wins(transactional_db: None) -> None:
    require_postgresql(connection.vendor)
    world = build_world()
    system = build_system(world.customer_a1, world.reseller_admin_a)

    def create(actor: Any) -> Callable[[], Any]:
        return lambda: services.user_create(
            customer=system.customer, acting_user=actor, data=user_data(system.site, "77")
        )

    results = _race(create(world.customer_admin_a1), create(world.reseller_admin_a))
    errors = [r for r in results if isinstance(r, ApplicationError)]
    assert len(errors) == 1, results
    assert errors[0].code == "number_taken"
    assert Subscriber.objects.filter(number__extension="77", site=system.site).count() == 1


def _held_open(call: Callable[[], Any], written: threading.Event, other: threading.Event) -> Any:
    """Run ``call`` in a transaction that stays open until the other request has written too
    (or two seconds pass), so both requests have checked the extension before either commits."""
    with transaction.atomic():
        result = call()
        written.set()
        other.wait(timeout=2)
    return result


@pytest.mark.postgresql
@pytest.mark.parametrize("first", ["user", "hunt_group"])
def test_concurrent_creates_of_different_kinds_on_one_extension_one_wins(
    transactional_db: None, first: str
) -> None:
    """An IVR menu races a user or a hunt group for extension 20: exactly one gets it."""
    require_postgresql(connection.vendor)
    world = build_world()
    system = build_system(world.customer_a1, world.reseller_admin_a)
    admin = world.customer_admin_a1
    creates: dict[str, Callable[[], Any]] = {
        "user": lambda: services.user_create(
            customer=system.customer, acting_user=admin, data=user_data(system.site, "20")
        ),
        "hunt_group": lambda: services.hunt_group_create(
            customer=system.customer,
            acting_user=admin,
            data={"name": "Vertrieb", "site": system.site, "extension": "20"},
        ),
        "ivr_menu": lambda: services.ivr_menu_create(
            customer=system.customer, acting_user=admin, data={"name": "Menü", "extension": "20"}
        ),
    }
    a_written, b_written = threading.Event(), threading.Event()
    results = _race(
        lambda: _held_open(creates[first], a_written, b_written),
        lambda: _held_open(creates["ivr_menu"], b_written, a_written),
    )
    errors = [r for r in results if isinstance(r, ApplicationError)]
    assert len(errors) == 1, results
    assert errors[0].code == "extension_taken"
    assert errors[0].fields == {"extension": [errors[0].message]}
    holders = (
        Subscriber.objects.filter(customer=system.customer, number__extension="20").count()
        + HuntGroup.objects.filter(customer=system.customer, extension="20").count()
        + IvrMenu.objects.filter(customer=system.customer, extension="20").count()
    )
    assert holders == 1


@pytest.mark.postgresql
def test_the_database_constraint_decides_a_race_the_early_check_cannot_see(
    transactional_db: None,
) -> None:
    """Two claims on one extension written without the customer lock: the unique constraint
    lets one through and the other is answered with extension_taken naming the winner."""
    require_postgresql(connection.vendor)
    world = build_world()
    system = build_system(world.customer_a1, world.reseller_admin_a)
    admin = world.customer_admin_a1
    group = services.hunt_group_create(
        customer=system.customer, acting_user=admin, data={"name": "Vertrieb", "site": system.site}
    )
    menu = services.ivr_menu_create(
        customer=system.customer, acting_user=admin, data={"name": "Menü"}
    )

    def claim(kind: str, owner: Any) -> Callable[[], Any]:
        return lambda: extension_claim(
            customer=system.customer, kind=kind, owner=owner, extension="30"
        )

    a_written, b_written = threading.Event(), threading.Event()
    results = _race(
        lambda: _held_open(claim("hunt_group", group), a_written, b_written),
        lambda: _held_open(claim("ivr_menu", menu), b_written, a_written),
    )
    errors = [r for r in results if isinstance(r, ApplicationError)]
    assert len(errors) == 1, results
    assert errors[0].code == "extension_taken"
    assert errors[0].message in (
        "Extension 30 is used by hunt group Vertrieb.",
        "Extension 30 is used by IVR menu Menü.",
    )
    assert ExtensionClaim.objects.filter(customer=system.customer, extension="30").count() == 1
