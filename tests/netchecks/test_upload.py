"""POST /api/v1/network-checks/ with the site check token (NET-1, NET-2): good results are
stored with the platform's verdict; bad input is refused with the field named; a wrong or
revoked token gets 401; the token alone decides the site."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.template.loader import render_to_string
from rest_framework.test import APIClient

from provisioning import services
from provisioning.models import NetworkCheck, Site
from tests.factories import World, build_system

from .helpers import UPLOAD_URL, bearer, new_token, result_doc

Upload = Callable[..., Any]


def test_good_result_is_stored_and_the_site_becomes_ready(
    world: World, site_a1: Site, upload: Upload
) -> None:
    before = services.sites_with_readiness(Site.objects.filter(pk=site_a1.pk))[0]
    assert before.status == "unchecked"
    response = upload(new_token(site_a1, world.reseller_admin_a), result_doc())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["overall"] == "pass" and body["measurement_class"] == "conclusive"
    assert body["site"] == str(site_a1.pk)
    assert "/network-checks/shared/" in body["share_url"]
    check = NetworkCheck.objects.get()
    assert check.customer_id == site_a1.customer_id
    assert {v["metric"]: v["status"] for v in check.verdicts} == {
        "one_way_delay": "pass",
        "jitter": "pass",
        "packet_loss": "pass",
        "ports": "pass",
    }
    after = services.sites_with_readiness(Site.objects.filter(pk=site_a1.pk))[0]
    assert after.status == "ready" and after.decided == check
    html = render_to_string("portal/netcheck/_readiness.html", {"site": site_a1})
    assert 'data-readiness="ready"' in html


def test_latest_conclusive_result_decides_readiness(
    world: World, site_a1: Site, upload: Upload
) -> None:
    token = new_token(site_a1, world.reseller_admin_a)
    assert upload(token, result_doc()).status_code == 201
    assert upload(token, result_doc(delay_ms=400)).status_code == 201  # conclusive fail
    assert upload(token, result_doc(check_ports=False)).status_code == 201  # screening only
    row = services.sites_with_readiness(Site.objects.filter(pk=site_a1.pk))[0]
    assert row.status == "not_ready"
    assert row.decided is not None and row.decided.delay_ms == pytest.approx(400)
    assert row.newest is not None and row.newest.measurement_class == "screening"
    html = render_to_string("portal/netcheck/_readiness.html", {"site": site_a1})
    assert 'data-readiness="not_ready"' in html


def test_platform_thresholds_decide_not_the_client(
    world: World, site_a1: Site, upload: Upload, settings: Any
) -> None:
    settings.NETCHECK_MAX_DELAY_MS = 10
    response = upload(new_token(site_a1, world.reseller_admin_a), result_doc(delay_ms=20))
    assert response.status_code == 201
    check = NetworkCheck.objects.get()
    assert check.client_overall == "pass"
    assert check.overall == "fail"
    assert check.thresholds["one_way_delay_ms"] == 10
    delay = next(v for v in check.verdicts if v["metric"] == "one_way_delay")
    assert delay["status"] == "fail" and delay["threshold"] == 10


def test_blocked_port_fails_the_site(world: World, site_a1: Site, upload: Upload) -> None:
    response = upload(
        new_token(site_a1, world.reseller_admin_a), result_doc(blocked=[("tcp", 1300)])
    )
    assert response.json()["overall"] == "fail"
    ports = next(v for v in NetworkCheck.objects.get().verdicts if v["metric"] == "ports")
    assert "TCP 1300" in ports["detail"]


def _mutate(path: str, value: Any) -> dict[str, Any]:
    doc = result_doc()
    *parents, last = path.split(".")
    node: Any = doc
    for part in parents:
        node = node[part]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return doc


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("schema", 3, "schema"),
        ("schema", True, "schema"),
        ("upstream.loss", _DELETE, "upstream.loss"),
        ("settings.port", "16384", "settings.port"),
        ("settings.surprise", 1, "settings.surprise"),
        ("upstream.loss.percent", 150.0, "upstream.loss.percent"),
        ("upstream.loss.lost", 5000, "upstream.loss.lost"),
        ("downstream.packets_sent", -1, "downstream.packets_sent"),
        ("rtt_ms.mean", 10_000_000.0, "rtt_ms.mean"),
        ("settings.streams", 0, "settings.streams"),
        ("overall", "great", "overall"),
        ("started_at", "yesterday", "started_at"),
        ("finished_at", "2999-01-01T00:00:00+00:00", "finished_at"),
        ("upstream.direction", "downstream", "upstream.direction"),
    ],
)
def test_bad_results_are_refused_with_the_field_named(
    world: World, site_a1: Site, upload: Upload, path: str, value: Any, field: str
) -> None:
    response = upload(new_token(site_a1, world.reseller_admin_a), _mutate(path, value))
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["error"] == "invalid"
    assert field in body["fields"], body
    assert field in body["message"]
    assert not NetworkCheck.objects.exists()


def test_not_a_number_and_malformed_json_are_refused(world: World, site_a1: Site) -> None:
    token = new_token(site_a1, world.reseller_admin_a)
    client = APIClient()
    doc = json.dumps(result_doc()).replace('"mos": 4.3', '"mos": NaN', 1)
    for body in (doc, "{not json", "[]"):
        response = client.post(UPLOAD_URL, body, content_type="application/json", **bearer(token))
        assert response.status_code == 400
        assert "body" in response.json()["fields"]
    assert not NetworkCheck.objects.exists()


def test_oversized_result_is_refused(world: World, site_a1: Site, upload: Upload) -> None:
    doc = result_doc()
    doc["notes"] = ["x" * 1000] * 1100  # about 1.1 MB
    response = upload(new_token(site_a1, world.reseller_admin_a), doc)
    assert response.status_code == 400
    assert "1 MB" in response.json()["fields"]["body"][0]
    assert not NetworkCheck.objects.exists()


def test_wrong_and_revoked_tokens_get_the_same_401(
    world: World, site_a1: Site, upload: Upload
) -> None:
    token, raw = services.site_check_token_create(site=site_a1, acting_user=world.reseller_admin_a)
    services.site_check_token_revoke(token=token, acting_user=world.reseller_admin_a)
    api_key = services.api_key_create(acting_user=world.reseller_admin_a, name="k")[1]
    revoked = upload(raw, result_doc())
    unknown = upload("snc_" + "A" * 43, result_doc())
    as_api_key = upload(api_key, result_doc())
    assert revoked.status_code == unknown.status_code == as_api_key.status_code == 401
    assert revoked.json() == unknown.json() == as_api_key.json()
    assert revoked["WWW-Authenticate"] == "Bearer"
    anonymous = APIClient().post(UPLOAD_URL, result_doc(), format="json")
    assert anonymous.status_code == 401
    # A logged-in session is no substitute for the site token.
    session = APIClient()
    session.force_login(world.reseller_admin_a)
    assert session.post(UPLOAD_URL, result_doc(), format="json").status_code == 401
    assert not NetworkCheck.objects.exists()


def test_the_token_decides_the_site(world: World, site_a1: Site, upload: Upload) -> None:
    site_b = build_system(world.customer_b1, world.reseller_admin_b).site
    doc = result_doc()
    response = upload(new_token(site_a1, world.reseller_admin_a), {**doc, "site": str(site_b.pk)})
    assert response.status_code == 400  # no such field in the result
    response = APIClient().post(
        f"{UPLOAD_URL}?site={site_b.pk}&customer={site_b.customer_id}",
        doc,
        format="json",
        **bearer(new_token(site_a1, world.reseller_admin_a)),
    )
    assert response.status_code == 201
    check = NetworkCheck.objects.get()
    assert check.site == site_a1 and check.customer == world.customer_a1
    assert not NetworkCheck.objects.filter(site=site_b).exists()
