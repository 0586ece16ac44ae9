"""Names unique within a scope (TEN-1, LIC-3, FEA-1 … FEA-3, TEN-4): a second site, customer,
hunt group, pickup group, IVR menu or active API key of the same name is refused with 409, its
code and its words; renaming a row to its own name is no conflict, and another scope may use the
name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from provisioning import services
from provisioning.errors import ApplicationError
from provisioning.models import Account
from tests.factories import System, World, build_system, customer_data, site_data


@dataclass(frozen=True)
class Case:
    """How to create a row named ``name`` in the scope, and how to rename a row."""

    create: Callable[[System, Account, str], Any]
    rename: Callable[[Any, Account, str], Any]
    code: str
    message: str
    field: str = "name"
    field_message: str = ""


CASES = {
    "site": Case(
        lambda s, a, name: services.site_create(
            customer=s.customer,
            acting_user=a,
            data=site_data(name=name),
            extra_site_license=True,
        ),
        lambda row, a, name: services.site_update(site=row, acting_user=a, data={"name": name}),
        "site_name_taken",
        "This customer already has a site with this name.",
    ),
    "customer": Case(
        lambda s, a, name: services.customer_create(
            reseller=s.customer.reseller,
            acting_user=a,
            data=customer_data(company_name=name),
        ),
        lambda row, a, name: services.customer_update(
            customer=row, acting_user=a, data={"company_name": name}
        ),
        "customer_name_taken",
        "This reseller already has a customer with this company name.",
        field="company_name",
        field_message="This reseller already has a customer with this name.",
    ),
    "hunt_group": Case(
        lambda s, a, name: services.hunt_group_create(
            customer=s.customer, acting_user=a, data={"name": name, "site": s.site}
        ),
        lambda row, a, name: services.hunt_group_update(
            group=row, acting_user=a, data={"name": name}
        ),
        "name_taken",
        "A hunt group with this name exists.",
    ),
    "pickup_group": Case(
        lambda s, a, name: services.pickup_group_create(
            customer=s.customer, acting_user=a, data={"name": name}
        ),
        lambda row, a, name: services.pickup_group_update(
            group=row, acting_user=a, data={"name": name}
        ),
        "name_taken",
        "A pickup group with this name exists.",
    ),
    "ivr_menu": Case(
        lambda s, a, name: services.ivr_menu_create(
            customer=s.customer, acting_user=a, data={"name": name}
        ),
        lambda row, a, name: services.ivr_menu_update(menu=row, acting_user=a, data={"name": name}),
        "name_taken",
        "A menu with this name exists.",
    ),
}


@pytest.mark.parametrize("kind", CASES)
def test_a_taken_name_is_refused_on_create_and_rename(world: World, kind: str) -> None:
    case = CASES[kind]
    system = build_system(world.customer_a1, world.reseller_admin_a)
    actor = world.staff
    first = case.create(system, actor, "Vertrieb")
    second = case.create(system, actor, "Service")
    for attempt in (
        lambda: case.create(system, actor, "Vertrieb"),
        lambda: case.rename(second, actor, "Vertrieb"),
    ):
        with pytest.raises(ApplicationError) as refused:
            attempt()
        error = refused.value
        assert (error.code, error.message, error.status) == (case.code, case.message, 409)
        assert error.fields == {case.field: [case.field_message or case.message]}
        assert error.params == {"name": "Vertrieb"}
    assert case.rename(first, actor, "Vertrieb") == first  # its own name
    assert case.rename(second, actor, "Außendienst") == second


@pytest.mark.parametrize("kind", ["site", "hunt_group", "pickup_group", "ivr_menu"])
def test_another_customer_may_use_the_name(world: World, kind: str) -> None:
    case = CASES[kind]
    one = build_system(world.customer_a1, world.reseller_admin_a)
    other = build_system(world.customer_a2, world.reseller_admin_a)
    case.create(one, world.staff, "Vertrieb")
    assert case.create(other, world.staff, "Vertrieb") is not None


def test_an_active_api_key_name_is_refused_and_free_again_once_revoked(world: World) -> None:
    owner = world.reseller_admin_a
    key, _raw = services.api_key_create(acting_user=owner, name="Warenwirtschaft")
    with pytest.raises(ApplicationError) as refused:
        services.api_key_create(acting_user=owner, name="Warenwirtschaft")
    error = refused.value
    assert (error.code, error.status) == ("api_key_name_taken", 409)
    assert error.message == "You already have an active key with this name."
    assert error.fields == {"name": ["You already have an active key with this name."]}
    services.api_key_create(acting_user=world.reseller_admin_b, name="Warenwirtschaft")
    services.api_key_revoke(api_key=key, acting_user=owner)
    assert services.api_key_create(acting_user=owner, name="Warenwirtschaft")[0] != key
