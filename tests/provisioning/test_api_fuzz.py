"""The API answers every request generated from its published schema without a server error
and as its schema describes — for a platform staff key and a reseller's key (TEN-2, TEN-4).

``STIMME_FUZZ_REQUESTS`` sets the requests per key (3,000 by default, as in CI); the long run
with its figures is ``bench/fuzz/run.py``."""

from __future__ import annotations

import os

import pytest

from provisioning import services
from tests.fuzzing import fuzz, seed, wsgi_app

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db(transaction=True)]

REQUESTS = int(os.environ.get("STIMME_FUZZ_REQUESTS", "3000"))


@pytest.fixture
def wsgi(settings):  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = ["*"]
    with wsgi_app() as app:
        yield app


@pytest.mark.parametrize("actor", ["staff", "reseller_admin_a"])
def test_api_answers_generated_requests_as_its_schema_says(wsgi, actor: str) -> None:
    world = seed()
    _, key = services.api_key_create(acting_user=getattr(world, actor), name="fuzz")
    report = fuzz(wsgi, key, requests=REQUESTS)
    assert report.requests >= REQUESTS // 2
    assert not report.findings, report.summary()
