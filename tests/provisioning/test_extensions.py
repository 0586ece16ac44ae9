"""Extensions are unique per customer across users (and their fax numbers), hunt groups, IVR
menus and the operator (TRK-2, FEA-1, FEA-3, FEA-4): the database refuses a second claim on an
extension, the services answer ``extension_taken`` naming what holds it, and a deleted or
changed owner frees its extension."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from provisioning import services
from provisioning.errors import ApplicationError
from provisioning.models import (
    Account,
    AuditEvent,
    ExtensionClaim,
    HuntGroup,
    IvrMenu,
    LicenseEvent,
    Subscriber,
)
from tests.factories import (
    System,
    World,
    build_system,
    site_data,
    trunk_data,
    unique_base_number,
    user_data,
)

ApiFactory = Callable[[Account | None], APIClient]


@pytest.fixture
def system(world: World) -> System:
    return build_system(world.customer_a1, world.reseller_admin_a)


@pytest.fixture
def api() -> Callable[[Account | None], APIClient]:
    """API clients that ask for English, the language these messages are asserted in."""

    def make(account: Account | None = None) -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if account is not None:
            client.force_login(account)
        return client

    return make


def _post_user(client: APIClient, system: System, extension: str, **extra: Any):  # type: ignore[no-untyped-def]
    data = {**user_data(system.site, extension), "site": str(system.site.pk), **extra}
    return client.post("/api/v1/users/", data, format="json")


def _group(system: System, actor: Account, name: str, extension: str) -> HuntGroup:
    return services.hunt_group_create(
        customer=system.customer,
        acting_user=actor,
        data={"name": name, "site": system.site, "extension": extension},
    )


def _menu(system: System, actor: Account, name: str, extension: str) -> IvrMenu:
    return services.ivr_menu_create(
        customer=system.customer, acting_user=actor, data={"name": name, "extension": extension}
    )


def _written() -> tuple[int, int, int]:
    return Subscriber.objects.count(), LicenseEvent.objects.count(), AuditEvent.objects.count()


# A user taking the extension of a group or menu -----------------------------------------------


@pytest.mark.parametrize(
    ("make", "holder"),
    [(_group, "hunt group Vertrieb"), (_menu, "IVR menu Vertrieb")],
    ids=["hunt_group", "ivr_menu"],
)
def test_user_cannot_take_the_extension_of_a_group_or_menu(
    world: World, system: System, api: ApiFactory, make: Any, holder: str
) -> None:
    make(system, world.customer_admin_a1, "Vertrieb", "20")
    before = _written()
    response = _post_user(api(world.customer_admin_a1), system, "20")
    assert response.status_code == 409, response.json()
    body = response.json()
    assert body["error"] == "extension_taken"
    # The API speaks the catalogue's words, naming the holder as the service does.
    words = f"Extension 20 is already assigned to the {holder.rsplit(' ', 1)[0]} “Vertrieb”."
    assert body["message"] == words
    assert body["fields"] == {"extension": [words]}
    assert holder
    assert _written() == before


def test_fax_extension_cannot_take_the_extension_of_a_group(
    world: World, system: System, api: ApiFactory
) -> None:
    _group(system, world.customer_admin_a1, "Vertrieb", "21")
    before = _written()
    response = _post_user(
        api(world.customer_admin_a1), system, "30", package="volle_stimme", fax_extension="21"
    )
    assert response.status_code == 409, response.json()
    assert response.json()["error"] == "extension_taken"
    assert list(response.json()["fields"]) == ["fax_extension"]
    assert _written() == before


def test_editing_a_user_to_the_extension_of_a_group_is_refused(
    world: World, system: System, api: ApiFactory
) -> None:
    _group(system, world.customer_admin_a1, "Vertrieb", "20")
    response = api(world.customer_admin_a1).patch(
        f"/api/v1/users/{system.user.pk}/", {"extension": "20"}, format="json"
    )
    assert response.status_code == 409, response.json()
    assert response.json()["error"] == "extension_taken"
    assert "extension" in response.json()["fields"]
    system.user.refresh_from_db()
    assert system.user.extension == "10"


def test_user_at_another_site_cannot_take_an_extension_used_at_the_first(
    world: World, system: System, api: ApiFactory
) -> None:
    """Both sites' blocks contain extension 10; internally, 10 can reach only one of them."""
    site = services.site_create(
        customer=system.customer,
        acting_user=world.reseller_admin_a,
        data=site_data(),
        extra_site_license=True,
    )
    trunk = services.trunk_create(site=site, acting_user=world.reseller_admin_a, data=trunk_data())
    services.number_block_create(
        trunk=trunk,
        acting_user=world.reseller_admin_a,
        base_number=unique_base_number(),
        first_extension=0,
        last_extension=99,
    )
    data = {**user_data(site, "10"), "site": str(site.pk)}
    response = api(world.customer_admin_a1).post("/api/v1/users/", data, format="json")
    assert response.status_code == 409, response.json()
    assert response.json()["error"] == "extension_taken"
    holder = ExtensionClaim.objects.get(customer=site.customer, extension="10").subscriber
    assert response.json()["message"] == (
        f"Extension 10 is already assigned to the user “{holder.name}”."
    )
    free = api(world.customer_admin_a1).get(f"/api/v1/sites/{site.pk}/free-numbers/").json()
    assert "10" not in [row["extension"] for row in free["results"]]


def test_csv_import_refuses_a_row_with_the_extension_of_a_group(
    world: World, system: System, api: ApiFactory
) -> None:
    _group(system, world.customer_admin_a1, "Vertrieb", "20")
    text = (
        "first_name;last_name;email;site;extension;package\n"
        f"Anna;Becker;anna@k.example;{system.site.name};20;klare_stimme\n"
    )
    before = _written()
    response = api(world.customer_admin_a1).post(
        "/api/v1/users/import/", {"csv": text}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert "hunt group Vertrieb" in response.json()["rows"]["2"]["extension"][0]
    assert _written() == before


# A group, menu or the operator taking a user's extension -------------------------------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/hunt-groups/", {"name": "Vertrieb"}),
        ("/api/v1/ivr-menus/", {"name": "Vertrieb"}),
    ],
    ids=["hunt_group", "ivr_menu"],
)
def test_group_or_menu_cannot_take_the_extension_of_a_user(
    world: World, system: System, api: ApiFactory, path: str, body: dict[str, Any]
) -> None:
    if "hunt" in path:
        body = {**body, "site": str(system.site.pk)}
    response = api(world.customer_admin_a1).post(path, {**body, "extension": "10"}, format="json")
    assert response.status_code == 409, response.json()
    assert response.json()["error"] == "extension_taken"
    message = f"Extension 10 is already assigned to the user “{system.user.name}”."
    assert response.json()["fields"] == {"extension": [message]}
    assert not HuntGroup.objects.exists() and not IvrMenu.objects.exists()


def test_group_cannot_take_the_fax_extension_of_a_user(world: World, system: System) -> None:
    fax_user = services.user_create(
        customer=system.customer,
        acting_user=world.customer_admin_a1,
        data=user_data(system.site, "30", package="volle_stimme", fax_extension="31"),
    )
    with pytest.raises(ApplicationError) as refused:
        _group(system, world.customer_admin_a1, "Fax", "31")
    assert refused.value.code == "extension_taken"
    assert refused.value.message == f"Extension 31 is used by the fax of {fax_user.name}."
    assert not HuntGroup.objects.exists()


def test_group_and_menu_cannot_share_an_extension(world: World, system: System) -> None:
    group = _group(system, world.customer_admin_a1, "Vertrieb", "20")
    with pytest.raises(ApplicationError) as refused:
        _menu(system, world.customer_admin_a1, "Begrüßung", "20")
    assert refused.value.message == "Extension 20 is used by hunt group Vertrieb."
    menu = _menu(system, world.customer_admin_a1, "Begrüßung", "21")
    with pytest.raises(ApplicationError) as refused:
        services.hunt_group_update(
            group=group, acting_user=world.customer_admin_a1, data={"extension": "21"}
        )
    assert refused.value.code == "extension_taken"
    assert refused.value.message == "Extension 21 is used by IVR menu Begrüßung."
    group.refresh_from_db()
    menu.refresh_from_db()
    assert (group.extension, menu.extension) == ("20", "21")


def test_operator_holds_extension_0_and_cannot_take_it_from_a_user_holding_it(
    world: World, system: System
) -> None:
    """Extension 0 is never given to a user; a user holding it from before the rule keeps it,
    and the operator cannot be configured until the user moves."""
    other = build_system(world.customer_a2, world.reseller_admin_a)
    services.operator_update(
        customer=system.customer,
        acting_user=world.customer_admin_a1,
        data={"day_target": f"user:{system.user.pk}"},
    )
    claim = ExtensionClaim.objects.get(customer=system.customer, extension="0")
    assert claim.owner_kind == "operator"
    with pytest.raises(IntegrityError), transaction.atomic():
        ExtensionClaim.objects.create(
            customer=system.customer, extension="0", owner_kind="user", subscriber=system.user
        )
    # Customer A2: its user sits on extension 0 (data from before the rule).
    ExtensionClaim.objects.filter(subscriber=other.user).update(extension="0")
    with pytest.raises(ApplicationError) as refused:
        services.operator_update(
            customer=other.customer,
            acting_user=world.customer_admin_a2,
            data={"day_target": f"user:{other.user.pk}"},
        )
    assert refused.value.code == "extension_taken"
    assert refused.value.message == f"Extension 0 is used by user {other.user.name}."
    assert services.operator_get(customer=other.customer) is None


# Freeing an extension ---------------------------------------------------------------------------


def test_deleting_a_group_frees_its_extension(
    world: World, system: System, api: ApiFactory
) -> None:
    group = _group(system, world.customer_admin_a1, "Vertrieb", "20")
    client = api(world.customer_admin_a1)
    assert _post_user(client, system, "20").status_code == 409
    services.hunt_group_delete(group=group, acting_user=world.customer_admin_a1)
    assert _post_user(client, system, "20").status_code == 201


def test_deleting_a_menu_outside_the_services_frees_its_extension(
    world: World, system: System, api: ApiFactory
) -> None:
    """A delete that bypasses the services (Django admin, shell) cascades to the claim."""
    menu = _menu(system, world.customer_admin_a1, "Vertrieb", "20")
    client = api(world.customer_admin_a1)
    assert _post_user(client, system, "20").status_code == 409
    IvrMenu.objects.filter(pk=menu.pk).delete()
    assert _post_user(client, system, "20").status_code == 201


def test_changing_or_clearing_a_group_extension_frees_the_old_one(
    world: World, system: System, api: ApiFactory
) -> None:
    group = _group(system, world.customer_admin_a1, "Vertrieb", "20")
    client = api(world.customer_admin_a1)
    assert _post_user(client, system, "20").status_code == 409
    services.hunt_group_update(
        group=group, acting_user=world.customer_admin_a1, data={"extension": "21"}
    )
    assert _post_user(client, system, "20").status_code == 201
    assert _post_user(client, system, "21").status_code == 409
    services.hunt_group_update(
        group=group, acting_user=world.customer_admin_a1, data={"extension": ""}
    )
    assert _post_user(client, system, "21").status_code == 201


def test_deleting_or_moving_a_user_frees_their_extension(world: World, system: System) -> None:
    holder = f"user {system.user.name}"
    with pytest.raises(ApplicationError) as refused:
        _group(system, world.customer_admin_a1, "Vertrieb", "10")
    assert refused.value.message == f"Extension 10 is used by {holder}."
    moved = services.user_update(
        subscriber=system.user, acting_user=world.customer_admin_a1, data={"extension": "15"}
    )
    assert _group(system, world.customer_admin_a1, "Vertrieb", "10").extension == "10"
    with pytest.raises(ApplicationError) as refused:
        _menu(system, world.customer_admin_a1, "Begrüßung", "15")
    assert refused.value.message == f"Extension 15 is used by {holder}."
    services.user_delete(subscriber=moved, acting_user=world.customer_admin_a1)
    assert _menu(system, world.customer_admin_a1, "Begrüßung", "15").extension == "15"


def test_removing_a_fax_number_frees_its_extension(world: World, system: System) -> None:
    fax_user = services.user_create(
        customer=system.customer,
        acting_user=world.customer_admin_a1,
        data=user_data(system.site, "30", package="volle_stimme", fax_extension="31"),
    )
    with pytest.raises(ApplicationError):
        _group(system, world.customer_admin_a1, "Fax", "31")
    services.user_update(
        subscriber=fax_user, acting_user=world.customer_admin_a1, data={"fax_extension": ""}
    )
    assert _group(system, world.customer_admin_a1, "Fax", "31").extension == "31"


# Per customer ------------------------------------------------------------------------------------


def test_extensions_are_unique_per_customer_only(
    world: World, system: System, api: ApiFactory
) -> None:
    other = build_system(world.customer_b1, world.reseller_admin_b)  # its user is on 10 too
    _group(system, world.customer_admin_a1, "Vertrieb", "20")
    refused = _post_user(api(world.customer_admin_a1), system, "20")
    assert refused.status_code == 409
    accepted = _post_user(api(world.customer_admin_b1), other, "20")
    assert accepted.status_code == 201, accepted.json()
    group = services.hunt_group_create(
        customer=other.customer,
        acting_user=world.customer_admin_b1,
        data={"name": "Vertrieb", "site": other.site, "extension": "21"},
    )
    assert group.extension == "21"
    assert _post_user(api(world.customer_admin_a1), system, "21").status_code == 201


# The table itself ------------------------------------------------------------------------------


def test_every_owner_has_its_claim_and_the_database_refuses_a_second(
    world: World, system: System
) -> None:
    group = _group(system, world.customer_admin_a1, "Vertrieb", "20")
    menu = _menu(system, world.customer_admin_a1, "Begrüßung", "21")
    rows = set(
        ExtensionClaim.objects.filter(customer=system.customer).values_list(
            "extension", "owner_kind"
        )
    )
    assert rows == {("10", "user"), ("20", "hunt_group"), ("21", "ivr_menu")}
    with pytest.raises(IntegrityError), transaction.atomic():
        HuntGroup.objects.filter(pk=group.pk).update(extension="21")
        ExtensionClaim.objects.filter(hunt_group=group).update(extension="21")
    assert ExtensionClaim.objects.get(ivr_menu=menu).extension == "21"


def _fill_claims() -> Callable[..., None]:
    module = importlib.import_module("provisioning.migrations.0008_extension_claims")
    return module.fill_extension_claims  # type: ignore[no-any-return]


def test_migration_fills_the_table_and_keeps_the_users_extension_on_a_clash(
    world: World, system: System, caplog: pytest.LogCaptureFixture
) -> None:
    """Data from before the rule: the user keeps the extension; the group or menu that could
    never be reached by it loses it, and the log names each one."""
    group = _group(system, world.customer_admin_a1, "Vertrieb", "20")
    menu = _menu(system, world.customer_admin_a1, "Begrüßung", "21")
    services.operator_update(
        customer=system.customer,
        acting_user=world.customer_admin_a1,
        data={"day_target": f"user:{system.user.pk}"},
    )
    other = build_system(world.customer_b1, world.reseller_admin_b)
    ExtensionClaim.objects.all().delete()
    HuntGroup.objects.filter(pk=group.pk).update(extension="10")  # the user's extension
    IvrMenu.objects.filter(pk=menu.pk).update(extension="20")  # free once the group lost 20
    _fill_claims()(django_apps, None)
    claims = set(ExtensionClaim.objects.values_list("customer_id", "extension", "owner_kind"))
    assert claims == {
        (system.customer.pk, "10", "user"),
        (system.customer.pk, "20", "ivr_menu"),
        (system.customer.pk, "0", "operator"),
        (other.customer.pk, "10", "user"),
    }
    group.refresh_from_db()
    assert group.extension == ""
    assert "hunt group Vertrieb" in caplog.text and "Extension 10" in caplog.text
