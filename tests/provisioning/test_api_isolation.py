"""TEN-2: for every API endpoint, an actor of another reseller or customer gets the same answer
as for an id that does not exist, and lists never show foreign objects."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, get_resolver
from rest_framework.test import APIClient

from provisioning import services
from provisioning.models import Account, AuditEvent, Device
from tests.factories import System, World, build_system


@dataclass(frozen=True)
class Case:
    resource: str
    owner: str
    obj: Callable[[World], object]
    outsiders: tuple[str, ...]
    detail_methods: tuple[str, ...]
    actions: tuple[tuple[str, str], ...] = ()


def _audit_event_of_a1(world: World) -> AuditEvent:
    return AuditEvent.objects.filter(customer_id=world.customer_a1.pk).first()  # type: ignore[return-value]


def _system_of_a1(world: World) -> System:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    services.device_create(
        customer=world.customer_a1,
        acting_user=world.reseller_admin_a,
        data={"site": system.site, "model": "IP222", "mac_address": "00:90:33:00:00:01"},
    )
    return system


OUTSIDERS_OF_A1 = ("reseller_admin_b", "customer_admin_a2", "customer_admin_b1")


def _api_key_of_reseller_a(world: World) -> object:
    key, _ = services.api_key_create(acting_user=world.reseller_admin_a, name="matrix")
    return key


CASES = [
    Case(
        "resellers",
        "reseller_admin_a",
        lambda w: w.reseller_a,
        ("reseller_admin_b", "customer_admin_a1", "customer_admin_b1", "end_user_a1"),
        ("get", "put", "patch"),
    ),
    Case(
        "customers",
        "customer_admin_a1",
        lambda w: w.customer_a1,
        ("reseller_admin_b", "customer_admin_a2", "customer_admin_b1"),
        ("get", "put", "patch"),
        (("suspend", "post"), ("activate", "post"), ("base-license", "post")),
    ),
    Case(
        "api-keys",
        "reseller_admin_a",
        _api_key_of_reseller_a,
        ("reseller_admin_b", "customer_admin_a1", "end_user_a1", "finance"),
        ("get", "delete"),
    ),
    Case(
        "audit-events",
        "customer_admin_a1",
        _audit_event_of_a1,
        ("reseller_admin_b", "customer_admin_a2", "customer_admin_b1", "end_user_a1", "finance"),
        ("get",),
    ),
]

CASES += [
    Case(
        "sites",
        "customer_admin_a1",
        lambda w: _system_of_a1(w).site,
        OUTSIDERS_OF_A1,
        ("get", "put", "patch", "delete"),
        (("free-numbers", "get"),),
    ),
    Case(
        "trunks",
        "customer_admin_a1",
        lambda w: _system_of_a1(w).trunk,
        (*OUTSIDERS_OF_A1, "end_user_a1"),
        ("get", "put", "patch", "delete"),
    ),
    Case(
        "number-blocks",
        "customer_admin_a1",
        lambda w: _system_of_a1(w).block,
        (*OUTSIDERS_OF_A1, "end_user_a1"),
        ("get", "delete"),
    ),
    Case(
        "users",
        "customer_admin_a1",
        lambda w: _system_of_a1(w).user,
        (*OUTSIDERS_OF_A1, "end_user_a1"),
        ("get", "put", "patch", "delete"),
        (
            ("deactivate", "post"),
            ("activate", "post"),
            ("confirm-emergency-notice", "post"),
            ("invite", "post"),
            ("emergency-route", "get"),
        ),
    ),
    Case(
        "devices",
        "customer_admin_a1",
        lambda w: (_system_of_a1(w), Device.objects.get())[1],
        (*OUTSIDERS_OF_A1, "end_user_a1"),
        ("get", "put", "patch", "delete"),
    ),
]

PARAMS = [
    pytest.param(case, outsider, id=f"{case.resource}-{outsider}")
    for case in CASES
    for outsider in case.outsiders
]


def _call(client: APIClient, method: str, url: str) -> tuple[int, object]:
    response = getattr(client, method)(url, data={}, format="json")
    return response.status_code, response.json()


@pytest.mark.parametrize(("case", "outsider"), PARAMS)
def test_outsider_learns_nothing(
    world: World, api: Callable[[Account | None], APIClient], case: Case, outsider: str
) -> None:
    obj = case.obj(world)
    pk = obj.pk  # type: ignore[attr-defined]
    owner_client = api(getattr(world, case.owner))
    assert owner_client.get(f"/api/v1/{case.resource}/{pk}/").status_code == 200

    client = api(getattr(world, outsider))
    unknown = uuid.uuid4()
    for method in case.detail_methods:
        foreign = _call(client, method, f"/api/v1/{case.resource}/{pk}/")
        missing = _call(client, method, f"/api/v1/{case.resource}/{unknown}/")
        assert foreign == missing, (method, foreign, missing)
        assert foreign[0] in (403, 404)
    for name, method in case.actions:
        foreign = _call(client, method, f"/api/v1/{case.resource}/{pk}/{name}/")
        missing = _call(client, method, f"/api/v1/{case.resource}/{unknown}/{name}/")
        assert foreign == missing, (name, foreign, missing)
    malformed = _call(client, "get", f"/api/v1/{case.resource}/not-a-uuid/")
    assert malformed[0] in (403, 404)

    listing = client.get(f"/api/v1/{case.resource}/", {"page_size": 500})
    if listing.status_code == 200:
        assert str(pk) not in {row["id"] for row in listing.json()["results"]}
    else:
        assert listing.status_code == 403
    # The object is untouched.
    assert type(obj)._default_manager.filter(pk=pk).exists()  # type: ignore[attr-defined]


def test_foreign_object_answers_404_with_not_found_body(
    world: World, api: Callable[[Account | None], APIClient]
) -> None:
    response = api(world.reseller_admin_b).get(f"/api/v1/customers/{world.customer_a1.pk}/")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "Nicht gefunden.", "fields": {}}


def test_every_api_route_with_an_id_is_in_the_matrix() -> None:
    """A new endpoint must join the matrix above before it can ship."""
    from tests.billing.test_api import ISOLATION_COVERED as BILLING
    from tests.status.test_api import PLATFORM_WIDE as STATUS

    covered = {case.resource for case in CASES} | set(BILLING) | STATUS
    routes: set[str] = set()
    for pattern in get_resolver().url_patterns:
        if str(pattern.pattern) != "api/v1/":
            continue
        for sub in pattern.url_patterns:  # type: ignore[attr-defined]
            assert isinstance(sub, URLPattern)
            text = str(sub.pattern)
            if "(?P<pk>" in text:
                routes.add(text.lstrip("^").split("/")[0])
    assert routes, "no API detail routes found"
    assert routes <= covered, f"not covered by the isolation matrix: {routes - covered}"
    covered_actions = {(c.resource, a) for c in CASES for a, _ in c.actions} | {
        (resource, action) for resource, actions in BILLING.items() for action in actions
    }
    action_re = re.compile(r"^\^?(?P<resource>[\w-]+)/\(\?P<pk>[^)]*\)/(?P<action>[\w-]+)/\$$")
    found_actions = set()
    for pattern in get_resolver().url_patterns:
        if str(pattern.pattern) != "api/v1/":
            continue
        for sub in pattern.url_patterns:  # type: ignore[attr-defined]
            match = action_re.match(str(sub.pattern))
            if match:
                found_actions.add((match["resource"], match["action"]))
    assert found_actions, "no API actions found"
    assert found_actions <= covered_actions, f"not covered: {found_actions - covered_actions}"


LIST_ONLY = ["licenses", "license-events"]


@pytest.mark.parametrize("resource", LIST_ONLY)
def test_list_only_resources_never_show_foreign_rows(
    world: World, api: Callable[[Account | None], APIClient], resource: str
) -> None:
    build_system(world.customer_a1, world.reseller_admin_a)
    build_system(world.customer_b1, world.reseller_admin_b)
    own = api(world.customer_admin_a1).get(f"/api/v1/{resource}/", {"page_size": 500}).json()
    assert own["count"] > 0
    assert {row["customer"] for row in own["results"]} == {str(world.customer_a1.pk)}
    for outsider in ("customer_admin_a2", "reseller_admin_b"):
        rows = api(getattr(world, outsider)).get(f"/api/v1/{resource}/", {"page_size": 500}).json()
        assert str(world.customer_a1.pk) not in {row["customer"] for row in rows["results"]}
    filtered = api(world.reseller_admin_b).get(
        f"/api/v1/{resource}/", {"customer": str(world.customer_a1.pk)}
    )
    assert filtered.status_code == 400 or filtered.json()["count"] == 0


def test_list_only_resources_have_no_detail_route() -> None:
    for pattern in get_resolver().url_patterns:
        if str(pattern.pattern) != "api/v1/":
            continue
        for sub in pattern.url_patterns:  # type: ignore[attr-defined]
            text = str(sub.pattern)
            for resource in LIST_ONLY:
                assert not (
                    text.startswith(f"^{resource}/(?P<pk>")
                    or text.startswith(f"{resource}/(?P<pk>")
                )


@pytest.mark.parametrize(
    ("resource", "param"),
    [
        ("customers", "reseller"),
        ("sites", "customer"),
        ("trunks", "site"),
        ("users", "site"),
        ("devices", "customer"),
        ("licenses", "customer"),
        ("license-events", "customer"),
        ("audit-events", "customer"),
    ],
)
def test_filtering_by_a_foreign_id_answers_like_an_unknown_id(
    world: World, api: Callable[[Account | None], APIClient], resource: str, param: str
) -> None:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    foreign_id = {
        "reseller": world.reseller_a.pk,
        "customer": world.customer_a1.pk,
        "site": system.site.pk,
    }[param]
    client = api(world.reseller_admin_b)
    foreign = client.get(f"/api/v1/{resource}/", {param: str(foreign_id)})
    unknown = client.get(f"/api/v1/{resource}/", {param: str(uuid.uuid4())})
    assert foreign.status_code == unknown.status_code == 200
    assert foreign.json() == unknown.json()
    assert foreign.json()["count"] == 0


# Call features (FEA-1 … FEA-11) ----------------------------------------------------------------


def _features_of_a1(world: World) -> dict[str, object]:
    import io
    import wave

    from provisioning.models import HotDeskLogin

    system = _system_of_a1(world)
    admin = world.customer_admin_a1
    customer = world.customer_a1
    group = services.hunt_group_create(
        customer=customer,
        acting_user=admin,
        data={"name": "Empfang", "site": system.site, "members": [system.user]},
    )
    pickup = services.pickup_group_create(
        customer=customer, acting_user=admin, data={"name": "Büro", "members": [system.user]}
    )
    menu = services.ivr_menu_create(
        customer=customer,
        acting_user=admin,
        data={"name": "Begrüßung", "options": [{"digit": "1", "target": f"hunt_group:{group.pk}"}]},
    )
    operator = services.operator_update(
        customer=customer, acting_user=admin, data={"day_target": f"hunt_group:{group.pk}"}
    )
    forwarding = services.forwarding_update(
        subscriber=system.user, acting_user=admin, data={"on_busy": "operator"}
    )
    voicemail = services.voicemail_update(
        subscriber=system.user, acting_user=admin, data={"enabled": True, "pin": "5871"}
    )
    login = services.hotdesk_login(
        device=Device.objects.get(customer=customer), subscriber=system.user, acting_user=admin
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x10" * 8000)
    audio = services.audio_upload(
        customer=customer,
        acting_user=admin,
        name="Ansage",
        kind="announcement",
        filename="ansage.wav",
        data=buffer.getvalue(),
    )
    entry = services.phonebook_entry_create(
        phonebook=services.phonebook_for(customer=customer),
        acting_user=admin,
        data={"name": "Huber", "numbers": ["+49891234567"]},
    )
    assert isinstance(login, HotDeskLogin)
    return {
        "hunt-groups": group,
        "pickup-groups": pickup,
        "ivr-menus": menu,
        "operators": operator,
        "call-forwardings": forwarding,
        "voicemail-boxes": voicemail,
        "hotdesk-logins": login,
        "audio-files": audio,
        "phonebook-entries": entry,
    }


def _feature(resource: str) -> Callable[[World], object]:
    return lambda world: _features_of_a1(world)[resource]


CRUD = ("get", "put", "patch", "delete")
CASES += [
    Case(
        "hunt-groups",
        "customer_admin_a1",
        _feature("hunt-groups"),
        (*OUTSIDERS_OF_A1, "end_user_a1"),
        CRUD,
        (("login", "post"), ("logout", "post")),
    ),
    Case(
        "pickup-groups",
        "customer_admin_a1",
        _feature("pickup-groups"),
        (*OUTSIDERS_OF_A1, "end_user_a1"),
        CRUD,
    ),
    Case(
        "ivr-menus",
        "customer_admin_a1",
        _feature("ivr-menus"),
        (*OUTSIDERS_OF_A1, "end_user_a1"),
        CRUD,
    ),
    Case(
        "operators",
        "customer_admin_a1",
        _feature("operators"),
        (*OUTSIDERS_OF_A1, "end_user_a1"),
        ("get", "put", "patch"),
        (("switch", "post"),),
    ),
    Case(
        "call-forwardings",
        "customer_admin_a1",
        _feature("call-forwardings"),
        (*OUTSIDERS_OF_A1, "end_user_a1"),
        ("get", "put", "patch"),
    ),
    Case(
        "voicemail-boxes",
        "customer_admin_a1",
        _feature("voicemail-boxes"),
        (*OUTSIDERS_OF_A1, "end_user_a1"),
        ("get", "put", "patch"),
    ),
    Case(
        "hotdesk-logins",
        "customer_admin_a1",
        _feature("hotdesk-logins"),
        (*OUTSIDERS_OF_A1, "end_user_a1"),
        ("get", "delete"),
    ),
    Case(
        "audio-files",
        "customer_admin_a1",
        _feature("audio-files"),
        OUTSIDERS_OF_A1,
        ("get", "delete"),
        (("original", "get"), ("telephony", "get")),
    ),
    Case(
        "phonebook-entries",
        "customer_admin_a1",
        _feature("phonebook-entries"),
        (*OUTSIDERS_OF_A1, "end_user_a1"),
        CRUD,
    ),
]
PARAMS += [
    pytest.param(case, outsider, id=f"{case.resource}-{outsider}")
    for case in CASES[-9:]
    for outsider in case.outsiders
]


def _check_token_of_a1(world: World) -> object:
    site = _system_of_a1(world).site
    return services.site_check_token_create(site=site, acting_user=world.reseller_admin_a)[0]


def _network_check_of_a1(world: World) -> object:
    from telephony.netcheck.result import NetcheckResult
    from tests.netchecks.helpers import result_doc

    token = _check_token_of_a1(world)
    return services.network_check_record(
        token=token,  # type: ignore[arg-type]
        result=NetcheckResult.from_dict(result_doc()),
    )


CASES += [
    Case(
        "network-check-tokens",
        "reseller_admin_a",
        _check_token_of_a1,
        ("reseller_admin_b", "customer_admin_a1", "customer_admin_b1", "end_user_a1", "finance"),
        ("get", "delete"),
    ),
    Case(
        "network-checks",
        "customer_admin_a1",
        _network_check_of_a1,
        (*OUTSIDERS_OF_A1, "end_user_a1", "finance"),
        ("get",),
    ),
]
PARAMS += [
    pytest.param(case, outsider, id=f"{case.resource}-{outsider}")
    for case in CASES[-2:]
    for outsider in case.outsiders
]


# Support (SUP-1 … SUP-5, TEN-3) -------------------------------------------------------------


def _ticket_of_a1(world: World) -> object:
    from support import services as support_services
    from tests.support.conftest import report

    return support_services.ticket_open(
        customer=world.customer_a1, acting_user=world.customer_admin_a1, data=report()
    )


def _platform_ticket_of_a(world: World) -> object:
    """The second-level ticket reseller A opened for its customer A1's ticket: A1's own
    people must see nothing of it (TEN-3)."""
    from support import services as support_services

    return support_services.ticket_escalate(
        ticket=_ticket_of_a1(world),  # type: ignore[arg-type]
        acting_user=world.reseller_admin_a,
        note="Bitte prüfen.",
    )


TICKET_ACTIONS = (
    ("acknowledge", "post"),
    ("transition", "post"),
    ("estimate", "post"),
    ("assign", "post"),
    ("escalate", "post"),
    ("messages", "get"),
    ("messages", "post"),
    ("attachments", "get"),
    ("attachments", "post"),
    ("history", "get"),
    ("outage-report", "get"),
    ("outage-report", "put"),
)
CASES += [
    Case(
        "tickets",
        "customer_admin_a1",
        _ticket_of_a1,
        (*OUTSIDERS_OF_A1, "end_user_a1", "finance"),
        ("get", "patch"),
        TICKET_ACTIONS,
    ),
    Case(
        "tickets",
        "reseller_admin_a",
        _platform_ticket_of_a,
        ("customer_admin_a1", "end_user_a1", "reseller_admin_b", "customer_admin_b1", "finance"),
        ("get", "patch"),
        TICKET_ACTIONS,
    ),
    Case(
        "customer-support",
        "customer_admin_a1",
        lambda w: w.customer_a1,
        (*OUTSIDERS_OF_A1, "end_user_a1", "finance"),
        ("get", "patch"),
    ),
    Case(
        "support-desks",
        "reseller_admin_a",
        lambda w: w.reseller_a,
        ("reseller_admin_b", "customer_admin_a1", "customer_admin_b1", "end_user_a1", "finance"),
        ("get", "patch"),
    ),
]
PARAMS += [
    pytest.param(case, outsider, id=f"{case.resource}-{case.owner}-{outsider}")
    for case in CASES[-4:]
    for outsider in case.outsiders
]


def _resolved_fault_of_a1_with_report(world: World) -> object:
    """A1's resolved fault with a reason-for-outage report its reseller shared (SUP-5)."""
    from support import services as support_services
    from tests.support.conftest import acknowledge

    ticket = _ticket_of_a1(world)
    moment = ticket.received_at  # type: ignore[attr-defined]
    acknowledge(ticket, world.reseller_admin_a, moment, moment + dt.timedelta(hours=3))  # type: ignore[arg-type]
    support_services.ticket_transition(
        ticket=ticket,  # type: ignore[arg-type]
        acting_user=world.reseller_admin_a,
        state="resolved",
    )
    support_services.outage_report_save(
        ticket=ticket,  # type: ignore[arg-type]
        acting_user=world.reseller_admin_a,
        text="Ursache und Maßnahmen.",
        shared_with_customer=True,
    )
    return ticket


@pytest.mark.parametrize("outsider", [*OUTSIDERS_OF_A1, "end_user_a1", "finance"])
@pytest.mark.parametrize("suffix", ["outage-report/", "outage-report.pdf"])
def test_outage_reports_answer_outsiders_like_unknown_tickets(
    world: World, api: Callable[[Account | None], APIClient], outsider: str, suffix: str
) -> None:
    """The report routes, including the PDF's own address, of a report shared with A1."""
    ticket = _resolved_fault_of_a1_with_report(world)
    pk = ticket.pk  # type: ignore[attr-defined]
    assert api(world.customer_admin_a1).get(f"/api/v1/tickets/{pk}/{suffix}").status_code == 200
    client = api(getattr(world, outsider))
    foreign = client.get(f"/api/v1/tickets/{pk}/{suffix}")
    missing = client.get(f"/api/v1/tickets/{uuid.uuid4()}/{suffix}")
    assert foreign.status_code == missing.status_code
    assert foreign.status_code in (403, 404)
    assert foreign.content == missing.content
