"""A reseller admin sets up a customer's telephone system with the guided set-up (base license,
site, SIP trunk, number block, user) in headless Chromium; then the customer admin logs in and
adds a user (LIC-1, LIC-3, TRK-1, TRK-2, LIC-4)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from provisioning import services
from provisioning.models import AuditEvent, NumberBlock, Subscriber, Trunk
from tests.factories import PASSWORD, build_world, site_data, trunk_data, unique_base_number

pytestmark = pytest.mark.browser

TRUNK_PASSWORD = "sip-Passwort-0815"


def _login(page, base_url: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def _shots() -> Path | None:
    """Where to keep screenshots for a look (``STIMME_SCREENSHOTS``); none by default."""
    target = os.environ.get("STIMME_SCREENSHOTS")
    return Path(target) if target else None


def test_guided_setup_then_customer_admin_adds_a_user(live_server, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    customer = world.customer_a2
    shots = _shots() or tmp_path
    base = live_server.url
    number = unique_base_number()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _login(page, base, world.reseller_admin_a.username)
        page.goto(f"{base}/customers/{customer.pk}/")
        page.click("#setup-start")

        # Step 1: base license.
        page.wait_for_url(f"{base}/customers/{customer.pk}/setup/license/")
        assert page.locator("#license-demolizenz").count() == 0
        page.check("#license-grundlizenz")
        page.click("#license-form button[type=submit]")

        # Step 2: the first site, pre-filled with the customer's address.
        page.wait_for_url(f"{base}/customers/{customer.pk}/setup/sites/")
        assert page.input_value("#id_street") == customer.street
        page.fill("#id_name", "Zentrale")
        page.click("#site-form button[type=submit]")
        page.wait_for_selector("#setup-site-list >> text=Zentrale")
        assert page.locator('[data-step="sites"][data-done="true"]').count() == 1
        page.click("#next-step")

        # Step 3: the SIP trunk; a wrong choice first, the error appears beside its field.
        page.wait_for_url(f"{base}/customers/{customer.pk}/setup/trunks/")
        assert page.input_value("#id_emergency_street") == customer.street
        page.select_option("#id_provider", "other")
        page.select_option("#id_connection_type", "sip_datacenter")
        page.fill("#id_registrar_host", "sip.provider.example")
        page.fill("#id_username", "zentrale-01")
        page.fill("#id_password", TRUNK_PASSWORD)
        page.click("#trunk-form button[type=submit]")
        page.wait_for_selector("#id_provider_name-error")
        page.screenshot(path=str(shots / "trunk-error-1280.png"), full_page=True)
        assert page.input_value("#id_password") == ""  # never sent back
        assert TRUNK_PASSWORD not in page.content()
        page.select_option("#id_provider", "peoplefone")
        page.fill("#id_password", TRUNK_PASSWORD)
        page.click("#trunk-form button[type=submit]")
        page.wait_for_selector("text=Alle Standorte haben ihren SIP-Trunk.")
        page.click("#next-step")

        # Step 4: a number block.
        page.wait_for_url(f"{base}/customers/{customer.pk}/setup/numbers/")
        page.fill("#id_base_number", number)
        page.fill("#id_last_extension", "29")
        page.click("#block-form button[type=submit]")
        page.wait_for_selector(f"#setup-block-list >> text={number}-0 … -29")
        page.click("#next-step")

        # Step 5: a user on a free extension.
        page.wait_for_url(f"{base}/customers/{customer.pk}/setup/users/")
        page.fill("#id_first_name", "Jana")
        page.fill("#id_last_name", "Schmidt")
        page.fill("#id_email", "jana@kunde.example")
        page.select_option("#id_extension", "11")
        page.select_option("#id_package", "volle_stimme")
        page.click("#user-form button[type=submit]")
        page.wait_for_selector("#setup-user-list >> text=Jana Schmidt")
        assert page.locator('#setup-progress [data-done="true"]').count() == 5
        page.screenshot(path=str(shots / "guided-setup-1280.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(shots / "guided-setup-390.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.click("#setup-finish")
        page.wait_for_url(f"{base}/customers/{customer.pk}/system/")
        page.screenshot(path=str(shots / "system-1280.png"), full_page=True)
        page.click("#logout")

        # A second site with its own numbers, so the user form has a choice to make.
        branch = services.site_create(
            customer=customer,
            acting_user=world.reseller_admin_a,
            data=site_data(name="Filiale"),
            extra_site_license=True,
        )
        branch_trunk = services.trunk_create(
            site=branch, acting_user=world.reseller_admin_a, data=trunk_data()
        )
        branch_number = unique_base_number()
        branch_block = services.number_block_create(
            trunk=branch_trunk,
            acting_user=world.reseller_admin_a,
            base_number=branch_number,
            first_extension=200,
            last_extension=209,
        )

        # The customer admin adds a user from the menu.
        _login(page, base, world.customer_admin_a2.username)
        page.click('[data-nav="users"]')
        page.wait_for_selector("#user-table >> text=Jana Schmidt")
        page.click("#user-create")
        page.fill("#id_first_name", "Otto")
        page.fill("#id_last_name", "Berg")
        page.fill("#id_email", "otto@kunde.example")
        assert page.locator("#id_extension option[value='11']").count() == 0  # taken
        # Choosing another site reloads its free extensions in place (htmx).
        page.select_option("#id_site", label="Filiale")
        page.wait_for_selector("#id_extension option[value='200']", state="attached")
        assert page.input_value("#id_first_name") == "Otto"
        page.select_option("#id_site", label="Zentrale")
        page.wait_for_selector("#id_extension option[value='12']", state="attached")
        page.select_option("#id_extension", "12")
        page.select_option("#id_works_at", "home_office")
        page.click("#user-form button[type=submit]")
        page.wait_for_selector("#notice-missing")
        assert f"{number}12" in page.inner_text("#user-number")
        page.screenshot(path=str(shots / "user-detail-1280.png"), full_page=True)
    finally:
        context.close()

    trunk = Trunk.objects.get(site__name="Zentrale", customer=customer)
    assert trunk.get_password() == TRUNK_PASSWORD
    assert NumberBlock.objects.get(trunk=trunk).size == 30
    users = Subscriber.objects.filter(customer=customer).order_by("last_name")
    assert [(u.last_name, u.extension) for u in users] == [("Berg", "12"), ("Schmidt", "11")]
    created = AuditEvent.objects.filter(
        customer_id=customer.pk,
        action="create",
        actor_id__in=[world.reseller_admin_a.pk, world.customer_admin_a2.pk],
    ).exclude(object_id__in=[str(o.pk) for o in (branch, branch_trunk, branch_block)])
    assert created.exists() and all(event.channel == "portal" for event in created)
