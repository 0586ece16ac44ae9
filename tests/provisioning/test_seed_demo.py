"""The demo data command creates a login per role, a telephone system with every feature for
the first demo customer, and never duplicates anything."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command

from provisioning.models import (
    Account,
    AudioFile,
    AuditEvent,
    CallForwarding,
    Customer,
    Device,
    HotDeskLogin,
    HuntGroup,
    IvrMenu,
    LicenseEvent,
    NetworkCheck,
    OperatorSettings,
    PhonebookEntry,
    PickupGroup,
    Reseller,
    Role,
    Subscriber,
    VoicemailBox,
)

COUNTED = (
    Account,
    AudioFile,
    AuditEvent,
    CallForwarding,
    Device,
    HotDeskLogin,
    HuntGroup,
    IvrMenu,
    LicenseEvent,
    NetworkCheck,
    OperatorSettings,
    PhonebookEntry,
    PickupGroup,
    Subscriber,
    VoicemailBox,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_seed_demo_is_idempotent_and_prints_logins(
    db: None, capsys, settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("seed_demo")
    first = capsys.readouterr().out
    counts = _counts()
    call_command("seed_demo")
    assert _counts() == counts
    assert Reseller.objects.count() == 1
    assert Customer.objects.count() == 2
    assert set(Account.objects.values_list("role", flat=True)) == set(Role.values)
    assert Account.objects.count() == 6
    assert Subscriber.objects.count() == 4
    assert Subscriber.objects.get(account__username="nutzer1").extension == "10"
    for username in ("staff", "finance", "reseller", "kunde1", "kunde2", "nutzer1"):
        assert username in first
        assert Account.objects.get(username=username).check_password("stimme-demo-2026")


def test_demo_customer_uses_every_feature(db: None, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("seed_demo")
    bakery = Customer.objects.get(company_name="Bäckerei Krume GmbH")
    paul = Subscriber.objects.get(account__username="nutzer1")

    groups = {g.name: g.members.count() for g in HuntGroup.objects.filter(customer=bakery)}
    assert groups == {"Verkauf": 3, "Backstube": 2}
    assert PickupGroup.objects.get(customer=bakery).members.count() == 2
    menu = IvrMenu.objects.get(customer=bakery, name="Hauptmenü")
    assert menu.announcement is not None
    assert {o.target.split(":")[0] for o in menu.options.all()} == {"hunt_group", "ivr", "operator"}
    operator = OperatorSettings.objects.get(customer=bakery)
    assert operator.ivr_menu == menu and operator.night_target == f"voicemail:{paul.pk}"
    assert operator.holidays_are_night and operator.schedule.count() == 6

    audio = AudioFile.objects.get(customer=bakery, name="Begrüßung")
    assert audio.original_format == "wav" and audio.telephony.read()[:4] == b"RIFF"
    assert CallForwarding.objects.get(subscriber=paul).on_busy == f"voicemail:{paul.pk}"
    assert VoicemailBox.objects.filter(subscriber__customer=bakery).count() == 2
    assert HotDeskLogin.objects.get(subscriber=paul).device.subscriber is None
    assert Device.objects.filter(customer=bakery).count() == 5
    assert PhonebookEntry.objects.filter(phonebook__owner=None, customer=bakery).count() == 3
    assert PhonebookEntry.objects.filter(phonebook__owner=paul).count() == 2
    checks = NetworkCheck.objects.filter(customer=bakery).order_by("received_at")
    assert [c.overall for c in checks] == ["fail", "pass"]


def test_demo_platform_logins_pass_the_second_step_with_the_documented_secret(db) -> None:  # type: ignore[no-untyped-def]
    """TEN-4: staff and finance need a second factor; the demo enrols the public demo secret
    for them and prints how to get a code."""
    import io

    import pyotp

    from provisioning.management.commands.seed_demo import DEMO_TOTP_SECRET
    from provisioning.services import second_factor

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert DEMO_TOTP_SECRET in out.getvalue()
    for username in ("staff", "finance"):
        account = Account.objects.get(username=username)
        assert second_factor.confirmed_factor(account) is not None
        code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
        assert second_factor.second_factor_check(account=account, code=code)
    reseller = Account.objects.get(username="reseller")
    assert second_factor.confirmed_factor(reseller) is None
