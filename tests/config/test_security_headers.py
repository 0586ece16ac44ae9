"""Security headers on every page: a Content-Security-Policy without inline script, no framing,
no MIME sniffing, a referrer policy, and HSTS over HTTPS (portal/csp.py, config/settings.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.factories import World

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = [ROOT / "portal" / "templates", ROOT / "status" / "templates"]


def _directives(response: Any) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def _assert_hardened(response: Any, *, inline_styles: bool) -> None:
    assert response.status_code == 200
    csp = _directives(response)
    assert csp["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["default-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["style-src"] == ("'self' 'unsafe-inline'" if inline_styles else "'self'")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_portal_pages_carry_the_strict_policy(world: World) -> None:
    _assert_hardened(Client().get("/login/"), inline_styles=False)
    client = Client()
    client.force_login(world.reseller_admin_a)
    _assert_hardened(client.get("/"), inline_styles=False)
    _assert_hardened(client.get("/customers/"), inline_styles=False)


@pytest.mark.django_db
def test_public_status_page_carries_the_policy_with_its_inline_stylesheet() -> None:
    _assert_hardened(Client().get("/status/"), inline_styles=True)


def test_hsts_only_over_https(world: World, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    assert "Strict-Transport-Security" not in Client().get("/login/")
    secure = Client().get("/login/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000"


def _settings(**env: str) -> list[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("STIMME_HSTS", "STIMME_SECURE"))
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings';"
            "django.setup(); from django.conf import settings as s;"
            "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
            " getattr(s, 'SECURE_PROXY_SSL_HEADER', None))",
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.stdout.split()


def test_hsts_follows_the_environment(tmp_path: Path) -> None:
    var = str(tmp_path)
    assert _settings(STIMME_VAR_DIR=var) == ["0", "False", "None"]
    assert _settings(STIMME_VAR_DIR=var, STIMME_SECURE_COOKIES="true")[0] == "31536000"
    assert _settings(
        STIMME_VAR_DIR=var,
        STIMME_HSTS_SECONDS="600",
        STIMME_HSTS_INCLUDE_SUBDOMAINS="yes",
        STIMME_TRUST_X_FORWARDED_PROTO="true",
    ) == ["600", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
# Pages under a path allowed inline styles (settings.CSP_INLINE_STYLE_PATHS).
INLINE_STYLES_ALLOWED = ("status/public/", "portal/status/public_")


def test_no_template_has_inline_script_or_style() -> None:
    """The policy forbids them, so none may creep back in (the portal's behaviour lives in
    portal/static/portal/portal.js, its rules in portal.css)."""
    found = []
    for folder in TEMPLATES:
        for path in sorted(folder.rglob("*.html")):
            name = str(path.relative_to(folder))
            text = path.read_text()
            if INLINE_SCRIPT.search(text) or EVENT_HANDLER.search(text):
                found.append(f"inline script: {name}")
            if STYLE.search(text) and not name.startswith(INLINE_STYLES_ALLOWED):
                found.append(f"inline style: {name}")
    assert found == []
