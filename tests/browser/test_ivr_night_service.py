"""A customer admin builds an IVR in front of a hunt group, sets night service, and the call
trace for a Sunday call shows the night target (FEA-1, FEA-3, FEA-4) — in headless Chromium."""

from __future__ import annotations

import pytest

from provisioning import services
from provisioning.models import HuntGroup
from tests.factories import PASSWORD, build_system, build_world, user_data

pytestmark = pytest.mark.browser


def test_admin_builds_ivr_with_night_service_and_traces_a_sunday_call(live_server, browser) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    system = build_system(world.customer_a1, world.reseller_admin_a)
    admin = world.customer_admin_a1
    ben = services.user_create(
        customer=system.customer, acting_user=admin, data=user_data(system.site, "11")
    )
    for n, user in enumerate((system.user, ben), start=1):
        services.device_create(
            customer=system.customer,
            acting_user=admin,
            data={
                "site": system.site,
                "model": "IP222",
                "mac_address": f"00:90:33:20:00:{n:02d}",
                "subscriber": user,
            },
        )
    base = f"{live_server.url}/customers/{system.customer.pk}/features/"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(base)
        page.fill("#id_username", admin.username)
        page.fill("#id_password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(base)

        # A hunt group with both users.
        page.click("#hunt-group-create")
        page.fill("#id_name", "Empfang")
        page.select_option("#id_site", str(system.site.pk))
        page.fill("#id_extension", "20")
        page.check(f"input[name=members][value='{system.user.pk}']")
        page.check(f"input[name=members][value='{ben.pk}']")
        page.click("#hunt-group-form button[type=submit]")
        page.wait_for_url(base)
        assert page.locator("#hunt-group-list").get_by_text("Empfang").is_visible()
        group = HuntGroup.objects.get(name="Empfang")

        # An IVR in front of the group: key 1 and no input go to the group.
        page.click("#ivr-create")
        page.fill("#id_name", "Begrüßung")
        page.select_option("#id_digit_1", f"hunt_group:{group.pk}")
        page.select_option("#id_on_timeout", f"hunt_group:{group.pk}")
        page.click("#ivr-form button[type=submit]")
        page.wait_for_url(base)
        assert page.locator("#ivr-list").get_by_text("Begrüßung").is_visible()

        # Operator: by day the menu, at night a mobile number; Mon–Fri 08:00–17:00.
        page.click("#operator-edit")
        page.select_option("#id_day_target", f"hunt_group:{group.pk}")
        page.select_option("#id_ivr_menu", label="Begrüßung")
        page.select_option("#id_night_target", "external")
        page.fill("#id_night_number", "+49 170 1234567")
        page.fill("#id_day_start", "08:00")
        page.fill("#id_day_end", "17:00")
        page.click("#operator-form button[type=submit]")
        page.wait_for_url(base)
        assert "Die Zentrale wurde gespeichert." in page.content()

        # The call trace for a Sunday call to the main number shows the night target.
        page.click("#tab-trace")
        page.fill("#id_dialled", "0")
        page.fill("#id_caller_number", "+49 89 1234567")
        page.fill("#id_at", "Sonntag 10:00")
        page.click("#trace-form button[type=submit]")
        page.wait_for_selector("#trace-result")
        assert "Nachtbetrieb" in page.inner_text("#trace-service")
        flow = page.inner_text("#trace-result")
        assert "+491701234567" in flow
        assert "Nachtbetrieb: Sonntag" in flow and "night service" not in flow

        # The same number on a weekday morning runs the menu in front of the group.
        page.fill("#id_at", "2026-11-25T10:00")
        page.click("#trace-form button[type=submit]")
        page.wait_for_selector("#trace-result")
        assert "Tagbetrieb" in page.inner_text("#trace-service")
        assert "Begrüßung" in page.inner_text("#trace-result")
    finally:
        context.close()
