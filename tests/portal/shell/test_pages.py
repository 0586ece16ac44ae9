"""The portal shell: navigation per role, customer forms, API keys, language (TEN-1, TEN-4)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from provisioning.models import ApiKey, AuditAction, AuditEvent, Customer, CustomerState
from tests.factories import PASSWORD, World

pytestmark = pytest.mark.django_db

NAV_RE = re.compile(r'data-nav="([a-z_]+)"')

EXPECTED_NAV = {
    "staff": [
        "dashboard",
        "resellers",
        "customers",
        "finance",
        "api_keys",
        "network_checks",
        "service_status",
        "audit",
        "support",
        "second_factor",
        "admin",
    ],
    "finance": ["dashboard", "resellers", "customers", "finance", "second_factor"],
    "reseller_admin_a": [
        "dashboard",
        "customers",
        "finance",
        "api_keys",
        "network_checks",
        "service_status",
        "audit",
        "support",
        "second_factor",
    ],
    "customer_admin_a1": [
        "dashboard",
        "own_customer",
        "users",
        "devices",
        "sites",
        "call_features",
        "finance",
        "network_checks",
        "audit",
        "support",
    ],
    "end_user_a1": ["dashboard", "my_phone", "my_calls", "profile", "support"],
}

# What each role may open (200) and what it may not (403), beyond the menu itself.
SECTIONS = {
    "resellers": "portal:reseller_list",
    "customers": "portal:customer_list",
    "api_keys": "portal:api_key_list",
    "audit": "portal:audit_list",
    "second_factor": "portal:second_factor",
}


def customer_form(**overrides: str) -> dict[str, str]:
    data = {
        "company_name": "Bäckerei Schmidt GmbH",
        "street": "Lindenstraße 5",
        "postal_code": "50667",
        "city": "Köln",
        "country": "DE",
        "federal_state": "NW",
        "vat_id": "DE123456789",
        "contact_name": "Jana Schmidt",
        "contact_email": "jana@baeckerei.example",
        "contact_phone": "+49 221 1234567",
    }
    data.update(overrides)
    return data


# Login, layout, navigation --------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_login(portal) -> None:
    response = portal().get("/customers/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_login_page_and_login(world: World, portal) -> None:
    client = portal()
    page = client.get(reverse("portal:login"))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="de">' in html
    assert "vendor/bootstrap/bootstrap.min.css" in html
    assert "vendor/htmx/htmx.min.js" in html
    assert "://cdn" not in html and "https://" not in html
    assert 'href="#main"' in html and 'id="main"' in html
    response = client.post(
        reverse("portal:login"),
        {"username": world.reseller_admin_a.username, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")


def test_login_with_wrong_password_shows_error(world: World, portal) -> None:
    response = portal().post(
        reverse("portal:login"), {"username": world.staff.username, "password": "wrong"}
    )
    assert response.status_code == 200
    assert 'id="form-errors"' in response.content.decode()


def test_logout_is_post_only(world: World, portal) -> None:
    client = portal(world.staff)
    assert client.get(reverse("portal:logout")).status_code == 405
    response = client.post(reverse("portal:logout"))
    assert response.status_code == 302
    assert client.get(reverse("portal:dashboard")).status_code == 302


@pytest.mark.parametrize("actor", sorted(EXPECTED_NAV))
def test_navigation_shows_each_role_exactly_its_sections(world: World, portal, actor: str) -> None:
    response = portal(getattr(world, actor)).get(reverse("portal:dashboard"))
    assert response.status_code == 200
    assert NAV_RE.findall(response.content.decode()) == EXPECTED_NAV[actor]


@pytest.mark.parametrize("actor", sorted(EXPECTED_NAV))
def test_sections_outside_the_menu_are_forbidden(world: World, portal, actor: str) -> None:
    client = portal(getattr(world, actor))
    for key, name in SECTIONS.items():
        expected = 200 if key in EXPECTED_NAV[actor] else 403
        assert client.get(reverse(name)).status_code == expected, (actor, key)


def test_forbidden_page_is_the_portal_page(world: World, portal) -> None:
    response = portal(world.end_user_a1).get(reverse("portal:audit_list"))
    assert response.status_code == 403
    assert "Keine Berechtigung" in response.content.decode()


def test_dashboard_counts_for_reseller(world: World, portal) -> None:
    html = portal(world.reseller_admin_a).get(reverse("portal:dashboard")).content.decode()
    assert 'data-count="total">2<' in html
    assert world.customer_a1.company_name in html
    assert world.customer_b1.company_name not in html


def test_dashboard_for_customer_admin_shows_reseller_contact(world: World, portal) -> None:
    html = portal(world.customer_admin_a1).get(reverse("portal:dashboard")).content.decode()
    assert world.customer_a1.company_name in html
    assert world.reseller_a.contact_email in html


def test_end_user_dashboard_and_profile(world: World, portal) -> None:
    client = portal(world.end_user_a1)
    assert world.end_user_a1.email in client.get(reverse("portal:dashboard")).content.decode()
    profile = client.get(reverse("portal:profile")).content.decode()
    assert world.end_user_a1.username in profile


# Customers ------------------------------------------------------------------------------------


def test_reseller_admin_creates_customer_through_the_form(world: World, portal) -> None:
    client = portal(world.reseller_admin_a)
    form = client.get(reverse("portal:customer_create")).content.decode()
    assert 'name="reseller"' not in form  # always its own reseller
    assert "Firma" in form and "Bundesland" in form
    response = client.post(reverse("portal:customer_create"), customer_form())
    assert response.status_code == 302
    customer = Customer.objects.get(company_name="Bäckerei Schmidt GmbH")
    assert customer.reseller == world.reseller_a
    assert customer.contact_phone == "+492211234567"
    assert response["Location"] == reverse("portal:customer_detail", args=[customer.pk])
    event = AuditEvent.objects.get(object_id=str(customer.pk), action=AuditAction.CREATE)
    assert event.channel == "portal"
    assert event.actor_id == world.reseller_admin_a.pk
    detail = client.get(response["Location"]).content.decode()
    assert "Der Kunde wurde angelegt." in detail


def test_reseller_admin_edits_customer(world: World, portal) -> None:
    client = portal(world.reseller_admin_a)
    url = reverse("portal:customer_edit", args=[world.customer_a1.pk])
    form = client.get(url).content.decode()
    assert f'value="{world.customer_a1.company_name}"' in form
    data = customer_form(company_name=world.customer_a1.company_name, city="Düsseldorf")
    assert client.post(url, data).status_code == 302
    world.customer_a1.refresh_from_db()
    assert world.customer_a1.city == "Düsseldorf"
    event = AuditEvent.objects.filter(
        object_id=str(world.customer_a1.pk), action=AuditAction.UPDATE
    ).latest("occurred_at")
    assert event.channel == "portal"
    assert event.changes["city"] == ["München", "Düsseldorf"]


def test_invalid_input_shows_errors_beside_fields_and_keeps_values(world: World, portal) -> None:
    client = portal(world.reseller_admin_a)
    before = Customer.objects.count()
    events = AuditEvent.objects.count()
    data = customer_form(postal_code="!!", vat_id="DE12", contact_email="kein-mail", city="Köln")
    response = client.post(reverse("portal:customer_create"), data)
    html = response.content.decode()
    assert response.status_code == 400
    for field in ("postal_code", "vat_id", "contact_email"):
        assert f'id="id_{field}-error"' in html, field
        assert f'aria-describedby="id_{field}-error"' in html, field
    assert "Keine gültige Postleitzahl." in html
    assert "deutsche USt-IdNr." in html
    assert 'value="Bäckerei Schmidt GmbH"' in html
    assert 'value="kein-mail"' in html
    assert 'value="DE12"' in html
    assert 'id="id_city-error"' not in html
    assert Customer.objects.count() == before
    assert AuditEvent.objects.count() == events


def test_service_refusal_is_shown_beside_its_field(world: World, portal) -> None:
    client = portal(world.reseller_admin_a)
    data = customer_form(company_name=world.customer_a1.company_name)
    response = client.post(reverse("portal:customer_create"), data)
    html = response.content.decode()
    assert response.status_code == 400
    error = re.search(r'id="id_company_name-error">([^<]*)<', html)
    assert error and "bereits einen Kunden" in error.group(1)
    assert Customer.objects.filter(company_name=world.customer_a1.company_name).count() == 1


def test_staff_picks_the_reseller(world: World, portal) -> None:
    client = portal(world.staff)
    missing = client.post(reverse("portal:customer_create"), customer_form())
    assert missing.status_code == 400
    assert 'id="id_reseller-error"' in missing.content.decode()
    data = customer_form(reseller=str(world.reseller_b.pk))
    assert client.post(reverse("portal:customer_create"), data).status_code == 302
    assert Customer.objects.get(company_name="Bäckerei Schmidt GmbH").reseller == world.reseller_b


def test_finance_reads_customers_but_may_not_change_them(world: World, portal) -> None:
    client = portal(world.finance)
    detail = client.get(reverse("portal:customer_detail", args=[world.customer_b1.pk]))
    assert detail.status_code == 200
    assert (
        reverse("portal:customer_edit", args=[world.customer_b1.pk]) not in detail.content.decode()
    )
    assert client.get(reverse("portal:customer_create")).status_code == 403
    assert (
        client.get(reverse("portal:customer_edit", args=[world.customer_b1.pk])).status_code == 403
    )
    suspend = reverse("portal:customer_suspend", args=[world.customer_b1.pk])
    assert client.post(suspend).status_code == 403


def test_customer_admin_sees_own_customer_but_may_not_edit(world: World, portal) -> None:
    client = portal(world.customer_admin_a1)
    assert (
        client.get(reverse("portal:customer_detail", args=[world.customer_a1.pk])).status_code
        == 200
    )
    assert (
        client.get(reverse("portal:customer_edit", args=[world.customer_a1.pk])).status_code == 403
    )


def test_suspend_and_activate(world: World, portal) -> None:
    client = portal(world.reseller_admin_a)
    suspend = reverse("portal:customer_suspend", args=[world.customer_a2.pk])
    assert client.get(suspend).status_code == 405
    assert client.post(suspend).status_code == 302
    world.customer_a2.refresh_from_db()
    assert world.customer_a2.state == CustomerState.SUSPENDED
    detail = client.get(reverse("portal:customer_detail", args=[world.customer_a2.pk]))
    assert (
        reverse("portal:customer_activate", args=[world.customer_a2.pk]) in detail.content.decode()
    )
    assert (
        client.post(reverse("portal:customer_activate", args=[world.customer_a2.pk])).status_code
        == 302
    )
    world.customer_a2.refresh_from_db()
    assert world.customer_a2.state == CustomerState.ACTIVE


def test_customer_list_search_filter_sort_and_paging(world: World, portal) -> None:
    from provisioning import services
    from tests.factories import customer_data

    for n in range(27):
        services.customer_create(
            reseller=world.reseller_a,
            acting_user=world.staff,
            data=customer_data(company_name=f"Zahnarzt {n:02d}", city="Leipzig"),
        )
    client = portal(world.reseller_admin_a)
    url = reverse("portal:customer_list")
    first = client.get(url, {"q": "leipzig"}).content.decode()
    assert first.count("Zahnarzt ") == 25
    assert world.customer_a1.company_name not in first
    second = client.get(url, {"q": "leipzig", "page": 2}).content.decode()
    assert second.count("Zahnarzt ") == 2
    newest = client.get(url, {"q": "Zahnarzt", "sort": "-created"}).content.decode()
    assert newest.index("Zahnarzt 26") < newest.index("Zahnarzt 25")
    services.customer_set_state(
        customer=world.customer_a2, acting_user=world.staff, state=CustomerState.SUSPENDED
    )
    suspended = client.get(url, {"state": "suspended"}).content.decode()
    assert world.customer_a2.company_name in suspended
    assert world.customer_a1.company_name not in suspended


def test_live_search_returns_only_the_results_partial(world: World, portal) -> None:
    client = portal(world.reseller_admin_a)
    response = client.get(
        reverse("portal:customer_list"),
        {"q": world.customer_a2.company_name},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="customer-table"' in html
    assert world.customer_a2.company_name in html
    assert world.customer_a1.company_name not in html
    assert "HX-Request" in response["Vary"]
    page = client.get(reverse("portal:customer_list")).content.decode()
    assert 'hx-get="/customers/"' in page and 'method="get"' in page


# Resellers ------------------------------------------------------------------------------------


def test_staff_creates_and_edits_a_reseller(world: World, portal) -> None:
    client = portal(world.staff)
    data = {
        "company_name": "Telefon Nord GmbH",
        "street": "Hafenstraße 1",
        "postal_code": "20095",
        "city": "Hamburg",
        "country": "DE",
        "vat_id": "DE987654321",
        "contact_name": "Ole Hansen",
        "contact_email": "ole@nord.example",
        "contact_phone": "",
    }
    response = client.post(reverse("portal:reseller_create"), data)
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "Telefon Nord GmbH" in detail
    duplicate = client.post(reverse("portal:reseller_create"), data)
    assert duplicate.status_code == 400
    assert 'id="id_company_name-error"' in duplicate.content.decode()


def test_finance_reads_resellers_without_edit(world: World, portal) -> None:
    client = portal(world.finance)
    html = client.get(reverse("portal:reseller_list")).content.decode()
    assert world.reseller_a.company_name in html and world.reseller_b.company_name in html
    assert reverse("portal:reseller_create") not in html
    assert client.get(reverse("portal:reseller_create")).status_code == 403
    assert (
        client.get(reverse("portal:reseller_edit", args=[world.reseller_a.pk])).status_code == 403
    )


# API keys -------------------------------------------------------------------------------------


def test_api_key_is_shown_once_and_works_then_revoke(world: World, portal, api) -> None:
    client = portal(world.reseller_admin_a)
    response = client.post(reverse("portal:api_key_create"), {"name": "Warenwirtschaft"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = re.search(r'id="raw-key" value="(stm_[^"]+)"', html)
    assert raw, html
    raw_key = raw.group(1)
    assert "nur dieses eine Mal" in html
    key = ApiKey.objects.get(name="Warenwirtschaft")
    assert key.account == world.reseller_admin_a

    listing = client.get(reverse("portal:api_key_list")).content.decode()
    assert "Warenwirtschaft" in listing and key.prefix in listing
    assert raw_key not in listing

    bearer = api()
    answer = bearer.get("/api/v1/customers/", headers={"Authorization": f"Bearer {raw_key}"})
    assert answer.status_code == 200
    names = {row["company_name"] for row in answer.json()["results"]}
    assert names == {world.customer_a1.company_name, world.customer_a2.company_name}

    revoke = reverse("portal:api_key_revoke", args=[key.pk])
    confirm = client.get(revoke)
    assert confirm.status_code == 200 and "Endgültig widerrufen" in confirm.content.decode()
    key.refresh_from_db()
    assert key.revoked_at is None  # looking at the confirmation changes nothing
    assert client.post(revoke).status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    refused = api().get("/api/v1/customers/", headers={"Authorization": f"Bearer {raw_key}"})
    assert refused.status_code in (401, 403)


def test_api_key_name_errors_show_beside_field(world: World, portal) -> None:
    client = portal(world.reseller_admin_a)
    assert client.post(reverse("portal:api_key_create"), {"name": "ERP"}).status_code == 200
    again = client.post(reverse("portal:api_key_create"), {"name": "ERP"})
    assert again.status_code == 400
    assert "bereits einen aktiven Schlüssel" in again.content.decode()
    assert 'id="id_name-error"' in again.content.decode()


# Audit log ------------------------------------------------------------------------------------


def test_audit_log_shows_who_when_channel_and_changes(world: World, portal) -> None:
    client = portal(world.reseller_admin_a)
    url = reverse("portal:customer_edit", args=[world.customer_a1.pk])
    client.post(url, customer_form(company_name=world.customer_a1.company_name, city="Bonn"))
    html = client.get(reverse("portal:audit_list"), {"action": "update"}).content.decode()
    assert "Ort</span>: München → Bonn" in html
    assert world.reseller_admin_a.username in html
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", html)
    assert "Portal" in html
    assert "angelegt" not in html.split('id="audit-table"')[1]


def test_audit_log_of_customer_admin_is_its_customer_only(world: World, portal) -> None:
    html = portal(world.customer_admin_a1).get(reverse("portal:audit_list")).content.decode()
    assert world.customer_a1.company_name in html
    assert world.customer_a2.company_name not in html
    assert world.customer_b1.company_name not in html


def test_audit_log_date_filter(world: World, portal) -> None:
    client = portal(world.staff)
    html = client.get(reverse("portal:audit_list"), {"since": "2000-01-01", "until": "2000-01-02"})
    assert "Keine Einträge gefunden." in html.content.decode()
    bad = client.get(reverse("portal:audit_list"), {"since": "2000-01-02", "until": "2000-01-01"})
    assert 'id="id_until-error"' in bad.content.decode()


# Language -------------------------------------------------------------------------------------


def test_language_switch_to_english(world: World, portal) -> None:
    client = portal(world.reseller_admin_a)
    german = client.get(reverse("portal:dashboard")).content.decode()
    assert '<html lang="de">' in german and "Kunden" in german
    response = client.post(
        reverse("portal:set_language"), {"language": "en", "next": reverse("portal:customer_list")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:customer_list")
    english = client.get(reverse("portal:customer_list")).content.decode()
    assert '<html lang="en">' in english
    assert ">Customers<" in english
    assert "Create customer" in english
    assert "Kunde anlegen" not in english


def test_password_change(world: World, portal) -> None:
    client = portal(world.end_user_a1)
    response = client.post(
        reverse("portal:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "ein-neues-langes-passwort-7",
            "new_password2": "ein-neues-langes-passwort-7",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:password_change_done")
    world.end_user_a1.refresh_from_db()
    assert world.end_user_a1.check_password("ein-neues-langes-passwort-7")


def test_audit_log_object_type_filter(world: World, portal) -> None:
    client = portal(world.reseller_admin_a)
    client.post(reverse("portal:api_key_create"), {"name": "Buchhaltung"})
    page = client.get(reverse("portal:audit_list")).content.decode()
    assert '<option value="provisioning.apikey">API-Schlüssel</option>' in page
    keys = client.get(reverse("portal:audit_list"), {"object_type": "provisioning.apikey"})
    table = keys.content.decode().split('id="audit-table"')[1]
    assert "Buchhaltung" in table
    assert world.customer_a1.company_name not in table
