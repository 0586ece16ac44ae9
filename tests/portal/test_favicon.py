"""Browsers find the portal's icon: linked from every page and at /favicon.ico, where they also
ask for it on their own (no 404 on any page)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import World

pytestmark = pytest.mark.django_db


def _icon_href(html: str) -> str:
    match = re.search(r'<link rel="icon"[^>]*href="([^"]+)"', html)
    assert match, "no icon linked"
    return match.group(1)


def test_every_page_links_an_icon_that_exists(world: World) -> None:
    anonymous = Client()
    login_page = anonymous.get(reverse("portal:login")).content.decode()
    href = _icon_href(login_page)
    icon = anonymous.get(href)
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content).startswith(b"\x00\x00\x01\x00")  # an ICO file
    staff = Client()
    staff.force_login(world.staff)
    assert _icon_href(staff.get(reverse("portal:dashboard")).content.decode()) == href


def test_favicon_ico_is_answered_where_browsers_ask_for_it() -> None:
    response = Client().get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain and response.redirect_chain[-1][0].endswith("/favicon.ico")
