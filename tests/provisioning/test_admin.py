"""The Django admin speaks the staff's language: every model, field and the app itself carry
German names that the catalogue translates (German default, English second)."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.utils.functional import Promise

from provisioning import services
from tests.factories import World

pytestmark = pytest.mark.django_db


def _headers(html: str) -> list[str]:
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    cells = re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]


def test_admin_index_and_lists_are_german_for_staff(world: World) -> None:
    services.api_key_create(acting_user=world.reseller_admin_a, name="ERP")
    client = Client()
    client.force_login(world.staff)
    index = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Kunden" in index and "Customers" not in index
    assert "Zugänge" in index and "Protokoll" in index
    assert ">Provisioning<" not in index  # the app's own name is German too
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "provisioning":
            continue
        url = f"/admin/provisioning/{model._meta.model_name}/"
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
        shown = _headers(page)
        for name in model_admin.list_display:
            try:
                field = model._meta.get_field(name)
            except Exception:  # noqa: S112 - a method column, named by its own label
                continue
            english = name.replace("_", " ").capitalize()
            german = str(field.verbose_name)
            assert german != name.replace("_", " "), (model.__name__, name)
            assert english not in shown or english.lower() == german.lower(), (url, shown)
    accounts = _headers(client.get("/admin/provisioning/account/").content.decode())
    assert "Kunde" in accounts and "Customer" not in accounts
    events = _headers(client.get("/admin/provisioning/auditevent/").content.decode())
    assert "Zeitpunkt" in events and "Occurred at" not in events


def test_every_field_of_our_models_has_a_translatable_name() -> None:
    for label in ("provisioning", "status", "support", "portal", "billing"):
        config = apps.get_app_config(label)
        assert isinstance(config.verbose_name, Promise), label
        for model in config.get_models():
            meta = model._meta
            assert isinstance(meta.verbose_name, Promise), model
            assert isinstance(meta.verbose_name_plural, Promise), model
            for field in meta.concrete_fields + meta.many_to_many:
                if field.name == "id" or field.model is not model:
                    continue
                assert isinstance(field.verbose_name, Promise), (model.__name__, field.name)


def test_the_admin_offers_no_django_groups(world, client) -> None:  # type: ignore[no-untyped-def]
    """Rights come from roles; the group pages (with Django's English permission picker) are gone."""
    client.force_login(world.staff)
    assert client.get("/admin/auth/group/add/").status_code == 404
    assert "/admin/auth/group/" not in client.get("/admin/").content.decode()
