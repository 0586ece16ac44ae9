"""SUP-5: a reason-for-outage report on a resolved fault — written by the reseller or platform
staff, read by the reseller, by the customer only once the reseller shares it, as JSON and as
PDF; linked to a status page incident, which the public page never shows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from provisioning.models import Account, AuditEvent
from status import services as status_services
from support import selectors, services
from support.models import OutageReport, Ticket
from tests.billing.pdf_reading import text_of
from tests.factories import World

from .conftest import OpenTicket, Services, acknowledge, berlin

MONDAY_9 = berlin(2026, 9, 7, 9, 0)
Api = Callable[[Account | None], APIClient]
REPORT = (
    "Ursache: ein fehlerhaftes Zertifikat am SIP-Proxy.\n\nMaßnahme: erneuert, Überwachung ergänzt."
)


@pytest.fixture
def resolved(world: World, open_ticket: OpenTicket) -> Ticket:
    ticket = open_ticket(MONDAY_9, severity="critical")
    acknowledge(ticket, world.reseller_admin_a, berlin(2026, 9, 7, 9, 20), berlin(2026, 9, 7, 12))
    return services.ticket_transition(
        ticket=ticket, acting_user=world.reseller_admin_a, state="resolved"
    )


def url(ticket: Ticket, suffix: str = "/") -> str:
    return f"/api/v1/tickets/{ticket.pk}/outage-report{suffix}"


def test_the_reseller_writes_and_shares_the_report(
    world: World, api: Api, resolved: Ticket
) -> None:
    reseller, customer = api(world.reseller_admin_a), api(world.customer_admin_a1)
    none_yet = reseller.get(url(resolved))
    assert none_yet.status_code == 404
    written = reseller.put(url(resolved), {"text": REPORT}, format="json")
    assert written.status_code == 200, written.json()
    assert written.json()["text"] == REPORT and written.json()["shared_with_customer"] is False
    # Not shared yet: the customer gets the answer of a ticket without a report.
    hidden = customer.get(url(resolved))
    assert (hidden.status_code, hidden.json()) == (404, none_yet.json())
    assert customer.get(url(resolved, ".pdf")).status_code == 404
    assert not AuditEvent.objects.filter(
        object_id=str(OutageReport.objects.get().pk), customer_id=world.customer_a1.pk
    ).exists()
    shared = reseller.put(
        url(resolved), {"text": REPORT, "shared_with_customer": True}, format="json"
    )
    assert shared.json()["shared_with_customer"] is True
    read = customer.get(url(resolved))
    assert read.status_code == 200 and read.json()["text"] == REPORT
    pdf = customer.get(url(resolved, ".pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    text = text_of(pdf.content)
    assert resolved.number in text and "fehlerhaftes Zertifikat" in text and "Maßnahme" in text
    # The customer cannot write it, nor can another reseller reach it.
    assert customer.put(url(resolved), {"text": "x"}, format="json").status_code == 403
    assert api(world.reseller_admin_b).get(url(resolved)).status_code == 404


def test_platform_staff_write_it_and_the_customer_reads_the_resellers_team(
    world: World, api: Api, resolved: Ticket
) -> None:
    staff = api(world.staff)
    assert staff.put(url(resolved), {"text": REPORT}, format="json").status_code == 200
    # Sharing is the reseller's decision.
    refused = staff.put(
        url(resolved), {"text": REPORT, "shared_with_customer": True}, format="json"
    )
    assert refused.status_code == 403
    api(world.reseller_admin_a).put(
        url(resolved), {"text": REPORT, "shared_with_customer": True}, format="json"
    )
    services.outage_report_save(ticket=resolved, acting_user=world.staff, text=REPORT + " Ende.")
    seen = api(world.customer_admin_a1).get(url(resolved)).json()
    assert seen["written_by_name"] == f"Support {world.reseller_a.company_name}"
    assert world.staff.username not in text_of(
        api(world.customer_admin_a1).get(url(resolved, ".pdf")).content
    )


def test_only_a_resolved_fault_has_a_report(
    world: World, api: Api, open_ticket: OpenTicket
) -> None:
    reseller = api(world.reseller_admin_a)
    still_open = open_ticket(MONDAY_9, severity="minor")
    answer = reseller.put(url(still_open), {"text": REPORT}, format="json")
    assert answer.status_code == 409 and answer.json()["error"] == "outage_report_needs_resolution"
    request = open_ticket(MONDAY_9, kind="service_request")
    services.ticket_transition(ticket=request, acting_user=world.reseller_admin_a, state="resolved")
    answer = reseller.put(url(request), {"text": REPORT}, format="json")
    assert answer.status_code == 400 and answer.json()["error"] == "outage_report_only_for_faults"
    empty = reseller.put(url(still_open), {"text": "  "}, format="json")
    assert empty.status_code == 400


def test_linked_incident_shows_to_logged_in_people_only(
    world: World, api: Api, resolved: Ticket, components: Services
) -> None:
    incident = status_services.incident_open(
        acting_user=world.staff,
        title_de="Telefonie gestört",
        components=[components.telephony],
        message_de="Wir prüfen.",
    )
    reseller = api(world.reseller_admin_a)
    answer = reseller.put(
        url(resolved),
        {"text": REPORT, "shared_with_customer": True, "status_event": str(incident.pk)},
        format="json",
    )
    assert answer.json()["status_event"] == str(incident.pk)
    assert answer.json()["status_event_title"] == "Telefonie gestört"
    report = OutageReport.objects.get()
    assert list(selectors.outage_reports_of_event(incident, world.customer_admin_a1)) == [report]
    assert list(selectors.outage_reports_of_event(incident, world.customer_admin_a2)) == []
    assert list(selectors.outage_reports_of_event(incident, world.reseller_admin_b)) == []
    # The public status page knows nothing of it.
    for path in ("/status/", "/status/api/v2/incidents.json", "/status/api/v2/summary.json"):
        answer = api(None).get(path)
        public = answer.content.decode()
        assert answer.status_code == 200 and "Telefonie gestört" in public
        assert resolved.number not in public and "Zertifikat" not in public
        assert str(report.pk) not in public
    unknown = reseller.put(
        url(resolved), {"text": REPORT, "status_event": str(resolved.pk)}, format="json"
    )
    assert unknown.status_code == 400
    # Null unlinks it.
    unlinked = reseller.put(url(resolved), {"text": REPORT, "status_event": None}, format="json")
    assert unlinked.json()["status_event"] is None
