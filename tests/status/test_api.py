"""The status API for staff and monitoring scripts (STA-1, STA-2, STA-3, STA-8, OPS-2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from provisioning import services as provisioning_services
from provisioning.models import Account
from status import services, steps
from status.models import Event
from tests.factories import World
from tests.status.conftest import Catalogue, berlin, night

pytestmark = pytest.mark.django_db

#: Status objects are platform-wide and public (the page shows them to anybody), so there is no
#: tenant to leak; who may change them is tested here (tests/provisioning/test_api_isolation.py).
PLATFORM_WIDE = {"status"}

Api = Callable[[Account | None], APIClient]


def key_client(account: Account) -> APIClient:
    _, raw = provisioning_services.api_key_create(acting_user=account, name="monitoring")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def open_body(catalogue: Catalogue, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "title_de": "Anrufe brechen ab",
        "title_en": "Calls drop",
        "components": [str(catalogue.calls.pk)],
        "message_de": "Wir untersuchen.",
    }
    body.update(overrides)
    return body


def test_monitoring_script_with_api_key_runs_an_incident(
    world: World, catalogue: Catalogue
) -> None:
    client = key_client(world.staff)
    fix = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    created = client.post(
        "/api/v1/status/incidents/", open_body(catalogue, estimated_fix_at=fix), format="json"
    )
    assert created.status_code == 201, created.json()
    incident = created.json()
    assert incident["step"] == "investigating" and incident["components"] == [
        str(catalogue.calls.pk)
    ]
    assert len(incident["updates"]) == 1 and incident["estimated_fix_at"]
    url = f"/api/v1/status/incidents/{incident['id']}/updates/"
    posted = client.post(
        url, {"step": "identified", "message_de": "Ursache gefunden."}, format="json"
    )
    assert posted.status_code == 201 and posted.json()["sequence"] == 2
    back = client.post(url, {"step": "investigating", "message_de": "x"}, format="json")
    assert back.status_code == 409
    assert back.json()["error"] == "step_backwards" and "step" in back.json()["fields"]
    cleared = client.post(
        url,
        {"step": "recovering", "message_de": "Neustart.", "estimated_fix_at": None},
        format="json",
    )
    assert cleared.status_code == 201
    assert Event.objects.get().estimated_fix_at is None
    client.post(url, {"step": "resolved", "message_de": "Behoben."}, format="json")
    history = client.get(url).json()
    assert [u["step"] for u in history["results"]] == [
        "investigating",
        "identified",
        "recovering",
        "resolved",
    ]
    closed = client.post(url, {"step": "resolved", "message_de": "noch mal"}, format="json")
    assert closed.status_code == 409 and closed.json()["error"] == "event_closed"
    assert client.delete(f"/api/v1/status/incidents/{incident['id']}/").status_code == 405


def test_everybody_logged_in_reads_only_staff_write(
    world: World, catalogue: Catalogue, api: Api
) -> None:
    services.incident_open(
        acting_user=world.staff, title_de="X", components=[catalogue.calls], message_de="y"
    )
    assert api(None).get("/api/v1/status/components/").status_code in (401, 403)
    for actor in (
        world.reseller_admin_a,
        world.customer_admin_a1,
        world.end_user_a1,
        world.finance,
    ):
        client = api(actor)
        components = client.get("/api/v1/status/components/")
        assert components.status_code == 200
        states = {row["name_de"]: row["status"] for row in components.json()["results"]}
        assert states["Telefonie"] == "degraded" and states["Portal"] == "operational"
        assert client.get("/api/v1/status/incidents/").json()["count"] == 1
        refused = client.post("/api/v1/status/incidents/", {}, format="json")
        assert refused.status_code == 403  # before the body is even looked at
        assert refused.json()["error"] == "permission_denied"
        assert (
            client.post("/api/v1/status/components/", {"name_de": "Z"}, format="json").status_code
            == 403
        )
    assert Event.objects.count() == 1


def test_maintenance_refusal_names_the_rule_and_the_field(
    world: World, catalogue: Catalogue, api: Api
) -> None:
    client = api(world.staff)
    start = berlin(2030, 1, 4, 16, 0)  # a Friday afternoon, inside service hours
    body = {
        "title_de": "Update",
        "components": [str(catalogue.calls.pk)],
        "scheduled_start": start.isoformat(),
        "scheduled_end": (start + dt.timedelta(hours=3)).isoformat(),
        "message_de": "Wir aktualisieren.",
    }
    refused = client.post("/api/v1/status/maintenances/", body, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"] == "maintenance_in_service_hours"
    assert "service hours" in refused.json()["fields"]["scheduled_start"][0]
    start = night(10)
    body["scheduled_start"] = start.isoformat()
    body["scheduled_end"] = (start + dt.timedelta(hours=1)).isoformat()
    created = client.post("/api/v1/status/maintenances/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["step"] == "scheduled" and "impact" not in created.json()
    patched = client.patch(
        f"/api/v1/status/maintenances/{created.json()['id']}/",
        {"components": [str(catalogue.calls.pk), str(catalogue.uc.pk)]},
        format="json",
    )
    assert patched.status_code == 200 and len(patched.json()["components"]) == 2
    early = client.post(
        f"/api/v1/status/maintenances/{created.json()['id']}/updates/",
        {"step": "in_progress", "message_de": "los"},
        format="json",
    )
    assert early.status_code == 409 and early.json()["error"] == "maintenance_not_started"


def test_bad_input_answers_400_naming_the_field(
    world: World, catalogue: Catalogue, api: Api
) -> None:
    client = api(world.staff)
    response = client.post(
        "/api/v1/status/incidents/", open_body(catalogue, components=[]), format="json"
    )
    assert response.status_code == 400 and "components" in response.json()["fields"]
    response = client.post(
        "/api/v1/status/incidents/", open_body(catalogue, step="resolved"), format="json"
    )
    assert response.status_code == 400 and "step" in response.json()["fields"]
    assert not Event.objects.exists()
    taken = client.post("/api/v1/status/components/", {"name_de": "Telefonie"}, format="json")
    assert taken.status_code == 409 and taken.json()["error"] == "status_name_taken"


def test_filters_and_unknown_ids(world: World, catalogue: Catalogue, api: Api) -> None:
    open_one = services.incident_open(
        acting_user=world.staff, title_de="offen", components=[catalogue.calls], message_de="x"
    )
    done = services.incident_open(
        acting_user=world.staff, title_de="zu", components=[catalogue.fax], message_de="x"
    )
    services.event_post_update(
        event=done, acting_user=world.staff, step=steps.RESOLVED, message_de="y"
    )
    client = api(world.reseller_admin_a)
    assert [
        r["id"] for r in client.get("/api/v1/status/incidents/", {"open": "true"}).json()["results"]
    ] == [str(open_one.pk)]
    assert [
        r["id"]
        for r in client.get("/api/v1/status/incidents/", {"open": "false"}).json()["results"]
    ] == [str(done.pk)]
    by_component = client.get(
        "/api/v1/status/incidents/", {"component": str(catalogue.fax.pk)}
    ).json()
    assert [r["id"] for r in by_component["results"]] == [str(done.pk)]
    assert client.get("/api/v1/status/maintenances/").json()["count"] == 0
    assert client.get(f"/api/v1/status/maintenances/{open_one.pk}/").status_code == 404
    unknown = client.get("/api/v1/status/incidents/00000000-0000-0000-0000-000000000000/")
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"


@pytest.mark.parametrize("count", [2, 12])
def test_list_query_count_does_not_grow_with_the_rows(
    world: World,
    catalogue: Catalogue,
    api: Api,
    count: int,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    for n in range(count):
        event = services.incident_open(
            acting_user=world.staff,
            title_de=f"S{n}",
            components=[catalogue.calls, catalogue.uc],
            message_de="x",
        )
        services.event_post_update(
            event=event, acting_user=world.staff, step=steps.IDENTIFIED, message_de="y"
        )
    client = api(world.reseller_admin_a)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/status/incidents/").json()["count"] == count
    with django_assert_max_num_queries(8):
        client.get("/api/v1/status/components/")
