"""Reading an invoice PDF back as a recipient's software would (tests only): its text and its
PDF/A-3 and Factur-X parts."""

from __future__ import annotations

import io
from typing import Any

import pikepdf
from pypdf import PdfReader

from billing.documents.pdf import FACTURX_URN


def text_of(pdf: bytes) -> str:
    """The text of every page (for checks and search)."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def describe(pdf: bytes) -> dict[str, Any]:
    """What a reader of the file sees of its PDF/A-3 and Factur-X parts."""
    with pikepdf.Pdf.open(io.BytesIO(pdf)) as document:
        root = document.Root
        meta = document.open_metadata()
        filespecs = list(root.get("/AF", []))
        fonts = []
        for page in document.pages:
            for font in page.Resources.get("/Font", {}).values():
                descriptor = font.get("/FontDescriptor")
                fonts.append(
                    {
                        "name": str(font.get("/BaseFont")),
                        "embedded": descriptor is not None
                        and any(key in descriptor for key in ("/FontFile", "/FontFile2")),
                    }
                )
        return {
            "pages": len(document.pages),
            "pdfa": f"{meta.get('pdfaid:part')}{meta.get('pdfaid:conformance')}",
            "output_intent": [str(i.get("/S")) for i in root.get("/OutputIntents", [])],
            "attachments": {str(spec.F): str(spec.get("/AFRelationship")) for spec in filespecs},
            "subtype": [str(spec.EF.F.get("/Subtype")) for spec in filespecs],
            "conformance": meta.get(f"{{{FACTURX_URN}}}ConformanceLevel"),
            "title": str(document.docinfo.get("/Title")),
            "xmp_title": meta.get("dc:title"),
            "fonts": fonts,
        }
