"""Real components the tests talk to, and the rule for when one is missing.

Locally a test whose component is missing is skipped with the reason; in CI (``CI`` set to any
value but empty, ``0``, ``false`` or ``no``: ``true``, ``1``, ``yes`` …) it fails, so nothing
silently stops being tested.
"""

from __future__ import annotations

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

FALSE_VALUES = frozenset({"", "0", "false", "no"})


def ci_enabled(value: str | None) -> bool:
    """Whether a ``CI`` environment value means "running in CI": any non-empty value other
    than 0/false/no (CI services set ``true``, ``1`` or ``yes``)."""
    return (value or "").strip().lower() not in FALSE_VALUES


IN_CI = ci_enabled(os.environ.get("CI"))
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
