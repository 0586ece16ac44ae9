"""TEN-2 for the portal: for every page that takes an object id, an actor of another reseller or
customer gets the same 404 page as for an id that does not exist, and lists never show foreign
objects. A new portal URL with an id fails this module until it is added to CASES."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse

from portal import urls as portal_urls
from provisioning import services
from provisioning.models import Account, ApiKey, Device, NetworkCheck, Subscriber
from tests.factories import System, World, build_system

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Case:
    url_name: str
    owner: str  # an actor for whom the page works, so a 404 below is not a broken page
    owner_status: int
    obj: Callable[[World], object]
    outsiders: tuple[str, ...]
    methods: tuple[str, ...] = ("get", "post")


def _key_of_reseller_a(world: World) -> ApiKey:
    key, _ = services.api_key_create(acting_user=world.reseller_admin_a, name="matrix")
    return key


OTHER_CUSTOMERS = ("reseller_admin_b", "customer_admin_a2", "customer_admin_b1")


def _system_of_a1(world: World) -> System:
    return build_system(world.customer_a1, world.reseller_admin_a)


def _device_of_a1(world: World) -> Device:
    system = _system_of_a1(world)
    return services.device_create(
        customer=system.customer,
        acting_user=world.reseller_admin_a,
        data={"site": system.site, "model": "IP112", "mac_address": "00:90:33:00:00:01"},
    )


def _home_office_user_of_a1(world: World) -> Subscriber:
    system = _system_of_a1(world)
    return services.user_update(
        subscriber=system.user,
        acting_user=world.reseller_admin_a,
        data={"works_at": "home_office"},
    )


def _system_cases() -> list[Case]:
    """The telephone system pages (LIC, TRK, FEA-12): per customer, and per object."""
    setup = "reseller_admin_a"
    admin = "customer_admin_a1"
    a1 = lambda w: w.customer_a1  # noqa: E731
    site = lambda w: _system_of_a1(w).site  # noqa: E731
    trunk = lambda w: _system_of_a1(w).trunk  # noqa: E731
    user = lambda w: _system_of_a1(w).user  # noqa: E731
    get = ("get",)
    post = ("post",)
    return [
        Case("system_overview", admin, 200, a1, OTHER_CUSTOMERS, get),
        Case("setup_start", setup, 302, a1, OTHER_CUSTOMERS, get),
        Case("setup_license", setup, 200, a1, OTHER_CUSTOMERS),
        Case("setup_sites", setup, 200, a1, OTHER_CUSTOMERS),
        Case("setup_trunks", setup, 200, a1, OTHER_CUSTOMERS),
        Case("setup_numbers", setup, 200, a1, OTHER_CUSTOMERS),
        Case("setup_users", setup, 200, a1, OTHER_CUSTOMERS),
        Case("site_list", admin, 200, a1, OTHER_CUSTOMERS, get),
        Case("site_create", setup, 200, a1, OTHER_CUSTOMERS),
        Case("license_overview", admin, 200, a1, OTHER_CUSTOMERS, get),
        Case("license_ledger", admin, 200, a1, OTHER_CUSTOMERS, get),
        Case("user_list", admin, 200, a1, OTHER_CUSTOMERS, get),
        Case("user_create", admin, 200, a1, OTHER_CUSTOMERS),
        Case("user_extensions", admin, 200, a1, OTHER_CUSTOMERS, get),
        Case("user_import", admin, 200, a1, OTHER_CUSTOMERS),
        Case("user_export", admin, 200, a1, OTHER_CUSTOMERS, get),
        Case("emergency_notices", admin, 200, a1, OTHER_CUSTOMERS, get),
        Case("emergency_banner", admin, 200, a1, OTHER_CUSTOMERS, get),
        Case("device_list", admin, 200, a1, OTHER_CUSTOMERS, get),
        Case("device_create", admin, 200, a1, OTHER_CUSTOMERS),
        Case("site_detail", admin, 200, site, OTHER_CUSTOMERS, get),
        Case("site_edit", setup, 200, site, OTHER_CUSTOMERS),
        Case("site_delete", setup, 200, site, OTHER_CUSTOMERS),
        Case("trunk_create", setup, 302, site, OTHER_CUSTOMERS),
        Case("trunk_edit", setup, 200, trunk, OTHER_CUSTOMERS),
        Case("trunk_delete", setup, 200, trunk, OTHER_CUSTOMERS),
        Case("block_create", setup, 200, trunk, OTHER_CUSTOMERS),
        Case("block_delete", setup, 200, lambda w: _system_of_a1(w).block, OTHER_CUSTOMERS),
        Case("user_detail", admin, 200, user, OTHER_CUSTOMERS, get),
        Case("user_edit", admin, 200, user, OTHER_CUSTOMERS),
        Case("user_delete", admin, 200, user, OTHER_CUSTOMERS),
        Case("user_deactivate", admin, 302, user, OTHER_CUSTOMERS, post),
        Case("user_activate", admin, 302, user, OTHER_CUSTOMERS, post),
        Case("user_invite", admin, 302, user, OTHER_CUSTOMERS, post),
        Case("user_confirm_notice", admin, 302, _home_office_user_of_a1, OTHER_CUSTOMERS, post),
        Case("device_edit", admin, 200, _device_of_a1, OTHER_CUSTOMERS),
        Case("device_delete", admin, 200, _device_of_a1, OTHER_CUSTOMERS),
    ]


CASES = [
    Case(
        "customer_detail",
        "customer_admin_a1",
        200,
        lambda w: w.customer_a1,
        OTHER_CUSTOMERS,
        ("get",),
    ),
    Case("customer_edit", "reseller_admin_a", 200, lambda w: w.customer_a1, OTHER_CUSTOMERS),
    Case(
        "customer_suspend",
        "reseller_admin_a",
        302,
        lambda w: w.customer_a1,
        OTHER_CUSTOMERS,
        ("post",),
    ),
    Case(
        "customer_activate",
        "reseller_admin_a",
        302,
        lambda w: w.customer_a1,
        OTHER_CUSTOMERS,
        ("post",),
    ),
    Case(
        "reseller_detail",
        "reseller_admin_a",
        200,
        lambda w: w.reseller_a,
        ("reseller_admin_b", "customer_admin_a1", "customer_admin_b1", "end_user_a1"),
        ("get",),
    ),
    Case(
        "reseller_edit",
        "staff",
        200,
        lambda w: w.reseller_a,
        ("reseller_admin_b", "customer_admin_a1", "end_user_a1"),
    ),
    Case(
        "api_key_revoke",
        "reseller_admin_a",
        200,
        _key_of_reseller_a,
        ("reseller_admin_b", "customer_admin_a1", "end_user_a1", "finance"),
    ),
    *_system_cases(),
]


@dataclass(frozen=True)
class _ShareLink:
    """A report's share link: its token stands where other pages take an id."""

    pk: str


def _netcheck_of_a1(world: World) -> NetworkCheck:
    from telephony.netcheck.result import NetcheckResult
    from tests.netchecks.helpers import result_doc

    site = _system_of_a1(world).site
    token, _ = services.site_check_token_create(site=site, acting_user=world.reseller_admin_a)
    return services.network_check_record(token=token, result=NetcheckResult.from_dict(result_doc()))


def _netcheck_cases() -> list[Case]:
    site = lambda w: _system_of_a1(w).site  # noqa: E731
    token = lambda w: services.site_check_token_create(  # noqa: E731
        site=_system_of_a1(w).site, acting_user=w.reseller_admin_a
    )[0]
    share = lambda w: _ShareLink(_netcheck_of_a1(w).share_token)  # noqa: E731
    readers = (*OTHER_CUSTOMERS, "end_user_a1", "finance")
    token_outsiders = ("reseller_admin_b", "customer_admin_a1", "customer_admin_b1", "finance")
    return [
        Case(
            "netcheck_golive",
            "customer_admin_a1",
            200,
            lambda w: w.customer_a1,
            OTHER_CUSTOMERS,
            ("get",),
        ),
        Case("netcheck_site", "customer_admin_a1", 200, site, OTHER_CUSTOMERS, ("get",)),
        Case("netcheck_token_create", "reseller_admin_a", 200, site, OTHER_CUSTOMERS, ("post",)),
        Case("netcheck_token_revoke", "reseller_admin_a", 200, token, token_outsiders),
        Case("netcheck_report", "customer_admin_a1", 200, _netcheck_of_a1, readers, ("get",)),
        Case("netcheck_report_pdf", "customer_admin_a1", 200, _netcheck_of_a1, readers, ("get",)),
        # Anybody holding the share link may read the report: that is what it is for.
        Case("netcheck_shared", "customer_admin_a1", 200, share, (), ("get",)),
        Case("netcheck_shared_pdf", "customer_admin_a1", 200, share, (), ("get",)),
    ]


CASES += _netcheck_cases()


def _id_patterns(patterns: list[URLPattern | URLResolver]) -> set[str]:
    names: set[str] = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            names |= _id_patterns(entry.url_patterns)
        elif entry.pattern.converters and entry.name:
            names.add(entry.name)
    return names


#: URLs whose parameters are not object ids, and where their own tests prove they leak nothing.
NOT_OBJECT_URLS = {
    "password_reset_confirm": "signed one-time token; tests/portal/shell/test_password_reset.py",
}


def test_every_portal_url_with_an_id_is_in_the_matrix() -> None:
    covered = {case.url_name for case in CASES} | set(NOT_OBJECT_URLS)
    assert _id_patterns(portal_urls.urlpatterns) == covered


def _client(account: Account) -> Client:
    client = Client()
    client.force_login(account)
    return client


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.url_name)
def test_foreign_id_answers_exactly_like_an_unknown_id(world: World, case: Case) -> None:
    obj = case.obj(world)
    url = reverse(f"portal:{case.url_name}", args=[obj.pk])  # type: ignore[attr-defined]
    unknown = reverse(f"portal:{case.url_name}", args=[uuid.uuid4()])
    owner = _client(getattr(world, case.owner))
    owner_method = "get" if "get" in case.methods else "post"
    assert getattr(owner, owner_method)(url).status_code == case.owner_status
    for actor in case.outsiders:
        client = _client(getattr(world, actor))
        for method in case.methods:
            foreign = getattr(client, method)(url)
            missing = getattr(client, method)(unknown)
            assert foreign.status_code == 404, (actor, method)
            assert missing.status_code == 404, (actor, method)
            assert foreign.content == missing.content, (actor, method)
            assert str(obj) not in foreign.content.decode()


def test_malformed_and_unknown_addresses_get_the_same_page(world: World) -> None:
    client = _client(world.reseller_admin_b)
    unknown = client.get(reverse("portal:customer_detail", args=[uuid.uuid4()]))
    malformed = client.get("/customers/not-a-uuid/")
    assert malformed.status_code == 404
    assert malformed.content == unknown.content
    assert "Seite nicht gefunden" in unknown.content.decode()


def test_customer_lists_never_show_foreign_customers(world: World) -> None:
    a_names = {world.customer_a1.company_name, world.customer_a2.company_name}
    client = _client(world.reseller_admin_b)
    for url in (reverse("portal:customer_list"), reverse("portal:dashboard")):
        html = client.get(url, {"q": "GmbH"}).content.decode()
        assert world.customer_b1.company_name in html
        assert not any(name in html for name in a_names), url
    partial = client.get(
        reverse("portal:customer_list"), {"q": "Kunde"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert not any(name in partial for name in a_names)


def test_reseller_detail_lists_only_visible_customers(world: World) -> None:
    html = _client(world.reseller_admin_a).get(
        reverse("portal:reseller_detail", args=[world.reseller_a.pk])
    )
    assert world.customer_a1.company_name in html.content.decode()
    assert world.customer_b1.company_name not in html.content.decode()


def test_api_key_list_never_shows_foreign_keys(world: World) -> None:
    services.api_key_create(acting_user=world.reseller_admin_a, name="nur-a")
    services.api_key_create(acting_user=world.reseller_admin_b, name="nur-b")
    html = _client(world.reseller_admin_a).get(reverse("portal:api_key_list")).content.decode()
    assert "nur-a" in html and "nur-b" not in html
    staff = _client(world.staff).get(reverse("portal:api_key_list")).content.decode()
    assert "nur-a" in staff and "nur-b" in staff


def test_audit_list_never_shows_foreign_entries(world: World) -> None:
    html = _client(world.reseller_admin_a).get(reverse("portal:audit_list")).content.decode()
    assert world.customer_a1.company_name in html
    assert world.customer_b1.company_name not in html
    assert world.reseller_b.company_name not in html
    own = _client(world.customer_admin_b1).get(reverse("portal:audit_list")).content.decode()
    assert world.customer_b1.company_name in own
    assert world.customer_a1.company_name not in own


# Call features (FEA-1 … FEA-6) -----------------------------------------------------------------


def _feature_objects_of_a1(world: World) -> dict[str, object]:
    import io
    import wave

    from tests.factories import build_system

    system = build_system(world.customer_a1, world.reseller_admin_a)
    admin = world.customer_admin_a1
    group = services.hunt_group_create(
        customer=world.customer_a1,
        acting_user=admin,
        data={"name": "Empfang", "site": system.site, "members": [system.user]},
    )
    menu = services.ivr_menu_create(
        customer=world.customer_a1, acting_user=admin, data={"name": "Begrüßung"}
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x10" * 8000)
    audio = services.audio_upload(
        customer=world.customer_a1,
        acting_user=admin,
        name="Ansage",
        kind="announcement",
        filename="ansage.wav",
        data=buffer.getvalue(),
    )
    return {"group": group, "menu": menu, "audio": audio}


CASES += [
    Case(name, "customer_admin_a1", 200, lambda w: w.customer_a1, OTHER_CUSTOMERS, methods)
    for name, methods in (
        ("feature_overview", ("get",)),
        ("feature_hunt_group_create", ("get", "post")),
        ("feature_ivr_create", ("get", "post")),
        ("feature_operator", ("get", "post")),
        ("feature_audio", ("get", "post")),
        ("feature_phonebook", ("get", "post")),
        ("feature_trace", ("get",)),
    )
]
CASES += [
    Case(
        "feature_hunt_group_edit",
        "customer_admin_a1",
        200,
        lambda w: _feature_objects_of_a1(w)["group"],
        OTHER_CUSTOMERS,
    ),
    Case(
        "feature_ivr_edit",
        "customer_admin_a1",
        200,
        lambda w: _feature_objects_of_a1(w)["menu"],
        OTHER_CUSTOMERS,
    ),
    Case(
        "feature_audio_play",
        "customer_admin_a1",
        200,
        lambda w: _feature_objects_of_a1(w)["audio"],
        OTHER_CUSTOMERS,
        ("get",),
    ),
]


# Pickup groups, forwarding, voicemail, hot-desk, private phonebook (FEA-2, FEA-6 … FEA-9) ------

ALL_BUT_THE_OWNER = (*OTHER_CUSTOMERS, "customer_admin_a1", "reseller_admin_a", "staff")


def _pickup_of_a1(world: World) -> object:
    system = _system_of_a1(world)
    return services.pickup_group_create(
        customer=world.customer_a1,
        acting_user=world.customer_admin_a1,
        data={"name": "Abholen", "members": [system.user]},
    )


def _hotdesk_login_of_a1(world: World) -> object:
    device = _device_of_a1(world)
    user = Subscriber.objects.get(customer=world.customer_a1)
    return services.hotdesk_login(device=device, subscriber=user, acting_user=world.staff)


def _own_hotdesk_login_of_end_user_a1(world: World) -> object:
    login = _hotdesk_login_of_a1(world)
    Subscriber.objects.filter(pk=login.subscriber_id).update(account=world.end_user_a1)  # type: ignore[attr-defined]
    return login


def _own_phonebook_entry_of_end_user_a1(world: World) -> object:
    user = _system_of_a1(world).user
    Subscriber.objects.filter(pk=user.pk).update(account=world.end_user_a1)
    book = services.phonebook_for(customer=world.customer_a1, owner=user)
    return services.phonebook_entry_create(
        phonebook=book,
        acting_user=world.customer_admin_a1,
        data={"name": "Privatkontakt", "numbers": ["+49 30 1234567"]},
    )


CASES += [
    Case(name, "customer_admin_a1", 200, lambda w: w.customer_a1, OTHER_CUSTOMERS, methods)
    for name, methods in (
        ("feature_pickup_list", ("get",)),
        ("feature_pickup_create", ("get", "post")),
        ("feature_hotdesk", ("get",)),
    )
]
CASES += [
    Case(
        "feature_pickup_edit",
        "customer_admin_a1",
        200,
        _pickup_of_a1,
        (*OTHER_CUSTOMERS, "end_user_a1"),
    ),
    Case(
        "feature_pickup_delete",
        "customer_admin_a1",
        200,
        _pickup_of_a1,
        (*OTHER_CUSTOMERS, "end_user_a1"),
    ),
    Case(
        "feature_user_calls",
        "customer_admin_a1",
        200,
        lambda w: _system_of_a1(w).user,
        (*OTHER_CUSTOMERS, "end_user_a1"),
    ),
    Case(
        "feature_hotdesk_logout",
        "customer_admin_a1",
        302,
        _hotdesk_login_of_a1,
        (*OTHER_CUSTOMERS, "end_user_a1"),
        ("post",),
    ),
    # The end users' own pages: nobody but the owner, not even their admin, reaches them.
    Case(
        "my_hotdesk_logout",
        "end_user_a1",
        302,
        _own_hotdesk_login_of_end_user_a1,
        ALL_BUT_THE_OWNER,
        ("post",),
    ),
    Case(
        "my_phonebook_entry_edit",
        "end_user_a1",
        200,
        _own_phonebook_entry_of_end_user_a1,
        ALL_BUT_THE_OWNER,
    ),
    Case(
        "my_phonebook_entry_delete",
        "end_user_a1",
        200,
        _own_phonebook_entry_of_end_user_a1,
        ALL_BUT_THE_OWNER,
    ),
]


def test_end_users_never_reach_each_others_settings(world: World) -> None:
    """Two end users of one customer: each sees and changes only their own data."""
    from provisioning.models import HotDeskLogin, PhonebookEntry, Role
    from tests.factories import make_account, user_data

    system = _system_of_a1(world)
    other = services.user_create(
        customer=world.customer_a1,
        acting_user=world.customer_admin_a1,
        data=user_data(system.site, "11"),
    )
    colleague = make_account(Role.END_USER, customer=world.customer_a1)
    Subscriber.objects.filter(pk=system.user.pk).update(account=world.end_user_a1)
    Subscriber.objects.filter(pk=other.pk).update(account=colleague)
    book = services.phonebook_for(customer=world.customer_a1, owner=other)
    entry = services.phonebook_entry_create(
        phonebook=book,
        acting_user=world.customer_admin_a1,
        data={"name": "Geheimer Kontakt", "numbers": ["+49 30 7654321"]},
    )
    device = services.device_create(
        customer=world.customer_a1,
        acting_user=world.reseller_admin_a,
        data={"site": system.site, "model": "IP112", "mac_address": "00:90:33:00:00:02"},
    )
    login = services.hotdesk_login(device=device, subscriber=other, acting_user=world.staff)
    services.forwarding_update(
        subscriber=other, acting_user=world.staff, data={"always": "external:+49301111111"}
    )
    client = _client(world.end_user_a1)
    for name in ("my_calls", "my_hotdesk", "my_phonebook", "my_phonebook_export"):
        html = client.get(reverse(f"portal:{name}")).content.decode()
        assert "Geheimer Kontakt" not in html and "+49301111111" not in html, name
    for name, pk in (
        ("my_phonebook_entry_edit", entry.pk),
        ("my_phonebook_entry_delete", entry.pk),
        ("my_hotdesk_logout", login.pk),
    ):
        assert client.post(reverse(f"portal:{name}", args=[pk])).status_code == 404
    assert client.get(reverse("portal:feature_user_calls", args=[other.pk])).status_code == 404
    assert PhonebookEntry.objects.filter(pk=entry.pk).exists()
    assert HotDeskLogin.objects.filter(pk=login.pk).exists()


# Finance (BIL-1 … BIL-6) ------------------------------------------------------------------------


def _billed(world: World, issue: bool = True) -> dict[str, object]:
    """October 2026 billed for A1 and B1 (issued unless ``issue`` is false)."""
    import datetime as dt

    from billing import services as billing
    from billing.models import Invoice
    from billing.services.runs import billing_run_create, billing_run_execute
    from tests.billing.conftest import RETAIL, WHOLESALE, berlin, hold

    billing.issuer_profile_set(
        acting_user=None,
        reseller=None,
        data={
            "company_name": "stimme Plattform GmbH",
            "street": "Friedrichstraße 1",
            "postal_code": "10117",
            "city": "Berlin",
            "vat_id": "DE811111111",
        },
    )
    start = dt.date(2026, 1, 1)
    lists = {
        "wholesale": billing.price_list_create(
            acting_user=world.staff,
            kind="wholesale",
            reseller=None,
            name="Standard",
            valid_from=start,
            prices=WHOLESALE,
        )
    }
    for key, reseller in (("retail_a", world.reseller_a), ("retail_b", world.reseller_b)):
        lists[key] = billing.price_list_create(
            acting_user=world.staff,
            kind="retail",
            reseller=reseller,
            name="Endkunden",
            valid_from=start,
            prices=RETAIL,
        )
    for customer in (world.customer_a1, world.customer_b1):
        hold(customer, "grundlizenz", berlin(2026, 1, 1))
    run, _ = billing_run_create(
        month=dt.date(2026, 10, 1), acting_user=world.finance, issue_invoices=issue
    )
    billing_run_execute(run_id=run.pk)
    invoice = Invoice.objects.get(buyer_customer=world.customer_a1)
    objects: dict[str, object] = {"run": run, "invoice": invoice, **lists}
    if issue:
        objects["note"] = billing.credit_note_create(
            invoice=invoice, acting_user=world.finance, reason="Test"
        )
    return objects


def _finance_cases() -> list[Case]:
    invoice = lambda w: _billed(w)["invoice"]  # noqa: E731
    note = lambda w: _billed(w)["note"]  # noqa: E731
    draft = lambda w: _billed(w, issue=False)["invoice"]  # noqa: E731
    run = lambda w: _billed(w)["run"]  # noqa: E731
    retail_a = lambda w: _billed(w)["retail_a"]  # noqa: E731
    get = ("get",)
    # A1's invoice: the other reseller and the other customers never see it.
    outsiders = ("reseller_admin_b", "customer_admin_a2", "customer_admin_b1")
    # Drafts and runs are the platform's.
    platform_only = ("reseller_admin_a", "reseller_admin_b", "customer_admin_a1")
    return [
        Case("finance_invoice_detail", "customer_admin_a1", 200, invoice, outsiders, get),
        Case("finance_invoice_detail", "finance", 200, note, outsiders, get),
        Case("finance_invoice_pdf", "customer_admin_a1", 200, invoice, outsiders, get),
        Case("finance_invoice_xml", "reseller_admin_a", 200, invoice, outsiders, get),
        # the owner's POST without confirmation shows the confirmation step (BIL-5)
        Case("finance_invoice_finalize", "finance", 200, draft, outsiders, ("post",)),
        Case("finance_credit_note_create", "finance", 200, invoice, outsiders),
        Case("finance_run_detail", "finance", 200, run, platform_only, get),
        Case("finance_run_progress", "finance", 302, run, platform_only, get),
        Case(
            "finance_price_list_edit",
            "reseller_admin_a",
            200,
            retail_a,
            ("reseller_admin_b", "customer_admin_a1"),
        ),
        # A reseller's invoicing data: its own admin (and the platform) only.
        Case(
            "finance_reseller_issuer",
            "reseller_admin_a",
            200,
            lambda w: w.reseller_a,
            ("reseller_admin_b", "customer_admin_a1", "customer_admin_b1", "end_user_a1"),
        ),
    ]


CASES += _finance_cases()


# Status page (STA-1 … STA-8, OPS-5): platform-wide objects. Staff run them, reseller admins
# read them; every other role finds no such page, for a real id as for an unknown one.

STATUS_OUTSIDERS = ("customer_admin_a1", "end_user_a1", "finance")


def _status_incident(world: World) -> object:
    from status import services as status_services

    component = status_services.component_create(
        acting_user=world.staff, data={"name_de": "Telefonie"}
    )
    return status_services.incident_open(
        acting_user=world.staff,
        title_de="Matrix-Störung",
        components=[component],
        message_de="x",
    )


def _status_maintenance(world: World) -> object:
    import datetime as dt

    from status import services as status_services
    from status.maintenance_rules import BERLIN

    component = status_services.component_create(
        acting_user=world.staff, data={"name_de": "Telefonie"}
    )
    start = dt.datetime.combine(
        dt.date.today() + dt.timedelta(days=10), dt.time(22, 0), tzinfo=BERLIN
    )
    return status_services.maintenance_schedule(
        acting_user=world.staff,
        title_de="Matrix-Wartung",
        components=[component],
        scheduled_start=start,
        scheduled_end=start + dt.timedelta(hours=1),
        message_de="x",
    )


def _status_component(world: World) -> object:
    from status import services as status_services

    return status_services.component_create(acting_user=world.staff, data={"name_de": "Fax"})


def _status_group(world: World) -> object:
    from status import services as status_services

    return status_services.component_group_create(
        acting_user=world.staff, data={"name_de": "Gruppe"}
    )


CASES += [
    Case("status_event", "staff", 200, _status_incident, STATUS_OUTSIDERS),
    Case(
        "status_notice_pass_on",
        "reseller_admin_a",
        400,
        _status_maintenance,
        (*STATUS_OUTSIDERS, "staff"),
        ("post",),
    ),
    Case(
        "status_component_edit",
        "staff",
        200,
        _status_component,
        (*STATUS_OUTSIDERS, "reseller_admin_a"),
    ),
    Case("status_group_edit", "staff", 200, _status_group, (*STATUS_OUTSIDERS, "reseller_admin_a")),
]
NOT_OBJECT_URLS["status_unsubscribe"] = "unguessable token; tests/status/test_subscriptions.py"


# Support (SUP-1 … SUP-6, TEN-3) ---------------------------------------------------------------

TICKET_OUTSIDERS = (*OTHER_CUSTOMERS, "end_user_a1")


def _ticket_of_a1(world: World) -> object:
    from support import services as support_services

    return support_services.ticket_open(
        customer=world.customer_a1,
        acting_user=world.customer_admin_a1,
        data={
            "title": "Matrix-Ticket",
            "description": "Keine Anmeldung",
            "kind": "fault",
            "severity": "critical",
        },
    )


def _acknowledged_ticket_of_a1(world: World) -> object:
    import datetime as dt

    from django.utils import timezone

    from support import services as support_services

    ticket = _ticket_of_a1(world)
    return support_services.ticket_acknowledge(
        ticket=ticket,  # type: ignore[arg-type]
        acting_user=world.reseller_admin_a,
        kind="fault",
        severity="critical",
        estimated_resolution_at=timezone.now() + dt.timedelta(hours=2),
    )


def _attachment_of_a1(world: World, *, internal: bool = False) -> object:
    from support import services as support_services

    ticket = _acknowledged_ticket_of_a1(world)
    return support_services.attachment_add(
        ticket=ticket,  # type: ignore[arg-type]
        acting_user=world.reseller_admin_a if internal else world.customer_admin_a1,
        filename="notiz-intern.txt" if internal else "protokoll.txt",
        data=b"SIP REGISTER 401\n",
        internal=internal,
    )


def _platform_ticket_of_a1(world: World) -> object:
    from support import services as support_services

    return support_services.ticket_escalate(
        ticket=_acknowledged_ticket_of_a1(world),  # type: ignore[arg-type]
        acting_user=world.reseller_admin_a,
        note="Bitte SBC prüfen",
    )


CASES += [
    Case("support_ticket", "customer_admin_a1", 200, _ticket_of_a1, TICKET_OUTSIDERS, ("get",)),
    Case("support_acknowledge", "reseller_admin_a", 200, _ticket_of_a1, TICKET_OUTSIDERS),
    Case("support_estimate", "reseller_admin_a", 200, _acknowledged_ticket_of_a1, TICKET_OUTSIDERS),
    Case("support_assign", "reseller_admin_a", 200, _ticket_of_a1, TICKET_OUTSIDERS),
    Case("support_state", "reseller_admin_a", 200, _ticket_of_a1, TICKET_OUTSIDERS),
    Case("support_escalate", "reseller_admin_a", 200, _ticket_of_a1, TICKET_OUTSIDERS),
    Case("support_reply", "customer_admin_a1", 200, _ticket_of_a1, TICKET_OUTSIDERS),
    Case(
        "support_attachment",
        "customer_admin_a1",
        200,
        _attachment_of_a1,
        TICKET_OUTSIDERS,
        ("get",),
    ),
    # Internal notes' files and the second-level ticket: not even the ticket's own customer.
    Case(
        "support_attachment",
        "reseller_admin_a",
        200,
        lambda w: _attachment_of_a1(w, internal=True),
        (*TICKET_OUTSIDERS, "customer_admin_a1"),
        ("get",),
    ),
    Case(
        "support_ticket",
        "reseller_admin_a",
        200,
        _platform_ticket_of_a1,
        (*TICKET_OUTSIDERS, "customer_admin_a1"),
        ("get",),
    ),
    Case(
        "support_reply",
        "staff",
        200,
        _platform_ticket_of_a1,
        (*TICKET_OUTSIDERS, "customer_admin_a1"),
    ),
    Case(
        "support_desk",
        "reseller_admin_a",
        200,
        lambda w: w.reseller_a,
        ("reseller_admin_b", "customer_admin_a1", "customer_admin_b1", "end_user_a1"),
    ),
    Case(
        "support_customer_settings",
        "customer_admin_a1",
        200,
        lambda w: w.customer_a1,
        OTHER_CUSTOMERS,
    ),
]


def test_customer_never_reads_internal_notes(world: World) -> None:
    from support import services as support_services

    ticket = _acknowledged_ticket_of_a1(world)
    support_services.message_post(
        ticket=ticket,  # type: ignore[arg-type]
        acting_user=world.reseller_admin_a,
        body="Nur intern: Kunde zahlt spät",
        internal=True,
    )
    url = reverse("portal:support_ticket", args=[ticket.pk])  # type: ignore[attr-defined]
    assert "Nur intern" in _client(world.reseller_admin_a).get(url).content.decode()
    assert "Nur intern" not in _client(world.customer_admin_a1).get(url).content.decode()
    queue = _client(world.reseller_admin_b).get(reverse("portal:support_ticket_list"))
    assert "Matrix-Ticket" not in queue.content.decode()
