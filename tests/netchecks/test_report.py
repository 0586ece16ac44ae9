"""The report of a result: charts, port matrix, NAT, fix advice (NET-2 table), PDF, share link."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from portal.shell.nav import build_nav
from provisioning import netcheck_report, services
from provisioning.models import Account, NetworkCheck, SiteCheckToken
from tests.factories import World


def _client(account: Account | None = None) -> Client:
    client = Client()
    if account is not None:
        client.force_login(account)
    return client


def test_fix_advice_names_the_blocked_firewall_ports(uploaded_check: NetworkCheck) -> None:
    advice = netcheck_report.fix_advice(uploaded_check)
    failing = [a for a in advice if a.level == "fail"]
    items = {a.item for a in failing}
    assert {"TCP 1300", "UDP 24576"} <= items
    tcp = next(a for a in failing if a.item == "TCP 1300")
    assert "TCP 1300" in tcp.fix and "H.323/TLS" in tcp.fix
    udp = next(a for a in failing if a.item == "UDP 24576")
    assert "UDP 16384–32767" in udp.fix  # the whole RTP range, not just the sampled port


def test_report_page_shows_charts_ports_and_advice(
    world: World, uploaded_check: NetworkCheck
) -> None:
    url = reverse("portal:netcheck_report", args=[uploaded_check.pk])
    html = _client(world.customer_admin_a1).get(url).content.decode()
    assert html.count("<svg") == 3
    for chart in ("delay", "jitter", "loss"):
        assert f'data-chart="{chart}"' in html
    assert 'id="netcheck-ports"' in html and "1300" in html
    assert "TCP 1300" in html and "H.323/TLS" in html
    assert uploaded_check.share_token in html


def test_share_link_works_without_login_and_unknown_tokens_404(
    uploaded_check: NetworkCheck,
) -> None:
    anonymous = _client()
    shared = anonymous.get(reverse("portal:netcheck_shared", args=[uploaded_check.share_token]))
    assert shared.status_code == 200
    html = shared.content.decode()
    assert uploaded_check.site.name in html and "<svg" in html
    assert shared["X-Robots-Tag"].startswith("noindex")
    assert "share-url" not in html  # the share box is for logged-in users
    unknown = anonymous.get(reverse("portal:netcheck_shared", args=["x" * 43]))
    short = anonymous.get(reverse("portal:netcheck_shared", args=["abc"]))
    by_id = anonymous.get(reverse("portal:netcheck_shared", args=[str(uploaded_check.pk)]))
    assert unknown.status_code == short.status_code == by_id.status_code == 404
    assert uploaded_check.site.name not in unknown.content.decode()
    # The report under its id needs a login.
    private = anonymous.get(reverse("portal:netcheck_report", args=[uploaded_check.pk]))
    assert private.status_code == 302


def test_pdf_renders_for_share_link_and_logged_in_users(
    world: World, uploaded_check: NetworkCheck
) -> None:
    shared = _client().get(reverse("portal:netcheck_shared_pdf", args=[uploaded_check.share_token]))
    assert shared.status_code == 200 and shared["Content-Type"] == "application/pdf"
    assert shared.content.startswith(b"%PDF")
    own = _client(world.reseller_admin_a).get(
        reverse("portal:netcheck_report_pdf", args=[uploaded_check.pk])
    )
    assert own.content.startswith(b"%PDF")
    assert netcheck_report.report_pdf(uploaded_check).startswith(b"%PDF")


def test_golive_checklist_lists_sites_with_readiness(
    world: World, uploaded_check: NetworkCheck
) -> None:
    url = reverse("portal:netcheck_golive", args=[world.customer_a1.pk])
    reseller = _client(world.reseller_admin_a).get(url).content.decode()
    assert uploaded_check.site.name in reseller
    assert 'data-readiness="not_ready"' in reseller
    assert reverse("portal:netcheck_token_create", args=[uploaded_check.site_id]) in reseller
    customer = _client(world.customer_admin_a1).get(url).content.decode()
    assert 'data-readiness="not_ready"' in customer
    assert "network-check-token" not in customer  # no token buttons for the customer
    overview = _client(world.reseller_admin_a).get(reverse("portal:netcheck_overview"))
    assert world.customer_a1.company_name in overview.content.decode()
    assert world.customer_b1.company_name not in overview.content.decode()
    own = _client(world.customer_admin_a1).get(reverse("portal:netcheck_overview"))
    assert own.status_code == 302 and own["Location"] == url


def test_portal_token_button_shows_token_once_and_revoke_works(
    world: World, site_a1: object, settings: object
) -> None:
    client = _client(world.reseller_admin_a)
    page = client.post(reverse("portal:netcheck_token_create", args=[site_a1.pk]))  # type: ignore[attr-defined]
    assert page.status_code == 200
    raw = re.search(r'id="raw-token" value="(snc_[^"]+)"', page.content.decode())
    assert raw is not None
    assert "no-cache" in page["Cache-Control"] or "no-store" in page["Cache-Control"]
    token = services.site_check_token_authenticate(raw.group(1))
    assert token is not None
    assert (
        raw.group(1)
        not in client.get(
            reverse("portal:netcheck_golive", args=[world.customer_a1.pk])
        ).content.decode()
    )
    revoke = client.post(reverse("portal:netcheck_token_revoke", args=[token.pk]))
    assert revoke.status_code == 302
    assert SiteCheckToken.objects.get(pk=token.pk).revoked_at is not None
    denied = _client(world.customer_admin_a1).post(
        reverse("portal:netcheck_token_create", args=[site_a1.pk])  # type: ignore[attr-defined]
    )
    assert denied.status_code == 403


def test_nav_shows_network_checks_to_owners_only(world: World) -> None:
    for account in (world.staff, world.reseller_admin_a, world.customer_admin_a1):
        assert "network_checks" in {item.key for item in build_nav(account)}
    for account in (world.end_user_a1, world.finance):
        assert "network_checks" not in {item.key for item in build_nav(account)}
