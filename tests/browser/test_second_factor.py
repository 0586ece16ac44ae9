"""In headless Chromium, the second factor's journey for platform staff (TEN-4): the password
leads to enrolment, the recovery codes are shown once, the next login asks for a code, a wrong
code is refused, and a recovery code logs in exactly once."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from tests.factories import PASSWORD, build_world, second_factor_code

pytestmark = pytest.mark.browser


def _password(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")


def _code(page: Any, code: str) -> None:
    page.fill("#id_code", code)
    page.click("#code-form button[type=submit]")


def _log_out(page: Any, base: str) -> None:
    page.click("#logout")
    page.wait_for_url(lambda url: "/login/" in url or url.rstrip("/") == base)


def test_staff_enrols_logs_in_with_a_code_and_with_a_recovery_code_once(
    live_server, browser
) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    staff = world.staff.username
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _password(page, base, staff)
        page.wait_for_url(f"{base}/login/enrol/")
        assert "Zweiten Faktor einrichten" in page.content()
        secret = page.inner_text("#totp-secret").replace(" ", "")
        assert page.inner_text("#totp-uri").startswith("otpauth://totp/")
        page.fill("#id_code", pyotp.TOTP(secret).now())
        page.click("#enrol-form button[type=submit]")
        page.wait_for_url(f"{base}/second-factor/codes/")
        codes = page.locator("#recovery-codes li").all_inner_texts()
        assert len(codes) == 10
        page.click("#codes-done")
        page.wait_for_url(f"{base}/")
        _log_out(page, base)

        _password(page, base, staff)
        page.wait_for_url(f"{base}/login/code/")
        _code(page, "000000")
        assert "Der Code stimmt nicht." in page.content()
        _code(page, second_factor_code(staff, secret))
        page.wait_for_url(f"{base}/")
        _log_out(page, base)

        _password(page, base, staff)
        page.wait_for_url(f"{base}/login/code/")
        _code(page, codes[0])
        page.wait_for_url(f"{base}/")
        _log_out(page, base)

        _password(page, base, staff)
        page.wait_for_url(f"{base}/login/code/")
        _code(page, codes[0])
        assert "Der Code stimmt nicht." in page.content()
        assert page.url == f"{base}/login/code/"
    finally:
        context.close()
