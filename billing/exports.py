"""Finance exports of a month (BIL-6): a DATEV "EXTF" booking batch per issuer (all issuers: a
ZIP of their batches), a plain CSV of invoices and lines, and a ZIP of all invoice PDFs."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import NamedTuple

from django.db.models import QuerySet
from django.utils import timezone

from provisioning.downloads import csv_writer, spreadsheet_safe

from .models import PLATFORM, Invoice, InvoiceLine, IssuerProfile
from .money import euros, last_day

ALL_ISSUERS = "all"
"""The issuer choice of an export that covers every issuer."""

DATEV_COLUMNS = [
    "Umsatz (ohne Soll/Haben-Kz)",
    "Soll/Haben-Kennzeichen",
    "WKZ Umsatz",
    "Kurs",
    "Basis-Umsatz",
    "WKZ Basis-Umsatz",
    "Konto",
    "Gegenkonto (ohne BU-Schlüssel)",
    "BU-Schlüssel",
    "Belegdatum",
    "Belegfeld 1",
    "Belegfeld 2",
    "Skonto",
    "Buchungstext",
]


def _decimal_comma(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _quoted(value: str) -> str:
    return '"' + spreadsheet_safe(value).replace('"', '""') + '"'


def datev_filename(month: dt.date, issuer_key: str) -> str:
    who = "plattform" if issuer_key == PLATFORM else issuer_key[:8]
    return f"EXTF_Buchungsstapel_{who}_{month:%Y-%m}.csv"


def datev_export(
    invoices: QuerySet[Invoice], *, month: dt.date, issuer_key: str, now: dt.datetime | None = None
) -> bytes:
    """The month's final invoices and credit notes of one issuer as a DATEV booking batch:
    one booking per document, gross on the debtor account against the revenue account
    (an automatic 19 % account, or the reverse-charge revenue account)."""
    profile = IssuerProfile.objects.filter(issuer_key=issuer_key).first() or IssuerProfile(
        issuer_key=issuer_key
    )
    now = now or timezone.now()
    header = [
        _quoted("EXTF"), "700", "21", _quoted("Buchungsstapel"), "13",
        now.strftime("%Y%m%d%H%M%S") + f"{now.microsecond // 1000:03d}", "", _quoted("RE"),
        _quoted(""), _quoted(""), str(profile.datev_consultant_number),
        str(profile.datev_client_number), f"{month.year}0101", "4", f"{month:%Y%m%d}",
        f"{last_day(month):%Y%m%d}", _quoted(f"Rechnungen {month:%m/%Y}"), _quoted(""), "1", "0",
        "0", _quoted("EUR"), "", _quoted(""), "", "", _quoted(""), "", "", _quoted(""), _quoted(""),
    ]  # fmt: skip
    lines = [
        ";".join(header),
        ";".join(_quoted(c) if " " in c or "-" in c else c for c in DATEV_COLUMNS),
    ]
    for invoice in invoices.filter(issuer_key=issuer_key):
        account = (
            profile.datev_reverse_charge_account
            if invoice.reverse_charge
            else profile.datev_revenue_account
        )
        assert invoice.issued_on is not None
        lines.append(
            ";".join(
                [
                    _decimal_comma(euros(invoice.gross_cents)),
                    _quoted("H" if invoice.is_credit_note else "S"),
                    _quoted("EUR"),
                    "",
                    "",
                    "",
                    str(profile.datev_debtor_account),
                    str(account),
                    "",
                    f"{invoice.issued_on:%d%m}",
                    _quoted(invoice.number or ""),
                    _quoted(invoice.corrects.number or "" if invoice.corrects else ""),
                    "",
                    _quoted(f"{invoice.buyer.get('name', '')}"[:60]),
                ]
            )
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252", errors="replace")


CSV_COLUMNS = [
    "number", "document_type", "corrects", "issuer", "seller", "buyer", "buyer_vat_id", "month",
    "issued_on", "due_on", "reverse_charge", "position", "item", "description", "quantity",
    "unit_price", "line_net", "vat_rate", "invoice_net", "invoice_tax", "invoice_gross",
    "payment_state",
]  # fmt: skip


def csv_export(invoices: QuerySet[Invoice]) -> bytes:
    """One row per invoice line (UTF-8, comma-separated, decimal point)."""
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    lines = InvoiceLine.objects.filter(invoice__in=invoices).order_by("invoice_id", "position")
    by_invoice: dict[object, list[InvoiceLine]] = {}
    for line in lines:
        by_invoice.setdefault(line.invoice_id, []).append(line)
    for invoice in invoices:
        for line in by_invoice.get(invoice.pk, []):
            writer.writerow(
                [
                    invoice.number, invoice.document_type,
                    invoice.corrects.number if invoice.corrects else "", invoice.issuer_key,
                    invoice.seller.get("name", ""), invoice.buyer.get("name", ""),
                    invoice.buyer.get("vat_id", ""), f"{invoice.month:%Y-%m}",
                    invoice.issued_on.isoformat() if invoice.issued_on else "",
                    invoice.due_on.isoformat() if invoice.due_on else "",
                    "yes" if invoice.reverse_charge else "no", line.position, line.item,
                    line.description, f"{line.quantity:.2f}", euros(line.unit_price_cents),
                    euros(line.net_cents), f"{line.vat_rate:.2f}", euros(invoice.net_cents),
                    euros(invoice.tax_cents), euros(invoice.gross_cents), invoice.payment_state,
                ]
            )  # fmt: skip
    return out.getvalue().encode("utf-8")


def pdf_zip(invoices: QuerySet[Invoice]) -> bytes:
    """All PDFs of ``invoices`` in one ZIP, one folder per issuer."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for invoice in invoices.select_related(None).only("number", "issuer_key", "pdf", "seller"):
            folder = (
                "plattform"
                if invoice.issuer_key == PLATFORM
                else invoice.seller.get("name", invoice.issuer_key)
            )
            safe = "".join(ch if ch.isalnum() or ch in " -_." else "_" for ch in folder)
            archive.writestr(f"{safe}/{invoice.number}.pdf", bytes(invoice.pdf))
    return buffer.getvalue()


def datev_zip(
    invoices: QuerySet[Invoice], *, month: dt.date, now: dt.datetime | None = None
) -> bytes:
    """The DATEV batches of every issuer in one ZIP (DATEV takes one batch per client): the
    platform's always, each reseller's that issued documents in the month."""
    now = now or timezone.now()
    resellers = sorted(
        set(invoices.exclude(issuer_key=PLATFORM).values_list("issuer_key", flat=True))
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for issuer_key in [PLATFORM, *resellers]:
            archive.writestr(
                datev_filename(month, issuer_key),
                datev_export(invoices, month=month, issuer_key=issuer_key, now=now),
            )
    return buffer.getvalue()


class ExportFile(NamedTuple):
    body: bytes
    filename: str
    content_type: str


def export_file(
    invoices: QuerySet[Invoice], *, month: dt.date, issuer_key: str, kind: str
) -> ExportFile:
    """The download of one export (``kind`` datev, csv or zip) of ``invoices`` (those of
    ``issuer_key`` or, for :data:`ALL_ISSUERS`, of every issuer); the API and the portal
    both answer with this."""
    if kind == "datev":
        if issuer_key == ALL_ISSUERS:
            return ExportFile(
                datev_zip(invoices, month=month),
                f"EXTF_Buchungsstapel_{month:%Y-%m}.zip",
                "application/zip",
            )
        return ExportFile(
            datev_export(invoices, month=month, issuer_key=issuer_key),
            datev_filename(month, issuer_key),
            "text/csv; charset=windows-1252",
        )
    if kind == "csv":
        return ExportFile(
            csv_export(invoices), f"rechnungen_{month:%Y-%m}.csv", "text/csv; charset=utf-8"
        )
    return ExportFile(pdf_zip(invoices), f"rechnungen_{month:%Y-%m}.zip", "application/zip")
