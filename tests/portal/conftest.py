from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from provisioning.models import Account


@pytest.fixture
def portal() -> Callable[[Account | None], Client]:
    """A browser-like client of the portal, logged in as the given account (or anonymous)."""

    def make(account: Account | None = None) -> Client:
        client = Client()
        if account is not None:
            client.force_login(account)
        return client

    return make
