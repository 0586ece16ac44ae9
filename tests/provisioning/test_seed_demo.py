"""The demo data command creates a login per role and never duplicates anything."""

from __future__ import annotations

from django.core.management import call_command

from provisioning.models import Account, Customer, Reseller, Role, Subscriber


def test_seed_demo_is_idempotent_and_prints_logins(db: None, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    assert Reseller.objects.count() == 1
    assert Customer.objects.count() == 2
    assert set(Account.objects.values_list("role", flat=True)) == set(Role.values)
    assert Account.objects.count() == 6
    assert Subscriber.objects.count() == 4
    assert Subscriber.objects.get(account__username="nutzer1").extension == "10"
    for username in ("staff", "finance", "reseller", "kunde1", "kunde2", "nutzer1"):
        assert username in first
        assert Account.objects.get(username=username).check_password("stimme-demo-2026")
