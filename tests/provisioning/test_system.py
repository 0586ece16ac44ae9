"""Sites, SIP trunks, number blocks, users, devices and emergency routing (LIC-3 … LIC-5,
TRK-1 … TRK-4, FEA-12)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from provisioning import services
from provisioning.errors import ApplicationError
from provisioning.models import (
    Account,
    AuditEvent,
    Device,
    LicenseEvent,
    NumberBlock,
    PhoneNumber,
    Subscriber,
    Trunk,
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


def _post_user(client: APIClient, system: System, extension: str, **extra: object):  # type: ignore[no-untyped-def]
    data = {**user_data(system.site, extension), "site": str(system.site.pk), **extra}
    return client.post("/api/v1/users/", data, format="json")


# Sites (LIC-3) ---------------------------------------------------------------------------------


def test_second_site_needs_confirmed_extra_site_license(
    world: World, system: System, api: ApiFactory
) -> None:
    client = api(world.reseller_admin_a)
    body = {**site_data(), "customer": str(system.customer.pk)}
    refused = client.post("/api/v1/sites/", body, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"] == "extra_site_license_required"
    created = client.post("/api/v1/sites/", {**body, "extra_site_license": True}, format="json")
    assert created.status_code == 201
    assert created.json()["has_extra_site_license"] is True
    held = LicenseEvent.objects.filter(license_type="weiterer_standort").values_list(
        "kind", flat=True
    )
    assert list(held) == ["assign"]
    assert client.delete(f"/api/v1/sites/{created.json()['id']}/").status_code == 204
    assert sorted(
        LicenseEvent.objects.filter(license_type="weiterer_standort").values_list("kind", flat=True)
    ) == ["assign", "release"]


def test_removing_the_included_site_releases_a_further_sites_license(
    world: World, system: System
) -> None:
    empty = services.site_create(
        customer=system.customer,
        acting_user=world.reseller_admin_a,
        data=site_data(),
        extra_site_license=True,
    )
    third = services.site_create(
        customer=system.customer,
        acting_user=world.reseller_admin_a,
        data=site_data(),
        extra_site_license=True,
    )
    services.site_delete(site=third, acting_user=world.reseller_admin_a)
    assert (
        LicenseEvent.objects.filter(license_type="weiterer_standort", kind="release").count() == 1
    )
    with pytest.raises(ApplicationError) as exc:
        services.site_delete(site=system.site, acting_user=world.reseller_admin_a)
    assert exc.value.code == "site_in_use"
    empty.refresh_from_db()
    assert empty.extra_license_holding is not None


def test_customer_admin_cannot_set_up_sites(world: World, system: System, api: ApiFactory) -> None:
    response = api(world.customer_admin_a1).post(
        "/api/v1/sites/", {**site_data(), "extra_site_license": True}, format="json"
    )
    assert response.status_code == 403


# Trunks (TRK-1) --------------------------------------------------------------------------------


def test_second_trunk_on_a_site_is_refused(world: World, system: System, api: ApiFactory) -> None:
    response = api(world.reseller_admin_a).post(
        "/api/v1/trunks/", {**trunk_data(), "site": str(system.site.pk)}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"] == "site_trunk_limit"
    assert Trunk.objects.filter(site=system.site).count() == 1


def test_trunk_password_is_encrypted_and_never_returned(
    world: World, system: System, api: ApiFactory
) -> None:
    client = api(world.reseller_admin_a)
    site = services.site_create(
        customer=system.customer,
        acting_user=world.reseller_admin_a,
        data=site_data(),
        extra_site_license=True,
    )
    created = client.post(
        "/api/v1/trunks/",
        {**trunk_data(), "site": str(site.pk), "password": "Geheim-123!"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert "password" not in created.json() and created.json()["has_password"] is True
    trunk = Trunk.objects.get(pk=created.json()["id"])
    assert "Geheim-123!" not in trunk.password_encrypted
    assert trunk.get_password() == "Geheim-123!"
    detail = client.get(f"/api/v1/trunks/{trunk.pk}/")
    assert "Geheim-123!" not in detail.content.decode()
    listing = client.get("/api/v1/trunks/")
    assert "Geheim-123!" not in listing.content.decode()
    assert trunk.password_encrypted not in listing.content.decode()
    # Updating without a password keeps it; the audit log shows only a mask.
    client.patch(f"/api/v1/trunks/{trunk.pk}/", {"contract_reference": "V-42"}, format="json")
    trunk.refresh_from_db()
    assert trunk.get_password() == "Geheim-123!"
    client.patch(f"/api/v1/trunks/{trunk.pk}/", {"password": "Neu-456"}, format="json")
    trunk.refresh_from_db()
    assert trunk.get_password() == "Neu-456"
    logged = str(
        list(AuditEvent.objects.filter(object_id=str(trunk.pk)).values_list("changes", flat=True))
    )
    assert "Geheim" not in logged and "Neu-456" not in logged
    assert trunk.password_encrypted not in logged


def test_emergency_address_defaults_to_the_site(world: World, system: System) -> None:
    assert system.trunk.emergency_street == system.site.street
    assert system.trunk.emergency_city == system.site.city


def test_isdn_on_site_requires_a_gateway_at_that_site(world: World, system: System) -> None:
    site = services.site_create(
        customer=system.customer,
        acting_user=world.reseller_admin_a,
        data=site_data(),
        extra_site_license=True,
    )
    isdn = trunk_data(connection_type="isdn_onsite", isdn_mode="pbx_line", registrar_host="")
    with pytest.raises(ApplicationError) as exc:
        services.trunk_create(site=site, acting_user=world.reseller_admin_a, data=isdn)
    assert exc.value.code == "isdn_gateway_required"
    services.device_create(
        customer=system.customer,
        acting_user=world.reseller_admin_a,
        data={"site": site, "model": "IP411", "mac_address": "00:90:33:AA:00:01", "rented": True},
    )
    trunk = services.trunk_create(site=site, acting_user=world.reseller_admin_a, data=isdn)
    assert trunk.connection_type == "isdn_onsite"


def test_other_provider_needs_a_name(world: World, system: System, api: ApiFactory) -> None:
    site = services.site_create(
        customer=system.customer,
        acting_user=world.reseller_admin_a,
        data=site_data(),
        extra_site_license=True,
    )
    response = api(world.reseller_admin_a).post(
        "/api/v1/trunks/", {**trunk_data(provider="other"), "site": str(site.pk)}, format="json"
    )
    assert response.status_code == 400
    assert "provider_name" in response.json()["fields"]


# Number blocks (TRK-2) -------------------------------------------------------------------------


def test_number_block_creates_every_number(world: World, system: System) -> None:
    assert system.block.size == 100
    numbers = PhoneNumber.objects.filter(block=system.block)
    assert numbers.count() == 100
    assert numbers.filter(extension="0").get().e164 == f"{system.block.base_number}0"


def test_invalid_base_number_names_the_field(world: World, system: System, api: ApiFactory) -> None:
    response = api(world.reseller_admin_a).post(
        "/api/v1/number-blocks/",
        {"trunk": str(system.trunk.pk), "base_number": "12ab", "last_extension": 9},
        format="json",
    )
    assert response.status_code == 400
    assert "base_number" in response.json()["fields"]


def test_number_used_anywhere_on_the_platform_is_refused(
    world: World, system: System, api: ApiFactory
) -> None:
    other = build_system(world.customer_b1, world.reseller_admin_b)
    before = PhoneNumber.objects.count()
    response = api(world.reseller_admin_b).post(
        "/api/v1/number-blocks/",
        {
            "trunk": str(other.trunk.pk),
            "base_number": system.block.base_number,
            "first_extension": 50,
            "last_extension": 150,
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"] == "number_taken"
    assert PhoneNumber.objects.count() == before
    assert NumberBlock.objects.filter(trunk=other.trunk).count() == 1


def test_block_with_assigned_numbers_cannot_be_deleted(world: World, system: System) -> None:
    with pytest.raises(ApplicationError) as exc:
        services.number_block_delete(block=system.block, acting_user=world.reseller_admin_a)
    assert exc.value.code == "block_in_use"


# Users (LIC-4, LIC-5, TRK-2) -------------------------------------------------------------------


def test_customer_admin_creates_user_with_extension_in_the_sites_block(
    world: World, system: System, api: ApiFactory
) -> None:
    response = _post_user(api(world.customer_admin_a1), system, "42", package="volle_stimme")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] == f"{system.block.base_number}42"
    assert body["extension"] == "42"
    assert body["entitlements"]["fax"] is True and body["entitlements"]["mobility"] is True
    ledger = LicenseEvent.objects.filter(subject_id=body["id"]).values_list("license_type", "kind")
    assert list(ledger) == [("volle_stimme", "assign")]


@pytest.mark.parametrize(
    ("extension", "status", "code"),
    [
        ("0", 400, "main_number_reserved"),
        ("100", 400, "extension_not_in_block"),
        ("10", 409, "number_taken"),
    ],
)
def test_extension_rules(
    world: World, system: System, api: ApiFactory, extension: str, status: int, code: str
) -> None:
    count = Subscriber.objects.count()
    response = _post_user(api(world.customer_admin_a1), system, extension)
    assert response.status_code == status
    assert response.json()["error"] == code
    assert "extension" in response.json()["fields"]
    assert Subscriber.objects.count() == count


def test_free_numbers_are_offered_without_main_and_taken_ones(
    world: World, system: System, api: ApiFactory
) -> None:
    rows = api(world.customer_admin_a1).get(f"/api/v1/sites/{system.site.pk}/free-numbers/").json()
    extensions = [row["extension"] for row in rows["results"]]
    assert "0" not in extensions and "10" not in extensions
    assert extensions[:3] == ["1", "2", "3"]


def test_entitlements_follow_the_package(world: World, system: System, api: ApiFactory) -> None:
    response = _post_user(
        api(world.customer_admin_a1), system, "30", package="klare_stimme", voicemail_enabled=True
    )
    assert response.status_code == 400
    assert response.json()["error"] == "feature_not_in_package"
    assert "Voicemail" in response.json()["message"]
    ok = _post_user(api(world.customer_admin_a1), system, "30", package="klare_stimme").json()
    assert ok["entitlements"]["voicemail"] is False
    assert ok["entitlements"]["hot_desking"] is True


def test_downgrade_that_orphans_features_is_refused_naming_them(
    world: World, system: System, api: ApiFactory
) -> None:
    client = api(world.customer_admin_a1)
    user = _post_user(
        client,
        system,
        "31",
        package="volle_stimme",
        voicemail_enabled=True,
        mobility_number="+491701234567",
    ).json()
    ledger_before = LicenseEvent.objects.count()
    response = client.patch(
        f"/api/v1/users/{user['id']}/", {"package": "klare_stimme"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"] == "package_downgrade_orphans_features"
    assert "Voicemail" in response.json()["message"] and "Mobility" in response.json()["message"]
    assert LicenseEvent.objects.count() == ledger_before
    assert Subscriber.objects.get(pk=user["id"]).package == "volle_stimme"
    allowed = client.patch(
        f"/api/v1/users/{user['id']}/",
        {"package": "klingende_stimme", "mobility_number": ""},
        format="json",
    )
    assert allowed.status_code == 200, allowed.json()
    rows = list(LicenseEvent.objects.filter(subject_id=user["id"]).order_by("id"))
    assert [(r.license_type, r.kind) for r in rows] == [
        ("volle_stimme", "assign"),
        ("volle_stimme", "release"),
        ("klingende_stimme", "assign"),
    ]
    assert rows[1].effective_at == rows[2].effective_at


def test_end_user_edits_own_display_name_only(
    world: World, system: System, api: ApiFactory
) -> None:
    services.user_update(subscriber=system.user, acting_user=world.staff, data={})
    Subscriber.objects.filter(pk=system.user.pk).update(account=world.end_user_a1)
    client = api(world.end_user_a1)
    listing = client.get("/api/v1/users/").json()
    assert [row["id"] for row in listing["results"]] == [str(system.user.pk)]
    response = client.patch(
        f"/api/v1/users/{system.user.pk}/",
        {"display_name": "Max M.", "package": "volle_stimme"},
        format="json",
    )
    assert response.status_code == 200
    system.user.refresh_from_db()
    assert system.user.display_name == "Max M."
    assert system.user.package == "klingende_stimme"
    other = services.user_create(
        customer=system.customer,
        acting_user=world.customer_admin_a1,
        data=user_data(system.site, "55"),
    )
    assert client.get(f"/api/v1/users/{other.pk}/").status_code == 404
    assert client.post("/api/v1/users/", {}, format="json").status_code == 403


def test_deactivate_keeps_license_and_delete_frees_number(
    world: World, system: System, api: ApiFactory
) -> None:
    client = api(world.customer_admin_a1)
    url = f"/api/v1/users/{system.user.pk}/"
    assert client.post(url + "deactivate/").json()["is_active"] is False
    assert not LicenseEvent.objects.filter(subject_id=system.user.pk, kind="release").exists()
    assert client.delete(url).status_code == 204
    assert LicenseEvent.objects.filter(subject_id=system.user.pk, kind="release").count() == 1
    again = _post_user(client, system, "10")
    assert again.status_code == 201


def test_user_moving_site_needs_an_extension_there(
    world: World, system: System, api: ApiFactory
) -> None:
    site = services.site_create(
        customer=system.customer,
        acting_user=world.reseller_admin_a,
        data=site_data(),
        extra_site_license=True,
    )
    trunk = services.trunk_create(site=site, acting_user=world.reseller_admin_a, data=trunk_data())
    block = services.number_block_create(
        trunk=trunk,
        acting_user=world.reseller_admin_a,
        base_number=unique_base_number(),
        first_extension=0,
        last_extension=9,
    )
    client = api(world.customer_admin_a1)
    url = f"/api/v1/users/{system.user.pk}/"
    refused = client.patch(url, {"site": str(site.pk)}, format="json")
    assert refused.status_code == 400 and "extension" in refused.json()["fields"]
    moved = client.patch(url, {"site": str(site.pk), "extension": "5"}, format="json")
    assert moved.status_code == 200, moved.json()
    assert moved.json()["number"] == f"{block.base_number}5"


# CSV import/export (LIC-4) ---------------------------------------------------------------------


def _csv(system: System, *rows: str) -> str:
    return "first_name;last_name;email;site;extension;package\n" + "\n".join(rows) + "\n"


def test_csv_import_imports_all_rows(world: World, system: System, api: ApiFactory) -> None:
    text = _csv(
        system,
        f"Anna;Becker;anna@k.example;{system.site.name};21;klare_stimme",
        f"Ben;Chen;ben@k.example;{system.site.name};22;volle_stimme",
    )
    response = api(world.customer_admin_a1).post(
        "/api/v1/users/import/", {"csv": text}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json() == {"created": 2}
    assert Subscriber.objects.filter(last_name__in=["Becker", "Chen"]).count() == 2


def test_csv_import_with_one_bad_row_imports_nothing_and_reports_each_row(
    world: World, system: System, api: ApiFactory
) -> None:
    count, ledger = Subscriber.objects.count(), LicenseEvent.objects.count()
    text = _csv(
        system,
        f"Anna;Becker;anna@k.example;{system.site.name};21;klare_stimme",
        f"Ben;Chen;not-an-email;{system.site.name};22;gold",
        "Cem;Doğan;cem@k.example;Nirgendwo;23;klare_stimme",
        f"Dora;Engel;dora@k.example;{system.site.name};21;klare_stimme",
        f"Emil;Fuchs;emil@k.example;{system.site.name};10;klare_stimme",
    )
    response = api(world.customer_admin_a1).post(
        "/api/v1/users/import/", {"csv": text}, format="json"
    )
    assert response.status_code == 400
    rows = response.json()["rows"]
    assert set(rows) == {"3", "4", "5", "6"}
    assert set(rows["3"]) == {"email", "package"}
    assert "site" in rows["4"]
    assert "row 2" in rows["5"]["extension"][0]
    assert "already assigned" in rows["6"]["extension"][0]
    assert (Subscriber.objects.count(), LicenseEvent.objects.count()) == (count, ledger)


def test_csv_export_lists_users_in_import_format(
    world: World, system: System, api: ApiFactory
) -> None:
    response = api(world.customer_admin_a1).get("/api/v1/users/export/")
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("first_name;last_name;email;site;extension;package")
    assert len(lines) == 2 and system.user.last_name in lines[1]
    assert system.user.number.e164 in lines[1]


# Emergency calls (TRK-3, TRK-4) ----------------------------------------------------------------


def test_emergency_route_is_the_trunk_of_the_assigned_site(
    world: World, system: System, api: ApiFactory
) -> None:
    route = (
        api(world.customer_admin_a1).get(f"/api/v1/users/{system.user.pk}/emergency-route/").json()
    )
    assert route["trunk"] == str(system.trunk.pk)
    assert route["address"] == system.trunk.emergency_address
    assert route["problem"] == ""


def test_user_working_elsewhere_needs_confirmed_notice(
    world: World, system: System, api: ApiFactory
) -> None:
    client = api(world.customer_admin_a1)
    url = f"/api/v1/users/{system.user.pk}/"
    assert client.patch(url, {"works_at": "home_office"}, format="json").json()[
        "needs_emergency_notice"
    ]
    pending = client.get("/api/v1/users/", {"needs_emergency_notice": "true"}).json()
    assert [row["id"] for row in pending["results"]] == [str(system.user.pk)]
    confirmed = client.post(url + "confirm-emergency-notice/").json()
    assert confirmed["needs_emergency_notice"] is False
    assert confirmed["emergency_notice_confirmed_by"] == world.customer_admin_a1.username
    event = (
        AuditEvent.objects.filter(object_id=str(system.user.pk)).order_by("-occurred_at").first()
    )
    assert event is not None and "emergency_notice_confirmed_at" in event.changes
    # A new place of work needs a new notice.
    again = client.patch(url, {"works_at": "mobile"}, format="json").json()
    assert again["needs_emergency_notice"] is True


# Devices (FEA-12) ------------------------------------------------------------------------------


def test_device_mac_is_validated_normalised_and_unique(
    world: World, system: System, api: ApiFactory
) -> None:
    client = api(world.customer_admin_a1)
    body = {"site": str(system.site.pk), "model": "IP232", "subscriber": str(system.user.pk)}
    bad = client.post(
        "/api/v1/devices/", {**body, "mac_address": "00:90:33:zz:00:01"}, format="json"
    )
    assert bad.status_code == 400 and "mac_address" in bad.json()["fields"]
    ok = client.post(
        "/api/v1/devices/", {**body, "mac_address": "00-90-33-ab-00-01"}, format="json"
    )
    assert ok.status_code == 201, ok.json()
    assert ok.json()["mac_address"] == "009033AB0001"
    other = build_system(world.customer_b1, world.reseller_admin_b)
    dup = api(world.customer_admin_b1).post(
        "/api/v1/devices/",
        {"site": str(other.site.pk), "model": "IP62", "mac_address": "00:90:33:AB:00:01"},
        format="json",
    )
    assert dup.status_code == 409 and dup.json()["error"] == "mac_taken"
    assert Device.objects.count() == 1


def test_device_cannot_be_assigned_to_another_customers_user(
    world: World, system: System, api: ApiFactory
) -> None:
    other = build_system(world.customer_b1, world.reseller_admin_b)
    response = api(world.customer_admin_a1).post(
        "/api/v1/devices/",
        {
            "site": str(system.site.pk),
            "model": "IP112",
            "mac_address": "00:90:33:00:00:09",
            "subscriber": str(other.user.pk),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "subscriber" in response.json()["fields"]


def test_saving_a_user_with_unchanged_extension_keeps_the_number(
    world: World, system: System, api: ApiFactory
) -> None:
    response = api(world.customer_admin_a1).put(
        f"/api/v1/users/{system.user.pk}/",
        {**user_data(system.site, "10"), "site": str(system.site.pk), "last_name": "Neu"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["number"] == system.user.number.e164
    assert response.json()["last_name"] == "Neu"


def test_invited_user_gets_a_login_and_a_set_password_mail(
    world: World, system: System, api: ApiFactory, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from django.core import mail

    client = api(world.customer_admin_a1)
    with django_capture_on_commit_callbacks(execute=True):
        body = client.post(f"/api/v1/users/{system.user.pk}/invite/").json()
    assert body["has_login"] is True
    login = Account.objects.get(subscriber=system.user)
    assert login.role == "end_user" and login.customer_id == system.customer.pk
    assert not login.has_usable_password()
    assert mail.outbox[-1].to == [system.user.email]
    link = next(line for line in mail.outbox[-1].body.split() if "/password/reset/" in line)
    from django.test import Client

    browser = Client()
    page = browser.get(link.split("8000", 1)[1], follow=True)
    assert page.status_code == 200 and page.context["validlink"]
    done = browser.post(
        page.redirect_chain[-1][0],
        {"new_password1": "Sommer-Wiese-2026", "new_password2": "Sommer-Wiese-2026"},
    )
    assert done.status_code == 302
    login.refresh_from_db()
    assert login.check_password("Sommer-Wiese-2026")
    mine = api(login).get("/api/v1/users/").json()
    assert [row["id"] for row in mine["results"]] == [str(system.user.pk)]
