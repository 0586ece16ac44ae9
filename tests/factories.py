"""Builders for test data, all through the services (so the audit log is exercised too)."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Any

import pyotp

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
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
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


def enrol_second_factor(account: Account, secret: str = TOTP_SECRET) -> None:
    """Give ``account`` an authenticator app with a known secret (TEN-4), unless it has one."""
    from provisioning.services import second_factor

    if second_factor.confirmed_factor(account) is None:
        second_factor.second_factor_start(account=account, secret=secret)
        second_factor.second_factor_confirm(account=account, code=pyotp.TOTP(secret).now())


def second_factor_code(username: str, secret: str = TOTP_SECRET) -> str:
    """A code the login of ``username`` accepts now: the current time step's, or — when that
    step is used up by an earlier login — the next one's, waiting for it if need be."""
    from provisioning.models import SecondFactor

    last = SecondFactor.objects.get(account__username=username).last_step
    step = max(int(time.time()) // 30, -1 if last is None else last + 1)
    while step > int(time.time()) // 30 + 1:
        time.sleep(1)
    return str(pyotp.TOTP(secret).generate_otp(step))
