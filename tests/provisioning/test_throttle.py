"""Throttling (TEN-4): failed logins per account and per client IP, unknown API keys per IP,
password-reset and invitation mails per address and per IP — each answered with 429 and
``Retry-After``, in the portal with a German message saying when to try again."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from provisioning import services, throttle
from provisioning.models import Account
from tests.factories import PASSWORD, World, build_system

START = 1_800_000_000.0  # the start of a login window and of a mail window


class Clock:
    def __init__(self) -> None:
        self.now = START

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(throttle, "_now", lambda: clock.now)
    return clock


def _login(client: Client, account: Account, password: str) -> Any:
    return client.post(
        reverse("portal:login"), {"username": account.username, "password": password}
    )


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _retry_after(response: Any) -> int:
    assert response.status_code == 429
    return int(response["Retry-After"])


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# Logins ------------------------------------------------------------------------------------


def test_fifty_wrong_passwords_then_the_right_one_does_not_log_in(world: World) -> None:
    client = Client()
    answers = [_login(client, world.reseller_admin_a, "wrong") for _ in range(50)]
    assert {a.status_code for a in answers[:10]} == {200}
    assert {a.status_code for a in answers[10:]} == {429}
    right = _login(client, world.reseller_admin_a, PASSWORD)
    assert 0 < _retry_after(right) <= 900
    assert not _logged_in(client)
    assert "Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es ab" in _text(right)
    assert 'id="login-form"' in _text(right)


def test_login_is_allowed_again_after_the_window(world: World, clock: Clock) -> None:
    client = Client()
    for _ in range(10):
        _login(client, world.reseller_admin_a, "wrong")
    clock.advance(600)
    assert _retry_after(_login(client, world.reseller_admin_a, PASSWORD)) == 300
    clock.advance(300)
    assert _login(client, world.reseller_admin_a, PASSWORD).status_code == 302
    assert _logged_in(client)


def test_a_locked_account_does_not_lock_another_account_or_another_ip(world: World) -> None:
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(12):
        _login(attacker, world.reseller_admin_a, "wrong")
    assert _login(attacker, world.reseller_admin_a, PASSWORD).status_code == 429
    # Another account, from another IP and from the attacker's IP (below its limit), logs in.
    assert (
        _login(Client(REMOTE_ADDR="198.51.100.2"), world.customer_admin_a1, PASSWORD).status_code
        == 302
    )
    assert _login(attacker, world.customer_admin_b1, PASSWORD).status_code == 302


def test_failed_logins_per_client_ip_lock_that_ip_only(world: World, clock: Clock) -> None:
    """Guessing at many accounts from one address: 30 failures lock the address."""
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(30):
        attacker.post(reverse("portal:login"), {"username": f"guess-{n}", "password": "x"})
    assert _retry_after(_login(attacker, world.customer_admin_a1, PASSWORD)) == 900
    assert not _logged_in(attacker)
    elsewhere = Client(REMOTE_ADDR="198.51.100.2")
    assert _login(elsewhere, world.customer_admin_a1, PASSWORD).status_code == 302
    clock.advance(900)
    assert _login(attacker, world.customer_admin_a1, PASSWORD).status_code == 302


def test_a_successful_login_forgets_the_accounts_failures(world: World) -> None:
    for _ in range(2):
        client = Client()
        for _ in range(9):
            _login(client, world.reseller_admin_a, "wrong")
        assert _login(client, world.reseller_admin_a, PASSWORD).status_code == 302


def test_the_admin_login_is_the_portals(world: World) -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/"


# API keys ----------------------------------------------------------------------------------


def test_unknown_api_keys_lock_the_client_ip(world: World, clock: Clock) -> None:
    _, key = services.api_key_create(acting_user=world.reseller_admin_a, name="erp")
    attacker = Client(REMOTE_ADDR="203.0.113.7")

    def call(client: Client, token: str) -> Any:
        return client.get("/api/v1/customers/", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert {call(attacker, f"stm_guess{n}").status_code for n in range(30)} == {401}
    refused = call(attacker, key)
    assert _retry_after(refused) == 900
    assert refused.json()["error"] == "throttled"
    assert call(Client(REMOTE_ADDR="198.51.100.2"), key).status_code == 200
    clock.advance(900)
    assert call(attacker, key).status_code == 200


# Password resets ---------------------------------------------------------------------------


def _reset(client: Client, address: str) -> Any:
    return client.post(reverse("portal:password_reset"), {"email": address})


def test_password_resets_per_address(world: World, clock: Clock) -> None:
    client = Client()
    address = world.customer_admin_a1.email
    assert [_reset(client, address).status_code for _ in range(3)] == [302, 302, 302]
    refused = _reset(client, address)
    assert _retry_after(refused) == 3600
    assert "Zu viele Anfragen für diese Adresse. Bitte versuchen Sie es ab" in _text(refused)
    assert len(mail.outbox) == 3
    # Another address from another IP is unaffected; the address is again after the window.
    assert (
        _reset(Client(REMOTE_ADDR="198.51.100.2"), world.reseller_admin_a.email).status_code == 302
    )
    clock.advance(3600)
    assert _reset(client, address).status_code == 302
    assert len(mail.outbox) == 5


def test_password_resets_per_client_ip(world: World) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    answers = [_reset(client, f"someone-{n}@example.test").status_code for n in range(11)]
    assert answers == [302] * 10 + [429]
    assert _reset(Client(REMOTE_ADDR="198.51.100.2"), "someone-0@example.test").status_code == 302


# Invitations -------------------------------------------------------------------------------


@pytest.fixture
def invite(world: World, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    system = build_system(world.customer_a1, world.reseller_admin_a)

    def post(*, api: bool = False, ip: str = "127.0.0.1") -> Any:
        client = Client(REMOTE_ADDR=ip)
        client.force_login(world.customer_admin_a1)
        path = (
            f"/api/v1/users/{system.user.pk}/invite/"
            if api
            else f"/system/users/{system.user.pk}/invite/"
        )
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path)

    return post


def test_invitations_per_address_in_the_portal_and_the_api(
    invite: Callable[..., Any], clock: Clock
) -> None:
    assert [invite().status_code for _ in range(3)] == [302, 302, 302]
    page = invite()
    assert _retry_after(page) == 3600
    assert "Zu viele Einladungen. Bitte versuchen Sie es ab" in _text(page)
    api = invite(api=True, ip="198.51.100.2")
    assert _retry_after(api) == 3600 and api.json()["error"] == "throttled"
    assert len(mail.outbox) == 3
    clock.advance(3600)
    assert invite(api=True).status_code == 200


def test_invitations_per_client_ip(invite: Callable[..., Any], settings: Any) -> None:
    settings.THROTTLE_INVITE_PER_ADDRESS = 100
    settings.THROTTLE_INVITE_PER_IP = 2
    assert [invite(ip="203.0.113.7").status_code for _ in range(3)] == [302, 302, 429]
    assert invite(ip="198.51.100.2").status_code == 302
