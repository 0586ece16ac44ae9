from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from provisioning.models import NetworkCheck, Site
from tests.factories import System, World, build_system

from .helpers import UPLOAD_URL, bearer, new_token, result_doc


@pytest.fixture
def system_a1(world: World) -> System:
    return build_system(world.customer_a1, world.reseller_admin_a)


@pytest.fixture
def site_a1(system_a1: System) -> Site:
    return system_a1.site


@pytest.fixture
def upload() -> Callable[..., Any]:
    """POST a result document with a site check token, as the probe does."""

    def post(token: str, doc: Any, **extra: Any) -> Any:
        return APIClient().post(UPLOAD_URL, doc, format="json", **bearer(token), **extra)

    return post


@pytest.fixture
def uploaded_check(world: World, site_a1: Site, upload: Callable[..., Any]) -> NetworkCheck:
    token = new_token(site_a1, world.reseller_admin_a)
    response = upload(token, result_doc(blocked=[("tcp", 1300), ("udp", 24576)]))
    assert response.status_code == 201, response.json()
    return NetworkCheck.objects.get(pk=response.json()["id"])
