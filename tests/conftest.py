from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from provisioning.models import Account
from tests.factories import World, build_world
from tests.template_variables import STRING_IF_INVALID


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    """Tests need no slow key stretching; production keeps Django's default hashers."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """Every test starts in the platform's default language: a request with
    ``Accept-Language: en`` leaves English active in the thread, which would leak into the next
    test's service calls."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _no_throttle_counts() -> None:
    """Failed logins and the like are counted in the cache (provisioning.throttle), per process
    in tests: every test starts with none, whatever the tests before it tried."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


@pytest.fixture(autouse=True, scope="session")
def _portal_templates_refuse_unknown_variables() -> None:
    """An unknown variable in a portal template fails the test (tests/template_variables.py);
    the setting is made for the whole run, so templates are compiled only once."""
    from django.conf import settings
    from django.test.signals import reset_template_engines

    engines: list[dict[str, Any]] = settings.TEMPLATES
    for engine in engines:
        if engine["BACKEND"] == "django.template.backends.django.DjangoTemplates":
            engine.setdefault("OPTIONS", {})["string_if_invalid"] = STRING_IF_INVALID
    reset_template_engines(setting="TEMPLATES")


@pytest.fixture(autouse=True, scope="session")
def _flush_with_triggers_off() -> Iterator[None]:
    """On PostgreSQL the history tables refuse TRUNCATE (AUD-1, LIC-6, BIL-5), which Django uses
    to empty the test database after each transactional test. The run's superuser empties it
    the way a restore tool loads data: with triggers off for that one transaction."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    sql_flush = DatabaseOperations.sql_flush

    def flush_with_triggers_off(self: Any, style: Any, tables: Any, **kwargs: Any) -> list[str]:
        statements: list[str] = sql_flush(self, style, tables, **kwargs)
        return ["SET LOCAL session_replication_role = replica", *statements] if statements else []

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", flush_with_triggers_off)
        yield


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def api() -> Callable[[Account | None], APIClient]:
    """An API client logged in as the given account (session), or anonymous."""

    def make(account: Account | None = None) -> APIClient:
        client = APIClient()
        if account is not None:
            client.force_login(account)
        return client

    return make
