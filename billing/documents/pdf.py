"""The invoice PDF (BIL-5, BIL-6): a German A4 layout with every §14 UStG field, drawn with
reportlab in an embedded TrueType font, then finished as PDF/A-3b carrying the EN 16931 XML
as ``factur-x.xml`` (Factur-X / ZUGFeRD, profile EN 16931).

Drawing goes straight to the canvas (text positions computed here, descriptions wrapped to
their column, the table header repeated on every page) rather than through platypus' layout
engine, which costs several times as much for a one-page invoice. One pass with pikepdf (qpdf)
then adds what PDF/A-3 and Factur-X require: the sRGB output intent, the XMP metadata with the
PDF/A and Factur-X schemas, the embedded XML as an associated file (``/AF``, relationship
``Data``), document info matching the XMP, and streams written with the line ends PDF/A asks for.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import logging
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import facturx
import pikepdf
from facturx.facturx import generate_xmp_object
from lxml import etree
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ..money import REVERSE_CHARGE_NOTE
from .data import DocumentData, DocumentLine, Party

logging.getLogger("factur-x").setLevel(logging.WARNING)

FONT_DIR = Path("/usr/share/fonts/truetype/liberation")
FONT = "InvoiceSans"
FONT_BOLD = "InvoiceSans-Bold"
XML_NAME = "factur-x.xml"
FACTURX_URN = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
CREATOR = "stimme platform billing"
PRODUCER = f"ReportLab, pikepdf {pikepdf.__version__}"

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 20 * mm
RIGHT = PAGE_WIDTH - 20 * mm
TOP = PAGE_HEIGHT - 20 * mm
BOTTOM = 28 * mm
SIZE = 9
LEADING = 11.5
PAD = 3

# The line table: (heading, left edge, width, right-aligned)
COLUMNS = (
    ("Pos.", LEFT, 12 * mm, False),
    ("Leistung", LEFT + 12 * mm, 78 * mm, False),
    ("Menge", LEFT + 90 * mm, 16 * mm, True),
    ("Einzelpreis", LEFT + 106 * mm, 24 * mm, True),
    ("USt", LEFT + 130 * mm, 14 * mm, True),
    ("Betrag netto", LEFT + 144 * mm, 26 * mm, True),
)


class FontMissingError(RuntimeError):
    """The TrueType font the PDF/A embeds is not installed (Debian: fonts-liberation)."""


@functools.cache
def register_fonts() -> None:
    """Register Liberation Sans (regular and bold) as ``FONT`` and ``FONT_BOLD``; the support
    desk's reports use them too."""
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


def _address(party: Party) -> list[str]:
    lines = [party.name, party.street, f"{party.postal_code} {party.city}"]
    if party.country != "DE":
        lines.append(party.country)
    return lines


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
    return [line for line in (first, " · ".join(ids), " · ".join(bank)) if line]


def _title(data: DocumentData) -> str:
    return "Rechnungskorrektur (Gutschrift)" if data.is_credit_note else "Rechnung"


def _facts(data: DocumentData) -> list[tuple[str, str]]:
    facts = [
        ("Gutschriftsnummer" if data.is_credit_note else "Rechnungsnummer", data.number),
        ("Rechnungsdatum", f"{data.issue_date:%d.%m.%Y}"),
        ("Leistungszeitraum", f"{data.period_start:%d.%m.%Y} – {data.period_end:%d.%m.%Y}"),
        ("Fällig am", f"{data.due_date:%d.%m.%Y}"),
    ]
    if data.buyer.vat_id:
        facts.append(("USt-IdNr. Empfänger", data.buyer.vat_id))
    if data.preceding_number:
        date = f" vom {data.preceding_date:%d.%m.%Y}" if data.preceding_date else ""
        facts.append(("zu Rechnung", f"{data.preceding_number}{date}"))
    return facts


@dataclass
class _Page:
    """The canvas and the current writing position, with page breaks that keep the footer."""

    canvas: Canvas
    footer: list[str]
    y: float = TOP

    def finish(self) -> None:
        c = self.canvas
        c.setFont(FONT, 7)
        c.setFillColor(colors.black)
        y = 16 * mm
        for text in self.footer:
            c.drawString(LEFT, y, text)
            y -= 3.2 * mm
        c.drawRightString(RIGHT, 16 * mm, f"Seite {c.getPageNumber()}")
        c.showPage()
        self.y = TOP

    def room(self, height: float) -> bool:
        """Start a new page unless ``height`` fits; True when a page was started."""
        if self.y - height >= BOTTOM:
            return False
        self.finish()
        return True

    def text(self, lines: Sequence[str], *, font: str = FONT, size: float = SIZE) -> None:
        """Left-aligned wrapped paragraphs across the text width."""
        leading = size * LEADING / SIZE
        for paragraph in lines:
            for line in simpleSplit(paragraph, font, size, RIGHT - LEFT):
                self.room(leading)
                self.canvas.setFont(font, size)
                self.canvas.drawString(LEFT, self.y - size, line)
                self.y -= leading


def _head(page: _Page, data: DocumentData) -> None:
    """Seller top right; sender line and buyer address left, invoice facts right; title."""
    c = page.canvas
    c.setFont(FONT, SIZE)
    y = TOP
    for line in _address(data.seller):
        c.drawRightString(RIGHT, y - SIZE, line)
        y -= LEADING
    top = y - 10 * mm
    seller = data.seller
    sender = f"{seller.name} · {seller.street} · {seller.postal_code} {seller.city}"
    c.setFont(FONT, 7)
    left_y = top
    for line in simpleSplit(sender, FONT, 7, 90 * mm - PAD):
        c.drawString(LEFT, left_y - 7, line)
        left_y -= 9
    left_y -= 2 * mm
    c.setFont(FONT, SIZE)
    for line in _address(data.buyer):
        c.drawString(LEFT, left_y - SIZE, line)
        left_y -= LEADING
    right_y = top
    label_x, value_x = LEFT + 90 * mm, LEFT + 125 * mm
    for label, value in _facts(data):
        c.drawString(label_x, right_y - SIZE, label)
        for line in simpleSplit(value, FONT, SIZE, RIGHT - value_x) or [""]:
            c.drawString(value_x, right_y - SIZE, line)
            right_y -= LEADING
    page.y = min(left_y, right_y) - 10 * mm
    c.setFont(FONT_BOLD, 14)
    c.drawString(LEFT, page.y - 14, f"{_title(data)} {data.number}")
    page.y -= 18 + 4 * mm


def _table_header(page: _Page) -> None:
    c = page.canvas
    c.setFont(FONT_BOLD, SIZE)
    baseline = page.y - PAD - SIZE
    for heading, left, width, right_aligned in COLUMNS:
        if right_aligned:
            c.drawRightString(left + width - PAD, baseline, heading)
        else:
            c.drawString(left + PAD, baseline, heading)
    page.y -= LEADING + 2 * PAD
    c.setLineWidth(0.6)
    c.setStrokeColor(colors.black)
    c.line(LEFT, page.y, RIGHT, page.y)


def _table(page: _Page, lines: Sequence[DocumentLine]) -> None:
    c = page.canvas
    _table_header(page)
    description_width = COLUMNS[1][2] - 2 * PAD
    for line in lines:
        wrapped = simpleSplit(line.description, FONT, SIZE, description_width) or [""]
        height = len(wrapped) * LEADING + 2 * PAD
        if page.room(height):
            _table_header(page)
        cells = (
            str(line.position),
            None,
            qty(line.quantity),
            eur(line.unit_price),
            rate(line.vat_rate),
            eur(line.net),
        )
        baseline = page.y - PAD - SIZE
        c.setFont(FONT, SIZE)
        for (_heading, left, width, right_aligned), cell in zip(COLUMNS, cells, strict=True):
            if cell is None:
                y = baseline
                for text in wrapped:
                    c.drawString(left + PAD, y, text)
                    y -= LEADING
            elif right_aligned:
                c.drawRightString(left + width - PAD, baseline, cell)
            else:
                c.drawString(left + PAD, baseline, cell)
        page.y -= height
        c.setLineWidth(0.2)
        c.setStrokeColor(colors.grey)
        c.line(LEFT, page.y, RIGHT, page.y)


def _totals(page: _Page, data: DocumentData) -> None:
    rows: list[tuple[str, str]] = []
    for vat_rate, net, tax in data.by_rate:
        rows.append((f"Summe netto ({rate(vat_rate)})", eur(net)))
        label = "USt (Reverse Charge)" if data.reverse_charge else "USt"
        rows.append((f"{label} {rate(vat_rate)}", eur(tax)))
    height = (len(rows) + 1) * (LEADING + 2 * PAD) + 6 * mm
    page.y -= 4 * mm
    page.room(height)
    c = page.canvas
    label_x = RIGHT - 90 * mm
    c.setFont(FONT, SIZE)
    for label, amount in rows:
        baseline = page.y - PAD - SIZE
        c.drawString(label_x + PAD, baseline, label)
        c.drawRightString(RIGHT - PAD, baseline, amount)
        page.y -= LEADING + 2 * PAD
    c.setLineWidth(0.6)
    c.setStrokeColor(colors.black)
    c.line(label_x, page.y, RIGHT, page.y)
    baseline = page.y - PAD - 10
    c.setFont(FONT_BOLD, 10)
    c.drawString(label_x + PAD, baseline, "Gesamtbetrag brutto")
    c.drawRightString(RIGHT - PAD, baseline, eur(data.gross))
    page.y -= 12.5 + 2 * PAD + 6 * mm


def _draw(data: DocumentData) -> bytes:
    """The human-readable invoice as a plain PDF (fonts embedded)."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=A4,
        pageCompression=0,  # qpdf compresses in the PDF/A pass, faster than reportlab does
        lang="de-DE",
        initialFontName=FONT,
        initialFontSize=SIZE,
    )
    page = _Page(canvas, _footer(data))
    _head(page, data)
    _table(page, data.lines)
    _totals(page, data)
    if data.reverse_charge:
        page.text([f"{REVERSE_CHARGE_NOTE} (§ 13b UStG, Art. 196 MwStSystRL)."], font=FONT_BOLD)
    page.text([data.payment_terms])
    page.text([note for note in data.notes if note != REVERSE_CHARGE_NOTE])
    page.finish()
    canvas.save()
    return buffer.getvalue()


@functools.cache
def _xmp_template() -> str:
    """The XMP packet (PDF/A-3b identification, Dublin Core, Factur-X extension schema) with
    placeholders, built once; each document fills in its title, author, subject and time."""
    root = generate_xmp_object(
        {
            "pdfa3_flavor": "B",
            "title": "@@title@@",
            "author": "@@author@@",
            "subject": "@@subject@@",
            "producer": PRODUCER,
            "creator_tool": CREATOR,
            "timestamp": "@@timestamp@@",
            "version": "1.0",
            "documenttype": "INVOICE",
            "xml_filename": XML_NAME,
            "xmp_level": "EN 16931",
            "urn": FACTURX_URN,
        }
    )
    body = etree.tostring(root, encoding="utf-8").decode("utf-8")
    return f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n{body}\n<?xpacket end="w"?>'


def _xmp(title: str, author: str, subject: str, timestamp: dt.datetime) -> bytes:
    text = _xmp_template()
    for key, value in (
        ("title", title),
        ("author", author),
        ("subject", subject),
        ("timestamp", timestamp.strftime("%Y-%m-%dT%H:%M:%S+00:00")),
    ):
        text = text.replace(f"@@{key}@@", escape(value))
    return text.encode("utf-8")


def _compressed_stream(document: pikepdf.Pdf, data: bytes) -> pikepdf.Stream:
    stream = document.make_stream(b"")
    stream.write(zlib.compress(data), filter=pikepdf.Name.FlateDecode)
    return stream


def render_facturx(data: DocumentData, xml: bytes) -> bytes:
    """The PDF/A-3b invoice with the EN 16931 XML embedded as ``factur-x.xml``."""
    title = f"{_title(data)} {data.number}"
    author = data.seller.name
    subject = f"{'Gutschrift' if data.is_credit_note else 'Rechnung'} {data.number} von {author}"
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    pdf_date = now.strftime("D:%Y%m%d%H%M%S+00'00'")
    with pikepdf.Pdf.open(io.BytesIO(_draw(data))) as document:
        root = document.Root
        profile = _compressed_stream(document, _srgb_profile())
        profile.N = 3
        root.OutputIntents = pikepdf.Array(
            [
                pikepdf.Dictionary(
                    Type=pikepdf.Name.OutputIntent,
                    S=pikepdf.Name.GTS_PDFA1,
                    OutputConditionIdentifier=pikepdf.String("sRGB"),
                    Info=pikepdf.String("sRGB IEC61966-2.1"),
                    DestOutputProfile=profile,
                )
            ]
        )
        embedded = _compressed_stream(document, xml)
        embedded.Type = pikepdf.Name.EmbeddedFile
        embedded.Subtype = pikepdf.Name("/text/xml")
        embedded.Params = pikepdf.Dictionary(
            Size=len(xml),
            ModDate=pikepdf.String(pdf_date),
            CheckSum=pikepdf.String(hashlib.md5(xml).digest()),  # noqa: S324 — PDF's checksum
        )
        filespec = document.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Filespec,
                F=pikepdf.String(XML_NAME),
                UF=pikepdf.String(XML_NAME),
                Desc=pikepdf.String("Factur-X XML file"),
                AFRelationship=pikepdf.Name.Data,
                EF=pikepdf.Dictionary(F=embedded, UF=embedded),
            )
        )
        root.Names = pikepdf.Dictionary(
            EmbeddedFiles=pikepdf.Dictionary(
                Names=pikepdf.Array([pikepdf.String(XML_NAME), filespec])
            )
        )
        root.AF = document.make_indirect(pikepdf.Array([filespec]))
        metadata = document.make_stream(_xmp(title, author, subject, now))
        metadata.Type = pikepdf.Name.Metadata
        metadata.Subtype = pikepdf.Name.XML
        root.Metadata = metadata
        document.trailer.Info = document.make_indirect(
            pikepdf.Dictionary(
                Title=pikepdf.String(title),
                Author=pikepdf.String(author),
                Subject=pikepdf.String(subject),
                Creator=pikepdf.String(CREATOR),
                Producer=pikepdf.String(PRODUCER),
                CreationDate=pikepdf.String(pdf_date),
                ModDate=pikepdf.String(pdf_date),
            )
        )
        out = io.BytesIO()
        # qpdf compresses reportlab's plain streams (fonts, page content); ours are compressed
        # already and pass through; the XMP metadata stays plain text, as PDF/A readers expect.
        document.save(
            out,
            fix_metadata_version=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            compress_streams=True,
            min_version="1.7",  # PDF/A-3 builds on ISO 32000-1 (PDF 1.7)
        )
    return out.getvalue()


def embedded_xml(pdf: bytes) -> bytes:
    """The e-invoice XML embedded in a Factur-X PDF."""
    _name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    return bytes(xml)
