"""The e-invoice as the drafthorse library builds it: the reference our own builder in
``billing/documents/einvoice.py`` must match byte for byte (tests only)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drafthorse.models.accounting import ApplicableTradeTax
from drafthorse.models.document import Document
from drafthorse.models.note import IncludedNote
from drafthorse.models.party import TaxRegistration
from drafthorse.models.payment import PaymentMeans, PaymentTerms
from drafthorse.models.tradelines import LineItem

from billing.documents.data import DocumentData, Party
from billing.documents.einvoice import GUIDELINE
from billing.money import REVERSE_CHARGE_NOTE


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _party(target: Any, party: Party) -> None:
    target.name = party.name
    target.address.line_one = party.street
    target.address.postcode = party.postal_code
    target.address.city_name = party.city
    target.address.country_id = party.country
    if party.email:
        target.electronic_address.uri_ID = ("EM", party.email)
    if party.vat_id:
        target.tax_registrations.add(TaxRegistration(id=("VA", party.vat_id)))
    if party.tax_number:
        target.tax_registrations.add(TaxRegistration(id=("FC", party.tax_number)))


def build_xml(data: DocumentData) -> bytes:
    """The CII XML of ``data`` (profile EN16931)."""
    doc = Document()
    doc.context.guideline_parameter.id = GUIDELINE
    doc.header.id = data.number
    doc.header.type_code = data.type_code
    doc.header.issue_date_time = data.issue_date
    for text in data.notes:
        note = IncludedNote()
        note.content = text
        doc.header.notes.add(note)

    for line in data.lines:
        item = LineItem()
        item.document.line_id = str(line.position)
        item.product.name = line.description
        item.agreement.net.amount = line.unit_price
        item.delivery.billed_quantity = (line.quantity, line.unit_code)
        item.settlement.trade_tax.type_code = "VAT"
        item.settlement.trade_tax.category_code = "AE" if data.reverse_charge else "S"
        item.settlement.trade_tax.rate_applicable_percent = line.vat_rate
        item.settlement.monetary_summation.total_amount = _money(line.net)
        doc.trade.items.add(item)

    _party(doc.trade.agreement.seller, data.seller)
    _party(doc.trade.agreement.buyer, data.buyer)
    doc.trade.delivery.event.occurrence = data.period_end

    settlement = doc.trade.settlement
    settlement.currency_code = data.currency
    settlement.payment_reference = data.number
    if data.seller.iban:
        means = PaymentMeans()
        means.type_code = "58"  # SEPA credit transfer
        means.payee_account.iban = data.seller.iban
        if data.seller.bic:
            means.payee_institution.bic = data.seller.bic
        settlement.payment_means.add(means)
    for rate, net, tax in data.by_rate:
        trade_tax = ApplicableTradeTax()
        trade_tax.calculated_amount = _money(tax)
        trade_tax.basis_amount = _money(net)
        trade_tax.type_code = "VAT"
        if data.reverse_charge:
            trade_tax.category_code = "AE"
            trade_tax.exemption_reason = REVERSE_CHARGE_NOTE
            trade_tax.exemption_reason_code = "VATEX-EU-AE"
        else:
            trade_tax.category_code = "S"
        trade_tax.rate_applicable_percent = rate
        settlement.trade_tax.add(trade_tax)
    settlement.period.start = data.period_start
    settlement.period.end = data.period_end
    terms = PaymentTerms()
    terms.description = data.payment_terms
    terms.due = data.due_date
    settlement.terms.add(terms)
    total = settlement.monetary_summation
    total.line_total = _money(sum((line.net for line in data.lines), Decimal("0")))
    total.charge_total = Decimal("0.00")
    total.allowance_total = Decimal("0.00")
    total.tax_basis_total = _money(data.net)
    total.tax_total = (_money(data.tax), data.currency)
    total.grand_total = _money(data.gross)
    total.due_amount = _money(data.gross)
    if data.preceding_number:
        settlement.invoice_referenced_document.issuer_assigned_id = data.preceding_number
        if data.preceding_date is not None:
            settlement.invoice_referenced_document.issue_date_time = data.preceding_date
    return bytes(doc.serialize(schema="FACTUR-X_EN16931"))
