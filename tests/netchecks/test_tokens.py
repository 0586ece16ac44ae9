"""Site check tokens: only a hash is stored, shown once, one active per site, revocable."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from rest_framework.test import APIClient

from provisioning import services
from provisioning.models import Account, AuditEvent, Site, SiteCheckToken
from tests.factories import World


def test_token_is_stored_only_as_its_sha256_hash(world: World, site_a1: Site) -> None:
    token, raw = services.site_check_token_create(site=site_a1, acting_user=world.reseller_admin_a)
    assert raw.startswith("snc_") and len(raw) > 40
    stored = SiteCheckToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.token_hash, stored.prefix}
    assert stored.prefix == raw[:12]
    entry = AuditEvent.objects.get(
        object_type="provisioning.sitechecktoken", object_id=str(token.pk)
    )
    assert raw not in str(entry.changes)
    assert stored.token_hash not in str(entry.changes)


def test_a_new_token_revokes_the_previous_one(world: World, site_a1: Site) -> None:
    first, first_raw = services.site_check_token_create(site=site_a1, acting_user=world.staff)
    second, _ = services.site_check_token_create(site=site_a1, acting_user=world.reseller_admin_a)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None
    assert services.site_check_token_authenticate(first_raw) is None


def test_api_creates_token_once_and_delete_revokes(
    world: World, site_a1: Site, api: Callable[[Account | None], APIClient]
) -> None:
    client = api(world.reseller_admin_a)
    created = client.post("/api/v1/network-check-tokens/", {"site": str(site_a1.pk)}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    raw = body["token"]
    assert services.site_check_token_authenticate(raw) is not None
    shown_again = client.get(f"/api/v1/network-check-tokens/{body['id']}/").json()
    assert "token" not in shown_again and raw not in str(shown_again)
    assert client.delete(f"/api/v1/network-check-tokens/{body['id']}/").status_code == 204
    assert SiteCheckToken.objects.get(pk=body["id"]).revoked_at is not None
    assert services.site_check_token_authenticate(raw) is None


def test_customer_admin_and_other_reseller_cannot_create_tokens(
    world: World, site_a1: Site, api: Callable[[Account | None], APIClient]
) -> None:
    data = {"site": str(site_a1.pk)}
    own = api(world.customer_admin_a1).post("/api/v1/network-check-tokens/", data, format="json")
    assert own.status_code == 403
    other = api(world.reseller_admin_b).post("/api/v1/network-check-tokens/", data, format="json")
    assert other.status_code == 400
    assert other.json()["fields"] == {"site": ["Unbekannte ID."]}
    assert not SiteCheckToken.objects.exists()
