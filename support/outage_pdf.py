"""The reason-for-outage report as a PDF (SUP-5): an A4 page in the invoices' font (Liberation
Sans, ``billing.documents.pdf.register_fonts``) with the ticket's facts — number, customer,
kind and severity, received, resolved, affected services, the linked status page incident —
and the report's text. A customer reads the writer as its reseller's support team when
platform staff wrote it (TEN-3)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .models import Kind, OutageReport, Severity


def _when(moment: object) -> str:
    if moment is None:
        return "–"
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")  # type: ignore[arg-type]


def render(report: OutageReport, *, writer: str) -> bytes:
    """The report as PDF bytes; ``writer`` is the name its reader may see."""
    from billing.documents.pdf import FONT, FONT_BOLD, register_fonts

    register_fonts()
    ticket = report.ticket
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13)
    head = ParagraphStyle("head", fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=6)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    kind = str(Kind(ticket.kind).label)
    if ticket.severity:
        kind += f", {Severity(ticket.severity).label}"
    services = ", ".join(str(service) for service in ticket.services.all()) or "–"
    facts = [
        ("Ticket", ticket.number),
        ("Betreff", ticket.title),
        ("Kunde", str(ticket.customer) if ticket.customer else ticket.reseller.company_name),
        ("Einstufung", kind),
        ("Eingegangen", _when(ticket.received_at)),
        ("Zuerst bemerkt", _when(ticket.first_observed_at)),
        ("Gelöst", _when(ticket.resolved_at)),
        ("Betroffene Dienste", services),
    ]
    event = report.status_event
    if event is not None:
        facts.append(
            (
                "Statusseite",
                f"{event.title_de} ({_when(event.started_at)} – {_when(event.ended_at)})",
            )
        )
    table = Table(
        [[Paragraph(escape(k), body), Paragraph(escape(v), body)] for k, v in facts],
        colWidths=[42 * mm, 128 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, "#bbbbbb"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story: list[object] = [
        Paragraph("Störungsbericht (Reason for Outage)", head),
        table,
        Spacer(1, 6 * mm),
    ]
    for paragraph in report.text.replace("\r\n", "\n").split("\n\n"):
        story.append(Paragraph(escape(paragraph).replace("\n", "<br/>"), body))
        story.append(Spacer(1, 3 * mm))
    story.append(Spacer(1, 6 * mm))
    story.append(
        Paragraph(
            escape(f"Verfasst von {writer}, Stand {_when(report.updated_at)}"),
            small,
        )
    )
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"Störungsbericht {ticket.number}",
        author=writer,
    )
    document.build(story)
    return out.getvalue()
