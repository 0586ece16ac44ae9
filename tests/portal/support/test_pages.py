"""The support pages of each role (SUP-1 … SUP-6, TEN-3): what each sees and may do, in
German."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from provisioning.models import Account
from support import services
from support.models import CustomerSupportSettings, SupportDesk, Ticket, TicketMessage
from tests.factories import World

from .conftest import escalated, open_ticket

pytestmark = pytest.mark.django_db

Portal = Callable[[Account | None], Client]
QUEUE = reverse("portal:support_ticket_list")
OPEN = reverse("portal:support_ticket_open")


def _detail(ticket: Ticket) -> str:
    return reverse("portal:support_ticket", args=[ticket.pk])


def test_navigation_shows_support_to_every_role_that_reads_tickets(
    world: World, portal: Portal
) -> None:
    for name in ("customer_admin_a1", "end_user_a1", "reseller_admin_a", "staff"):
        html = portal(getattr(world, name)).get(reverse("portal:dashboard")).content.decode()
        assert QUEUE in html, name
        assert portal(getattr(world, name)).get(QUEUE).status_code == 200
    finance = portal(world.finance)
    assert QUEUE not in finance.get(reverse("portal:dashboard")).content.decode()
    assert finance.get(QUEUE).status_code == 404


def test_queue_of_each_role(world: World, portal: Portal) -> None:
    own = open_ticket(world, title="Eigenes Ticket A1")
    other = open_ticket(
        world, customer=world.customer_a2, actor=world.customer_admin_a2, title="Ticket von A2"
    )
    foreign = open_ticket(
        world, customer=world.customer_b1, actor=world.customer_admin_b1, title="Ticket von B1"
    )
    customer = portal(world.customer_admin_a1).get(QUEUE).content.decode()
    assert own.number in customer and other.number not in customer
    assert "Ticket eröffnen" in customer and "kritisch" in customer
    reseller = portal(world.reseller_admin_a).get(QUEUE).content.decode()
    assert own.number in reseller and other.number in reseller and foreign.number not in reseller
    assert "Service-Desk" in reseller
    filtered = portal(world.reseller_admin_a).get(QUEUE, {"customer": world.customer_a2.pk})
    assert own.number not in filtered.content.decode()
    assert other.number in filtered.content.decode()
    staff = portal(world.staff).get(QUEUE, {"level": "2"}).content.decode()
    assert own.number not in staff
    _ticket, child = escalated(world)
    staff = portal(world.staff).get(QUEUE, {"level": "2"}).content.decode()
    assert child.number in staff


def test_queue_sorts_by_the_next_due_moment_and_badges_a_breach(
    world: World, portal: Portal
) -> None:
    minor = open_ticket(world, severity="minor", title="Geringfügig")
    critical = open_ticket(world, severity="critical", title="Kritisch")
    Ticket.objects.filter(pk=minor.pk).update(
        reaction_due_at=timezone.now() - dt.timedelta(minutes=5)
    )
    Ticket.objects.filter(pk=critical.pk).update(
        reaction_due_at=timezone.now() + dt.timedelta(hours=1)
    )
    html = portal(world.reseller_admin_a).get(QUEUE).content.decode()
    assert html.index(minor.number) < html.index(critical.number)
    assert "Frist überschritten" in html


def test_queue_costs_the_same_queries_for_many_tickets(world: World, portal: Portal) -> None:
    client = portal(world.reseller_admin_a)
    open_ticket(world)
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as few:
        assert client.get(QUEUE).status_code == 200
    for index in range(12):
        ticket = open_ticket(world, title=f"Ticket {index}")
        services.ticket_acknowledge(
            ticket=ticket,
            acting_user=world.reseller_admin_a,
            kind="fault",
            severity="major",
            estimated_resolution_at=timezone.now() + dt.timedelta(days=2),
        )
    SupportDesk.objects.create(reseller=world.reseller_a)
    with CaptureQueriesContext(connection) as many:
        assert client.get(QUEUE).status_code == 200
    assert len(many) <= len(few) + 1  # + the desk the clocks now count in


def test_customer_admin_opens_a_fault_with_the_severity_definitions(
    world: World, portal: Portal
) -> None:
    client = portal(world.customer_admin_a1)
    page = client.get(OPEN).content.decode()
    assert "Keine Anmeldung möglich oder eine Kernfunktion ist ausgefallen." in page
    assert "Betroffene Dienste" in page and "Reproduzierbar" in page
    answer = client.post(
        OPEN,
        {
            "kind": "fault",
            "title": "Telefone tot",
            "description": "Nichts geht.",
            "reporter_name": "Erika Muster",
        },
    )
    assert answer.status_code == 400
    assert Ticket.objects.count() == 0
    answer = client.post(
        OPEN,
        {
            "kind": "fault",
            "severity": "critical",
            "title": "Telefone tot",
            "description": "Nichts geht.",
            "reporter_name": "Erika Muster",
            "reproducible": "yes",
            "all_workstations": "on",
        },
    )
    ticket = Ticket.objects.get()
    assert answer.status_code == 302 and answer["Location"] == _detail(ticket)
    assert ticket.reproducible is True and ticket.all_workstations
    assert ticket.identified_by == "login"


def test_end_user_opens_only_where_the_admin_allows_it(world: World, portal: Portal) -> None:
    client = portal(world.end_user_a1)
    assert client.get(OPEN).status_code == 403
    assert "Ticket eröffnen" not in client.get(QUEUE).content.decode()
    CustomerSupportSettings.objects.create(
        customer=world.customer_a1, end_users_may_open_tickets=True
    )
    assert client.get(OPEN).status_code == 200


def test_reseller_records_a_call_with_the_support_pin(world: World, portal: Portal) -> None:
    CustomerSupportSettings.objects.create(
        customer=world.customer_a1, support_pin=make_password("4711")
    )
    client = portal(world.reseller_admin_a)
    data = {
        "customer": world.customer_a1.pk,
        "support_pin": "0000",
        "kind": "service_request",
        "title": "Neue Rufnummer",
        "description": "Bitte eine Nummer mehr.",
        "reporter_name": "Erika Muster",
    }
    wrong = client.post(OPEN, data)
    assert wrong.status_code == 400 and Ticket.objects.count() == 0
    assert "Support-PIN" in wrong.content.decode()
    client.post(OPEN, {**data, "support_pin": "4711"})
    assert Ticket.objects.get().identified_by == "pin"
    foreign = client.post(OPEN, {**data, "customer": world.customer_b1.pk, "support_pin": "4711"})
    assert foreign.status_code == 400


def test_support_pin_guesses_are_limited_per_customer(
    world: World, portal: Portal, settings: Any
) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.THROTTLE_LOGIN_PER_ACCOUNT = 2
    CustomerSupportSettings.objects.create(
        customer=world.customer_a1, support_pin=make_password("4711")
    )
    client = portal(world.reseller_admin_a)
    data = {
        "customer": world.customer_a1.pk,
        "support_pin": "0000",
        "kind": "service_request",
        "title": "Neue Rufnummer",
        "description": "Bitte eine Nummer mehr.",
        "reporter_name": "Erika Muster",
    }
    assert client.post(OPEN, data).status_code == 400
    assert client.post(OPEN, data).status_code == 400
    refused = client.post(OPEN, {**data, "support_pin": "4711"})
    assert (
        refused.status_code == 429 and "Zu viele falsche Support-PINs" in refused.content.decode()
    )
    assert Ticket.objects.count() == 0
    cache.clear()


def test_reseller_works_the_ticket_and_the_customer_reads_only_public_replies(
    world: World, portal: Portal
) -> None:
    ticket = open_ticket(world)
    reseller = portal(world.reseller_admin_a)
    page = reseller.get(_detail(ticket)).content.decode()
    assert "Ticket bestätigen" in page and "An die Plattform eskalieren" in page
    estimate = (timezone.localtime() + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    answer = reseller.post(
        reverse("portal:support_acknowledge", args=[ticket.pk]),
        {
            "ack-kind": "fault",
            "ack-severity": "critical",
            "ack-estimated_resolution_at": estimate,
            "ack-assignee": world.reseller_admin_a.pk,
        },
    )
    assert answer.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == "acknowledged" and ticket.assignee == world.reseller_admin_a
    reseller.post(
        reverse("portal:support_reply", args=[ticket.pk]),
        {"body": "Interner Hinweis XYZ", "internal": "on"},
    )
    reseller.post(
        reverse("portal:support_reply", args=[ticket.pk]), {"body": "Wir kümmern uns darum."}
    )
    answer = reseller.post(
        reverse("portal:support_escalate", args=[ticket.pk]), {"esc-note": "Bitte prüfen"}
    )
    child = Ticket.objects.get(parent=ticket)
    assert answer["Location"] == _detail(child)
    staff = portal(world.staff)
    staff_page = staff.get(_detail(child)).content.decode()
    assert "Bitte prüfen" in staff_page and "Ticket bestätigen" in staff_page
    staff.post(reverse("portal:support_reply", args=[child.pk]), {"body": "SBC neu gestartet."})
    assert TicketMessage.objects.filter(ticket=child, author=world.staff).exists()
    assert "SBC neu gestartet." in reseller.get(_detail(child)).content.decode()
    assert child.number in reseller.get(_detail(ticket)).content.decode()

    customer = portal(world.customer_admin_a1)
    html = customer.get(_detail(ticket)).content.decode()
    assert "Wir kümmern uns darum." in html
    assert "Interner Hinweis XYZ" not in html and child.number not in html
    assert "Bitte prüfen" not in html
    assert "Ticket bestätigen" not in html and "Eskalieren" not in html
    assert customer.get(_detail(child)).status_code == 404
    assert staff.get(_detail(ticket)).status_code == 200
    assert "Antworten" not in staff.get(_detail(ticket)).content.decode()


def test_customer_never_sees_platform_staff_names(world: World, portal: Portal) -> None:
    ticket, child = escalated(world)
    world.staff.first_name, world.staff.last_name = "Petra", "Plattform"
    world.staff.save()
    services.ticket_acknowledge(
        ticket=child,
        acting_user=world.staff,
        kind="fault",
        severity="critical",
        estimated_resolution_at=timezone.now() + dt.timedelta(hours=2),
    )
    reseller = portal(world.reseller_admin_a).get(_detail(child)).content.decode()
    assert "Petra Plattform" in reseller
    html = portal(world.customer_admin_a1).get(_detail(ticket)).content.decode()
    assert "Petra" not in html and "Geheime Notiz" not in html and child.number not in html


def test_state_moves_by_role(world: World, portal: Portal) -> None:
    ticket = open_ticket(world)
    customer = portal(world.customer_admin_a1)
    assert (
        customer.post(
            reverse("portal:support_state", args=[ticket.pk]), {"st-state": "resolved"}
        ).status_code
        == 403
    )
    reseller = portal(world.reseller_admin_a)
    answer = reseller.post(
        reverse("portal:support_state", args=[ticket.pk]),
        {"st-state": "resolved", "st-note": "Am Telefon gelöst"},
    )
    assert answer.status_code == 302
    page = customer.get(_detail(ticket)).content.decode()
    assert "wieder öffnen" in page and "geschlossen" in page
    customer.post(reverse("portal:support_state", args=[ticket.pk]), {"st-state": "closed"})
    ticket.refresh_from_db()
    assert ticket.state == "closed"


def test_desk_and_customer_settings(world: World, portal: Portal) -> None:
    desk_url = reverse("portal:support_desk", args=[world.reseller_a.pk])
    reseller = portal(world.reseller_admin_a)
    page = reseller.get(desk_url).content.decode()
    assert "Servicezeiten" in page and "08:00–17:00" in page
    answer = reseller.post(
        desk_url,
        {
            "hours_0": "07:00–12:00, 13:00–18:00",
            "hours_5": "09:00-13:00",
            "federal_state": "BE",
            "escalation_emails": "eskalation@reseller.example\nchef@reseller.example",
        },
    )
    assert answer.status_code == 302
    desk = SupportDesk.objects.get(reseller=world.reseller_a)
    assert desk.hours == {"0": [["07:00", "12:00"], ["13:00", "18:00"]], "5": [["09:00", "13:00"]]}
    assert desk.escalation_emails == ["eskalation@reseller.example", "chef@reseller.example"]
    bad = reseller.post(desk_url, {"hours_0": "morgens", "escalation_emails": "kein"})
    assert bad.status_code == 400
    assert portal(world.customer_admin_a1).get(desk_url).status_code == 404

    settings_url = reverse("portal:support_customer_settings", args=[world.customer_a1.pk])
    admin = portal(world.customer_admin_a1)
    assert "Keine Support-PIN gesetzt" in admin.get(settings_url).content.decode()
    assert admin.post(settings_url, {"support_pin": "12"}).status_code == 400
    admin.post(settings_url, {"support_pin": "4711", "end_users_may_open_tickets": "on"})
    row = CustomerSupportSettings.objects.get(customer=world.customer_a1)
    assert row.has_pin and row.end_users_may_open_tickets
    reseller_page = reseller.get(settings_url).content.decode()
    assert "Support-PIN ist gesetzt" in reseller_page
    assert "Benutzer dürfen selbst Tickets eröffnen" not in reseller_page
    assert portal(world.end_user_a1).get(settings_url).status_code == 403


def test_attachments_upload_and_download(world: World, portal: Portal) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from support.models import TicketAttachment

    client = portal(world.customer_admin_a1)
    answer = client.post(
        OPEN,
        {
            "kind": "service_request",
            "title": "Protokoll anbei",
            "description": "Siehe Anhang.",
            "reporter_name": "Erika Muster",
            "attachments": [
                SimpleUploadedFile("protokoll.txt", b"SIP/2.0 403 Forbidden\n", "text/plain")
            ],
        },
    )
    assert answer.status_code == 302
    ticket = Ticket.objects.get()
    shared = TicketAttachment.objects.get(ticket=ticket)
    refused = client.post(
        reverse("portal:support_reply", args=[ticket.pk]),
        {"body": "Noch eine Datei", "attachments": [SimpleUploadedFile("bild.exe", b"MZ\x90")]},
    )
    assert refused.status_code == 400
    assert not TicketMessage.objects.filter(body="Noch eine Datei").exists()
    reseller = portal(world.reseller_admin_a)
    reseller.post(
        reverse("portal:support_reply", args=[ticket.pk]),
        {
            "body": "Mitschnitt intern",
            "internal": "on",
            "attachments": [SimpleUploadedFile("intern.txt", b"nur intern\n", "text/plain")],
        },
    )
    internal = TicketAttachment.objects.get(ticket=ticket, internal=True)
    page = client.get(_detail(ticket)).content.decode()
    assert "protokoll.txt" in page and "intern.txt" not in page
    download = client.get(reverse("portal:support_attachment", args=[shared.pk]))
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert client.get(reverse("portal:support_attachment", args=[internal.pk])).status_code == 404
    assert reseller.get(reverse("portal:support_attachment", args=[internal.pk])).status_code == 200
