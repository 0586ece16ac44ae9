"""Services of the call features: package checks (LIC-5), loop refusal, one-time fees,
phonebooks (FEA-1 … FEA-11)."""

from __future__ import annotations

import pytest

from provisioning import services
from provisioning.errors import ApplicationError
from provisioning.models import (
    AuditEvent,
    CallForwarding,
    HuntGroup,
    OneTimeFeeEvent,
    PhonebookEntry,
    VoicemailBox,
)
from tests.factories import site_data, trunk_data, unique_base_number, user_data

from .conftest import Office


def _group(office: Office, name: str, members: list, **extra):  # type: ignore[no-untyped-def]
    return services.hunt_group_create(
        customer=office.customer,
        acting_user=office.admin,
        data={"name": name, "site": office.site, "members": members, **extra},
    )


def test_first_hunt_group_is_included_and_second_records_a_one_time_fee(office: Office) -> None:
    first = _group(office, "Zentrale", [office.anna, office.ben], extension="20")
    assert not OneTimeFeeEvent.objects.filter(customer=office.customer).exists()
    second = _group(office, "Vertrieb", [office.clara], strategy="round_robin")
    fees = list(OneTimeFeeEvent.objects.filter(customer=office.customer))
    assert [(f.fee_type, f.quantity, f.reference) for f in fees] == [
        ("hunt_group", 1, str(second.pk))
    ]
    assert [m.subscriber for m in first.members.order_by("position")] == [office.anna, office.ben]
    assert AuditEvent.objects.filter(object_id=str(first.pk), action="create").exists()


def test_fee_rows_are_append_only(office: Office) -> None:
    _group(office, "A", [])
    _group(office, "B", [])
    fee = OneTimeFeeEvent.objects.get()
    with pytest.raises(ApplicationError):
        fee.save()
    with pytest.raises(ApplicationError):
        OneTimeFeeEvent.objects.all().delete()


def test_hunt_group_members_come_from_the_group_site(office: Office) -> None:
    other = services.site_create(
        customer=office.customer,
        acting_user=office.world.reseller_admin_a,
        data=site_data(),
        extra_site_license=True,
    )
    trunk = services.trunk_create(
        site=other, acting_user=office.world.reseller_admin_a, data=trunk_data(), password="x"
    )
    services.number_block_create(
        trunk=trunk,
        acting_user=office.world.reseller_admin_a,
        base_number=unique_base_number(),
        first_extension=0,
        last_extension=99,
    )
    remote = services.user_create(
        customer=office.customer, acting_user=office.admin, data=user_data(other, "50")
    )
    with pytest.raises(ApplicationError) as refused:
        _group(office, "Gemischt", [office.anna, remote])
    assert refused.value.code == "member_other_site"
    assert not HuntGroup.objects.exists()


def test_extension_of_a_user_cannot_be_a_group_extension(office: Office) -> None:
    with pytest.raises(ApplicationError) as refused:
        _group(office, "X", [], extension="10")
    assert refused.value.code == "extension_taken"


def test_voicemail_is_refused_for_klare_stimme(office: Office) -> None:
    with pytest.raises(ApplicationError) as refused:
        services.voicemail_update(
            subscriber=office.clara, acting_user=office.admin, data={"enabled": True}
        )
    assert refused.value.code == "feature_not_in_package"
    assert "Klare stimme" in refused.value.message
    assert not VoicemailBox.objects.exists()
    office.clara.refresh_from_db()
    assert office.clara.voicemail_enabled is False


def test_voicemail_pin_is_stored_hashed(office: Office) -> None:
    box = services.voicemail_update(
        subscriber=office.anna,
        acting_user=office.admin,
        data={"enabled": True, "pin": "4711", "email": "anna@kunde.example"},
    )
    assert box.pin_hash and "4711" not in box.pin_hash
    office.anna.refresh_from_db()
    assert office.anna.voicemail_enabled
    entry = AuditEvent.objects.filter(object_id=str(box.pk)).get()
    assert "4711" not in str(entry.changes)


def test_voicemail_target_needs_voicemail_package(office: Office) -> None:
    with pytest.raises(ApplicationError) as refused:
        services.forwarding_update(
            subscriber=office.anna,
            acting_user=office.admin,
            data={"on_busy": f"voicemail:{office.clara.pk}"},
        )
    assert refused.value.code == "feature_not_in_package"


def test_forwarding_loop_is_refused_and_nothing_is_written(office: Office) -> None:
    services.forwarding_update(
        subscriber=office.anna, acting_user=office.admin, data={"always": f"user:{office.ben.pk}"}
    )
    events_before = AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as refused:
        services.forwarding_update(
            subscriber=office.ben,
            acting_user=office.admin,
            data={"always": f"user:{office.anna.pk}"},
        )
    assert refused.value.code == "configuration_loop"
    assert refused.value.status == 409
    assert "user 10" in refused.value.message and "user 11" in refused.value.message
    assert not CallForwarding.objects.filter(subscriber=office.ben).exists()
    assert AuditEvent.objects.count() == events_before


def test_ivr_loop_through_timeouts_is_refused(office: Office) -> None:
    main = services.ivr_menu_create(
        customer=office.customer, acting_user=office.admin, data={"name": "Haupt"}
    )
    sub = services.ivr_menu_create(
        customer=office.customer,
        acting_user=office.admin,
        data={"name": "Unter", "on_timeout": f"ivr:{main.pk}", "options": []},
    )
    with pytest.raises(ApplicationError) as refused:
        services.ivr_menu_update(
            menu=main, acting_user=office.admin, data={"on_timeout": f"ivr:{sub.pk}"}
        )
    assert refused.value.code == "configuration_loop"
    assert "Haupt" in refused.value.message and "Unter" in refused.value.message
    main.refresh_from_db()
    assert main.on_timeout == ""
    # A "back to the main menu" key needs the caller and is allowed.
    services.ivr_menu_update(
        menu=main,
        acting_user=office.admin,
        data={"options": [{"digit": "1", "target": f"ivr:{sub.pk}"}]},
    )


def test_overflow_cycle_is_refused(office: Office) -> None:
    a = _group(office, "A", [office.anna])
    b = _group(office, "B", [office.ben], overflow=f"hunt_group:{a.pk}")
    with pytest.raises(ApplicationError) as refused:
        services.hunt_group_update(
            group=a, acting_user=office.admin, data={"overflow": f"hunt_group:{b.pk}"}
        )
    assert refused.value.code == "configuration_loop"
    a.refresh_from_db()
    assert a.overflow == ""


def test_targets_of_another_customer_are_unknown(office: Office) -> None:
    from tests.factories import build_system

    foreign = build_system(office.world.customer_b1, office.world.reseller_admin_b)
    with pytest.raises(ApplicationError) as refused:
        services.forwarding_update(
            subscriber=office.anna,
            acting_user=office.admin,
            data={"always": f"user:{foreign.user.pk}"},
        )
    assert refused.value.code == "invalid"
    assert refused.value.fields == {"always": ["Unbekannte ID."]}


def test_outsider_cannot_configure(office: Office) -> None:
    with pytest.raises(ApplicationError) as refused:
        _group_as(office, office.world.customer_admin_a2)
    assert refused.value.code == "permission_denied"


def _group_as(office: Office, actor):  # type: ignore[no-untyped-def]
    return services.hunt_group_create(
        customer=office.customer, acting_user=actor, data={"name": "X", "site": office.site}
    )


def test_group_in_use_cannot_be_deleted(office: Office) -> None:
    group = _group(office, "Zentrale", [office.anna])
    services.operator_update(
        customer=office.customer,
        acting_user=office.admin,
        data={"day_target": f"hunt_group:{group.pk}"},
    )
    with pytest.raises(ApplicationError) as refused:
        services.hunt_group_delete(group=group, acting_user=office.admin)
    assert refused.value.code == "target_in_use"


def test_hotdesk_login_keeps_previous_user(office: Office) -> None:
    from provisioning.features_snapshot import build_live_state
    from provisioning.models import Device

    desk = Device.objects.get(subscriber=office.anna)
    services.hotdesk_login(device=desk, subscriber=office.ben, acting_user=office.admin)
    state = build_live_state(office.customer)
    assert (str(office.anna.pk), str(desk.pk)) in state.hotdesk_logins
    assert (str(office.ben.pk), str(desk.pk)) in state.hotdesk_logins


# Phonebooks -----------------------------------------------------------------------------------


def test_reverse_lookup_prefers_private_then_shared_then_users(office: Office) -> None:
    shared = services.phonebook_for(customer=office.customer)
    private = services.phonebook_for(customer=office.customer, owner=office.anna)
    number = "+49 89 1234567"
    services.phonebook_entry_create(
        phonebook=shared,
        acting_user=office.admin,
        data={"name": "Firma Huber", "company": "Huber KG", "numbers": [number]},
    )
    services.phonebook_entry_create(
        phonebook=private,
        acting_user=office.admin,
        data={"name": "Onkel Sepp", "numbers": [number]},
    )
    mine = services.reverse_lookup(
        customer=office.customer, number="089 1234567", owner=office.anna
    )
    assert mine is not None and (mine.name, mine.source) == ("Onkel Sepp", "private")
    other = services.reverse_lookup(customer=office.customer, number=number, owner=office.ben)
    assert other is not None and (other.name, other.source) == ("Firma Huber", "shared")
    colleague = services.reverse_lookup(customer=office.customer, number=office.ben.number.e164)
    assert colleague is not None and colleague.source == "user" and "Ben" in colleague.name
    assert services.reverse_lookup(customer=office.customer, number="+4940999999") is None


def test_phonebook_search_by_name_prefix(office: Office) -> None:
    shared = services.phonebook_for(customer=office.customer)
    for name in ("Müller", "Mueller-Lüdenscheidt", "Schmidt"):
        services.phonebook_entry_create(
            phonebook=shared,
            acting_user=office.admin,
            data={"name": name, "numbers": ["+493012345678"]},
        )
    found = services.phonebook_search(customer=office.customer, prefix="mü")
    assert [e.name for e in found] == ["Müller"]
    assert len(services.phonebook_search(customer=office.customer, prefix="M")) == 2


def test_phonebook_csv_round_trip(office: Office) -> None:
    shared = services.phonebook_for(customer=office.customer)
    services.phonebook_entry_create(
        phonebook=shared,
        acting_user=office.admin,
        data={
            "name": "Huber; Sepp",
            "company": "Huber KG",
            "numbers": ["+49891234567", "+491701234567"],
        },
    )
    text = services.phonebook_export_csv(phonebook=shared)
    private = services.phonebook_for(customer=office.customer, owner=office.ben)
    report = services.phonebook_import_csv(phonebook=private, acting_user=office.admin, text=text)
    assert report.ok and report.created == 1
    assert services.phonebook_export_csv(phonebook=private) == text


def test_phonebook_import_with_a_bad_row_imports_nothing(office: Office) -> None:
    shared = services.phonebook_for(customer=office.customer)
    text = "name;company;numbers\nA;;+49891234567\nB;;keine Nummer\n"
    report = services.phonebook_import_csv(phonebook=shared, acting_user=office.admin, text=text)
    assert not report.ok and set(report.errors) == {3}
    assert not PhonebookEntry.objects.exists()
