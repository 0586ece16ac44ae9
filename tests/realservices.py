"""Real components the tests talk to, and the rule for when one is missing.

Locally a test whose component is missing is skipped with the reason; in CI (``CI=true``) it
fails, so nothing silently stops being tested.
"""

from __future__ import annotations

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
REDIS_URL = os.environ.get("STIMME_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("STIMME_CHROMIUM", "/usr/bin/chromium")


def require(condition: bool, reason: str) -> None:
    """Skip (locally) or fail (in CI) the calling test unless ``condition`` holds."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required component missing in CI: {reason}")
    pytest.skip(reason)


def tcp_reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 1
        ):
            return True
    except OSError:
        return False


def require_redis() -> str:
    require(tcp_reachable(REDIS_URL, 6379), f"Redis not reachable at {REDIS_URL}")
    return REDIS_URL


def require_chromium() -> str:
    require(
        os.path.exists(CHROMIUM) or shutil.which("chromium") is not None,
        f"Chromium not installed at {CHROMIUM}",
    )
    return CHROMIUM if os.path.exists(CHROMIUM) else str(shutil.which("chromium"))


def require_postgresql(vendor: str) -> None:
    require(vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL=postgres://...)")
