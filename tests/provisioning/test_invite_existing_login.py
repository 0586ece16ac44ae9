"""Inviting a user whose e-mail address already has a login — at another reseller's customer —
answers exactly as for a new address; no second login is made and the existing login's owner
is mailed about the attempt, so an invitation never reveals another tenant's logins (TEN-1,
TEN-4)."""

from __future__ import annotations

from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from provisioning import services
from provisioning.models import Account, Role
from tests.factories import World, build_system, make_account, user_data


def _invite(world: World, email: str, captured) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    system = build_system(world.customer_a1, world.reseller_admin_a)
    user = services.user_create(
        customer=system.customer,
        acting_user=world.customer_admin_a1,
        data=user_data(system.site, "11", email=email),
    )
    client = APIClient()
    client.force_login(world.customer_admin_a1)
    with captured(execute=True):
        response = client.post(f"/api/v1/users/{user.pk}/invite/")
    body = response.json()
    return response.status_code, {k: v for k, v in body.items() if k != "has_login"}


def test_an_address_with_a_login_elsewhere_answers_as_a_new_one(
    world: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    elsewhere = make_account(Role.CUSTOMER_ADMIN, customer=world.customer_b1)
    Account.objects.filter(pk=elsewhere.pk).update(username="anna@kunde-b.example")
    status, body = _invite(world, "Anna@kunde-b.example", django_capture_on_commit_callbacks)
    assert status == 200
    assert body["email"] == "Anna@kunde-b.example"
    assert "error" not in body
    assert Account.objects.filter(username__iexact="anna@kunde-b.example").count() == 1
    (message,) = mail.outbox
    assert message.to == [elsewhere.email]
    assert "versucht" in message.body and "nicht angelegt" in message.body
    assert "/password/reset/" not in message.body


def test_a_new_address_answers_the_same_status_and_gets_the_link(
    world: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    status, _body = _invite(world, "neu@kunde-a.example", django_capture_on_commit_callbacks)
    assert status == 200
    assert mail.outbox[-1].to == ["neu@kunde-a.example"]
    assert "/password/reset/" in mail.outbox[-1].body


def test_the_portal_shows_the_same_confirmation(
    world: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    make_account(Role.END_USER, customer=world.customer_b1)
    taken = Account.objects.filter(customer=world.customer_b1, role=Role.END_USER).get()
    system = build_system(world.customer_a1, world.reseller_admin_a)
    user = services.user_create(
        customer=system.customer,
        acting_user=world.customer_admin_a1,
        data=user_data(system.site, "11", email="kollege@kunde-b.example"),
    )
    Account.objects.filter(pk=taken.pk).update(username=user.email)
    client = Client()
    client.force_login(world.customer_admin_a1)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("portal:user_invite", args=[user.pk]), follow=True)
    assert "hat einen Link zum Festlegen des Passworts erhalten" in page.content.decode()
    assert mail.outbox[-1].to == [taken.email]
