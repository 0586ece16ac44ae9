"""The invoice PDF (BIL-5, BIL-6): a German A4 layout with every §14 UStG field, rendered with
reportlab in an embedded TrueType font, then turned into a PDF/A-3 carrying the EN 16931 XML
(``factur-x``) with an sRGB output intent."""

from __future__ import annotations

import functools
import io
import logging
from decimal import Decimal
from pathlib import Path
from typing import Any

import facturx
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..money import REVERSE_CHARGE_NOTE
from .data import DocumentData, Party

logging.getLogger("factur-x").setLevel(logging.WARNING)

FONT_DIR = Path("/usr/share/fonts/truetype/liberation")
FONT = "InvoiceSans"
FONT_BOLD = "InvoiceSans-Bold"


class FontMissingError(RuntimeError):
    """The TrueType font the PDF/A embeds is not installed (Debian: fonts-liberation)."""


@functools.cache
def _register_fonts() -> None:
    regular = FONT_DIR / "LiberationSans-Regular.ttf"
    bold = FONT_DIR / "LiberationSans-Bold.ttf"
    if not regular.exists() or not bold.exists():
        raise FontMissingError(f"{regular} missing: install the Debian package fonts-liberation")
    pdfmetrics.registerFont(TTFont(FONT, str(regular)))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(bold)))


@functools.cache
def _srgb_profile() -> bytes:
    from PIL import ImageCms

    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


def eur(value: Decimal) -> str:
    """German money format: ``1.234,56 €``."""
    text = f"{value.quantize(Decimal('0.01')):,.2f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".") + " €"


def qty(value: Decimal) -> str:
    normalized = value.quantize(Decimal("0.01"))
    text = f"{normalized:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return text.removesuffix(",00")


def rate(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",") + " %"


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=11.5)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7, leading=9),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=14, leading=18),
        "bold": ParagraphStyle("bold", parent=base, fontName=FONT_BOLD),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
    }


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _address(party: Party) -> str:
    lines = [party.name, party.street, f"{party.postal_code} {party.city}"]
    if party.country != "DE":
        lines.append(party.country)
    return "<br/>".join(_esc(line) for line in lines)


def _footer(data: DocumentData) -> list[str]:
    seller = data.seller
    first = f"{seller.name} · {seller.street} · {seller.postal_code} {seller.city}"
    ids = []
    if seller.vat_id:
        ids.append(f"USt-IdNr. {seller.vat_id}")
    if seller.tax_number:
        ids.append(f"Steuernummer {seller.tax_number}")
    if seller.email:
        ids.append(seller.email)
    bank = []
    if seller.iban:
        bank = [f"IBAN {seller.iban}"]
        if seller.bic:
            bank.append(f"BIC {seller.bic}")
        if seller.bank_name:
            bank.append(seller.bank_name)
    return [first, " · ".join(ids), " · ".join(bank)]


def render_pdf(data: DocumentData) -> bytes:
    """The human-readable invoice as a plain PDF (fonts embedded)."""
    _register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    title = "Rechnungskorrektur (Gutschrift)" if data.is_credit_note else "Rechnung"
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=28 * mm,
        title=f"{title} {data.number}",
        author=data.seller.name,
        subject=f"{title} {data.number}",
        lang="de-DE",
    )
    footer = _footer(data)

    def decorate(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        y = 16 * mm
        for text in footer:
            if text:
                canvas.drawString(20 * mm, y, text)
                y -= 3.2 * mm
        canvas.drawRightString(190 * mm, 16 * mm, f"Seite {canvas.getPageNumber()}")
        canvas.restoreState()

    story: list[Any] = []
    sender = (
        f"{data.seller.name} · {data.seller.street} · {data.seller.postal_code} {data.seller.city}"
    )
    facts = [
        ("Rechnungsnummer" if not data.is_credit_note else "Gutschriftsnummer", data.number),
        ("Rechnungsdatum", f"{data.issue_date:%d.%m.%Y}"),
        ("Leistungszeitraum", f"{data.period_start:%d.%m.%Y} – {data.period_end:%d.%m.%Y}"),
        ("Fällig am", f"{data.due_date:%d.%m.%Y}"),
    ]
    if data.buyer.vat_id:
        facts.append(("USt-IdNr. Empfänger", data.buyer.vat_id))
    if data.preceding_number:
        date = f" vom {data.preceding_date:%d.%m.%Y}" if data.preceding_date else ""
        facts.append(("zu Rechnung", f"{data.preceding_number}{date}"))
    facts_table = Table(
        [[Paragraph(k, styles["base"]), Paragraph(_esc(v), styles["base"])] for k, v in facts],
        colWidths=[35 * mm, 45 * mm],
    )
    facts_table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    head = Table(
        [
            [
                [
                    Paragraph(_esc(sender), styles["small"]),
                    Spacer(1, 2 * mm),
                    Paragraph(_address(data.buyer), styles["base"]),
                ],
                facts_table,
            ]
        ],
        colWidths=[90 * mm, 80 * mm],
    )
    head.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    story += [
        Paragraph(_address(data.seller), styles["right"]),
        Spacer(1, 10 * mm),
        head,
        Spacer(1, 10 * mm),
        Paragraph(f"{title} {_esc(data.number)}", styles["title"]),
        Spacer(1, 4 * mm),
    ]
    rows: list[list[Any]] = [
        [
            Paragraph(h, styles["bold"])
            for h in ("Pos.", "Leistung", "Menge", "Einzelpreis", "USt", "Betrag netto")
        ]
    ]
    for line in data.lines:
        rows.append(
            [
                str(line.position),
                Paragraph(_esc(line.description), styles["base"]),
                qty(line.quantity),
                eur(line.unit_price),
                rate(line.vat_rate),
                eur(line.net),
            ]
        )
    table = Table(
        rows, colWidths=[12 * mm, 78 * mm, 16 * mm, 24 * mm, 14 * mm, 26 * mm], repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 9),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.2, colors.grey),
            ]
        )
    )
    story += [table, Spacer(1, 4 * mm)]
    total_rows: list[list[str]] = []
    for vat_rate, net, tax in data.by_rate:
        total_rows.append([f"Summe netto ({rate(vat_rate)})", eur(net)])
        label = "USt" if not data.reverse_charge else "USt (Reverse Charge)"
        total_rows.append([f"{label} {rate(vat_rate)}", eur(tax)])
    total_rows.append(["Gesamtbetrag brutto", eur(data.gross)])
    totals = Table(total_rows, colWidths=[60 * mm, 30 * mm], hAlign="RIGHT")
    totals.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 9),
                ("FONT", (0, -1), (-1, -1), FONT_BOLD, 10),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black),
            ]
        )
    )
    story += [totals, Spacer(1, 6 * mm)]
    if data.reverse_charge:
        story.append(
            Paragraph(f"{REVERSE_CHARGE_NOTE} (§ 13b UStG, Art. 196 MwStSystRL).", styles["bold"])
        )
    story.append(Paragraph(_esc(data.payment_terms), styles["base"]))
    for note in data.notes:
        if note != REVERSE_CHARGE_NOTE:
            story.append(Paragraph(_esc(note), styles["base"]))
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def _add_output_intent(pdf: bytes) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    profile = DecodedStreamObject()
    profile.set_data(_srgb_profile())
    profile[NameObject("/N")] = NumberObject(3)
    intent = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFA1"),
            NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB"),
            NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/DestOutputProfile"): writer._add_object(profile),
        }
    )
    writer._root_object[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_facturx(data: DocumentData, xml: bytes) -> bytes:
    """The PDF/A-3 invoice with the EN 16931 XML embedded as ``factur-x.xml``."""
    plain = _add_output_intent(render_pdf(data))
    title = "Gutschrift" if data.is_credit_note else "Rechnung"
    return bytes(
        facturx.generate_from_binary(
            plain,
            xml,
            flavor="factur-x",
            level="en16931",
            check_xsd=False,
            pdf_metadata={
                "author": data.seller.name,
                "keywords": "Factur-X, ZUGFeRD, EN 16931",
                "title": f"{title} {data.number}",
                "subject": f"{title} {data.number} von {data.seller.name}",
            },
            lang="de-DE",
        )
    )


def embedded_xml(pdf: bytes) -> bytes:
    """The e-invoice XML embedded in a Factur-X PDF."""
    _name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    return bytes(xml)
