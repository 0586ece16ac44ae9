"""Builders for test data, all through the services (so the audit log is exercised too)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from provisioning import services
from provisioning.models import (
    Account,
    Customer,
    NumberBlock,
    Reseller,
    Role,
    Site,
    Subscriber,
    Trunk,
)

PASSWORD = "correct-horse-battery-9"
_seq = itertools.count(1)


def reseller_data(**overrides: Any) -> dict[str, Any]:
    n = next(_seq)
    data = {
        "company_name": f"Reseller {n} GmbH",
        "street": f"Musterweg {n}",
        "postal_code": "10115",
        "city": "Berlin",
        "country": "DE",
        "vat_id": f"DE{100000000 + n}",
        "contact_name": "Erika Mustermann",
        "contact_email": f"partner{n}@reseller.example",
    }
    data.update(overrides)
    return data


def customer_data(**overrides: Any) -> dict[str, Any]:
    n = next(_seq)
    data = {
        "company_name": f"Kunde {n} GmbH",
        "street": f"Hauptstraße {n}",
        "postal_code": "80331",
        "city": "München",
        "country": "DE",
        "vat_id": f"DE{200000000 + n}",
        "federal_state": "BY",
    }
    data.update(overrides)
    return data


def make_account(role: str, **scope: Any) -> Account:
    n = next(_seq)
    return services.account_create(
        acting_user=None,
        username=f"{role}-{n}",
        password=PASSWORD,
        role=role,
        email=f"{role}-{n}@example.test",
        **scope,
    )


@dataclass
class World:
    """Three actors per level: one who owns, one who shares the parent, one who must see nothing.

    Reseller A has customers A1 and A2; reseller B has customer B1.
    """

    staff: Account
    finance: Account
    reseller_a: Reseller
    reseller_b: Reseller
    customer_a1: Customer
    customer_a2: Customer
    customer_b1: Customer
    reseller_admin_a: Account
    reseller_admin_b: Account
    customer_admin_a1: Account
    customer_admin_a2: Account
    customer_admin_b1: Account
    end_user_a1: Account


def build_world() -> World:
    staff = make_account(Role.PLATFORM_STAFF)
    finance = make_account(Role.PLATFORM_FINANCE)
    reseller_a = services.reseller_create(acting_user=staff, data=reseller_data())
    reseller_b = services.reseller_create(acting_user=staff, data=reseller_data())
    customer_a1 = services.customer_create(
        reseller=reseller_a, acting_user=staff, data=customer_data()
    )
    customer_a2 = services.customer_create(
        reseller=reseller_a, acting_user=staff, data=customer_data()
    )
    customer_b1 = services.customer_create(
        reseller=reseller_b, acting_user=staff, data=customer_data()
    )
    return World(
        staff=staff,
        finance=finance,
        reseller_a=reseller_a,
        reseller_b=reseller_b,
        customer_a1=customer_a1,
        customer_a2=customer_a2,
        customer_b1=customer_b1,
        reseller_admin_a=make_account(Role.RESELLER_ADMIN, reseller=reseller_a),
        reseller_admin_b=make_account(Role.RESELLER_ADMIN, reseller=reseller_b),
        customer_admin_a1=make_account(Role.CUSTOMER_ADMIN, customer=customer_a1),
        customer_admin_a2=make_account(Role.CUSTOMER_ADMIN, customer=customer_a2),
        customer_admin_b1=make_account(Role.CUSTOMER_ADMIN, customer=customer_b1),
        end_user_a1=make_account(Role.END_USER, customer=customer_a1),
    )


_block_seq = itertools.count(1)


@dataclass
class System:
    """A customer's telephone system: base license, one site with a trunk and a block of 100
    numbers (+49 30 <unique>-0 … -99), and one user on extension 10."""

    customer: Customer
    site: Site
    trunk: Trunk
    block: NumberBlock
    user: Subscriber


def site_data(**overrides: Any) -> dict[str, Any]:
    n = next(_seq)
    data = {
        "name": f"Standort {n}",
        "street": f"Werkstraße {n}",
        "postal_code": "10115",
        "city": "Berlin",
        "country": "DE",
    }
    data.update(overrides)
    return data


def trunk_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "provider": "peoplefone",
        "connection_type": "sip_datacenter",
        "registrar_host": "sip.peoplefone.example",
        "username": "trunk-user",
        "state": "active",
    }
    data.update(overrides)
    return data


def unique_base_number() -> str:
    """A valid Berlin base number no other test uses: +49 30 <7 digits>."""
    return f"+4930{5000000 + next(_block_seq) * 10:07d}"


def user_data(site: Site, extension: str, **overrides: Any) -> dict[str, Any]:
    n = next(_seq)
    data = {
        "first_name": "Max",
        "last_name": f"Muster{n}",
        "email": f"max{n}@kunde.example",
        "site": site,
        "extension": extension,
        "package": "klingende_stimme",
    }
    data.update(overrides)
    return data


def build_system(
    customer: Customer, actor: Account, *, license_type: str = "grundlizenz"
) -> System:
    services.customer_set_base_license(
        customer=customer, license_type=license_type, acting_user=actor
    )
    site = services.site_create(customer=customer, acting_user=actor, data=site_data())
    trunk = services.trunk_create(
        site=site, acting_user=actor, data=trunk_data(), password="s3cret!"
    )
    block = services.number_block_create(
        trunk=trunk,
        acting_user=actor,
        base_number=unique_base_number(),
        first_extension=0,
        last_extension=99,
    )
    user = services.user_create(customer=customer, acting_user=actor, data=user_data(site, "10"))
    customer.refresh_from_db()
    return System(customer=customer, site=site, trunk=trunk, block=block, user=user)
