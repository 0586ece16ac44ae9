"""Forgotten passwords: the reset form reveals nothing and the mailed link sets a new password."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client

from tests.factories import World


def _without_csrf(html: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def test_reset_form_answers_alike_for_known_and_unknown_addresses(world: World) -> None:
    client = Client()
    known = client.post("/password/reset/", {"email": world.customer_admin_a1.email}, follow=True)
    unknown = client.post("/password/reset/", {"email": "nobody@nowhere.example"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert _without_csrf(known.content) == _without_csrf(unknown.content)
    assert [m.to for m in mail.outbox] == [[world.customer_admin_a1.email]]


def test_mailed_link_sets_a_new_password(world: World) -> None:
    client = Client()
    client.post("/password/reset/", {"email": world.reseller_admin_a.email})
    path = next(w for w in mail.outbox[0].body.split() if "/password/reset/" in w).split(
        "testserver", 1
    )[1]
    form = client.get(path, follow=True)
    assert form.context["validlink"]
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Herbst-Laub-2026", "new_password2": "Herbst-Laub-2026"},
    )
    world.reseller_admin_a.refresh_from_db()
    assert world.reseller_admin_a.check_password("Herbst-Laub-2026")
    reused = Client().get(path, follow=True)
    assert reused.context["validlink"] is False
