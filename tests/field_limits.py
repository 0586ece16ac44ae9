"""What the field-length tests of the API (tests/provisioning/test_api_field_lengths.py) and the
portal (tests/portal/test_field_lengths.py) share: the customer they write to, makers of
over-long values, and the column limits of the forms both offer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from provisioning import services
from provisioning.models import Site
from tests.factories import System, World, build_system, site_data

Make = Callable[[int], str]


@dataclass
class Setup:
    world: World
    system: System  # customer A1 with site, trunk, block and a user on extension 10
    bare_site: Site  # a second site of A1 without a trunk


def build_setup(world: World) -> Setup:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    bare = services.site_create(
        customer=world.customer_a1,
        acting_user=world.reseller_admin_a,
        data=site_data(),
        extra_site_license=True,
    )
    return Setup(world, system, bare)


# Over-long values of each kind: exactly ``n`` characters, otherwise as plausible as possible.
def text(n: int) -> str:
    return "x" * n


def digits(n: int) -> str:
    return "7" * n


def email(n: int) -> str:
    domain = "@kunde.example"
    return "a" * (n - len(domain)) + domain


def phone(n: int) -> str:
    return "+4930" + "1" * (n - 5)


def target(n: int) -> str:
    return "external:+4930" + "1" * (n - 14)


Limits = tuple[tuple[str, int, Make], ...]

ADDRESS: Limits = (
    ("street", 200, text),
    ("postal_code", 10, digits),
    ("city", 100, text),
)
CONTACT: Limits = (
    ("company_name", 200, text),
    ("vat_id", 20, text),
    ("contact_name", 200, text),
    ("contact_email", 254, email),
    ("contact_phone", 30, phone),
)
TRUNK: Limits = (
    ("provider_name", 100, text),
    ("registrar_host", 255, text),
    ("username", 150, text),
    ("password", 200, text),
    ("contract_reference", 100, text),
    ("emergency_street", 200, text),
    ("emergency_postal_code", 10, digits),
    ("emergency_city", 100, text),
)
USER: Limits = (
    ("first_name", 100, text),
    ("last_name", 100, text),
    ("display_name", 200, text),
    ("email", 254, email),
    ("extension", 10, digits),
    ("mobility_number", 20, phone),
)
DEVICE: Limits = (("mac_address", 17, text), ("label", 100, text))
