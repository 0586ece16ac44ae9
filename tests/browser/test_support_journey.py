"""A critical fault from the customer to the platform and back, in the portal (SUP-1, SUP-4,
SUP-5, TEN-3): the customer's admin opens it, the reseller acknowledges it with an estimate,
writes an internal note and escalates; platform staff answer on the platform ticket; the
reseller tells the customer in its own words. The customer reads only the reseller's public
replies: no internal note, no platform ticket, no name of platform staff.

Screenshots of the queue and the ticket (customer and reseller) go to /tmp/support-shots/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from provisioning.models import Account
from status import services as status_services
from support.models import Ticket
from tests.browser.conftest import login
from tests.factories import build_world

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/support-shots")
INTERNAL = "Intern: Zertifikat am SBC abgelaufen?"
PLATFORM_REPLY = "Zertifikat am SBC erneuert, Registrierungen laufen wieder."
PUBLIC_REPLY = "Die Telefone melden sich wieder an. Bitte prüfen Sie kurz."


ERRORS: list[str] = []


def _session(browser: Any, base: str, account: Account) -> Any:
    """A signed-in page of its own; console and page errors are collected in ``ERRORS``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("console", lambda m: ERRORS.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: ERRORS.append(str(e)))
    login(page, base, account.username)
    return page


def _reply(page: Any, text: str, *, internal: bool = False) -> None:
    page.fill("#reply-form textarea[name=body]", text)
    if internal:
        page.check("#reply-form input[name=internal]")
    page.click("#reply-form button[type=submit]")
    page.wait_for_selector(f"#messages >> text={text}")


def test_a_critical_fault_travels_to_the_platform_and_back(  # type: ignore[no-untyped-def]
    live_server, browser, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    ERRORS.clear()
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    world = build_world()
    Account.objects.filter(pk=world.staff.pk).update(first_name="Petra", last_name="Plattform")
    Account.objects.filter(pk=world.reseller_admin_a.pk).update(
        first_name="Rita", last_name="Reseller"
    )
    telephony = status_services.component_create(
        acting_user=world.staff, data={"name_de": "Telefonie", "position": 1}
    )
    status_services.component_create(acting_user=world.staff, data={"name_de": "Portal"})

    # The customer's admin opens a critical fault, reading the definitions while choosing.
    customer = _session(browser, base, world.customer_admin_a1)
    customer.goto(f"{base}/support/")
    customer.click("#ticket-open")
    assert "Kernfunktion ist ausgefallen" in customer.locator("#ticket-open-form").inner_text()
    customer.check("input[name=kind][value=fault]")
    customer.check("input[name=severity][value=critical]")
    customer.fill("#id_title", "Keine Telefonie in der Zentrale")
    customer.fill("#id_description", "Seit 07:45 zeigen alle Telefone „Keine Registrierung“.")
    customer.check("#id_all_workstations")
    customer.check("input[name=reproducible][value=yes]")
    customer.check(f"input[name=services][value='{telephony.pk}']")
    customer.fill("#id_reporter_phone", "+49 30 1234567")
    customer.click("#ticket-open-form button[type=submit]")
    customer.wait_for_selector("#ticket-badges")
    ticket = Ticket.objects.get()
    assert ticket.severity == "critical" and ticket.services.get() == telephony
    assert "kritisch" in customer.locator("#ticket-badges").inner_text()

    # The reseller acknowledges with an estimate, notes internally and escalates.
    reseller = _session(browser, base, world.reseller_admin_a)
    reseller.goto(f"{base}/support/")
    assert ticket.number in reseller.locator("#ticket-table").inner_text()
    reseller.screenshot(path=str(SHOTS / "queue-reseller.png"), full_page=True)
    reseller.click(f"text={ticket.number}")
    estimate = timezone.localtime() + dt.timedelta(hours=3)
    reseller.fill("#id_ack-estimated_resolution_at", estimate.strftime("%Y-%m-%dT%H:%M"))
    reseller.fill("#id_ack-message", "Wir prüfen die Registrierung.")
    reseller.click("#acknowledge-form button[type=submit]")
    reseller.wait_for_selector("#state-form")
    assert "bestätigt" in reseller.locator("#ticket-badges").inner_text()
    _reply(reseller, INTERNAL, internal=True)
    reseller.fill("#id_esc-note", "SIP-Registrierung scheitert seit 07:45 für alle Geräte.")
    reseller.click("#escalate-form button[type=submit]")
    reseller.wait_for_selector("#parent-ticket")
    platform_ticket = Ticket.objects.get(parent=ticket)
    assert platform_ticket.number in reseller.locator("h1").inner_text()

    # Platform staff answer on the platform ticket.
    staff = _session(browser, base, world.staff)
    staff.goto(f"{base}/support/")
    staff.click(f"text={platform_ticket.number}")
    _reply(staff, PLATFORM_REPLY)

    # The reseller reads it there and tells its customer in its own words.
    reseller.reload()
    assert PLATFORM_REPLY in reseller.locator("#messages").inner_text()
    assert "Petra Plattform" in reseller.locator("#messages").inner_text()
    reseller.click("#parent-ticket a")
    _reply(reseller, PUBLIC_REPLY)
    assert platform_ticket.number in reseller.locator("body").inner_text()
    reseller.screenshot(path=str(SHOTS / "ticket-reseller.png"), full_page=True)

    # The customer reads the reseller's public replies only.
    customer.reload()
    text = customer.locator("body").inner_text()
    assert PUBLIC_REPLY in text and "Wir prüfen die Registrierung." in text
    for hidden in (INTERNAL, PLATFORM_REPLY, "Petra", "Plattform", platform_ticket.number):
        assert hidden not in text, hidden
    customer.screenshot(path=str(SHOTS / "ticket-customer.png"), full_page=True)
    customer.goto(f"{base}/support/")
    customer.screenshot(path=str(SHOTS / "queue-customer.png"), full_page=True)
    assert customer.goto(f"{base}/support/tickets/{platform_ticket.pk}/").status == 404
    # The 404 above is the only error the console may report.
    assert [e for e in ERRORS if "404" not in e] == []
