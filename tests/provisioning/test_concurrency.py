"""TRK-2 under concurrency on PostgreSQL: a number is never assigned twice, even when two
requests race for it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from provisioning import services
from provisioning.errors import ApplicationError
from provisioning.models import PhoneNumber, Subscriber
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
