from __future__ import annotations

from dataclasses import dataclass

import pytest

from provisioning import services
from provisioning.models import Account, Customer, Device, Site, Subscriber
from tests.factories import System, World, build_system, user_data


@dataclass
class Office:
    """Customer A1 with three users at one site (ext 10 Klingende, 11 Volle, 12 Klare), a desk
    phone for each, managed by the customer admin."""

    world: World
    system: System
    customer: Customer
    site: Site
    admin: Account
    anna: Subscriber  # ext 10, Klingende stimme
    ben: Subscriber  # ext 11, Volle stimme
    clara: Subscriber  # ext 12, Klare stimme


@pytest.fixture
def office(world: World) -> Office:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    admin = world.customer_admin_a1
    ben = services.user_create(
        customer=system.customer,
        acting_user=admin,
        data=user_data(system.site, "11", first_name="Ben", package="volle_stimme"),
    )
    clara = services.user_create(
        customer=system.customer,
        acting_user=admin,
        data=user_data(system.site, "12", first_name="Clara", package="klare_stimme"),
    )
    for n, user in enumerate((system.user, ben, clara), start=1):
        services.device_create(
            customer=system.customer,
            acting_user=admin,
            data={
                "site": system.site,
                "model": "IP222",
                "mac_address": f"00:90:33:10:00:{n:02d}",
                "subscriber": user,
                "label": f"Tisch {n}",
            },
        )
    assert Device.objects.filter(customer=system.customer).count() == 3
    return Office(world, system, system.customer, system.site, admin, system.user, ben, clara)
