"""The call-feature API and the call trace (FEA-1 … FEA-11, LIC-5)."""

from __future__ import annotations

from collections.abc import Callable

from rest_framework.test import APIClient

from provisioning.models import Account, CallForwarding, HuntGroup, IvrMenu, OneTimeFeeEvent

from .conftest import Office

Api = Callable[[Account | None], APIClient]


def _steps(plan: dict) -> list[dict]:  # type: ignore[type-arg]
    found = []

    def walk(steps: list[dict]) -> None:  # type: ignore[type-arg]
        for step in steps:
            found.append(step)
            for branch in step.get("branches", []):
                walk(branch["steps"])

    walk(plan["steps"])
    return found


def _night_service_setup(office: Office, client: APIClient) -> str:
    group = client.post(
        "/api/v1/hunt-groups/",
        {
            "name": "Empfang",
            "site": str(office.site.pk),
            "strategy": "parallel",
            "members": [str(office.anna.pk), str(office.ben.pk)],
            "extension": "20",
        },
        format="json",
    )
    assert group.status_code == 201, group.json()
    operator = client.post(
        "/api/v1/operators/",
        {
            "day_target": f"hunt_group:{group.json()['id']}",
            "night_target": "external:+49 170 1234567",
            "schedule": [{"weekday": day, "start": "08:00", "end": "17:00"} for day in range(5)],
        },
        format="json",
    )
    assert operator.status_code == 201, operator.json()
    assert operator.json()["night_target"] == "external:+491701234567"
    return group.json()["id"]


def test_call_trace_sunday_goes_to_night_target_and_weekday_to_day_target(
    office: Office, api: Api
) -> None:
    client = api(office.admin)
    _night_service_setup(office, client)
    sunday = client.post(
        "/api/v1/call-trace/",
        {
            "dialled": office.system.block.base_number + "0",
            "caller": "+49 89 1234567",
            "at": "Sunday 10:00",
        },
        format="json",
    )
    assert sunday.status_code == 200, sunday.json()
    body = sunday.json()
    assert body["service"]["day"] is False
    steps = _steps(body["plan"])
    assert [s["type"] for s in steps] == ["forward_external"]
    assert steps[0]["number"] == "+491701234567"
    assert "night service" in steps[0]["reason"]
    assert "Sunday" in body["service"]["reason"]

    weekday = client.post(
        "/api/v1/call-trace/",
        {"dialled": "0", "caller": str(office.clara.pk), "at": "2026-11-25T10:00:00+01:00"},
        format="json",
    ).json()
    assert weekday["service"]["day"] is True
    ring = _steps(weekday["plan"])[0]
    assert ring["type"] == "ring_parallel"
    assert {e["user_id"] for e in ring["endpoints"]} == {str(office.anna.pk), str(office.ben.pk)}
    assert "Empfang" in ring["reason"]
    assert "Call from" in weekday["text"]


def test_call_trace_on_a_bavarian_holiday_is_night_service(office: Office, api: Api) -> None:
    client = api(office.admin)
    _night_service_setup(office, client)
    body = client.post(
        "/api/v1/call-trace/",
        {"dialled": "0", "caller": "+4989123456", "at": "2026-01-06T10:00:00+01:00"},
        format="json",
    ).json()  # Heilige Drei Könige, a holiday in Bavaria, a Tuesday
    assert body["service"]["day"] is False
    assert "holiday" in body["service"]["reason"]


def test_manual_night_switch(office: Office, api: Api) -> None:
    client = api(office.admin)
    _night_service_setup(office, client)
    operator_id = client.get("/api/v1/operators/").json()["results"][0]["id"]
    switched = client.post(
        f"/api/v1/operators/{operator_id}/switch/", {"mode": "night"}, format="json"
    )
    assert switched.status_code == 200 and switched.json()["manual_mode"] == "night"
    body = client.post(
        "/api/v1/call-trace/",
        {"dialled": "0", "at": "2026-11-25T10:00:00+01:00", "caller": "+4989123456"},
        format="json",
    ).json()
    assert body["service"]["day"] is False


def test_call_trace_rejects_a_bad_time(office: Office, api: Api) -> None:
    response = api(office.admin).post(
        "/api/v1/call-trace/", {"dialled": "0", "at": "someday"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"]["at"]


def test_ivr_in_front_of_a_hunt_group(office: Office, api: Api) -> None:
    client = api(office.admin)
    group_id = _night_service_setup(office, client)
    menu = client.post(
        "/api/v1/ivr-menus/",
        {
            "name": "Begrüßung",
            "options": [
                {"digit": "1", "target": f"hunt_group:{group_id}"},
                {"digit": "2", "target": {"kind": "voicemail", "ref": str(office.anna.pk)}},
            ],
            "on_timeout": f"hunt_group:{group_id}",
        },
        format="json",
    )
    assert menu.status_code == 201, menu.json()
    operator_id = client.get("/api/v1/operators/").json()["results"][0]["id"]
    client.patch(
        f"/api/v1/operators/{operator_id}/", {"ivr_menu": menu.json()["id"]}, format="json"
    )
    body = client.post(
        "/api/v1/call-trace/",
        {"dialled": "0", "caller": "+4989123456", "at": "2026-11-25T10:00:00+01:00"},
        format="json",
    ).json()
    first = body["plan"]["steps"][0]
    assert first["type"] == "run_ivr" and first["menu_name"] == "Begrüßung"
    assert {b["kind"] for b in first["branches"]} >= {"digit", "timeout"}


def test_second_group_via_api_records_a_fee_visible_to_billing(office: Office, api: Api) -> None:
    client = api(office.admin)
    for name in ("Eins", "Zwei"):
        response = client.post(
            "/api/v1/hunt-groups/", {"name": name, "site": str(office.site.pk)}, format="json"
        )
        assert response.status_code == 201
    fees = client.get("/api/v1/one-time-fees/").json()
    assert [f["fee_type"] for f in fees["results"]] == ["hunt_group"]
    assert OneTimeFeeEvent.objects.count() == 1


def test_loop_via_api_answers_409_and_writes_nothing(office: Office, api: Api) -> None:
    client = api(office.admin)
    a = client.post(
        "/api/v1/hunt-groups/", {"name": "A", "site": str(office.site.pk)}, format="json"
    ).json()
    b = client.post(
        "/api/v1/hunt-groups/",
        {"name": "B", "site": str(office.site.pk), "overflow": f"hunt_group:{a['id']}"},
        format="json",
    ).json()
    response = client.patch(
        f"/api/v1/hunt-groups/{a['id']}/", {"overflow": f"hunt_group:{b['id']}"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"] == "configuration_loop"
    message = response.json()["message"]
    assert message.startswith("Diese Einstellung würde Anrufe im Kreis leiten:")
    assert "„A“" in message and "„B“" in message
    assert HuntGroup.objects.get(pk=a["id"]).overflow == ""


def test_voicemail_for_klare_stimme_is_refused_via_api(office: Office, api: Api) -> None:
    response = api(office.admin).post(
        "/api/v1/voicemail-boxes/",
        {"user": str(office.clara.pk), "enabled": True, "pin": "5871"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"] == "feature_not_in_package"
    ok = api(office.admin).post(
        "/api/v1/voicemail-boxes/",
        {"user": str(office.anna.pk), "enabled": True, "pin": "5871", "email": "a@b.example"},
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    assert ok.json()["enabled"] is True and ok.json()["has_pin"] is True
    assert "pin" not in ok.json()


def test_end_user_sets_own_forwarding(office: Office, api: Api) -> None:
    from provisioning.models import Subscriber

    end_user = office.world.end_user_a1
    Subscriber.objects.filter(pk=office.ben.pk).update(account=end_user)
    client = api(end_user)
    response = client.post(
        "/api/v1/call-forwardings/",
        {
            "user": str(office.ben.pk),
            "on_no_answer": "external:+491701234567",
            "no_answer_seconds": 15,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert CallForwarding.objects.get().on_no_answer == "external:+491701234567"
    foreign = client.post(
        "/api/v1/call-forwardings/",
        {"user": str(office.anna.pk), "always": "operator"},
        format="json",
    )
    assert foreign.status_code == 400  # anna is not visible to this end user


def test_hunt_group_member_logout_changes_the_trace(office: Office, api: Api) -> None:
    client = api(office.admin)
    group_id = _night_service_setup(office, client)
    out = client.post(
        f"/api/v1/hunt-groups/{group_id}/logout/", {"user": str(office.anna.pk)}, format="json"
    )
    assert out.status_code == 200 and out.json()["logged_in"] == [str(office.ben.pk)]
    body = client.post(
        "/api/v1/call-trace/",
        {"dialled": "20", "caller": str(office.clara.pk), "at": "2026-11-25T10:00:00+01:00"},
        format="json",
    ).json()
    steps = _steps(body["plan"])
    assert any(s["type"] == "note" and "logged out" in s["reason"] for s in steps)


def test_phonebook_api_search_lookup_and_csv(office: Office, api: Api) -> None:
    client = api(office.admin)
    created = client.post(
        "/api/v1/phonebook-entries/",
        {"name": "Huber", "company": "Huber KG", "numbers": ["089 1234567"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["numbers"] == ["+49891234567"]
    assert client.get("/api/v1/phonebook-entries/", {"q": "hu"}).json()["count"] == 1
    assert client.get("/api/v1/phonebook-entries/", {"q": "xy"}).json()["count"] == 0
    match = client.get(
        "/api/v1/phonebook-entries/reverse-lookup/", {"number": "+49891234567"}
    ).json()
    assert match["match"]["name"] == "Huber" and match["match"]["source"] == "shared"
    csv_text = client.get("/api/v1/phonebook-entries/export/").content.decode()
    assert "Huber;Huber KG;+49891234567" in csv_text
    imported = client.post(
        "/api/v1/phonebook-entries/import/",
        {"owner": str(office.anna.pk), "csv": csv_text},
        format="json",
    )
    assert imported.status_code == 201 and imported.json()["created"] == 1


def test_ivr_with_unknown_digit_target_is_400(office: Office, api: Api) -> None:
    response = api(office.admin).post(
        "/api/v1/ivr-menus/",
        {"name": "X", "options": [{"digit": "1", "target": "nowhere"}]},
        format="json",
    )
    assert response.status_code == 400
    assert not IvrMenu.objects.exists()
