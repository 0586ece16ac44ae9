"""The portal works under its Content-Security-Policy (portal/csp.py): headless Chromium loads the
login page, dashboards, an htmx search, a page whose field selects itself on focus and one with
progress bars, and fails on any console error — a blocked inline script or style is one."""

from __future__ import annotations

from typing import Any

import pytest

from status import services as status_services
from tests.browser.conftest import login
from tests.factories import build_system, build_world

pytestmark = pytest.mark.browser


def _watch(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_portal_pages_run_under_the_policy_without_console_errors(live_server, browser) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    build_system(world.customer_a1, world.reseller_admin_a)  # the dashboard's htmx banner
    status_services.component_create(acting_user=world.staff, data={"name_de": "Telefonie"})
    base = live_server.url
    visited: list[str] = []

    def visit(page: Any, path: str) -> None:
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
        visited.append(path)

    for account, paths in [
        (world.reseller_admin_a, ["/", "/customers/", "/api-keys/"]),
        (world.customer_admin_a1, ["/"]),
        (world.staff, ["/service-status/availability/", "/status/"]),
    ]:
        context = browser.new_context(locale="de-DE")
        page = context.new_page()
        page.set_default_timeout(15_000)
        errors = _watch(page)
        try:
            visit(page, "/login/")
            login(page, base, account.username)
            for path in paths:
                visit(page, path)
                if path == "/customers/":
                    # htmx still works: the live search narrows the table without a page load.
                    page.fill("#id_q", world.customer_a1.company_name)
                    page.wait_for_function(
                        "() => document.querySelectorAll('#customer-table tbody tr').length === 1"
                    )
                if path == "/api-keys/":
                    page.fill("#api-key-create input[name=name]", "Warenwirtschaft")
                    page.click("#api-key-create button[type=submit]")
                    page.wait_for_selector("#raw-key")
                    page.focus("#raw-key")
                    selected = "() => { const f = document.querySelector('#raw-key');"
                    selected += " return f.selectionEnd - f.selectionStart; }"
                    assert page.evaluate(selected) == len(page.input_value("#raw-key"))
                if path == "/service-status/availability/":
                    bar = page.locator("[data-progress]").first
                    assert bar.evaluate("b => b.style.width") == "0%"
        finally:
            context.close()
        assert errors == [], (account.username, visited, errors)


def test_an_injected_inline_script_is_blocked_and_reported(live_server, browser) -> None:  # type: ignore[no-untyped-def]
    """The check above would see a violation: the browser refuses the script and logs it."""
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    errors = _watch(page)
    try:
        page.goto(f"{live_server.url}/login/")
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.injected = true'; document.body.appendChild(s); }"
        )
        page.wait_for_timeout(200)
        assert page.evaluate("() => window.injected === undefined")
    finally:
        context.close()
    assert any("Content Security Policy" in error for error in errors), errors
