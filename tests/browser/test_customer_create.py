"""A reseller admin logs in with headless Chromium and creates a customer through the portal."""

from __future__ import annotations

from pathlib import Path

import pytest

from provisioning.models import AuditEvent, Customer
from tests.factories import PASSWORD, build_world

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]
)
def test_reseller_admin_creates_customer(live_server, browser, tmp_path: Path, viewport) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    context = browser.new_context(viewport=viewport, locale="de-DE")  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/customers/")
        assert "/login/" in page.url
        assert page.locator("html").get_attribute("lang") == "de"
        page.fill("#id_username", world.reseller_admin_a.username)
        page.fill("#id_password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/customers/")

        page.click("#customer-create")
        page.wait_for_url(f"{live_server.url}/customers/new/")
        page.fill("#id_company_name", "Bäckerei Schmidt GmbH")
        page.fill("#id_street", "Lindenstraße 5")
        page.fill("#id_postal_code", "!!")  # wrong first: the error appears beside the field
        page.fill("#id_city", "Köln")
        page.select_option("#id_federal_state", "NW")
        page.fill("#id_contact_email", "jana@baeckerei.example")
        page.click("#customer-form button[type=submit]")
        page.wait_for_selector("#id_postal_code-error")
        assert page.input_value("#id_company_name") == "Bäckerei Schmidt GmbH"
        page.fill("#id_postal_code", "50667")
        page.click("#customer-form button[type=submit]")
        page.wait_for_selector("#customer-state")
        assert "Der Kunde wurde angelegt." in page.content()

        page.goto(f"{live_server.url}/customers/")
        table = page.locator("#customer-table")
        assert table.get_by_text("Bäckerei Schmidt GmbH").is_visible()

        # Live search (htmx) narrows the table without a page load.
        page.fill("#id_q", "Bäckerei")
        page.wait_for_function(
            "() => document.querySelectorAll('#customer-table tbody tr').length === 1"
        )
        assert table.get_by_text(world.customer_a1.company_name).count() == 0
        page.screenshot(path=str(tmp_path / f"customers-{viewport['width']}.png"), full_page=True)
    finally:
        context.close()

    customer = Customer.objects.get(company_name="Bäckerei Schmidt GmbH")
    assert customer.reseller == world.reseller_a
    assert AuditEvent.objects.get(object_id=str(customer.pk), action="create").channel == "portal"
