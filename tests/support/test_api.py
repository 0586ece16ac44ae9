"""The support API (SUP-1 … SUP-5, TEN-3, TEN-4): a ticket's whole way through the API, what a
customer reads of it (never internal notes, the platform ticket or platform staff's names),
filters, attachments, support settings, and German refusals from the catalogue."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from provisioning import services as provisioning_services
from provisioning.models import Account, Role
from support import services
from support.models import Ticket
from tests.factories import PASSWORD, World

from .conftest import Services, report

Api = Callable[[Account | None], APIClient]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NOT_FOUND = {"error": "not_found", "message": "Nicht gefunden.", "fields": {}}


def _later(hours: int) -> str:
    return (timezone.now() + dt.timedelta(hours=hours)).isoformat()


@pytest.fixture
def paula(db: None) -> Account:
    """Platform staff with a name a customer must never read."""
    return provisioning_services.account_create(
        acting_user=None,
        username="paula.plattform",
        password=PASSWORD,
        role=Role.PLATFORM_STAFF,
        email="paula@stimme.example",
        first_name="Paula",
        last_name="Zweitlevel",
    )


def _open(client: APIClient, **overrides: Any) -> dict[str, Any]:
    body = report(**overrides)
    if "services" in body:
        body["services"] = [str(s.pk) for s in body["services"]]
    response = client.post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()  # type: ignore[no-any-return]


def _texts(client: APIClient, urls: list[str]) -> str:
    """Every answer the client gets for ``urls``, as one text."""
    out = []
    for url in urls:
        response = client.get(url, {"page_size": 500})
        assert response.status_code == 200, (url, response.status_code)
        out.append(json.dumps(response.json(), ensure_ascii=False))
    return "\n".join(out)


def test_the_customer_never_reads_internal_notes_the_platform_ticket_or_staff_names(
    world: World, api: Api, paula: Account, components: Services
) -> None:
    customer = api(world.customer_admin_a1)
    reseller = api(world.reseller_admin_a)
    staff = api(paula)

    ticket = _open(customer, services=[components.telephony])
    tid = ticket["id"]
    acked = reseller.post(
        f"/api/v1/tickets/{tid}/acknowledge/",
        {"kind": "fault", "severity": "critical", "estimated_resolution_at": _later(3)},
        format="json",
    )
    assert acked.status_code == 200, acked.json()
    assert acked.json()["assignee_name"] == world.reseller_admin_a.username
    escalated = reseller.post(
        f"/api/v1/tickets/{tid}/escalate/", {"note": "Registrierung scheitert"}, format="json"
    )
    assert escalated.status_code == 201, escalated.json()
    platform = escalated.json()
    assert platform["level"] == 2 and platform["parent"] == tid
    pid = platform["id"]

    # Platform staff work the second-level ticket: acknowledge, reply, note internally.
    assert (
        staff.post(
            f"/api/v1/tickets/{pid}/acknowledge/",
            {"kind": "fault", "severity": "critical", "estimated_resolution_at": _later(2)},
            format="json",
        ).status_code
        == 200
    )
    staff.post(
        f"/api/v1/tickets/{pid}/messages/",
        {"body": "Zertifikat am SBC getauscht, bitte testen."},
        format="json",
    )
    staff.post(
        f"/api/v1/tickets/{pid}/messages/",
        {"body": "GEHEIM-PLATTFORM: Ursache war ein abgelaufenes Zertifikat", "internal": True},
        format="json",
    )
    staff.post(
        f"/api/v1/tickets/{pid}/attachments/",
        {"file": SimpleUploadedFile("sbc.png", PNG, "image/png"), "internal": True},
        format="multipart",
    )
    staff.post(f"/api/v1/tickets/{pid}/transition/", {"state": "resolved"}, format="json")

    # The reseller reads the platform ticket, but not the platform's internal note.
    reseller_view = _texts(reseller, [f"/api/v1/tickets/{pid}/messages/"])
    assert "Zertifikat am SBC" in reseller_view and "GEHEIM-PLATTFORM" not in reseller_view
    assert "Zweitlevel" in _texts(reseller, [f"/api/v1/tickets/{pid}/history/"])
    # The reseller notes internally and answers its customer in its own words.
    reseller.post(
        f"/api/v1/tickets/{tid}/messages/",
        {"body": "GEHEIM-RESELLER: Plattform-Ticket abwarten", "internal": True},
        format="json",
    )
    reseller.post(
        f"/api/v1/tickets/{tid}/messages/",
        {"body": "Die Störung ist behoben, bitte prüfen Sie."},
        format="json",
    )
    reseller.post(f"/api/v1/tickets/{tid}/transition/", {"state": "resolved"}, format="json")

    seen = _texts(
        customer,
        [
            "/api/v1/tickets/",
            f"/api/v1/tickets/{tid}/",
            f"/api/v1/tickets/{tid}/messages/",
            f"/api/v1/tickets/{tid}/history/",
            f"/api/v1/tickets/{tid}/attachments/",
            "/api/v1/audit-events/",
        ],
    )
    assert "Die Störung ist behoben" in seen
    for secret in (
        "paula",
        "Paula",
        "Zweitlevel",
        "GEHEIM",
        platform["number"],
        pid,
        "escalated_to_platform",
        "platform_ticket",
        '"platform"',
    ):
        assert secret not in seen, secret
    detail = customer.get(f"/api/v1/tickets/{tid}/").json()
    assert "level" not in detail and "escalations" not in detail and "parent" not in detail
    assert detail["state"] == "resolved"
    # The platform ticket answers the customer like an id that does not exist.
    for url in (f"/api/v1/tickets/{pid}/", f"/api/v1/tickets/{pid}/messages/"):
        foreign = customer.get(url)
        assert (foreign.status_code, foreign.json()) == (404, NOT_FOUND)
    unknown = customer.get(f"/api/v1/tickets/{uuid.uuid4()}/")
    assert unknown.json() == NOT_FOUND
    listed = customer.get("/api/v1/tickets/").json()
    assert [row["id"] for row in listed["results"]] == [tid]


def test_a_reseller_records_a_call_with_the_support_pin(world: World, api: Api) -> None:
    customer_admin = api(world.customer_admin_a1)
    settings = customer_admin.patch(
        f"/api/v1/customer-support/{world.customer_a1.pk}/", {"support_pin": "4711"}, format="json"
    )
    assert settings.json() == {
        "id": str(world.customer_a1.pk),
        "has_support_pin": True,
        "end_users_may_open_tickets": False,
    }
    reseller = api(world.reseller_admin_a)
    body = {
        **report(reporter_name="Erika Anruferin"),
        "customer": str(world.customer_a1.pk),
        "reseller_reference": "RS-0815",
    }
    wrong = reseller.post("/api/v1/tickets/", {**body, "support_pin": "1111"}, format="json")
    assert wrong.status_code == 400
    assert wrong.json() == {
        "error": "support_pin_wrong",
        "message": "Die Support-PIN stimmt nicht.",
        "fields": {"support_pin": ["Die Support-PIN stimmt nicht."]},
    }
    right = reseller.post("/api/v1/tickets/", {**body, "support_pin": "4711"}, format="json")
    assert right.status_code == 201, right.json()
    assert right.json()["identified_by"] == "pin"
    assert right.json()["reseller_reference"] == "RS-0815"
    assert "support_pin" not in right.json()


def test_refusals_are_german_from_the_catalogue_and_english_on_request(
    world: World, api: Api
) -> None:
    client = api(world.customer_admin_a1)
    body = report(severity="")
    german = client.post("/api/v1/tickets/", body, format="json")
    assert german.status_code == 400
    assert german.json()["error"] == "severity_required"
    assert german.json()["message"] == (
        "Eine Störung braucht ihren Schweregrad: kritisch, wesentlich oder geringfügig."
    )
    english = client.post("/api/v1/tickets/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["message"].startswith("A fault needs its severity")


def test_moves_the_rules_refuse_answer_409(world: World, api: Api) -> None:
    ticket = _open(api(world.customer_admin_a1))
    reseller = api(world.reseller_admin_a)
    early = reseller.post(
        f"/api/v1/tickets/{ticket['id']}/transition/", {"state": "resolved"}, format="json"
    )
    assert early.status_code == 200  # a new ticket may be solved at once
    again = reseller.post(
        f"/api/v1/tickets/{ticket['id']}/transition/",
        {"state": "waiting_for_customer"},
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["message"] == (
        "Ein Ticket kann nicht von „gelöst“ nach „wartet auf Kunden“ wechseln."
    )
    denied = api(world.customer_admin_a1).post(
        f"/api/v1/tickets/{ticket['id']}/acknowledge/",
        {"kind": "fault", "severity": "minor", "estimated_resolution_at": _later(5)},
        format="json",
    )
    assert denied.status_code == 403


def test_filters_by_state_severity_kind_customer_and_breach(world: World, api: Api) -> None:
    now = timezone.now()
    admin_a1, admin_a2 = world.customer_admin_a1, world.customer_admin_a2
    critical = services.ticket_open(
        customer=world.customer_a1,
        acting_user=admin_a1,
        data=report(),
        now=now - dt.timedelta(days=10),
    )
    minor = services.ticket_open(
        customer=world.customer_a2, acting_user=admin_a2, data=report(severity="minor"), now=now
    )
    request = services.ticket_open(
        customer=world.customer_a1,
        acting_user=admin_a1,
        data=report(kind="service_request", severity=""),
        now=now,
    )
    client = api(world.reseller_admin_a)

    def ids(**params: Any) -> set[str]:
        response = client.get("/api/v1/tickets/", params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {str(critical.pk), str(minor.pk), str(request.pk)}
    assert ids(severity="minor") == {str(minor.pk)}
    assert ids(kind="service_request") == {str(request.pk)}
    assert ids(customer=str(world.customer_a2.pk)) == {str(minor.pk)}
    assert ids(breached="true") == {str(critical.pk)}
    assert ids(breached="false") == {str(minor.pk), str(request.pk)}
    assert ids(state="new") == ids()
    assert ids(state="closed") == set()
    # Another reseller's filter by A's customer matches nothing, like an unknown id.
    other = api(world.reseller_admin_b).get(
        "/api/v1/tickets/", {"customer": str(world.customer_a1.pk)}
    )
    assert other.json()["count"] == 0


def test_the_list_costs_the_same_queries_for_many_tickets(
    world: World, api: Api, components: Services, django_assert_max_num_queries: Any
) -> None:
    for _ in range(8):
        services.ticket_open(
            customer=world.customer_a1,
            acting_user=world.customer_admin_a1,
            data=report(services=[components.telephony, components.portal]),
        )
    client = api(world.reseller_admin_a)
    with django_assert_max_num_queries(9):
        response = client.get("/api/v1/tickets/")
    assert response.json()["count"] == 8


def test_attachments_upload_and_download(world: World, api: Api) -> None:
    customer = api(world.customer_admin_a1)
    ticket = _open(customer)
    uploaded = customer.post(
        f"/api/v1/tickets/{ticket['id']}/attachments/",
        {"file": SimpleUploadedFile("fehler.png", PNG, "image/png")},
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.json()
    aid = uploaded.json()["id"]
    assert uploaded.json()["content_type"] == "image/png"
    download = customer.get(f"/api/v1/tickets/{ticket['id']}/attachments/{aid}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG  # type: ignore[attr-defined]
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"

    internal = api(world.reseller_admin_a).post(
        f"/api/v1/tickets/{ticket['id']}/attachments/",
        {"file": SimpleUploadedFile("log.txt", b"Trace", "text/plain"), "internal": True},
        format="multipart",
    )
    assert internal.status_code == 201
    hidden = customer.get(f"/api/v1/tickets/{ticket['id']}/attachments/{internal.json()['id']}/")
    assert (hidden.status_code, hidden.json()) == (404, NOT_FOUND)
    for outsider in (world.customer_admin_a2, world.reseller_admin_b):
        foreign = api(outsider).get(f"/api/v1/tickets/{ticket['id']}/attachments/{aid}/")
        assert (foreign.status_code, foreign.json()) == (404, NOT_FOUND)
    malformed = customer.get(f"/api/v1/tickets/{ticket['id']}/attachments/not-an-id/")
    assert malformed.status_code == 404

    refused = customer.post(
        f"/api/v1/tickets/{ticket['id']}/attachments/",
        {"file": SimpleUploadedFile("tool.exe", b"MZ\x90\x00", "image/png")},
        format="multipart",
    )
    assert refused.status_code == 400
    assert refused.json()["error"] == "attachment_type_not_allowed"
    assert refused.json()["message"].startswith("Dateien dieser Art können nicht angehängt")


def test_the_reseller_sets_its_service_hours(world: World, api: Api) -> None:
    client = api(world.reseller_admin_a)
    url = f"/api/v1/support-desks/{world.reseller_a.pk}/"
    assert client.get(url).json()["hours"]["0"] == [["08:00", "17:00"]]
    bad = client.patch(url, {"hours": {"0": [["17:00", "08:00"]]}}, format="json")
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_service_hours"
    good = client.patch(
        url,
        {"hours": {"0": [["07:30", "12:00"], ["13:00", "18:00"]]}, "federal_state": "NW"},
        format="json",
    )
    assert good.status_code == 200, good.json()
    assert good.json()["hours"] == {"0": [["07:30", "12:00"], ["13:00", "18:00"]]}
    assert good.json()["federal_state"] == "NW"
    assert api(world.customer_admin_a1).get(url).status_code == 403


def test_an_end_user_opens_a_ticket_where_allowed(world: World, api: Api) -> None:
    user = api(world.end_user_a1)
    denied = user.post("/api/v1/tickets/", report(), format="json")
    assert denied.status_code == 403
    api(world.customer_admin_a1).patch(
        f"/api/v1/customer-support/{world.customer_a1.pk}/",
        {"end_users_may_open_tickets": True},
        format="json",
    )
    ticket = _open(user)
    assert ticket["identified_by"] == "login"
    assert Ticket.objects.get(pk=ticket["id"]).reporter_account == world.end_user_a1


def test_the_schema_lists_the_support_api(db: None) -> None:
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in (
        "/api/v1/tickets/",
        "/api/v1/tickets/{id}/acknowledge/",
        "/api/v1/tickets/{id}/transition/",
        "/api/v1/tickets/{id}/escalate/",
        "/api/v1/tickets/{id}/messages/",
        "/api/v1/tickets/{id}/attachments/",
        "/api/v1/tickets/{id}/attachments/{attachment_id}/",
        "/api/v1/customer-support/{id}/",
        "/api/v1/support-desks/{id}/",
    ):
        assert path in schema["paths"], path
    severity = schema["components"]["schemas"]["TicketOpenRequest"]["properties"]["severity"]
    assert "keine Anmeldung möglich" in severity["description"]
