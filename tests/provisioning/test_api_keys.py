"""TEN-4: named API keys, shown once, stored hashed, revocable, acting with the creator's scope."""

from __future__ import annotations

from collections.abc import Callable

from django.core import mail
from django.core.management import call_command
from rest_framework.test import APIClient

from provisioning.models import Account, ApiKey
from tests.factories import World

ApiFactory = Callable[[Account | None], APIClient]


def _bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_key_is_shown_once_and_stored_hashed(world: World, api: ApiFactory) -> None:
    client = api(world.reseller_admin_a)
    created = client.post("/api/v1/api-keys/", {"name": "ERP-Anbindung"}, format="json")
    assert created.status_code == 201
    raw = created.json()["key"]
    assert raw.startswith("stm_") and len(raw) > 40
    key = ApiKey.objects.get(pk=created.json()["id"])
    assert raw not in (key.key_hash, key.prefix) and key.prefix == raw[:12]
    listed = client.get("/api/v1/api-keys/").json()["results"]
    assert [row["name"] for row in listed] == ["ERP-Anbindung"]
    assert "key" not in listed[0]
    assert "key" not in client.get(f"/api/v1/api-keys/{key.pk}/").json()


def test_key_acts_with_its_creators_role_and_scope(world: World, api: ApiFactory) -> None:
    raw = (
        api(world.reseller_admin_a)
        .post("/api/v1/api-keys/", {"name": "script"}, format="json")
        .json()["key"]
    )
    client = _bearer(raw)
    ids = {row["id"] for row in client.get("/api/v1/customers/").json()["results"]}
    assert ids == {str(world.customer_a1.pk), str(world.customer_a2.pk)}
    assert client.get(f"/api/v1/customers/{world.customer_b1.pk}/").status_code == 404
    # Writes through a key are logged as API changes by the key's owner.
    response = client.patch(
        f"/api/v1/customers/{world.customer_a1.pk}/", {"city": "Kiel"}, format="json"
    )
    assert response.status_code == 200


def test_revoked_and_unknown_keys_are_refused(world: World, api: ApiFactory) -> None:
    owner = api(world.reseller_admin_a)
    created = owner.post("/api/v1/api-keys/", {"name": "old"}, format="json").json()
    assert _bearer(created["key"]).get("/api/v1/customers/").status_code == 200
    assert owner.delete(f"/api/v1/api-keys/{created['id']}/").status_code == 204
    refused = _bearer(created["key"]).get("/api/v1/customers/")
    assert refused.status_code == 401
    assert refused.json()["error"] == "authentication_failed"
    assert _bearer("stm_made-up").get("/api/v1/customers/").status_code == 401
    assert ApiKey.objects.get(pk=created["id"]).revoked_at is not None


def test_customer_admin_and_finance_cannot_create_keys(world: World, api: ApiFactory) -> None:
    for account in (world.customer_admin_a1, world.finance, world.end_user_a1):
        response = api(account).post("/api/v1/api-keys/", {"name": "x"}, format="json")
        assert response.status_code == 403
    assert not ApiKey.objects.exists()


def test_duplicate_active_name_is_a_conflict(world: World, api: ApiFactory) -> None:
    client = api(world.reseller_admin_a)
    assert client.post("/api/v1/api-keys/", {"name": "same"}, format="json").status_code == 201
    again = client.post("/api/v1/api-keys/", {"name": "same"}, format="json")
    assert again.status_code == 409
    assert again.json()["fields"]["name"]


def test_new_key_mails_the_owner_and_reseller_contact(
    world: World,
    api: ApiFactory,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        api(world.reseller_admin_a).post("/api/v1/api-keys/", {"name": "notify"}, format="json")
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {
        world.reseller_admin_a.email,
        world.reseller_a.contact_email,
    }
    assert "notify" in mail.outbox[0].subject


def test_create_api_key_command_prints_a_working_key(world: World, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("create_api_key", username=world.staff.username, name="deploy")
    raw = capsys.readouterr().out.strip()
    response = _bearer(raw).get("/api/v1/resellers/")
    assert response.status_code == 200
    assert response.json()["count"] == 2
