"""Portal pages of pickup groups, forwarding, voicemail and hot-desk logins (FEA-2, FEA-7 …
FEA-9) and the end users' own settings and private phonebook (FEA-6)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from provisioning import services
from provisioning.models import (
    Account,
    CallForwarding,
    Device,
    HotDeskLogin,
    PhonebookEntry,
    PickupGroup,
    Role,
    Subscriber,
    VoicemailBox,
)
from tests.factories import make_account

from .conftest import Office

pytestmark = pytest.mark.django_db


def _client(account: Account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def _end_user(office: Office, subscriber: Subscriber) -> Account:
    account = make_account(Role.END_USER, customer=office.customer)
    Subscriber.objects.filter(pk=subscriber.pk).update(account=account)
    return account


# Admin pages ----------------------------------------------------------------------------------


def test_admin_creates_edits_and_deletes_a_pickup_group(office: Office) -> None:
    client = _client(office.admin)
    overview = client.get(reverse("portal:feature_overview", args=[office.customer.pk]))
    assert reverse("portal:feature_pickup_list", args=[office.customer.pk]) in overview.text
    url = reverse("portal:feature_pickup_create", args=[office.customer.pk])
    response = client.post(url, {"name": "Vertrieb", "members": [office.anna.pk, office.ben.pk]})
    assert response.status_code == 302
    group = PickupGroup.objects.get(customer=office.customer)
    assert set(group.members.all()) == {office.anna, office.ben}
    listing = client.get(reverse("portal:feature_pickup_list", args=[office.customer.pk])).text
    assert "Vertrieb" in listing and office.anna.name in listing
    # Name taken: refusal beside the field, in German.
    again = client.post(url, {"name": "Vertrieb"})
    assert again.status_code == 400
    assert "Der Name „Vertrieb“ ist bereits vergeben." in again.text
    edit = reverse("portal:feature_pickup_edit", args=[group.pk])
    assert client.post(edit, {"name": "Verkauf", "members": [office.clara.pk]}).status_code == 302
    group.refresh_from_db()
    assert group.name == "Verkauf" and list(group.members.all()) == [office.clara]
    delete = reverse("portal:feature_pickup_delete", args=[group.pk])
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 302
    assert not PickupGroup.objects.exists()


def test_admin_sets_forwarding_and_voicemail_of_a_user(office: Office) -> None:
    client = _client(office.admin)
    detail = client.get(reverse("portal:user_detail", args=[office.anna.pk])).text
    url = reverse("portal:feature_user_calls", args=[office.anna.pk])
    assert url in detail
    response = client.post(
        url,
        {
            "form": "forwarding",
            "fw-always": "",
            "fw-on_busy": f"user:{office.ben.pk}",
            "fw-on_no_answer": "external",
            "fw-on_no_answer_number": "030 12345678",
            "fw-no_answer_seconds": "25",
        },
    )
    assert response.status_code == 302
    forwarding = CallForwarding.objects.get(subscriber=office.anna)
    assert forwarding.on_busy == f"user:{office.ben.pk}"
    assert forwarding.on_no_answer == "external:+493012345678"
    assert forwarding.no_answer_seconds == 25
    # An invalid external number is refused beside its field.
    bad = client.post(
        url,
        {
            "form": "forwarding",
            "fw-always": "external",
            "fw-always_number": "12",
            "fw-no_answer_seconds": "20",
        },
    )
    assert bad.status_code == 400 and "Keine gültige Rufnummer" in bad.text
    vm = client.post(
        url,
        {"form": "voicemail", "vm-enabled": "on", "vm-pin": "4711", "vm-email": "a@kunde.example"},
    )
    assert vm.status_code == 302
    box = VoicemailBox.objects.get(subscriber=office.anna)
    assert box.has_pin and box.email == "a@kunde.example"
    page = client.get(url).text
    assert "gesetzt" in page and "4711" not in page and box.pin_hash not in page


def test_voicemail_is_refused_for_a_package_without_it(office: Office) -> None:
    client = _client(office.admin)
    url = reverse("portal:feature_user_calls", args=[office.clara.pk])
    assert 'id="voicemail-not-included"' in client.get(url).text
    response = client.post(url, {"form": "voicemail", "vm-enabled": "on"})
    assert response.status_code == 400
    assert "Das Paket „Klare stimme“ enthält nicht: Voicemail." in response.text
    assert not VoicemailBox.objects.filter(subscriber=office.clara).exists()


def test_admin_sees_hotdesk_logins_and_logs_out(office: Office) -> None:
    device = Device.objects.get(subscriber=office.anna)
    login = services.hotdesk_login(device=device, subscriber=office.ben, acting_user=office.admin)
    client = _client(office.admin)
    page = client.get(reverse("portal:feature_hotdesk", args=[office.customer.pk])).text
    assert office.ben.name in page
    logout = reverse("portal:feature_hotdesk_logout", args=[login.pk])
    assert client.get(logout).status_code == 405
    assert client.post(logout).status_code == 302
    assert not HotDeskLogin.objects.exists()


# End users ------------------------------------------------------------------------------------


def test_end_user_menu_and_own_forwarding(office: Office) -> None:
    account = _end_user(office, office.anna)
    client = _client(account)
    dashboard = client.get(reverse("portal:dashboard")).text
    assert reverse("portal:my_calls") in dashboard
    url = reverse("portal:my_calls")
    page = client.get(url)
    assert page.status_code == 200
    # Their own user is no target of their own forwarding.
    assert f'value="user:{office.anna.pk}"' not in page.text
    response = client.post(
        url,
        {
            "form": "forwarding",
            "fw-always": "external",
            "fw-always_number": "+49 89 1234567",
            "fw-no_answer_seconds": "20",
        },
    )
    assert response.status_code == 302
    assert CallForwarding.objects.get(subscriber=office.anna).always == "external:+49891234567"
    assert not CallForwarding.objects.filter(subscriber=office.ben).exists()
    vm = client.post(url, {"form": "voicemail", "vm-enabled": "on", "vm-pin": "5871"})
    assert vm.status_code == 302
    assert VoicemailBox.objects.get(subscriber=office.anna).has_pin
    # Admin pages stay closed: another user's page is 404, their own admin page 403.
    other = reverse("portal:feature_user_calls", args=[office.ben.pk])
    assert client.get(other).status_code == 404
    own_admin = reverse("portal:feature_user_calls", args=[office.anna.pk])
    assert client.get(own_admin).status_code == 403


def test_end_user_logs_in_and_out_at_a_device(office: Office) -> None:
    account = _end_user(office, office.anna)
    client = _client(account)
    device = Device.objects.get(subscriber=office.ben)
    url = reverse("portal:my_hotdesk")
    assert client.post(url, {"device": device.pk}).status_code == 302
    login = HotDeskLogin.objects.get(subscriber=office.anna)
    assert login.device == device
    page = client.get(url).text
    assert reverse("portal:my_hotdesk_logout", args=[login.pk]) in page
    # Ben's own login is not Anna's to end.
    bens = services.hotdesk_login(device=device, subscriber=office.ben, acting_user=office.admin)
    assert client.post(reverse("portal:my_hotdesk_logout", args=[bens.pk])).status_code == 404
    assert client.post(reverse("portal:my_hotdesk_logout", args=[login.pk])).status_code == 302
    assert list(HotDeskLogin.objects.all()) == [bens]


def test_end_user_private_phonebook(office: Office) -> None:
    account = _end_user(office, office.anna)
    client = _client(account)
    url = reverse("portal:my_phonebook")
    response = client.post(url, {"name": "Zahnarzt", "numbers": "030 98765432"})
    assert response.status_code == 302
    entry = PhonebookEntry.objects.get(name="Zahnarzt")
    assert entry.phonebook.owner == office.anna
    bad = client.post(url, {"name": "Kaputt", "numbers": "123"})
    assert bad.status_code == 400 and "Keine gültige Rufnummer" in bad.text
    assert "Zahnarzt" in client.get(url, {"q": "zahn"}).text
    assert "Zahnarzt" not in client.get(url, {"q": "x"}).text
    edit = reverse("portal:my_phonebook_entry_edit", args=[entry.pk])
    assert client.post(edit, {"name": "Dr. Zahn", "numbers": "+493098765432"}).status_code == 302
    entry.refresh_from_db()
    assert entry.name == "Dr. Zahn"
    export = client.get(reverse("portal:my_phonebook_export"))
    assert export["Content-Type"].startswith("text/csv")
    assert "Dr. Zahn;;+493098765432" in export.content.decode("utf-8-sig")
    csv = b"name;company;numbers\nPizza;Luigi;+49 30 1111111\n"
    imported = client.post(
        reverse("portal:my_phonebook_import"),
        {"file": SimpleUploadedFile("b.csv", csv, content_type="text/csv")},
    )
    assert imported.status_code == 302
    bad_csv = b"name;company;numbers\n;;+49 30 1111111\nX;;1\n"
    refused = client.post(
        reverse("portal:my_phonebook_import"),
        {"file": SimpleUploadedFile("c.csv", bad_csv, content_type="text/csv")},
    )
    assert refused.status_code == 400
    assert "Zeile 2:" in refused.text and "Zeile 3:" in refused.text
    assert PhonebookEntry.objects.filter(phonebook__owner=office.anna).count() == 2
    delete = reverse("portal:my_phonebook_entry_delete", args=[entry.pk])
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 302
    assert not PhonebookEntry.objects.filter(pk=entry.pk).exists()


def test_end_user_never_reaches_another_users_phonebook(office: Office) -> None:
    anna = _end_user(office, office.anna)
    _end_user(office, office.ben)
    book = services.phonebook_for(customer=office.customer, owner=office.ben)
    entry = services.phonebook_entry_create(
        phonebook=book,
        acting_user=office.admin,
        data={"name": "Bens Geheimnis", "numbers": ["+4930555"]},
    )
    client = _client(anna)
    assert "Bens Geheimnis" not in client.get(reverse("portal:my_phonebook")).text
    for name in ("my_phonebook_entry_edit", "my_phonebook_entry_delete"):
        assert client.get(reverse(f"portal:{name}", args=[entry.pk])).status_code == 404
        assert (
            client.post(reverse(f"portal:{name}", args=[entry.pk]), {"name": "x"}).status_code
            == 404
        )
    # Not even an admin reaches a private entry through the end users' pages.
    admin = _client(office.admin)
    assert admin.get(reverse("portal:my_phonebook_entry_edit", args=[entry.pk])).status_code == 404
    assert PhonebookEntry.objects.get(pk=entry.pk).name == "Bens Geheimnis"


def test_end_user_without_a_number_gets_a_hint(office: Office) -> None:
    client = _client(office.world.end_user_a1)
    for name in ("my_calls", "my_hotdesk", "my_phonebook"):
        assert 'id="no-phone"' in client.get(reverse(f"portal:{name}")).text


def test_more_pages_speak_english(office: Office) -> None:
    account = _end_user(office, office.anna)
    client = _client(account)
    client.post(reverse("portal:set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("portal:my_hotdesk")).text
    assert "Log in at a phone" in html and "An einem Telefon anmelden" not in html
