"""The second factor (TEN-4, AUD-1): platform staff and finance must enrol one, a reseller's
admins when the reseller asks; the password alone logs nobody in; a code works once, a
recovery code works once; wrong codes count against the login throttle; staff reset another
login's factor; every step is in the log; API keys are unaffected."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from provisioning import services
from provisioning.models import Account, AuditEvent, RecoveryCode, SecondFactor
from provisioning.services import second_factor
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    World,
    enrol_second_factor,
    second_factor_code,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def _password(client: Client, account: Account) -> Any:
    return client.post(
        reverse("portal:login"), {"username": account.username, "password": PASSWORD}
    )


def _logged_in(client: Client) -> bool:
    return client.get(reverse("portal:dashboard")).status_code == 200


def test_staff_without_a_factor_enrols_before_being_logged_in(world: World) -> None:
    client = Client()
    response = _password(client, world.staff)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:login_enrol")
    assert not _logged_in(client)
    page = client.get(reverse("portal:login_enrol"))
    assert page.status_code == 200
    factor = SecondFactor.objects.get(account=world.staff)
    secret = page.context["secret"].replace(" ", "")
    assert page.context["uri"].startswith("otpauth://totp/")
    assert secret in page.context["uri"]
    assert factor.confirmed_at is None
    wrong = client.post(reverse("portal:login_enrol"), {"code": "000000"})
    assert "Der Code stimmt nicht." in wrong.content.decode()
    assert not _logged_in(client)
    done = client.post(reverse("portal:login_enrol"), {"code": pyotp.TOTP(secret).now()})
    assert done["Location"] == reverse("portal:second_factor_codes")
    codes = client.get(done["Location"])
    assert len(codes.context["codes"]) == 10
    assert _logged_in(client)
    assert client.get(reverse("portal:second_factor_codes")).status_code == 302  # shown once
    assert AuditEvent.objects.filter(
        object_type="provisioning.secondfactor", action="create", actor_id=world.staff.pk
    ).exists()
    stored = AuditEvent.objects.get(object_type="provisioning.secondfactor", action="create")
    assert secret not in str(stored.changes)


def test_finance_is_asked_too_and_a_customer_admin_is_not(world: World) -> None:
    assert _password(Client(), world.finance)["Location"] == reverse("portal:login_enrol")
    assert _password(Client(), world.customer_admin_a1)["Location"] == "/"
    assert _password(Client(), world.reseller_admin_a)["Location"] == "/"


def test_a_code_logs_in_once_and_a_wrong_one_is_refused(world: World) -> None:
    enrol_second_factor(world.staff)
    client = Client()
    assert _password(client, world.staff)["Location"] == reverse("portal:login_code")
    wrong = client.post(reverse("portal:login_code"), {"code": "123456"})
    assert wrong.status_code == 200
    assert "Der Code stimmt nicht." in wrong.content.decode()
    assert not _logged_in(client)
    code = second_factor_code(world.staff.username)
    assert client.post(reverse("portal:login_code"), {"code": code})["Location"] == "/"
    assert _logged_in(client)
    again = Client()
    _password(again, world.staff)
    replay = again.post(reverse("portal:login_code"), {"code": code})
    assert replay.status_code == 200
    assert not _logged_in(again)


def test_the_code_step_is_only_reached_after_the_password(world: World) -> None:
    enrol_second_factor(world.staff)
    client = Client()
    response = client.get(reverse("portal:login_code"))
    assert response["Location"] == reverse("portal:login")
    code = second_factor_code(world.staff.username)
    client.post(reverse("portal:login_code"), {"code": code})
    assert not _logged_in(client)


def test_a_recovery_code_works_once_and_is_logged(world: World) -> None:
    second_factor.second_factor_start(account=world.staff, secret=TOTP_SECRET)
    codes = second_factor.second_factor_confirm(
        account=world.staff, code=pyotp.TOTP(TOTP_SECRET).now()
    )
    client = Client()
    _password(client, world.staff)
    assert client.post(reverse("portal:login_code"), {"code": codes[0]})["Location"] == "/"
    assert RecoveryCode.objects.filter(account=world.staff, used_at__isnull=False).count() == 1
    assert AuditEvent.objects.filter(
        object_type="provisioning.recoverycode", action="update", actor_id=world.staff.pk
    ).exists()
    again = Client()
    _password(again, world.staff)
    assert again.post(reverse("portal:login_code"), {"code": codes[0]}).status_code == 200
    assert not _logged_in(again)
    assert second_factor.recovery_codes_left(world.staff) == 9


def test_wrong_codes_count_against_the_login_throttle(world: World, settings: Any) -> None:
    settings.THROTTLE_LOGIN_PER_ACCOUNT = 3
    enrol_second_factor(world.staff)
    client = Client()
    _password(client, world.staff)
    for _ in range(3):
        assert client.post(reverse("portal:login_code"), {"code": "111111"}).status_code == 200
    code = second_factor_code(world.staff.username)
    refused = client.post(reverse("portal:login_code"), {"code": code})
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert not _logged_in(client)


def test_a_reseller_can_require_the_factor_of_its_admins(world: World) -> None:
    services.reseller_update(
        reseller=world.reseller_a,
        acting_user=world.staff,
        data={"admins_need_second_factor": True},
    )
    admin = Account.objects.get(pk=world.reseller_admin_a.pk)
    assert _password(Client(), admin)["Location"] == reverse("portal:login_enrol")
    assert _password(Client(), world.reseller_admin_b)["Location"] == "/"


def test_a_reseller_admin_may_enrol_on_its_own_and_is_then_asked(world: World) -> None:
    client = Client()
    client.force_login(world.reseller_admin_a)
    page = client.get(reverse("portal:second_factor"))
    secret = page.context["secret"].replace(" ", "")
    done = client.post(reverse("portal:second_factor"), {"code": pyotp.TOTP(secret).now()})
    assert done["Location"] == reverse("portal:second_factor_codes")
    assert _password(Client(), world.reseller_admin_a)["Location"] == reverse("portal:login_code")


def test_customer_admins_have_no_second_factor_page(world: World) -> None:
    client = Client()
    client.force_login(world.customer_admin_a1)
    assert client.get(reverse("portal:second_factor")).status_code == 403
    assert client.get(reverse("portal:second_factor_reset")).status_code == 403


def test_staff_reset_another_logins_factor_but_not_their_own(world: World) -> None:
    enrol_second_factor(world.finance)
    enrol_second_factor(world.staff)
    client = Client()
    client.force_login(world.staff)
    own = client.post(reverse("portal:second_factor_reset"), {"username": world.staff.username})
    assert own.status_code == 200
    assert SecondFactor.objects.filter(account=world.staff).exists()
    done = client.post(reverse("portal:second_factor_reset"), {"username": world.finance.username})
    assert done.status_code == 302
    assert not SecondFactor.objects.filter(account=world.finance).exists()
    assert not RecoveryCode.objects.filter(account=world.finance).exists()
    assert AuditEvent.objects.filter(
        object_type="provisioning.secondfactor", action="delete", actor_id=world.staff.pk
    ).exists()
    assert _password(Client(), world.finance)["Location"] == reverse("portal:login_enrol")
    finance = Client()
    finance.force_login(world.finance)
    assert finance.get(reverse("portal:second_factor_reset")).status_code == 403


def test_api_keys_are_not_affected(world: World) -> None:
    enrol_second_factor(world.staff)
    _key, raw = services.api_key_create(acting_user=world.staff, name="automation")
    response = Client().get("/api/v1/resellers/", headers={"authorization": f"Bearer {raw}"})
    assert response.status_code == 200
