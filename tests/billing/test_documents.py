"""Invoice documents without a database (BIL-5, BIL-6): the e-invoice rules check and the
PDF/A-3 with the embedded EN 16931 XML."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace
from decimal import Decimal

import pytest
from lxml import etree
from pypdf import PdfReader

from billing.documents import einvoice, pdf
from billing.documents.data import DocumentData, DocumentLine, Party
from billing.money import REVERSE_CHARGE_NOTE

from . import pdf_reading, reference_einvoice

SELLER = Party(
    name="Fernsprech Handel GmbH",
    street="Hauptstraße 5",
    postal_code="50667",
    city="Köln",
    country="DE",
    vat_id="DE123456789",
    tax_number="214/5678/9012",
    email="rechnung@fernsprech.example",
    iban="DE02120300000000202051",
    bic="BYLADEM1001",
    bank_name="Testbank",
)
BUYER = Party(
    name="Bäckerei Sommer & Söhne KG",
    street="Marktplatz 1",
    postal_code="80331",
    city="München",
    country="DE",
    vat_id="DE987654321",
    email="buchhaltung@sommer.example",
)


def _data(lines: int = 3, *, buyer: Party = BUYER, reverse: bool = False) -> DocumentData:
    rate = Decimal("0") if reverse else Decimal("19")
    doc_lines = tuple(
        DocumentLine(
            position=i,
            description=f"Klingende stimme ({i}) <Paket> & mehr",
            quantity=Decimal(i),
            unit_code="C62",
            unit_price=Decimal("7.50"),
            net=Decimal("7.50") * i,
            vat_rate=rate,
        )
        for i in range(1, lines + 1)
    )
    net = sum((line.net for line in doc_lines), Decimal("0.00"))
    tax = (net * rate / 100).quantize(Decimal("0.01"))
    return DocumentData(
        number="RE-000042",
        type_code="380",
        issue_date=dt.date(2026, 11, 2),
        due_date=dt.date(2026, 11, 16),
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
        seller=SELLER,
        buyer=buyer,
        lines=doc_lines,
        by_rate=((rate, net, tax),),
        net=net,
        tax=tax,
        gross=net + tax,
        reverse_charge=reverse,
        payment_terms="Zahlbar ohne Abzug bis 16.11.2026.",
        notes=(REVERSE_CHARGE_NOTE,) if reverse else (),
    )


def _broken(xml: bytes, pattern: str, replacement: str) -> bytes:
    changed = re.sub(pattern.encode(), replacement.encode(), xml, count=1)
    assert changed != xml, pattern
    return changed


def _findings(xml: bytes, *, original: bool) -> set[tuple[str, str]]:
    return {(f.rule, f.location) for f in einvoice.check_rules(xml, original=original)}


VALID = einvoice.build_xml(_data())
REVERSE = einvoice.build_xml(
    _data(buyer=Party("Café Wien GmbH", "Ring 1", "1010", "Wien", "AT", vat_id="ATU12345678"),
          reverse=True)
)  # fmt: skip
CASES = {
    "valid": VALID,
    "valid reverse charge": REVERSE,
    "tax total off": _broken(
        VALID, r'<ram:TaxTotalAmount currencyID="EUR">', '<ram:TaxTotalAmount currencyID="EUR">1'
    ),
    "unknown currency (code list)": _broken(
        VALID, r"<ram:InvoiceCurrencyCode>EUR<", "<ram:InvoiceCurrencyCode>EUX<"
    ),
    "unknown unit code (code list)": _broken(VALID, r'unitCode="C62"', 'unitCode="NOPE"'),
    "VAT id without country prefix": _broken(VALID, r">DE987654321<", ">987654321<"),
    "line total off": _broken(VALID, r"<ram:LineTotalAmount>7.50<", "<ram:LineTotalAmount>7.51<"),
    "seller name missing": _broken(
        VALID, r"<ram:SellerTradeParty>\s*<ram:Name>[^<]*</ram:Name>", "<ram:SellerTradeParty>"
    ),
    "reverse charge without buyer VAT id": _broken(
        REVERSE, r'<ram:ID schemeID="VA">ATU12345678</ram:ID>', ""
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_fast_rules_check_finds_exactly_what_the_published_schematron_finds(case: str) -> None:
    xml = CASES[case]
    fast = _findings(xml, original=False)
    assert fast == _findings(xml, original=True)
    if case.startswith("valid"):
        assert fast == set() and einvoice.check_xsd(xml) == []
    else:
        assert fast or einvoice.check_xsd(xml), f"{case} was not caught"


def test_broken_totals_name_the_business_rule() -> None:
    rules = {rule for rule, _ in _findings(CASES["tax total off"], original=False)}
    assert rules & {"BR-CO-14", "BR-CO-15"}, rules
    rules = {rule for rule, _ in _findings(CASES["unknown currency (code list)"], original=False)}
    # The currency code list is read from the code list file (rule FX-SCH-A-000595).
    assert "FX-SCH-A-000595" in rules, rules


def _canonical(xml: bytes) -> bytes:
    return bytes(etree.tostring(etree.fromstring(xml), method="c14n"))


VARIANTS = {
    "invoice": _data(),
    "one line": _data(1),
    "many lines": _data(40),
    "reverse charge": _data(
        buyer=Party("Café Wien GmbH", "Ring 1", "1010", "Wien", "AT", vat_id="ATU12345678"),
        reverse=True,
    ),
    "seller without bank or e-mail": replace(
        _data(), seller=replace(SELLER, iban="", bic="", email="", tax_number="")
    ),
    "credit note": replace(
        _data(2),
        type_code="381",
        preceding_number="RE-000041",
        preceding_date=dt.date(2026, 10, 2),
        notes=("Grund der Korrektur: doppelt berechnet",),
    ),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_our_xml_is_the_one_the_reference_library_builds(variant: str) -> None:
    data = VARIANTS[variant]
    ours = einvoice.build_xml(data)
    assert _canonical(ours) == _canonical(reference_einvoice.build_xml(data))
    assert einvoice.validate(ours) == []


def test_invoice_pdf_is_pdfa3_with_the_e_invoice_attached() -> None:
    data = VARIANTS["invoice"]
    xml = einvoice.build_xml(data)
    document = pdf.render_facturx(data, xml)
    assert pdf.embedded_xml(document) == xml
    assert document.startswith(b"%PDF-1.7\n")
    facts = pdf_reading.describe(document)
    assert facts["pdfa"] == "3B"
    assert facts["output_intent"] == ["/GTS_PDFA1"]
    assert facts["attachments"] == {"factur-x.xml": "/Data"}
    assert facts["subtype"] == ["/text/xml"]
    assert facts["conformance"] == "EN 16931"
    assert facts["title"] == facts["xmp_title"] == "Rechnung RE-000042"
    assert facts["fonts"] and all(font["embedded"] for font in facts["fonts"])
    reader = PdfReader(io.BytesIO(document))
    assert reader.metadata is not None and reader.metadata.creation_date is not None


def test_invoice_pdf_shows_every_field_german_law_asks_for() -> None:
    data = VARIANTS["invoice"]
    text = pdf_reading.text_of(pdf.render_facturx(data, einvoice.build_xml(data)))
    for expected in (
        "Fernsprech Handel GmbH",  # seller
        "Hauptstraße 5",
        "Bäckerei Sommer & Söhne KG",  # buyer
        "80331 München",
        "USt-IdNr. DE123456789",  # seller's VAT id
        "Steuernummer 214/5678/9012",
        "RE-000042",  # number
        "02.11.2026",  # issue date
        "01.10.2026 – 31.10.2026",  # period of supply
        "Klingende stimme (3) <Paket> & mehr",  # kind of service, text as is
        "22,50 €",  # line net (3 × 7,50)
        "Summe netto (19 %)",
        "45,00 €",  # net per rate
        "USt 19 %",
        "8,55 €",  # tax amount
        "53,55 €",  # gross
        "Zahlbar ohne Abzug bis 16.11.2026.",
        "IBAN DE02120300000000202051",
    ):
        assert expected in text, expected


def test_long_invoices_continue_on_further_pages_with_the_table_header() -> None:
    data = VARIANTS["many lines"]
    document = pdf.render_facturx(data, einvoice.build_xml(data))
    reader = PdfReader(io.BytesIO(document))
    assert len(reader.pages) >= 2
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Seite {number}" in text
        assert "Einzelpreis" in text and "Betrag netto" in text
    last = reader.pages[-1].extract_text()
    assert "Gesamtbetrag brutto" in last and pdf.eur(data.gross) in last
    assert "Klingende stimme (40)" in pdf_reading.text_of(document)


def test_reverse_charge_invoice_states_the_legal_note() -> None:
    data = VARIANTS["reverse charge"]
    text = pdf_reading.text_of(pdf.render_facturx(data, einvoice.build_xml(data)))
    assert "Steuerschuldnerschaft des Leistungsempfängers" in text
    assert "USt (Reverse Charge) 0 %" in text
    assert "USt-IdNr. Empfänger" in text and "ATU12345678" in text
