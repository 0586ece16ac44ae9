"""Shared set-up of the browser tests: headless Chromium (the system's, see
``tests.realservices.require_chromium``) driven by Playwright's sync API."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from provisioning.models import Account
from provisioning.permissions import needs_second_factor
from tests.factories import PASSWORD, enrol_second_factor, second_factor_code
from tests.realservices import require_chromium

# pytest-django's live_server runs in a thread while Playwright's sync API drives an event
# loop in the test thread; Django refuses ORM calls from such a thread unless told otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser() -> Iterator[Any]:
    """One headless Chromium per test (skipped locally, failed in CI, when it is missing)."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


def login(page, base_url: str, username: str) -> None:  # type: ignore[no-untyped-def]
    """Log in through the login form — and, for a login that needs one, the second step with
    a code from the known test secret (enrolled here if missing) — and wait for the
    dashboard."""
    account = Account.objects.get(username=username)
    if needs_second_factor(account):
        enrol_second_factor(account)
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    if needs_second_factor(account):
        page.wait_for_url(f"{base_url}/login/code/")
        page.fill("#id_code", second_factor_code(username))
        page.click("#code-form button[type=submit]")
    page.wait_for_url(f"{base_url}/")


@pytest.fixture
def chromium(browser: Any) -> Any:
    """The same browser under the name some tests use."""
    return browser
