"""TEN-2 for ids inside request bodies: wherever a body names an object by id (``members``,
``site``, a routing target ``user:<id>``, ``customer``, ``reseller``, ``invoice`` …), an id that
does not exist, a malformed id and the real id of another tenant get exactly the same answer,
so a caller never learns that an id exists elsewhere."""

from __future__ import annotations

import io
import uuid
import wave
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from provisioning import services
from provisioning.models import (
    Account,
    AudioFile,
    Customer,
    Device,
    HuntGroup,
    IvrMenu,
    Site,
    Subscriber,
)
from tests.factories import System, World, build_system, customer_data

UNKNOWN = "Unbekannte ID."


def _wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x10" * 8000)
    return buffer.getvalue()


@dataclass
class Tenant:
    """A customer's telephone system with one object of every kind a body can name."""

    customer: Customer
    site: Site
    user: Subscriber
    device: Device
    group: HuntGroup
    menu: IvrMenu
    audio: AudioFile


_mac = iter(range(1, 1000))


def _tenant(customer: Customer, actor: Account) -> Tenant:
    system: System = build_system(customer, actor)
    device = services.device_create(
        customer=customer,
        acting_user=actor,
        data={
            "site": system.site,
            "model": "IP222",
            "mac_address": f"00:90:33:20:00:{next(_mac):02x}",
        },
    )
    group = services.hunt_group_create(
        customer=customer,
        acting_user=actor,
        data={"name": "Empfang", "site": system.site, "members": [system.user]},
    )
    menu = services.ivr_menu_create(customer=customer, acting_user=actor, data={"name": "Menü"})
    audio = services.audio_upload(
        customer=customer,
        acting_user=actor,
        name="Ansage",
        kind="announcement",
        filename="ansage.wav",
        data=_wav(),
    )
    return Tenant(customer, system.site, system.user, device, group, menu, audio)


@dataclass
class Tenants:
    world: World
    a1: Tenant  # the customer every body writes to
    a2: Tenant  # same reseller: visible to reseller admin A, but another customer
    b1: Tenant  # another reseller: invisible to A's accounts


@pytest.fixture
def tenants(world: World) -> Tenants:
    return Tenants(
        world,
        _tenant(world.customer_a1, world.reseller_admin_a),
        _tenant(world.customer_a2, world.reseller_admin_a),
        _tenant(world.customer_b1, world.reseller_admin_b),
    )


@dataclass(frozen=True)
class Ref:
    """One place where a body names an id: ``body(t, value)`` is a valid body with ``value``
    in ``field``; ``foreign(t)`` are real ids of other tenants the actor may not use there."""

    endpoint: str
    field: str
    actor: str
    body: Callable[[Tenants, Any], dict[str, Any]]
    foreign: Callable[[Tenants], list[Any]]
    method: str = "post"
    url: Callable[[Tenants], str] | None = None
    multipart: bool = False
    malformed: bool = True


def _pair(attr: str) -> Callable[[Tenants], list[Any]]:
    """The object ``attr`` of customer A2 and of customer B1."""
    return lambda t: [getattr(t.a2, attr).pk, getattr(t.b1, attr).pk]


def _b1(attr: str) -> Callable[[Tenants], list[Any]]:
    return lambda t: [getattr(t.b1, attr).pk]


def _a1(t: Tenants) -> dict[str, Any]:
    return {"customer": str(t.a1.customer.pk)}


def _group_body(t: Tenants, **override: Any) -> dict[str, Any]:
    return {**_a1(t), "name": "Vertrieb", "site": str(t.a1.site.pk), **override}


def _menu_body(t: Tenants, **override: Any) -> dict[str, Any]:
    return {**_a1(t), "name": "Hauptmenü", **override}


def _trace_body(t: Tenants, **override: Any) -> dict[str, Any]:
    return {**_a1(t), "dialled": "10", **override}


USERS_CSV = "first_name;last_name;email;site;extension;package\nA;B;ab@kunde.example;{site};20;klare_stimme\n"
PHONEBOOK_CSV = "name;company;numbers\nHuber;;+49891234567\n"
RETAIL_PRICES = {
    "grundlizenz": "30.00",
    "erweiterte_grundlizenz": "60.00",
    "weiterer_standort": "15.00",
    "klare_stimme": "4.50",
    "klingende_stimme": "7.50",
    "volle_stimme": "12.00",
}


def _ticket_body() -> dict[str, Any]:
    from tests.support.conftest import report

    return report()


def _ticket_of_a1(t: Tenants) -> Any:
    """One ticket of customer A1 per test, opened by its admin."""
    if not hasattr(t, "ticket"):
        from support import services as support_services

        t.ticket = support_services.ticket_open(  # type: ignore[attr-defined]
            customer=t.a1.customer, acting_user=t.world.customer_admin_a1, data=_ticket_body()
        )
    return t.ticket  # type: ignore[attr-defined]


TARGET_KINDS = [("user", "user"), ("voicemail", "user"), ("hunt_group", "group"), ("ivr", "menu")]

REFS: list[Ref] = [
    # Tenant tree ---------------------------------------------------------------------------
    Ref(
        "customers",
        "reseller",
        "reseller_admin_a",
        lambda t, v: customer_data(reseller=v),
        lambda t: [t.world.reseller_b.pk],
    ),
    Ref("sites", "customer", "reseller_admin_a",
        lambda t, v: {"customer": v, "name": "Lager", "street": "Hafen 1", "postal_code": "20457",
                      "city": "Hamburg", "country": "DE", "extra_site_license": True},
        lambda t: [t.b1.customer.pk]),
    Ref("trunks", "site", "reseller_admin_a",
        lambda t, v: {"site": v, "provider": "telekom", "connection_type": "sip_datacenter",
                      "registrar_host": "sip.example"},
        _b1("site")),
    Ref("number-blocks", "trunk", "reseller_admin_a",
        lambda t, v: {"trunk": v, "base_number": "+49 40 7654321", "first_extension": 0,
                      "last_extension": 9},
        lambda t: [t.b1.site.trunk.pk]),
    # Users and devices ---------------------------------------------------------------------
    Ref("users", "customer", "reseller_admin_a",
        lambda t, v: {"customer": v, "site": str(t.a1.site.pk), "first_name": "A",
                      "last_name": "B", "email": "ab@kunde.example", "extension": "20",
                      "package": "klare_stimme"},
        lambda t: [t.b1.customer.pk]),
    Ref("users", "site", "reseller_admin_a",
        lambda t, v: {**_a1(t), "site": v, "first_name": "A", "last_name": "B",
                      "email": "ab@kunde.example", "extension": "20", "package": "klare_stimme"},
        _pair("site")),
    Ref("users", "site", "customer_admin_a1",
        lambda t, v: {"site": v, "first_name": "A", "last_name": "B",
                      "email": "ab@kunde.example", "extension": "20", "package": "klare_stimme"},
        _pair("site")),
    Ref("users/import", "customer", "reseller_admin_a",
        lambda t, v: {"customer": v, "csv": USERS_CSV.format(site=t.a1.site.name)},
        lambda t: [t.b1.customer.pk]),
    Ref("users/import", "customer", "customer_admin_a1",
        lambda t, v: {"customer": v, "csv": USERS_CSV.format(site=t.a1.site.name)},
        lambda t: [t.a2.customer.pk, t.b1.customer.pk]),
    Ref("devices", "site", "reseller_admin_a",
        lambda t, v: {**_a1(t), "site": v, "model": "IP222", "mac_address": "00:90:33:30:00:01"},
        _pair("site")),
    Ref("devices", "subscriber", "reseller_admin_a",
        lambda t, v: {**_a1(t), "site": str(t.a1.site.pk), "model": "IP222",
                      "mac_address": "00:90:33:30:00:01", "subscriber": v},
        _pair("user")),
    Ref("devices", "subscriber", "reseller_admin_a",
        lambda t, v: {"subscriber": v},
        _pair("user"),
        method="patch",
        url=lambda t: f"/api/v1/devices/{t.a1.device.pk}/"),
    Ref("network-check-tokens", "site", "reseller_admin_a",
        lambda t, v: {"site": v}, _b1("site")),
    # Call features -------------------------------------------------------------------------
    Ref("hunt-groups", "customer", "reseller_admin_a",
        lambda t, v: {**_group_body(t), "customer": v}, lambda t: [t.b1.customer.pk]),
    Ref("hunt-groups", "site", "reseller_admin_a",
        lambda t, v: _group_body(t, site=v), _pair("site")),
    Ref("hunt-groups", "members", "reseller_admin_a",
        lambda t, v: _group_body(t, members=[str(t.a1.user.pk), v]), _pair("user")),
    Ref("hunt-groups", "members", "customer_admin_a1",
        lambda t, v: _group_body(t, members=[v]), _pair("user")),
    Ref("hunt-groups", "members", "reseller_admin_a",
        lambda t, v: {"members": [v]},
        _pair("user"),
        method="patch",
        url=lambda t: f"/api/v1/hunt-groups/{t.a1.group.pk}/"),
    *[
        Ref("hunt-groups", "overflow", "reseller_admin_a",
            (lambda k: lambda t, v: _group_body(t, overflow=f"{k}:{v}"))(kind),
            _pair(attr))
        for kind, attr in TARGET_KINDS
    ],
    Ref("hunt-groups", "overflow", "reseller_admin_a",
        lambda t, v: _group_body(t, overflow={"kind": "user", "ref": v}),
        _pair("user")),
    Ref("hunt-groups/login", "user", "reseller_admin_a",
        lambda t, v: {"user": v},
        _pair("user"),
        url=lambda t: f"/api/v1/hunt-groups/{t.a1.group.pk}/login/"),
    Ref("pickup-groups", "members", "reseller_admin_a",
        lambda t, v: {**_a1(t), "name": "Büro", "members": [v]}, _pair("user")),
    Ref("ivr-menus", "announcement", "reseller_admin_a",
        lambda t, v: _menu_body(t, announcement=v), _pair("audio")),
    *[
        Ref("ivr-menus", "on_timeout", "reseller_admin_a",
            (lambda k: lambda t, v: _menu_body(t, on_timeout=f"{k}:{v}"))(kind),
            _pair(attr))
        for kind, attr in TARGET_KINDS
    ],
    Ref("ivr-menus", "options", "customer_admin_a1",
        lambda t, v: _menu_body(t, options=[{"digit": "1", "target": f"user:{v}"}]),
        _pair("user")),
    Ref("ivr-menus", "on_invalid", "reseller_admin_a",
        lambda t, v: {"on_invalid": f"hunt_group:{v}"},
        _pair("group"),
        method="patch",
        url=lambda t: f"/api/v1/ivr-menus/{t.a1.menu.pk}/"),
    Ref("operators", "day_target", "reseller_admin_a",
        lambda t, v: {**_a1(t), "day_target": f"hunt_group:{v}"}, _pair("group")),
    Ref("operators", "ivr_menu", "reseller_admin_a",
        lambda t, v: {**_a1(t), "day_target": f"user:{t.a1.user.pk}", "ivr_menu": v},
        _pair("menu")),
    Ref("operators", "night_announcement", "reseller_admin_a",
        lambda t, v: {**_a1(t), "day_target": f"user:{t.a1.user.pk}", "night_announcement": v},
        _pair("audio")),
    Ref("call-forwardings", "user", "customer_admin_a1",
        lambda t, v: {"user": v, "on_busy": "operator"}, _pair("user")),
    Ref("call-forwardings", "always", "reseller_admin_a",
        lambda t, v: {"user": str(t.a1.user.pk), "always": f"user:{v}"}, _pair("user")),
    Ref("call-forwardings", "on_no_answer", "customer_admin_a1",
        lambda t, v: {"user": str(t.a1.user.pk), "on_no_answer": f"voicemail:{v}"},
        _pair("user")),
    Ref("voicemail-boxes", "greeting", "reseller_admin_a",
        lambda t, v: {"user": str(t.a1.user.pk), "greeting": v}, _pair("audio")),
    Ref("voicemail-boxes", "user", "customer_admin_a1",
        lambda t, v: {"user": v, "enabled": True}, _pair("user")),
    Ref("hotdesk-logins", "device", "reseller_admin_a",
        lambda t, v: {"device": v, "user": str(t.a1.user.pk)}, _pair("device")),
    Ref("hotdesk-logins", "user", "customer_admin_a1",
        lambda t, v: {"device": str(t.a1.device.pk), "user": v}, _pair("user")),
    Ref("audio-files", "customer", "reseller_admin_a",
        lambda t, v: {"customer": v, "kind": "announcement",
                      "file": SimpleUploadedFile("a.wav", _wav(), "audio/wav")},
        lambda t: [t.b1.customer.pk],
        multipart=True),
    Ref("phonebook-entries", "customer", "customer_admin_a1",
        lambda t, v: {"customer": v, "name": "Huber", "numbers": ["+49891234567"]},
        lambda t: [t.a2.customer.pk, t.b1.customer.pk]),
    Ref("phonebook-entries", "owner", "customer_admin_a1",
        lambda t, v: {"owner": v, "name": "Huber", "numbers": ["+49891234567"]},
        _pair("user")),
    Ref("phonebook-entries/import", "customer", "reseller_admin_a",
        lambda t, v: {"customer": v, "csv": PHONEBOOK_CSV}, lambda t: [t.b1.customer.pk]),
    Ref("phonebook-entries/import", "owner", "customer_admin_a1",
        lambda t, v: {"owner": v, "csv": PHONEBOOK_CSV}, _pair("user")),
    Ref("call-trace", "customer", "reseller_admin_a",
        lambda t, v: _trace_body(t, customer=v), lambda t: [t.b1.customer.pk]),
    Ref("call-trace", "busy", "reseller_admin_a",
        lambda t, v: _trace_body(t, busy=[v]), _pair("user")),
    # A caller that is not an id is read as a phone number, so "malformed" does not apply.
    Ref("call-trace", "caller", "reseller_admin_a",
        lambda t, v: _trace_body(t, caller=str(v)), _pair("user"), malformed=False),
    # Billing -------------------------------------------------------------------------------
    Ref("price-lists", "reseller", "reseller_admin_a",
        lambda t, v: {"kind": "retail", "name": "2027", "valid_from": "2027-01-01",
                      "prices": RETAIL_PRICES, "reseller": v},
        lambda t: [t.world.reseller_b.pk]),
    # Finance and staff see every invoice and customer: nothing is foreign to them.
    Ref("credit-notes", "invoice", "finance",
        lambda t, v: {"invoice": v, "reason": "Korrektur"}, lambda t: []),
    Ref("one-time-charges", "customer", "finance",
        lambda t, v: {"customer": v, "item": "onsite_hour", "quantity": "1",
                      "occurred_at": "2026-10-07T10:00:00+02:00"},
        lambda t: []),
    # Support -------------------------------------------------------------------------------
    Ref("tickets", "customer", "reseller_admin_a",
        lambda t, v: {**_ticket_body(), "customer": v, "support_pin": "4711"},
        lambda t: [t.b1.customer.pk]),
    # Status components are public: none is foreign, but an unknown one is answered alike.
    Ref("tickets", "services", "customer_admin_a1",
        lambda t, v: {**_ticket_body(), "services": [v]}, lambda t: []),
    # A person of another side, reseller or customer is no assignee: the same answer.
    Ref("tickets/assign", "assignee", "reseller_admin_a",
        lambda t, v: {"assignee": v},
        lambda t: [t.world.reseller_admin_b.pk, t.world.customer_admin_a1.pk, t.world.staff.pk],
        url=lambda t: f"/api/v1/tickets/{_ticket_of_a1(t).pk}/assign/"),
    Ref("tickets/acknowledge", "assignee", "reseller_admin_a",
        lambda t, v: {"kind": "fault", "severity": "minor",
                      "estimated_resolution_at": "2099-01-01T12:00:00+01:00", "assignee": v},
        lambda t: [t.world.reseller_admin_b.pk, t.world.end_user_a1.pk],
        url=lambda t: f"/api/v1/tickets/{_ticket_of_a1(t).pk}/acknowledge/"),
]  # fmt: skip


def _url(ref: Ref, t: Tenants) -> str:
    return ref.url(t) if ref.url else f"/api/v1/{ref.endpoint}/"


def _send(client: APIClient, ref: Ref, t: Tenants, value: Any) -> tuple[int, Any]:
    body = ref.body(t, value)
    if ref.multipart:
        response = getattr(client, ref.method)(_url(ref, t), body, format="multipart")
    else:
        response = getattr(client, ref.method)(_url(ref, t), body, format="json")
    return response.status_code, response.json()


@pytest.mark.parametrize(
    "ref",
    [pytest.param(r, id=f"{r.method}-{r.endpoint}-{r.field}-{r.actor}") for r in REFS],
)
def test_unknown_malformed_and_foreign_ids_get_the_same_answer(
    tenants: Tenants, api: Callable[[Account | None], APIClient], ref: Ref
) -> None:
    client = api(getattr(tenants.world, ref.actor))
    expected = (
        400,
        {
            "error": "invalid",
            "message": f"{ref.field}: {UNKNOWN}",
            "fields": {ref.field: [UNKNOWN]},
        },
    )
    made_up = _send(client, ref, tenants, str(uuid.uuid4()))
    assert made_up == expected, made_up
    answers = {"made-up": made_up}
    if ref.malformed:
        answers["malformed"] = _send(client, ref, tenants, "not-an-id")
    for n, foreign in enumerate(ref.foreign(tenants)):
        answers[f"foreign-{n}"] = _send(client, ref, tenants, str(foreign))
    for name, answer in answers.items():
        assert answer == expected, (name, answer)


def test_the_unknown_id_answer_is_english_when_asked(
    tenants: Tenants, api: Callable[[Account | None], APIClient]
) -> None:
    ref = REFS[0]
    client = api(getattr(tenants.world, ref.actor))
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    status, body = _send(client, ref, tenants, str(uuid.uuid4()))
    assert status == 400
    assert body["fields"] == {ref.field: ["Unknown id."]}
    assert body["message"] == f"{ref.field}: Unknown id."
