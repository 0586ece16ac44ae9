"""Finance pages of the portal (BIL-1 … BIL-6): who sees and does what, downloads, the run
with live progress, exports, credit notes, price lists, the issuer profile and the chart."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from billing.models import BillingRun, Invoice, IssuerProfile, PriceList
from billing.money import previous_month
from billing.services.invoices import today
from portal.finance.chart import money, revenue_chart
from tests.billing.conftest import Portal, berlin, hold
from tests.factories import World

pytestmark = pytest.mark.django_db


def _invoice(world: World, **filters: object) -> Invoice:
    return Invoice.objects.get(document_type="invoice", **filters)


def test_money_is_german() -> None:
    assert money(123456) == "1.234,56\u00a0€"
    assert money(-5) == "-0,05\u00a0€"
    assert money(0) == "0,00\u00a0€"


def test_invoice_list_shows_only_own_issued_invoices(billed: World, portal: Portal) -> None:
    w = billed
    url = reverse("portal:finance_invoice_list")
    finance = portal(w.finance).get(url)
    assert finance.status_code == 200
    assert finance.content.decode().count("data-invoice=") == 5
    a1 = portal(w.customer_admin_a1).get(url).content.decode()
    assert a1.count("data-invoice=") == 1 and w.customer_a2.company_name not in a1
    reseller_b = portal(w.reseller_admin_b).get(url).content.decode()
    # its wholesale invoice and B1's retail invoice
    assert reseller_b.count("data-invoice=") == 2
    assert w.customer_a1.company_name not in reseller_b
    assert portal(w.end_user_a1).get(url).status_code == 403


def test_invoice_filters(billed: World, portal: Portal) -> None:
    client = portal(billed.finance)
    url = reverse("portal:finance_invoice_list")
    page = lambda query: client.get(url + query).content.decode().count("data-invoice=")  # noqa: E731
    assert page("?month=2026-10") == 5
    assert page("?month=2026-09") == 0
    assert page("?kind=wholesale") == 2
    assert page("?issuer=platform") == 2
    assert page(f"?issuer={billed.reseller_a.pk}") == 2
    assert page(f"?buyer={billed.customer_b1.company_name[:6]}") >= 1
    assert page("?state=draft") == 0
    bad = client.get(url + "?month=Oktober")
    assert bad.status_code == 200 and "2026-10" in bad.content.decode()


def test_invoice_detail_shows_lines_totals_and_downloads(billed: World, portal: Portal) -> None:
    invoice = _invoice(billed, buyer_customer=billed.customer_a1)
    client = portal(billed.customer_admin_a1)
    page = client.get(reverse("portal:finance_invoice_detail", args=[invoice.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert invoice.number in body and money(invoice.gross_cents) in body
    assert 'id="payment-state"' in body and 'id="finalize"' not in body
    assert 'id="credit-note"' not in body  # customers cannot write credit notes
    pdf = client.get(reverse("portal:finance_invoice_pdf", args=[invoice.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert bytes(pdf.content).startswith(b"%PDF")
    xml = client.get(reverse("portal:finance_invoice_xml", args=[invoice.pk]))
    assert xml.status_code == 200 and b"CrossIndustryInvoice" in xml.content
    assert f'filename="{invoice.number}.xml"' in xml["Content-Disposition"]


def test_draft_is_finalized_by_finance_only(
    world: World, price_lists: object, portal: Portal
) -> None:
    from billing.services.runs import billing_run_create, billing_run_execute

    hold(world.customer_a1, "grundlizenz", berlin(2026, 1, 1))
    run, _ = billing_run_create(
        month=dt.date(2026, 10, 1), acting_user=world.finance, issue_invoices=False
    )
    billing_run_execute(run_id=run.pk)
    draft = _invoice(world, buyer_customer=world.customer_a1)
    assert not draft.is_final
    detail = reverse("portal:finance_invoice_detail", args=[draft.pk])
    # drafts are the platform's: invisible to the reseller and the customer
    assert portal(world.reseller_admin_a).get(detail).status_code == 404
    assert portal(world.customer_admin_a1).get(detail).status_code == 404
    assert (
        portal(world.finance)
        .get(reverse("portal:finance_invoice_pdf", args=[draft.pk]))
        .status_code
        == 404
    )
    finalize = reverse("portal:finance_invoice_finalize", args=[draft.pk])
    client = portal(world.finance)
    assert client.get(finalize).status_code == 405
    response = client.post(finalize, {"confirmed": "yes"}, follow=True)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.is_final and draft.number in response.content.decode()
    again = client.post(finalize, {"confirmed": "yes"}, follow=True)
    assert "bereits ausgestellt" in again.content.decode()


def test_credit_note_form(billed: World, portal: Portal) -> None:
    invoice = _invoice(billed, buyer_customer=billed.customer_a2)
    url = reverse("portal:finance_credit_note_create", args=[invoice.pk])
    assert portal(billed.reseller_admin_a).get(url).status_code == 403
    client = portal(billed.finance)
    assert client.get(url).status_code == 200
    missing = client.post(url, {"reason": "", "positions": ["1"]})
    assert missing.status_code == 400
    response = client.post(url, {"reason": "Doppelt berechnet", "positions": ["1"]})
    assert response.status_code == 302
    note = Invoice.objects.get(corrects=invoice)
    assert note.number.startswith("GS-") and note.lines.count() == 1
    twice = client.post(url, {"reason": "Nochmal", "positions": ["1"]})
    assert twice.status_code == 400
    assert "bereits gutgeschrieben" in twice.content.decode()
    notes = client.get(reverse("portal:finance_credit_note_list")).content.decode()
    assert note.number in notes


def test_billing_run_preview_start_and_progress(
    world: World,
    price_lists: object,
    portal: Portal,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    hold(world.customer_a1, "grundlizenz", berlin(2026, 1, 1))
    url = reverse("portal:finance_run_list")
    assert portal(world.reseller_admin_a).get(url).status_code == 403
    client = portal(world.finance)
    preview = client.post(url, {"month": "2026-10", "issue": "on", "action": "preview"})
    assert preview.status_code == 200
    assert preview.content.decode().count("<tr><td>") == 2  # wholesale and retail
    assert not BillingRun.objects.exists()
    future = client.post(url, {"month": "2099-01", "action": "start"})
    assert future.status_code == 400 and "vorbei" in future.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        started = client.post(
            url, {"month": "2026-10", "issue": "on", "action": "start", "confirmed": "yes"}
        )
    run = BillingRun.objects.get()
    assert started.status_code == 302
    assert started["Location"] == reverse("portal:finance_run_detail", args=[run.pk])
    detail = client.get(started["Location"]).content.decode()
    assert 'data-state="done"' in detail and "100 %" in detail
    assert "hx-trigger" not in detail  # finished: polling stops
    progress = reverse("portal:finance_run_progress", args=[run.pk])
    assert client.get(progress).status_code == 302  # without htmx: the whole page
    fragment = client.get(progress, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and b"<html" not in fragment.content


def test_running_run_polls_every_two_seconds(world: World, portal: Portal) -> None:
    run = BillingRun.objects.create(month=dt.date(2026, 9, 1), state="running", total=4, done=1)
    page = portal(world.staff).get(reverse("portal:finance_run_detail", args=[run.pk]))
    body = page.content.decode()
    assert 'hx-trigger="every 2s"' in body and "25 %" in body and 'id="run-refresh"' in body


def test_run_refused_without_issuer_profile(world: World, portal: Portal) -> None:
    response = portal(world.finance).post(
        reverse("portal:finance_run_list"), {"month": "2026-10", "action": "start"}
    )
    assert response.status_code == 400 and "Rechnungssteller" in response.content.decode()


def test_missing_issuer_data_names_who_fixes_it(world: World, portal: Portal) -> None:
    """Finance cannot enter the platform's invoicing data: the warning names the role that
    can (platform operations) instead of a dead end; staff get the link."""
    issuer_url = reverse("portal:finance_issuer_profile")
    assert portal(world.finance).get(issuer_url).status_code == 403
    for url in (reverse("portal:finance_dashboard"), reverse("portal:finance_run_list")):
        body = portal(world.finance).get(url).content.decode()
        assert 'id="issuer-missing"' in body, url
        notice = body.split('id="issuer-missing"', 1)[1].split("</div>", 1)[0]
        assert "Plattform-Betrieb" in notice and issuer_url not in notice, url
        staff = portal(world.staff).get(url).content.decode()
        notice = staff.split('id="issuer-missing"', 1)[1].split("</div>", 1)[0]
        assert f'href="{issuer_url}"' in notice, url
    refused = portal(world.finance).post(
        reverse("portal:finance_run_list"), {"month": "2026-10", "action": "start"}
    )
    text = refused.content.decode()
    assert refused.status_code == 400 and "Plattform-Betrieb" in text


def test_exports(billed: World, portal: Portal) -> None:
    url = reverse("portal:finance_export")
    assert portal(billed.reseller_admin_a).get(url).status_code == 403
    client = portal(billed.finance)
    assert client.get(url).status_code == 200
    datev = client.get(url, {"month": "2026-10", "issuer": "platform", "format": "datev"})
    assert datev.status_code == 200 and datev.content.startswith(b'"EXTF"')
    csv = client.get(url, {"month": "2026-10", "issuer": "all", "format": "csv"})
    assert csv.status_code == 200 and "rechnungen_2026-10.csv" in csv["Content-Disposition"]
    zipped = client.get(url, {"month": "2026-10", "issuer": "all", "format": "zip"})
    assert zipped["Content-Type"] == "application/zip"
    batches = client.get(url, {"month": "2026-10", "issuer": "all", "format": "datev"})
    assert batches.status_code == 200 and batches["Content-Type"] == "application/zip"
    assert "EXTF_Buchungsstapel_2026-10.zip" in batches["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(batches.content))
    names = sorted(archive.namelist())
    assert names == sorted(
        [
            "EXTF_Buchungsstapel_plattform_2026-10.csv",
            f"EXTF_Buchungsstapel_{str(billed.reseller_a.pk)[:8]}_2026-10.csv",
            f"EXTF_Buchungsstapel_{str(billed.reseller_b.pk)[:8]}_2026-10.csv",
        ]
    )
    platform = archive.read("EXTF_Buchungsstapel_plattform_2026-10.csv")
    # the same batch as for the platform alone (the header's creation time aside)
    assert platform.split(b"\r\n")[1:] == datev.content.split(b"\r\n")[1:]


class _FormDefaults(HTMLParser):
    """What a browser submits for a form nobody touched: each input's value, each select's
    selected (else first) option."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.select: str | None = None
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "form":
            self.inside = attr.get("id") == self.form_id
        elif not self.inside:
            return
        elif tag == "input" and attr.get("name") and attr.get("type") not in {"submit"}:
            if attr.get("type") != "checkbox" or "checked" in attr:
                self.values[str(attr["name"])] = attr.get("value") or ""
        elif tag == "select":
            self.select = attr.get("name")
        elif (
            tag == "option"
            and self.select
            and (self.select not in self.values or "selected" in attr)
        ):
            self.values[self.select] = attr.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


def _defaults(body: str, form_id: str) -> dict[str, str]:
    parser = _FormDefaults(form_id)
    parser.feed(body)
    return parser.values


def test_export_form_submitted_untouched_downloads(billed: World, portal: Portal) -> None:
    """BIL-6: the defaults (all issuers, DATEV, the previous month) are a valid choice."""
    url = reverse("portal:finance_export")
    client = portal(billed.finance)
    defaults = _defaults(client.get(url).content.decode(), "export-form")
    assert defaults == {
        "month": f"{previous_month(today()):%Y-%m}",
        "issuer": "all",
        "format": "datev",
    }
    response = client.get(url, defaults)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist()  # at least the platform's batch, even for a month without invoices
    for name in archive.namelist():
        assert name.startswith("EXTF_") and archive.read(name).startswith(b'"EXTF"')
    october = client.get(url, {**defaults, "month": "2026-10"})
    contents = zipfile.ZipFile(io.BytesIO(october.content))
    bookings = sum(contents.read(n).count(b"\r\n") - 2 for n in contents.namelist())
    assert bookings == Invoice.objects.filter(state="final").count()


def test_dashboard_chart_and_navigation(billed: World, portal: Portal) -> None:
    url = reverse("portal:finance_dashboard")
    page = portal(billed.finance).get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body and 'role="img"' in body
    assert 'data-series="klingende_stimme"' in body and "10/2026" in body
    chart = revenue_chart(dt.date(2026, 11, 22))
    october = chart.bars[-1]
    assert october.label == "10/2026" and len(chart.bars) == 12
    wholesale = Invoice.objects.filter(issuer_key="platform", document_type="invoice")
    assert october.total_cents == sum(i.net_cents for i in wholesale)
    redirect = portal(billed.customer_admin_a1).get(url)
    assert redirect.status_code == 302
    assert redirect["Location"] == reverse("portal:finance_invoice_list")
    assert portal(billed.end_user_a1).get(url).status_code == 403


def test_credit_notes_reduce_the_chart(billed: World) -> None:
    wholesale = _invoice(billed, buyer_reseller=billed.reseller_b)
    from billing import services

    services.credit_note_create(invoice=wholesale, acting_user=billed.finance, reason="Kulanz")
    october = revenue_chart(dt.date(2026, 11, 22)).bars[-1]
    assert october.total_cents == _invoice(billed, buyer_reseller=billed.reseller_a).net_cents


def test_issuer_profile_for_staff(world: World, portal: Portal) -> None:
    url = reverse("portal:finance_issuer_profile")
    assert portal(world.finance).get(url).status_code == 403
    client = portal(world.staff)
    empty = client.post(url, {"country": "DE", "payment_terms_days": "14"})
    assert empty.status_code == 400
    data = {
        "company_name": "stimme Plattform GmbH",
        "street": "Friedrichstraße 1",
        "postal_code": "10117",
        "city": "Berlin",
        "country": "DE",
        "vat_id": "DE811111111",
        "payment_terms_days": "14",
        "datev_consultant_number": "1001",
        "datev_client_number": "1",
        "datev_revenue_account": "8400",
        "datev_reverse_charge_account": "8336",
        "datev_debtor_account": "10000",
    }
    assert client.post(url, data).status_code == 302
    assert IssuerProfile.objects.get(issuer_key="platform").city == "Berlin"


def test_price_lists(world: World, price_lists: dict[str, PriceList], portal: Portal) -> None:
    url = reverse("portal:finance_price_list_list")
    reseller = portal(world.reseller_admin_a).get(url).content.decode()
    assert str(price_lists["retail_a"].pk) in reseller
    assert str(price_lists["retail_b"].pk) not in reseller
    assert str(price_lists["wholesale"].pk) not in reseller
    assert portal(world.customer_admin_a1).get(url).status_code == 403
    own = reverse("portal:finance_price_list_edit", args=[price_lists["retail_a"].pk])
    wholesale = reverse("portal:finance_price_list_edit", args=[price_lists["wholesale"].pk])
    client = portal(world.reseller_admin_a)
    assert client.get(own).status_code == 200
    assert client.get(wholesale).status_code == 404
    assert portal(world.finance).get(wholesale).status_code == 403
    assert portal(world.staff).get(wholesale).status_code == 200
    response = client.post(own, {"name": "Endkunden 2027", "price_grundlizenz": "31,50"})
    assert response.status_code == 302
    price = price_lists["retail_a"].prices.get(item="grundlizenz")
    assert price.amount_cents == 3150
