"""Checkboxes show their state: a ticked box looks ticked, on every form that has one (hunt
group members FEA-1, billing runs BIL-1)."""

from __future__ import annotations

from typing import Any

import pytest

from provisioning import services
from tests.browser.conftest import login
from tests.factories import build_system, build_world, user_data

pytestmark = pytest.mark.browser

BOOTSTRAP_PRIMARY = "rgb(13, 110, 253)"


def _looks(box: Any) -> dict[str, Any]:
    """What the eye sees of a checkbox: its size and fill colour."""
    return box.evaluate(
        """el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
                   return {width: r.width, height: r.height, fill: s.backgroundColor,
                           check: s.backgroundImage}; }"""
    )


def _assert_shows_ticked(box: Any) -> None:
    assert box.is_checked()
    looks = _looks(box)
    assert looks["width"] < 30 and looks["height"] < 30, looks  # a box, not a text bar
    assert looks["fill"] == BOOTSTRAP_PRIMARY and "url(" in looks["check"], looks


def _assert_shows_unticked(box: Any) -> None:
    assert not box.is_checked()
    looks = _looks(box)
    assert looks["width"] < 30 and looks["height"] < 30, looks
    assert looks["fill"] != BOOTSTRAP_PRIMARY, looks


def test_customer_admin_sees_the_members_ticked_after_saving(live_server, browser) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    system = build_system(world.customer_a1, world.reseller_admin_a)
    admin = world.customer_admin_a1
    ben = services.user_create(
        customer=system.customer,
        acting_user=admin,
        data=user_data(system.site, "11", first_name="Ben", last_name="Berg"),
    )
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, base, admin.username)
        page.click('[data-nav="call_features"]')
        page.click("#hunt-group-create")
        page.fill("#id_name", "Empfang")
        page.select_option("#id_site", label=system.site.name)
        page.get_by_label(ben.name).check()
        page.click("#hunt-group-form button[type=submit]")
        page.wait_for_selector("#hunt-group-list >> text=Empfang")
        page.click("#hunt-group-list >> text=Empfang")
        page.wait_for_selector("#hunt-group-form")
        _assert_shows_ticked(page.get_by_label(ben.name))
        _assert_shows_unticked(page.get_by_label(system.user.name))
        # The operator's weekdays and holiday switch are checkboxes too.
        page.goto(f"{base}/customers/{system.customer.pk}/features/operator/")
        _assert_shows_ticked(page.locator("#id_holidays_are_night"))
        _assert_shows_ticked(page.get_by_label("Mo", exact=True))
        _assert_shows_unticked(page.get_by_label("So", exact=True))
    finally:
        context.close()


def test_billing_run_issues_invoices_by_default_and_shows_it(live_server, browser) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, base, world.finance.username)
        page.goto(f"{base}/finance/runs/")
        _assert_shows_ticked(page.locator("#id_issue"))
        page.get_by_label("Rechnungen sofort ausstellen").uncheck()
        _assert_shows_unticked(page.locator("#id_issue"))
    finally:
        context.close()
