"""Billing API (BIL-2 … BIL-6) and its isolation (TEN-2): a foreign reseller or customer gets
the same 404 body as for an unknown id on every detail route; lists never show foreign rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
import zipfile
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from billing.models import BillingRun, Invoice, InvoiceKind, PriceList
from provisioning.models import Account
from tests.billing.conftest import RETAIL, berlin, hold
from tests.factories import World

ApiFactory = Callable[[Account | None], APIClient]
OCT = dt.date(2026, 10, 1)
NOT_FOUND = {"error": "not_found", "message": "Nicht gefunden.", "fields": {}}

#: Billing routes with an id and their actions whose isolation the test below proves; the
#: API-wide coverage check in tests/provisioning/test_api_isolation.py reads this.
ISOLATION_COVERED = {
    "invoices": {"pdf", "xml", "finalize"},
    "credit-notes": {"pdf", "xml"},
    "price-lists": set(),
    "billing-runs": set(),
    "issuer-profiles": set(),  # tests/billing/test_issuer_api.py
}
pytestmark = pytest.mark.usefixtures("price_lists")


def _ids(response: object) -> set[str]:
    return {row["id"] for row in response.json()["results"]}  # type: ignore[attr-defined]


def test_lists_show_only_own_invoices(billed: World, api: ApiFactory) -> None:
    w = billed
    all_ids = _ids(api(w.finance).get("/api/v1/invoices/"))
    assert len(all_ids) == 5
    a_ids = _ids(api(w.reseller_admin_a).get("/api/v1/invoices/"))
    expected_a = {
        str(i.pk) for i in Invoice.objects.filter(reseller=w.reseller_a, document_type="invoice")
    }
    assert a_ids == expected_a and len(a_ids) == 3  # its wholesale invoice + two retail it issued
    c_ids = _ids(api(w.customer_admin_a1).get("/api/v1/invoices/"))
    assert c_ids == {
        str(Invoice.objects.get(buyer_customer=w.customer_a1, document_type="invoice").pk)
    }
    assert _ids(api(w.customer_admin_b1).get("/api/v1/credit-notes/")) == set()
    assert len(_ids(api(w.customer_admin_a1).get("/api/v1/credit-notes/"))) == 1
    assert _ids(api(w.reseller_admin_b).get("/api/v1/billing-runs/")) == set()
    assert _ids(api(w.end_user_a1).get("/api/v1/invoices/")) == set()
    retail_b = _ids(api(w.reseller_admin_b).get("/api/v1/price-lists/"))
    assert retail_b == {str(p.pk) for p in PriceList.objects.filter(reseller=w.reseller_b)}


@pytest.mark.parametrize(
    ("route", "obj", "outsiders"),
    [
        ("invoices", lambda w: Invoice.objects.get(buyer_customer=w.customer_a1, document_type="invoice"),
         ("reseller_admin_b", "customer_admin_a2", "customer_admin_b1", "end_user_a1")),
        ("invoices", lambda w: Invoice.objects.get(kind=InvoiceKind.WHOLESALE, buyer_reseller=w.reseller_a),
         ("reseller_admin_b", "customer_admin_a1", "customer_admin_b1")),
        ("credit-notes", lambda w: Invoice.objects.get(document_type="credit_note"),
         ("reseller_admin_b", "customer_admin_a2", "customer_admin_b1")),
        ("price-lists", lambda w: PriceList.objects.get(kind="retail", reseller=w.reseller_a),
         ("reseller_admin_b", "customer_admin_a1", "customer_admin_b1")),
        ("billing-runs", lambda w: BillingRun.objects.get(),
         ("reseller_admin_a", "reseller_admin_b", "customer_admin_a1")),
    ],
)  # fmt: skip
def test_foreign_detail_routes_answer_like_unknown_ids(
    billed: World,
    api: ApiFactory,
    route: str,
    obj: Callable[[World], object],
    outsiders: tuple[str, ...],
) -> None:
    target = obj(billed)
    suffixes = ["", "pdf/", "xml/"] if route in {"invoices", "credit-notes"} else [""]
    for name in outsiders:
        client = api(getattr(billed, name))
        for suffix in suffixes:
            for pk in (target.pk, uuid.uuid4(), "not-a-uuid"):  # type: ignore[attr-defined]
                response = client.get(f"/api/v1/{route}/{pk}/{suffix}")
                assert response.status_code == 404, (name, route, suffix, response.status_code)
                assert response.json() == NOT_FOUND
        if route == "invoices":
            response = client.post(f"/api/v1/invoices/{target.pk}/finalize/")  # type: ignore[attr-defined]
            assert response.status_code == 404 and response.json() == NOT_FOUND
        if route == "price-lists":
            response = client.patch(
                f"/api/v1/price-lists/{target.pk}/", {"name": "x"}, format="json"
            )  # type: ignore[attr-defined]
            assert response.status_code == 404 and response.json() == NOT_FOUND


def test_customer_downloads_its_pdf_and_xml(billed: World, api: ApiFactory) -> None:
    invoice = Invoice.objects.get(buyer_customer=billed.customer_a1, document_type="invoice")
    client = api(billed.customer_admin_a1)
    response = client.get(f"/api/v1/invoices/{invoice.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    response = client.get(f"/api/v1/invoices/{invoice.pk}/xml/")
    assert response.status_code == 200 and b"CrossIndustryInvoice" in response.content
    detail = client.get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert detail["number"] == invoice.number and len(detail["lines"]) == 2
    assert detail["gross"] == str(invoice.gross)
    assert client.post(f"/api/v1/invoices/{invoice.pk}/finalize/").status_code == 403


def test_invoice_filters(billed: World, api: ApiFactory) -> None:
    client = api(billed.finance)
    assert len(_ids(client.get("/api/v1/invoices/?month=2026-10"))) == 5
    assert _ids(client.get("/api/v1/invoices/?month=2026-09")) == set()
    assert len(_ids(client.get("/api/v1/invoices/?issuer=platform"))) == 2
    assert len(_ids(client.get(f"/api/v1/invoices/?buyer={billed.customer_a1.pk}"))) == 1
    assert len(_ids(client.get("/api/v1/invoices/?state=draft"))) == 0


def test_invoice_list_query_count_does_not_grow_with_rows(billed: World, api: ApiFactory) -> None:
    client = api(billed.reseller_admin_a)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/invoices/").status_code == 200
    assert len(queries) <= 8


def test_billing_run_api_dry_run_and_start(
    world: World, api: ApiFactory, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    hold(world.customer_a1, "grundlizenz", berlin(2026, 1, 1))
    client = api(world.finance)
    preview = client.post(
        "/api/v1/billing-runs/", {"month": "2026-10", "dry_run": True}, format="json"
    )
    assert preview.status_code == 200 and len(preview.json()["invoices"]) == 2
    assert not BillingRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        response = client.post("/api/v1/billing-runs/", {"month": "2026-10"}, format="json")
    assert response.status_code == 202
    run = client.get(f"/api/v1/billing-runs/{response.json()['id']}/").json()
    assert (
        run["state"] == "done" and run["progress"]["percent"] == 100 and run["month"] == "2026-10"
    )
    assert (
        client.post("/api/v1/billing-runs/", {"month": "2026-13"}, format="json").status_code == 400
    )
    denied = api(world.reseller_admin_a).post(
        "/api/v1/billing-runs/", {"month": "2026-10"}, format="json"
    )
    assert denied.status_code == 403


def test_reseller_admin_manages_only_its_retail_list(world: World, api: ApiFactory) -> None:
    client = api(world.reseller_admin_a)
    body = {
        "kind": "retail",
        "name": "2027",
        "valid_from": "2027-01-01",
        "prices": {k: f"{v:.2f}" for k, v in RETAIL.items()},
    }
    response = client.post("/api/v1/price-lists/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["reseller"] == str(world.reseller_a.pk)
    foreign = client.post(
        "/api/v1/price-lists/", {**body, "reseller": str(world.reseller_b.pk)}, format="json"
    )
    assert foreign.status_code == 400 and foreign.json()["fields"]["reseller"]
    wholesale = client.post(
        "/api/v1/price-lists/",
        {**body, "kind": "wholesale", "valid_from": "2027-02-01"},
        format="json",
    )
    assert wholesale.status_code == 403
    patched = client.patch(
        f"/api/v1/price-lists/{response.json()['id']}/",
        {"prices": {"klare_stimme": "9.99"}},
        format="json",
    )
    assert patched.status_code == 200 and patched.json()["prices"] == {"klare_stimme": "9.99"}
    assert (
        api(world.customer_admin_a1).post("/api/v1/price-lists/", body, format="json").status_code
        == 403
    )


def test_exports(billed: World, api: ApiFactory) -> None:
    client = api(billed.finance)
    datev = client.get("/api/v1/exports/?month=2026-10&format=datev&issuer=platform")
    assert datev.status_code == 200
    text = datev.content.decode("cp1252")
    assert text.startswith('"EXTF";700;21;"Buchungsstapel";13;')
    assert "\r\n" in text and text.count("\r\n") == 2 + 2  # header, columns, two invoices
    assert ";8400;" in text and '"RE-000001"' in text
    reseller_a = client.get(
        f"/api/v1/exports/?month=2026-10&format=datev&issuer={billed.reseller_a.pk}"
    )
    assert '"H"' in reseller_a.content.decode("cp1252")  # the credit note
    every = client.get("/api/v1/exports/?month=2026-10&format=datev&issuer=all")
    assert every.status_code == 200 and every["Content-Type"] == "application/zip"
    batches = zipfile.ZipFile(io.BytesIO(every.content))
    assert len(batches.namelist()) == 3  # the platform and both resellers
    assert '"H"' in batches.read(
        f"EXTF_Buchungsstapel_{str(billed.reseller_a.pk)[:8]}_2026-10.csv"
    ).decode("cp1252")
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/api/v1/exports/?month=2026-10&format=csv&issuer=all").content.decode()
            )
        )
    )
    assert len(rows) == 6 + 6 + 2  # wholesale: 3 customers × 2 lines; retail 3 × 2; credit note 2
    archive = zipfile.ZipFile(
        io.BytesIO(client.get("/api/v1/exports/?month=2026-10&format=zip&issuer=all").content)
    )
    assert len(archive.namelist()) == 6
    assert (
        api(billed.reseller_admin_a).get("/api/v1/exports/?month=2026-10&format=csv").status_code
        == 403
    )


def test_finance_records_a_one_time_charge(world: World, api: ApiFactory) -> None:
    body = {
        "customer": str(world.customer_a1.pk),
        "item": "onsite_hour",
        "quantity": "3",
        "occurred_at": "2026-10-07T10:00:00+02:00",
    }
    assert (
        api(world.finance).post("/api/v1/one-time-charges/", body, format="json").status_code == 201
    )
    assert (
        api(world.reseller_admin_a)
        .post("/api/v1/one-time-charges/", body, format="json")
        .status_code
        == 403
    )
