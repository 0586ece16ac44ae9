"""The portal pages of a customer's telephone system: guided set-up, sites, trunks, numbers,
licenses, users, CSV import, emergency notices, devices and the end user's phone page
(LIC-1 … LIC-6, TRK-1 … TRK-4, FEA-12)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from provisioning import services
from provisioning.models import (
    AuditEvent,
    Customer,
    CustomerState,
    Device,
    LicenseEvent,
    NumberBlock,
    Site,
    Subscriber,
    Trunk,
)
from tests.factories import (
    System,
    World,
    build_system,
    site_data,
    unique_base_number,
    user_data,
)

pytestmark = pytest.mark.django_db

TRUNK_PASSWORD = "Trunk-Geheimnis-4711"
USER_LIST_QUERIES = 6


def _html(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def _field_error(html: str, field: str) -> str:
    match = re.search(rf'id="id_{field}-error">(.*?)</div>', html, re.S)
    assert match, f"no error beside {field}"
    return match.group(1)


def _system(world: World) -> System:
    return build_system(world.customer_a1, world.reseller_admin_a)


def _portal_events(customer: Customer, object_type: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(customer_id=customer.pk, object_type=object_type, action="create")
    )


# The guided set-up ----------------------------------------------------------------------------


def test_reseller_admin_walks_the_guided_setup(world: World, portal) -> None:
    customer = world.customer_a2
    client = portal(world.reseller_admin_a)
    detail = _html(client.get(reverse("portal:customer_detail", args=[customer.pk])))
    start = reverse("portal:setup_start", args=[customer.pk])
    assert start in detail

    # Step 1: base license; the demo is offered to staff only.
    response = client.get(start)
    assert response["Location"] == reverse("portal:setup_license", args=[customer.pk])
    page = _html(client.get(response["Location"]))
    assert 'value="grundlizenz"' in page and 'value="erweiterte_grundlizenz"' in page
    assert 'value="demolizenz"' not in page
    assert page.count('data-done="false"') == 5
    response = client.post(response["Location"], {"license_type": "grundlizenz"})
    assert response["Location"] == reverse("portal:setup_sites", args=[customer.pk])
    customer.refresh_from_db()
    assert customer.base_license == "grundlizenz"

    # Step 2: sites; the first is included, a second needs the booked extra site license.
    sites_url = reverse("portal:setup_sites", args=[customer.pk])
    first = _html(client.get(sites_url))
    assert "extra_site_license" not in first
    assert f'value="{customer.street}"' in first  # the first site starts from the address
    assert client.post(sites_url, site_data(name="Zentrale")).status_code == 302
    second = site_data(name="Lager", street="Hafenweg 2", city="Hamburg", postal_code="20457")
    refused = client.post(sites_url, second)
    assert refused.status_code == 400
    assert "Weiterer Standort" in _field_error(_html(refused), "extra_site_license")
    assert Site.objects.filter(customer=customer).count() == 1
    assert client.post(sites_url, {**second, "extra_site_license": "on"}).status_code == 302
    assert LicenseEvent.objects.filter(
        customer=customer, license_type="weiterer_standort", kind="assign"
    ).exists()

    # Step 3: the trunk of each site, emergency address pre-filled from the site.
    trunks_url = reverse("portal:setup_trunks", args=[customer.pk])
    lager = Site.objects.get(customer=customer, name="Lager")
    zentrale = Site.objects.get(customer=customer, name="Zentrale")
    page = _html(client.get(trunks_url, {"site": lager.pk}))
    assert 'value="Hafenweg 2"' in page and 'value="Hamburg"' in page
    trunk_form = {
        "site": zentrale.pk,
        "provider": "telekom",
        "connection_type": "sip_datacenter",
        "registrar_host": "tel.t-online.example",
        "username": "zentrale",
        "password": TRUNK_PASSWORD,
        "contract_reference": "V-1",
        "state": "active",
        "emergency_street": zentrale.street,
        "emergency_postal_code": zentrale.postal_code,
        "emergency_city": zentrale.city,
        "emergency_country": "DE",
    }
    assert client.post(trunks_url, trunk_form).status_code == 302
    trunk = Trunk.objects.get(site=zentrale)
    assert trunk.get_password() == TRUNK_PASSWORD
    page = _html(client.get(trunks_url))
    assert TRUNK_PASSWORD not in page
    assert f'name="site" value="{lager.pk}"' in page  # the next site without a trunk

    # Step 4: a number block on the trunk.
    numbers_url = reverse("portal:setup_numbers", args=[customer.pk])
    base = unique_base_number()
    block = {"trunk": trunk.pk, "base_number": base, "first_extension": 0, "last_extension": 49}
    assert client.post(numbers_url, block).status_code == 302
    assert NumberBlock.objects.get(trunk=trunk).size == 50

    # Step 5: a user on a free extension of the site.
    users_url = reverse("portal:setup_users", args=[customer.pk])
    page = _html(client.get(users_url, {"site": zentrale.pk}))
    assert '<option value="1">' in page and '<option value="0">' not in page
    data = user_data(zentrale, "11", first_name="Jana", last_name="Schmidt")
    data["site"] = zentrale.pk
    data["works_at"] = "site"
    assert client.post(users_url, data).status_code == 302
    jana = Subscriber.objects.get(customer=customer, last_name="Schmidt")
    assert jana.number.e164 == f"{base}11"

    # Every write went through the services and is audited as coming from the portal.
    for object_type in ("provisioning.site", "provisioning.trunk", "provisioning.subscriber"):
        events = _portal_events(customer, object_type)
        assert events and all(e.channel == "portal" for e in events), object_type
    progress = _html(client.get(users_url))
    assert 'data-step="users" data-done="true"' in progress
    assert 'data-step="license" data-done="true"' in progress


def test_staff_is_offered_the_demo_license_for_a_new_customer(world: World, portal) -> None:
    client = portal(world.staff)
    url = reverse("portal:setup_license", args=[world.customer_a2.pk])
    assert 'value="demolizenz"' in _html(client.get(url))
    assert client.post(url, {"license_type": "demolizenz"}).status_code == 302
    world.customer_a2.refresh_from_db()
    assert world.customer_a2.is_demo and world.customer_a2.demo_expires_at is not None


def test_reseller_cannot_sneak_in_a_demo_license(world: World, portal) -> None:
    client = portal(world.reseller_admin_a)
    url = reverse("portal:setup_license", args=[world.customer_a2.pk])
    response = client.post(url, {"license_type": "demolizenz"})
    assert response.status_code == 400
    assert _field_error(_html(response), "license_type")
    world.customer_a2.refresh_from_db()
    assert world.customer_a2.base_license == ""


def test_fourth_user_of_a_demo_is_refused_beside_the_form_and_nothing_is_written(
    world: World, portal
) -> None:
    system = build_system(world.customer_a2, world.staff, license_type="demolizenz")
    for ext in ("11", "12"):
        services.user_create(
            customer=system.customer, acting_user=world.staff, data=user_data(system.site, ext)
        )
    counts = (Subscriber.objects.count(), LicenseEvent.objects.count(), AuditEvent.objects.count())
    client = portal(world.customer_admin_a2)
    data = {**user_data(system.site, "13"), "site": system.site.pk, "works_at": "site"}
    response = client.post(reverse("portal:user_create", args=[system.customer.pk]), data)
    html = _html(response)
    assert response.status_code == 400
    errors = re.search(r'id="form-errors">(.*?)</div>', html, re.S)
    assert errors and "höchstens 3 Benutzer" in errors.group(1)
    assert f'value="{data["last_name"]}"' in html  # what was typed is kept
    assert (
        Subscriber.objects.count(),
        LicenseEvent.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


# Sites, trunks and number blocks --------------------------------------------------------------


def test_trunk_password_never_appears_in_any_page(world: World, portal) -> None:
    system = _system(world)
    services.trunk_update(
        trunk=system.trunk, acting_user=world.reseller_admin_a, data={}, password=TRUNK_PASSWORD
    )
    system.trunk.refresh_from_db()
    secrets = (TRUNK_PASSWORD, system.trunk.password_encrypted, "s3cret!")
    pk = system.customer.pk
    urls = [
        reverse("portal:site_detail", args=[system.site.pk]),
        reverse("portal:trunk_edit", args=[system.trunk.pk]),
        reverse("portal:setup_trunks", args=[pk]),
        reverse("portal:setup_trunks", args=[pk]) + f"?site={system.site.pk}",
        reverse("portal:system_overview", args=[pk]),
        reverse("portal:site_list", args=[pk]),
        reverse("portal:audit_list"),
    ]
    for actor in (world.reseller_admin_a, world.staff, world.customer_admin_a1):
        client = portal(actor)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 403), url
            assert not any(secret in _html(response) for secret in secrets), (actor, url)
    edit = _html(portal(world.reseller_admin_a).get(urls[1]))
    assert 'id="password-stored"' in edit
    assert re.search(
        r'<input type="password" name="password" id="id_password" class="form-control"', edit
    )
    # A refused change does not echo the new password back either.
    refused = portal(world.reseller_admin_a).post(
        urls[1],
        {
            "provider": "other",
            "provider_name": "",
            "connection_type": "sip_datacenter",
            "registrar_host": "sip.example",
            "password": "Neues-Passwort-99",
            "state": "active",
            "emergency_street": "A 1",
            "emergency_postal_code": "10115",
            "emergency_city": "Berlin",
            "emergency_country": "DE",
        },
    )
    assert refused.status_code == 400
    assert "Neues-Passwort-99" not in _html(refused)
    assert _field_error(_html(refused), "provider_name")


def test_trunk_edit_keeps_the_password_when_left_empty(world: World, portal) -> None:
    system = _system(world)
    url = reverse("portal:trunk_edit", args=[system.trunk.pk])
    form = {
        "provider": "plusnet",
        "connection_type": "sip_onsite",
        "registrar_host": "sip.plusnet.example",
        "username": "neu",
        "password": "",
        "contract_reference": "K-9",
        "state": "active",
        "emergency_street": "Notrufweg 1",
        "emergency_postal_code": "10115",
        "emergency_city": "Berlin",
        "emergency_country": "DE",
    }
    assert portal(world.reseller_admin_a).post(url, form).status_code == 302
    system.trunk.refresh_from_db()
    assert system.trunk.provider == "plusnet" and system.trunk.get_password() == "s3cret!"
    assert system.trunk.emergency_street == "Notrufweg 1"


def test_number_blocks_are_added_and_removed_on_the_site_page(world: World, portal) -> None:
    system = _system(world)
    client = portal(world.reseller_admin_a)
    base = unique_base_number()
    url = reverse("portal:block_create", args=[system.trunk.pk])
    overlap = client.post(
        url, {"base_number": system.block.base_number, "first_extension": 0, "last_extension": 9}
    )
    assert overlap.status_code == 400
    taken = _field_error(_html(overlap), "base_number")
    assert taken.startswith("Bereits vergeben: ") and system.block.base_number in taken
    assert (
        client.post(
            url, {"base_number": base, "first_extension": 100, "last_extension": 119}
        ).status_code
        == 302
    )
    block = NumberBlock.objects.get(base_number=base)
    site_page = _html(client.get(reverse("portal:site_detail", args=[system.site.pk])))
    assert str(block) in site_page
    delete = reverse("portal:block_delete", args=[block.pk])
    assert "Ja, entfernen" in _html(client.get(delete))
    assert client.post(delete).status_code == 302
    assert not NumberBlock.objects.filter(pk=block.pk).exists()
    # A block with assigned numbers stays, with the reason as a message.
    in_use = client.post(reverse("portal:block_delete", args=[system.block.pk]), follow=True)
    assert "Benutzern zugewiesen" in _html(in_use)
    assert NumberBlock.objects.filter(pk=system.block.pk).exists()


def test_customer_admin_reads_sites_and_trunks_but_does_not_change_them(
    world: World, portal
) -> None:
    system = _system(world)
    client = portal(world.customer_admin_a1)
    page = _html(client.get(reverse("portal:site_detail", args=[system.site.pk])))
    assert system.trunk.emergency_address in page
    assert reverse("portal:trunk_edit", args=[system.trunk.pk]) not in page
    assert reverse("portal:site_edit", args=[system.site.pk]) not in page
    for url in (
        reverse("portal:site_edit", args=[system.site.pk]),
        reverse("portal:trunk_edit", args=[system.trunk.pk]),
        reverse("portal:block_create", args=[system.trunk.pk]),
        reverse("portal:setup_license", args=[system.customer.pk]),
        reverse("portal:site_create", args=[system.customer.pk]),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url


def test_finance_reads_the_system_but_changes_nothing(world: World, portal) -> None:
    system = _system(world)
    client = portal(world.finance)
    assert (
        client.get(reverse("portal:license_overview", args=[system.customer.pk])).status_code == 200
    )
    assert client.get(reverse("portal:user_list", args=[system.customer.pk])).status_code == 200
    assert client.get(reverse("portal:user_edit", args=[system.user.pk])).status_code == 403
    assert client.post(reverse("portal:user_deactivate", args=[system.user.pk])).status_code == 403


def test_site_with_users_is_not_deleted(world: World, portal) -> None:
    system = _system(world)
    response = portal(world.reseller_admin_a).post(
        reverse("portal:site_delete", args=[system.site.pk]), follow=True
    )
    assert "Verschieben oder entfernen" in _html(response)
    assert Site.objects.filter(pk=system.site.pk).exists()


# Licenses -------------------------------------------------------------------------------------


def test_license_overview_counts_from_the_ledger_and_links_the_ledger(world: World, portal) -> None:
    system = _system(world)
    services.user_create(
        customer=system.customer,
        acting_user=world.reseller_admin_a,
        data=user_data(system.site, "11", package="volle_stimme"),
    )
    client = portal(world.customer_admin_a1)
    html = _html(client.get(reverse("portal:license_overview", args=[system.customer.pk])))
    counts = dict(
        re.findall(
            r'data-license="([a-z_]+)"><span>[^<]*</span><span class="fw-semibold">(\d+)<', html
        )
    )
    assert counts["grundlizenz"] == "1"
    assert counts["klingende_stimme"] == "1" and counts["volle_stimme"] == "1"
    assert counts["weiterer_standort"] == "0"
    ledger = reverse("portal:license_ledger", args=[system.customer.pk])
    assert ledger in html
    page = _html(client.get(ledger, {"license_type": "volle_stimme"}))
    assert page.count("<tr>") == 2  # header and the one assignment
    assert (
        _html(client.get(ledger, {"since": "2001-01-01", "until": "2001-01-31"})).count(
            "Keine Einträge"
        )
        == 1
    )


# Users ----------------------------------------------------------------------------------------


def _list_queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"sort": "number"}).status_code == 200
    return len(queries)


def test_user_list_query_count_does_not_grow_with_users(
    world: World, portal, django_assert_max_num_queries
) -> None:
    system = _system(world)
    for ext in range(11, 15):
        services.user_create(
            customer=system.customer,
            acting_user=world.reseller_admin_a,
            data=user_data(system.site, str(ext)),
        )
    url = reverse("portal:user_list", args=[system.customer.pk])
    admin, staff = portal(world.customer_admin_a1), portal(world.staff)
    few = (_list_queries(admin, url), _list_queries(staff, url))
    for ext in range(15, 40):
        services.user_create(
            customer=system.customer,
            acting_user=world.reseller_admin_a,
            data=user_data(system.site, str(ext), works_at="home_office"),
        )
    assert Subscriber.objects.filter(customer=system.customer).count() == 30
    many = (_list_queries(admin, url), _list_queries(staff, url))
    assert many == few
    # Session, account, customer, count, page, the site choices; the site filter adds its lookup.
    assert few[0] == USER_LIST_QUERIES
    with django_assert_max_num_queries(USER_LIST_QUERIES + 1):
        admin.get(url, {"q": "Muster", "site": system.site.pk, "package": "klingende_stimme"})


def test_user_list_search_filter_sort_and_pages(world: World, portal) -> None:
    system = _system(world)
    for ext in range(11, 62):
        services.user_create(
            customer=system.customer,
            acting_user=world.reseller_admin_a,
            data=user_data(system.site, str(ext), last_name=f"Zeh{ext:03d}"),
        )
    client = portal(world.customer_admin_a1)
    url = reverse("portal:user_list", args=[system.customer.pk])
    first = _html(client.get(url))
    assert "52 Benutzer" in first and "Seite 1 von 2" in first
    assert first.count('href="/system/users/') == 50
    by_number = _html(client.get(url, {"q": f"{system.block.base_number}61"}))
    assert "Zeh061" in by_number and "Zeh060" not in by_number
    assert "1 Benutzer" in _html(client.get(url, {"q": system.user.email}))
    descending = _html(client.get(url, {"sort": "-name"}))
    assert descending.index("Zeh061") < descending.index("Zeh060")
    partial = _html(client.get(url, {"q": "Zeh05"}, headers={"HX-Request": "true"}))
    assert "<html" not in partial and "Zeh055" in partial
    services.user_set_active(
        subscriber=system.user, acting_user=world.reseller_admin_a, active=False
    )
    inactive = _html(client.get(url, {"active": "0"}))
    assert "1 Benutzer" in inactive and system.user.last_name in inactive


def test_user_form_offers_the_free_extensions_of_the_chosen_site(world: World, portal) -> None:
    system = _system(world)
    other = services.site_create(
        customer=system.customer,
        acting_user=world.reseller_admin_a,
        data=site_data(name="Außenstelle"),
        extra_site_license=True,
    )
    trunk = services.trunk_create(
        site=other,
        acting_user=world.reseller_admin_a,
        data={
            "provider": "peoplefone",
            "connection_type": "sip_datacenter",
            "registrar_host": "sip.example",
        },
    )
    base = unique_base_number()
    services.number_block_create(
        trunk=trunk,
        acting_user=world.reseller_admin_a,
        base_number=base,
        first_extension=500,
        last_extension=509,
    )
    client = portal(world.customer_admin_a1)
    url = reverse("portal:user_create", args=[system.customer.pk])
    page = _html(client.get(url, {"site": system.site.pk}))
    assert '<option value="11">' in page and '<option value="10">' not in page  # 10 is taken
    assert 'hx-get="' + reverse("portal:user_extensions", args=[system.customer.pk]) in page
    fragment = _html(
        client.get(
            reverse("portal:user_extensions", args=[system.customer.pk]),
            {"site": other.pk},
            headers={"HX-Request": "true"},
        )
    )
    assert f"500 ({base}500)" in fragment and "<html" not in fragment
    # Without JavaScript, a button reloads the form for the chosen site and saves nothing.
    typed = {**user_data(other, ""), "site": other.pk, "works_at": "site", "refresh": "1"}
    reloaded = _html(client.post(url, typed))
    assert f"500 ({base}500)" in reloaded and f'value="{typed["last_name"]}"' in reloaded
    assert "form-errors" not in reloaded
    assert not Subscriber.objects.filter(last_name=typed["last_name"]).exists()


def test_user_errors_show_beside_their_fields(world: World, portal) -> None:
    system = _system(world)
    client = portal(world.customer_admin_a1)
    url = reverse("portal:user_create", args=[system.customer.pk])
    base = {**user_data(system.site, "10"), "site": system.site.pk, "works_at": "site"}
    taken = client.post(url, base)
    assert taken.status_code == 400
    assert "Bereits vergeben: +49" in _field_error(_html(taken), "extension")
    main = client.post(url, {**base, "extension": "0"})
    assert "Zentrale" in _field_error(_html(main), "extension")
    outside = client.post(url, {**base, "extension": "777"})
    assert "keinem Rufnummernblock" in _field_error(_html(outside), "extension")
    fax = client.post(
        url,
        {
            **base,
            "extension": "20",
            "package": "klare_stimme",
            "fax_extension": "21",
            "voicemail_enabled": "on",
        },
    )
    message = _field_error(_html(fax), "package")
    assert "Voicemail" in message and "Faxserver" in message
    # A downgrade that would orphan a feature in use names it too.
    services.user_update(
        subscriber=system.user, acting_user=world.reseller_admin_a, data={"voicemail_enabled": True}
    )
    edit = reverse("portal:user_edit", args=[system.user.pk])
    form = {
        **base,
        "first_name": system.user.first_name,
        "last_name": system.user.last_name,
        "email": system.user.email,
        "package": "klare_stimme",
        "voicemail_enabled": "on",
    }
    downgrade = client.post(edit, form)
    assert "Voicemail" in _field_error(_html(downgrade), "package")
    system.user.refresh_from_db()
    assert system.user.package == "klingende_stimme"


def test_user_detail_shows_entitlements_emergency_route_and_devices(world: World, portal) -> None:
    system = _system(world)
    services.device_create(
        customer=system.customer,
        acting_user=world.customer_admin_a1,
        data={
            "site": system.site,
            "model": "IP222",
            "mac_address": "00:90:33:AA:BB:01",
            "subscriber": system.user,
        },
    )
    html = _html(
        portal(world.customer_admin_a1).get(reverse("portal:user_detail", args=[system.user.pk]))
    )
    assert html.count('data-included="true"') == 8  # Klingende stimme: 5 + UC, voicemail, app
    assert html.count('data-included="false"') == 5
    assert system.trunk.emergency_address in html
    assert "00:90:33:AA:BB:01" in html
    assert system.user.number.e164 in html


def test_user_edit_deactivate_activate_and_delete(world: World, portal) -> None:
    system = _system(world)
    client = portal(world.customer_admin_a1)
    user = system.user
    form = {
        "first_name": user.first_name,
        "last_name": "Neuname",
        "display_name": "",
        "email": user.email,
        "site": system.site.pk,
        "extension": "42",
        "package": "volle_stimme",
        "works_at": "site",
        "mobility_number": "+49 170 1234567",
        "fax_extension": "43",
    }
    assert client.post(reverse("portal:user_edit", args=[user.pk]), form).status_code == 302
    user.refresh_from_db()
    assert (user.last_name, user.extension, user.fax_extension) == ("Neuname", "42", "43")
    assert user.mobility_number == "+491701234567" and user.package == "volle_stimme"
    assert client.post(reverse("portal:user_deactivate", args=[user.pk])).status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert client.get(reverse("portal:user_deactivate", args=[user.pk])).status_code == 405
    assert client.post(reverse("portal:user_activate", args=[user.pk])).status_code == 302
    user.refresh_from_db()
    assert user.is_active
    delete = reverse("portal:user_delete", args=[user.pk])
    assert "Neuname" in _html(client.get(delete))
    assert Subscriber.objects.filter(pk=user.pk).exists()  # GET only asks
    assert client.post(delete)["Location"] == reverse("portal:user_list", args=[system.customer.pk])
    assert not Subscriber.objects.filter(pk=user.pk).exists()


def test_user_export_is_csv_in_the_import_format(world: World, portal) -> None:
    system = _system(world)
    response = portal(world.customer_admin_a1).get(
        reverse("portal:user_export", args=[system.customer.pk])
    )
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    lines = body.strip().splitlines()
    assert lines[0] == "first_name;last_name;email;site;extension;package;works_at;number"
    assert lines[1].startswith(f"{system.user.first_name};{system.user.last_name};")


# CSV import -----------------------------------------------------------------------------------


def _csv(*rows: str) -> SimpleUploadedFile:
    text = "\n".join(["first_name;last_name;email;site;extension;package;works_at", *rows])
    return SimpleUploadedFile("benutzer.csv", text.encode("utf-8"), content_type="text/csv")


def test_csv_import_with_a_bad_row_imports_nothing_and_lists_the_row_errors(
    world: World, portal
) -> None:
    system = _system(world)
    client = portal(world.customer_admin_a1)
    url = reverse("portal:user_import", args=[system.customer.pk])
    site = system.site.name
    before = (Subscriber.objects.count(), LicenseEvent.objects.count())
    response = client.post(
        url,
        {
            "file": _csv(
                f"Anna;Becker;anna@firma.example;{site};21;klingende_stimme;home_office",
                f"Ben;Kurz;ben@firma.example;{site};999;klare_stimme;site",
                "Cem;Yilmaz;keine-mail;Nirgendwo;22;klare_stimme;site",
            )
        },
    )
    html = _html(response)
    assert response.status_code == 400
    assert "es wurde nichts importiert" in html
    assert 'data-line="2"' not in html
    assert re.search(
        r'data-line="3"><td>3</td><td>Durchwahl</td><td>Nicht in einem Rufnummernblock', html
    )
    assert 'data-line="4"><td>4</td><td>E-Mail</td>' in html
    assert "Unbekannter Standort „Nirgendwo“." in html
    assert (Subscriber.objects.count(), LicenseEvent.objects.count()) == before

    good = client.post(
        url,
        {
            "file": _csv(
                f"Anna;Becker;anna@firma.example;{site};21;klingende_stimme;home_office",
                f"Ben;Kurz;ben@firma.example;{site};22;klare_stimme;site",
            )
        },
    )
    assert good["Location"] == reverse("portal:user_list", args=[system.customer.pk])
    assert Subscriber.objects.filter(customer=system.customer).count() == 3
    assert all(
        e.channel == "portal"
        for e in AuditEvent.objects.filter(
            object_type="provisioning.subscriber", action="create"
        ).exclude(object_id=str(system.user.pk))
    )


# Emergency notices (TRK-4) --------------------------------------------------------------------


def test_emergency_notice_is_warned_about_and_confirmed(world: World, portal) -> None:
    system = _system(world)
    user = services.user_update(
        subscriber=system.user, acting_user=world.reseller_admin_a, data={"works_at": "home_office"}
    )
    client = portal(world.customer_admin_a1)
    overview = _html(client.get(reverse("portal:system_overview", args=[system.customer.pk])))
    assert 'id="emergency-warning"' in overview and user.name in overview
    dashboard = _html(client.get(reverse("portal:dashboard")))
    banner_url = reverse("portal:emergency_banner", args=[system.customer.pk])
    assert banner_url in dashboard
    assert 'id="emergency-warning"' in _html(client.get(banner_url))
    notices = reverse("portal:emergency_notices", args=[system.customer.pk])
    assert "Hinweis erteilt bestätigen" in _html(client.get(notices))

    response = client.post(reverse("portal:user_confirm_notice", args=[user.pk]), {"next": notices})
    assert response["Location"] == notices
    user.refresh_from_db()
    assert user.emergency_notice_confirmed_by == world.customer_admin_a1.username
    assert user.emergency_notice_confirmed_at is not None
    assert 'id="emergency-warning"' not in _html(client.get(banner_url))
    page = _html(client.get(notices))
    assert world.customer_admin_a1.username in page and 'id="confirmed-notices"' in page
    detail = _html(client.get(reverse("portal:user_detail", args=[user.pk])))
    assert 'id="notice-confirmed"' in detail


def test_confirming_a_notice_for_a_user_at_the_site_is_refused(world: World, portal) -> None:
    system = _system(world)
    response = portal(world.customer_admin_a1).post(
        reverse("portal:user_confirm_notice", args=[system.user.pk]), follow=True
    )
    assert "kein Hinweis nötig" in _html(response) or "nicht nötig" in _html(response)
    system.user.refresh_from_db()
    assert system.user.emergency_notice_confirmed_at is None


# Devices (FEA-12) -----------------------------------------------------------------------------


def test_customer_admin_adds_edits_and_removes_a_device(world: World, portal) -> None:
    system = _system(world)
    client = portal(world.customer_admin_a1)
    url = reverse("portal:device_create", args=[system.customer.pk])
    form = {"model": "IP232", "mac_address": "01:00:5E:00:00:01", "site": system.site.pk}
    multicast = client.post(url, form)
    assert multicast.status_code == 400
    assert "Multicast" in _field_error(_html(multicast), "mac_address")
    assert 'value="01:00:5E:00:00:01"' in _html(multicast)
    form["mac_address"] = "00-90-33-12-ab-cd"
    form["user"] = system.user.extension
    assert client.post(url, form).status_code == 302
    device = Device.objects.get(customer=system.customer)
    assert device.mac_address == "00903312ABCD" and device.subscriber == system.user
    assert client.post(url, form).status_code == 400  # the MAC is registered already

    edit = reverse("portal:device_edit", args=[device.pk])
    assert 'value="00:90:33:12:AB:CD"' in _html(client.get(edit))
    assert f'value="{system.user.number.e164}"' in _html(client.get(edit))
    unknown = client.post(edit, {**form, "user": "nobody@nowhere.example"})
    assert "Kein Benutzer" in _field_error(_html(unknown), "user")
    changed = {**form, "mac_address": "00:90:33:12:AB:CD", "label": "Empfang", "user": ""}
    assert client.post(edit, changed).status_code == 302
    device.refresh_from_db()
    assert device.label == "Empfang" and device.subscriber is None
    listing = _html(
        client.get(reverse("portal:device_list", args=[system.customer.pk]), {"q": "ab:cd"})
    )
    assert "Empfang" in listing
    delete = reverse("portal:device_delete", args=[device.pk])
    assert client.post(delete).status_code == 302
    assert not Device.objects.filter(pk=device.pk).exists()


# Suspended customers --------------------------------------------------------------------------


def test_suspended_customer_is_read_only_for_its_admin(world: World, portal) -> None:
    system = _system(world)
    services.customer_set_state(
        customer=system.customer, acting_user=world.reseller_admin_a, state=CustomerState.SUSPENDED
    )
    client = portal(world.customer_admin_a1)
    url = reverse("portal:user_create", args=[system.customer.pk])
    page = _html(client.get(url))
    assert 'id="read-only-notice"' in page and "<fieldset disabled>" in page
    data = {**user_data(system.site, "11"), "site": system.site.pk, "works_at": "site"}
    refused = client.post(url, data)
    assert refused.status_code == 400 and "gesperrt" in _html(refused)
    assert Subscriber.objects.filter(customer=system.customer).count() == 1
    # The reseller still works on it.
    assert portal(world.reseller_admin_a).post(url, data).status_code == 302


# The end user ---------------------------------------------------------------------------------


def test_end_user_sees_their_phone_and_changes_their_display_name(world: World, portal) -> None:
    system = _system(world)
    Subscriber.objects.filter(pk=system.user.pk).update(account=world.end_user_a1)
    client = portal(world.end_user_a1)
    url = reverse("portal:my_phone")
    page = _html(client.get(url))
    assert system.user.number.e164 in page and "Klingende stimme" in page
    assert page.count('data-included="true"') == 8
    response = client.post(url, {"display_name": "  Max vom Empfang "})
    assert response["Location"] == url
    system.user.refresh_from_db()
    assert system.user.display_name == "Max vom Empfang"
    event = AuditEvent.objects.filter(object_id=str(system.user.pk), action="update").latest("id")
    assert event.channel == "portal" and event.actor_id == world.end_user_a1.pk
    # Nothing else of the system is theirs to see or change.
    assert client.get(reverse("portal:user_list", args=[system.customer.pk])).status_code == 403
    assert client.get(reverse("portal:user_detail", args=[system.user.pk])).status_code == 403
    assert client.get(reverse("portal:trunk_edit", args=[system.trunk.pk])).status_code == 404


def test_end_user_without_a_number_gets_a_hint(world: World, portal) -> None:
    page = _html(portal(world.end_user_a1).get(reverse("portal:my_phone")))
    assert 'id="no-phone"' in page


# Language -------------------------------------------------------------------------------------


def test_system_pages_speak_english(world: World, portal) -> None:
    system = _system(world)
    client = portal(world.customer_admin_a1)
    client.post(reverse("portal:set_language"), {"language": "en", "next": "/"})
    html = _html(client.get(reverse("portal:user_detail", args=[system.user.pk])))
    assert '<html lang="en">' in html
    assert "Emergency calls" in html and "Voicemail" in html
    assert "Bearbeiten" not in html
    users = _html(client.get(reverse("portal:user_list", args=[system.customer.pk])))
    assert "Create user" in users and "Benutzer anlegen" not in users


def test_customer_admin_invites_a_user_to_the_portal(
    world: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from django.core import mail
    from django.test import Client

    from provisioning.models import Subscriber
    from tests.factories import build_system

    system = build_system(world.customer_a1, world.reseller_admin_a)
    client = Client()
    client.force_login(world.customer_admin_a1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/system/users/{system.user.pk}/invite/", follow=True)
    assert response.status_code == 200
    assert system.user.email in response.content.decode()
    assert Subscriber.objects.get(pk=system.user.pk).account is not None
    assert mail.outbox[-1].to == [system.user.email]


def test_site_page_shows_network_readiness(world: World) -> None:
    from django.test import Client

    from tests.factories import build_system

    system = build_system(world.customer_a1, world.reseller_admin_a)
    client = Client()
    client.force_login(world.customer_admin_a1)
    page = client.get(reverse("portal:site_detail", args=[system.site.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="site-readiness"' in html
    assert reverse("portal:netcheck_site", args=[system.site.pk]) in html
