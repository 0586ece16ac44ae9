"""Staff and reseller pages of the status page (STA-1 … STA-8, OPS-2, OPS-3, OPS-5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from status import services, steps
from status.models import Component, Event, MaintenanceNotice
from tests.factories import World, make_account
from tests.status.conftest import Catalogue, night

pytestmark = pytest.mark.django_db


def client_for(account: object) -> Client:
    client = Client()
    client.force_login(account)  # type: ignore[arg-type]
    return client


def test_overview_for_staff_and_resellers_only(world: World, catalogue: Catalogue) -> None:
    url = reverse("portal:status_overview")
    staff = client_for(world.staff).get(url).content.decode()
    assert 'id="incident-create"' in staff and 'id="maintenance-create"' in staff
    assert "Telefonie" in staff and 'data-nav="service_status"' in staff
    reseller = client_for(world.reseller_admin_a).get(url)
    assert reseller.status_code == 200
    assert 'id="incident-create"' not in reseller.content.decode()
    for actor in (world.customer_admin_a1, world.end_user_a1, world.finance):
        assert client_for(actor).get(url).status_code == 404
    assert (
        client_for(world.reseller_admin_a).get(reverse("portal:status_incident_create")).status_code
        == 404
    )


def test_staff_open_an_incident_and_post_steps(world: World, catalogue: Catalogue) -> None:
    client = client_for(world.staff)
    response = client.post(
        reverse("portal:status_incident_create"),
        {
            "title_de": "Anrufe brechen ab",
            "components": [str(catalogue.calls.pk)],
            "impact": "major",
            "step": "investigating",
            "message_de": "Wir untersuchen.",
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "portal:status_event", args=[event.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert 'id="step-form"' in page and "Wir untersuchen." in page
    refused = client.post(response["Location"], {"step": "investigating", "message_de": ""})
    assert refused.status_code == 400 and 'id="id_message_de-error"' in refused.content.decode()
    estimate = (dt.datetime.now() + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        response["Location"],
        {"step": "identified", "message_de": "Gefunden.", "estimated_fix_at": estimate},
    )
    event.refresh_from_db()
    assert event.step == steps.IDENTIFIED and event.estimated_fix_at is not None
    backwards = client.post(response["Location"], {"step": "investigating", "message_de": "x"})
    assert backwards.status_code == 400
    assert event.updates.count() == 2
    client.post(response["Location"], {"step": "resolved", "message_de": "Behoben."})
    page = client.get(response["Location"]).content.decode()
    assert 'id="step-form"' not in page  # an ended incident takes no further steps
    reseller_page = client_for(world.reseller_admin_a).get(response["Location"])
    assert (
        reseller_page.status_code == 200 and 'id="step-form"' not in reseller_page.content.decode()
    )


def test_maintenance_form_names_the_broken_rule_beside_the_field(
    world: World, catalogue: Catalogue
) -> None:
    client = client_for(world.staff)
    soon = night(2)
    data = {
        "title_de": "Update",
        "components": [str(catalogue.calls.pk)],
        "scheduled_start": soon.strftime("%Y-%m-%dT%H:%M"),
        "scheduled_end": (soon + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "message_de": "Wir aktualisieren.",
    }
    response = client.post(reverse("portal:status_maintenance_create"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_scheduled_start-error"' in html and "mindestens 7 Tage vorher" in html
    assert 'value="Update"' in html  # what was typed stays
    data["urgent"] = "on"
    response = client.post(reverse("portal:status_maintenance_create"), data)
    assert 'id="id_urgent_reason-error"' in response.content.decode()
    data.update(urgent_reason="security", urgent_explanation="Lücke im TLS-Stack")
    response = client.post(reverse("portal:status_maintenance_create"), data)
    assert response.status_code == 302
    assert Event.objects.get().urgent


def test_reseller_passes_a_maintenance_notice_on_with_one_click(
    world: World,
    catalogue: Catalogue,
    mailoutbox,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    from tests.factories import Role

    second_admin_a1 = make_account(Role.CUSTOMER_ADMIN, customer=world.customer_a1)
    start = night(10)
    event = services.maintenance_schedule(
        acting_user=world.staff,
        title_de="Wartung der Sprachplattform",
        components=[catalogue.calls],
        scheduled_start=start,
        scheduled_end=start + dt.timedelta(minutes=45),
        message_de="Kurze Unterbrechungen.",
    )
    client = client_for(world.reseller_admin_a)
    url = reverse("portal:status_event", args=[event.pk])
    page = client.get(url).content.decode()
    assert 'id="notice-form"' in page
    assert world.reseller_a.company_name in page  # the prepared text is signed by the reseller
    assert "45 Min." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:status_notice_pass_on", args=[event.pk]),
            {"subject": "Wartung am Wochenende", "body": "Liebe Kunden, …"},
        )
    assert response.status_code == 302
    recipients = sorted(m.to[0] for m in mailoutbox if m.subject == "Wartung am Wochenende")
    assert recipients == sorted(
        [world.customer_admin_a1.email, world.customer_admin_a2.email, second_admin_a1.email]
    )
    notice = MaintenanceNotice.objects.get()
    assert notice.recipient_count == 3
    assert 'id="notice-sent"' in client.get(url).content.decode()
    again = client.post(
        reverse("portal:status_notice_pass_on", args=[event.pk]), {"subject": "x", "body": "y"}
    )
    assert again.status_code == 400
    assert MaintenanceNotice.objects.count() == 1
    # Reseller B still may pass it on to its own customers, and staff cannot at all.
    assert 'id="notice-form"' in client_for(world.reseller_admin_b).get(url).content.decode()
    assert 'id="notice-form"' not in client_for(world.staff).get(url).content.decode()


def test_availability_page_per_year_and_range(world: World, catalogue: Catalogue) -> None:
    from django.utils import timezone

    t0 = timezone.now() - dt.timedelta(days=2)
    event = services.incident_open(
        acting_user=world.staff, title_de="X", components=[catalogue.calls], message_de="x", now=t0
    )
    services.event_post_update(
        event=event,
        acting_user=world.staff,
        step=steps.RESOLVED,
        message_de="y",
        now=t0 + dt.timedelta(hours=2),
    )
    client = client_for(world.reseller_admin_a)
    html = client.get(reverse("portal:status_availability")).content.decode()
    assert 'id="availability-table"' in html and "2 Std." in html
    day = t0.date()
    ranged = client.get(
        reverse("portal:status_availability"), {"start": day.isoformat(), "end": day.isoformat()}
    ).content.decode()
    assert "Verfügbarkeit " + day.strftime("%d.%m.%Y") in ranged
    last_year = client.get(
        reverse("portal:status_availability"), {"year": day.year - 1}
    ).content.decode()
    assert "100,000 %" in last_year


def test_staff_manage_components(world: World, catalogue: Catalogue) -> None:
    client = client_for(world.staff)
    response = client.post(
        reverse("portal:status_component_create"),
        {"name_de": "Netzprüfung", "name_en": "Network check", "position": 7, "is_visible": "on"},
    )
    assert response.status_code == 302
    component = Component.objects.get(name_de="Netzprüfung")
    edit = reverse("portal:status_component_edit", args=[component.pk])
    taken = client.post(edit, {"name_de": "Telefonie", "position": 7})
    assert taken.status_code == 400 and 'id="id_name_de-error"' in taken.content.decode()
    component.refresh_from_db()
    assert component.name_de == "Netzprüfung"
    saved = client.post(edit, {"name_de": "Netzprüfung", "name_en": "Network check", "position": 8})
    assert saved.status_code == 302, saved.content.decode()[-3000:]
    component.refresh_from_db()
    assert component.position == 8 and component.is_visible is False
    assert client.post(edit, {"delete": "1"}).status_code == 302
    assert not Component.objects.filter(pk=component.pk).exists()
