"""Invoices and credit notes (BIL-4, BIL-5, BIL-6): drafts from a plan, finalizing with the
next number of the issuer's gapless series, documents, and corrections by credit note."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from provisioning import audit
from provisioning.errors import ApplicationError
from provisioning.models import Account, AuditAction, Customer, Reseller
from provisioning.permissions import ensure

from ..background import enqueue
from ..documents import einvoice, pdf
from ..documents.data import DocumentData, DocumentLine, Party
from ..models import (
    PLATFORM,
    UNIT_CODES,
    DocumentType,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceState,
    IssuerProfile,
    NumberCounter,
)
from ..money import (
    BERLIN,
    REVERSE_CHARGE_NOTE,
    STANDARD_VAT,
    ZERO_VAT,
    Line,
    cents,
    euros,
    is_reverse_charge,
    last_day,
    totals,
)
from ..payments import payments_configured
from ..permissions import can_issue_invoices, can_set_issuer_profile
from ..planning import PlannedInvoice

# What issuing writes (the rest of a draft is already stored).
ISSUED_FIELDS = [
    "number",
    "sequence",
    "issued_on",
    "due_on",
    "xml",
    "pdf",
    "state",
    "validation_errors",
    "updated_at",
]
SERIES_PREFIX = {DocumentType.INVOICE: "RE", DocumentType.CREDIT_NOTE: "GS"}
PARTY_FIELDS = ("name", "street", "postal_code", "city", "country", "vat_id")


# --- issuers and parties -------------------------------------------------------------------


def issuer_key_of(reseller: Reseller | None) -> str:
    return PLATFORM if reseller is None else str(reseller.pk)


def platform_profile() -> IssuerProfile:
    """The platform's own invoicing data; billing refuses to run until staff have set it."""
    profile = IssuerProfile.objects.filter(issuer_key=PLATFORM).first()
    if profile is None or not (profile.company_name and profile.street and profile.vat_id):
        raise ApplicationError(
            "issuer_not_configured",
            "The platform's name, address and VAT id for invoices are not set up yet.",
            status=409,
        )
    return profile


@transaction.atomic
def issuer_profile_set(
    *, acting_user: Account | None, reseller: Reseller | None, data: dict[str, Any]
) -> IssuerProfile:
    """Create or change the invoicing data of the platform (``reseller=None``) or a reseller."""
    if acting_user is not None:
        ensure(can_set_issuer_profile(acting_user, reseller))
    profile, created = IssuerProfile.objects.get_or_create(
        issuer_key=issuer_key_of(reseller), defaults={"reseller": reseller}
    )
    before = audit.snapshot(profile)
    for name, value in data.items():
        setattr(profile, name, value)
    profile.full_clean(exclude=["reseller"])
    profile.save()
    audit.record_change(
        actor=acting_user,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        instance=profile,
        changes=audit.changes_between({} if created else before, profile),
    )
    return profile


def _profile_fields(profile: IssuerProfile | None) -> dict[str, Any]:
    if profile is None:
        return {
            "tax_number": "",
            "email": "",
            "iban": "",
            "bic": "",
            "bank_name": "",
            "terms_days": 14,
        }
    return {
        "tax_number": profile.tax_number,
        "email": profile.email,
        "iban": profile.iban,
        "bic": profile.bic,
        "bank_name": profile.bank_name,
        "terms_days": profile.payment_terms_days,
    }


def platform_seller() -> dict[str, Any]:
    profile = platform_profile()
    return {
        "name": profile.company_name,
        "street": profile.street,
        "postal_code": profile.postal_code,
        "city": profile.city,
        "country": profile.country,
        "vat_id": profile.vat_id,
        **_profile_fields(profile),
    }


def reseller_party(reseller: Reseller, profile: IssuerProfile | None = None) -> dict[str, Any]:
    return {
        "name": reseller.company_name,
        "street": reseller.street,
        "postal_code": reseller.postal_code,
        "city": reseller.city,
        "country": reseller.country,
        "vat_id": reseller.vat_id,
        **_profile_fields(profile),
        "email": (profile.email if profile and profile.email else reseller.contact_email),
    }


def customer_party(customer: Customer) -> dict[str, Any]:
    return {
        "name": customer.company_name,
        "street": customer.street,
        "postal_code": customer.postal_code,
        "city": customer.city,
        "country": customer.country,
        "vat_id": customer.vat_id,
        "email": customer.contact_email,
    }


# --- drafts ----------------------------------------------------------------------------------


def _vat_rate(seller: dict[str, Any], buyer: dict[str, Any]) -> tuple[Decimal, bool]:
    reverse = is_reverse_charge(
        seller_country=seller["country"],
        buyer_country=buyer["country"],
        buyer_vat_id=buyer["vat_id"],
    )
    return (ZERO_VAT if reverse else STANDARD_VAT), reverse


def draft_rows(
    planned: PlannedInvoice,
    *,
    month: dt.date,
    run_id: uuid.UUID | None,
    seller: dict[str, Any],
    buyer: dict[str, Any],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A draft invoice and its lines for ``planned`` as rows for :func:`billing.bulk.insert_rows`
    (attribute name → value, totals computed); the run writes thousands at once."""
    vat_rate, reverse = _vat_rate(seller, buyer)
    invoice_id = uuid.uuid4()
    wholesale = planned.kind == InvoiceKind.WHOLESALE
    lines = []
    net_cents = 0
    for position, item in enumerate(planned.lines, start=1):
        unit_cents = cents(item.unit_price)
        quantity = item.quantity
        # Whole quantities (licenses) in exact integer cents; others rounded like Line.net.
        if quantity == quantity.to_integral_value():
            line_cents = int(quantity) * unit_cents
        else:
            line_cents = cents(Line(quantity, item.unit_price, vat_rate).net)
        net_cents += line_cents
        lines.append(
            {
                "invoice_id": invoice_id,
                "position": position,
                "item": item.item,
                "description": item.description[:300],
                "customer_id": item.customer_id,
                "quantity": quantity,
                "unit_price_cents": unit_cents,
                "net_cents": line_cents,
                "vat_rate": vat_rate,
            }
        )
    # One rate per draft: VAT on the sum of the rounded line nets, as money.totals does.
    tax_cents = cents(Decimal(net_cents) / 100 * vat_rate / 100)
    invoice = {
        "id": invoice_id,
        "document_type": DocumentType.INVOICE.value,
        "kind": str(planned.kind),
        "issuer_key": PLATFORM if wholesale else str(planned.reseller_id),
        "issuer_reseller_id": None if wholesale else planned.reseller_id,
        "buyer_reseller_id": planned.buyer_reseller_id,
        "buyer_customer_id": planned.buyer_customer_id,
        "reseller_id": planned.reseller_id,
        "billing_run_id": run_id,
        "month": month,
        "period_start": month,
        "period_end": last_day(month),
        "seller": seller,
        "buyer": buyer,
        "reverse_charge": reverse,
        "net_cents": net_cents,
        "tax_cents": tax_cents,
        "gross_cents": net_cents + tax_cents,
    }
    return invoice, lines


def _set_totals(invoice: Invoice, lines: Sequence[Line]) -> None:
    result = totals(lines)
    invoice.net_cents = cents(result.net)
    invoice.tax_cents = cents(result.tax)
    invoice.gross_cents = cents(result.gross)


def audit_rows_created(
    actor: Account | None, invoices: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One audit entry per created draft (rows as :func:`draft_rows` makes them)."""
    context = audit.current_context()
    now = timezone.now()
    label = DocumentType.INVOICE.label
    common = {
        "occurred_at": now,
        "channel": context.channel,
        "ip_address": context.ip_address,
        "action": AuditAction.CREATE.value,
        "object_type": "billing.invoice",
        "actor_id": actor.pk if actor else None,
        "actor_label": actor.get_username() if actor else "system",
        "actor_role": actor.role if actor else "",
    }
    return [
        {
            **common,
            "id": uuid.uuid4(),
            "object_id": str(invoice["id"]),
            "object_repr": f"{label} (Entwurf) {invoice['month']:%m/%Y}",
            "changes": {
                "kind": [None, invoice["kind"]],
                "month": [None, invoice["month"].isoformat()],
                "net_cents": [None, invoice["net_cents"]],
                "gross_cents": [None, invoice["gross_cents"]],
            },
            "reseller_id": invoice["reseller_id"],
            "customer_id": invoice["buyer_customer_id"],
        }
        for invoice in invoices
    ]


# --- documents -------------------------------------------------------------------------------


def _party(data: dict[str, Any]) -> Party:
    return Party(
        name=data["name"],
        street=data["street"],
        postal_code=data["postal_code"],
        city=data["city"],
        country=data["country"],
        vat_id=data.get("vat_id", ""),
        tax_number=data.get("tax_number", ""),
        email=data.get("email", ""),
        iban=data.get("iban", ""),
        bic=data.get("bic", ""),
        bank_name=data.get("bank_name", ""),
    )


def payment_terms_text(invoice: Invoice) -> str:
    assert invoice.due_on is not None
    if invoice.is_credit_note:
        return "Der Betrag wird Ihnen erstattet bzw. mit offenen Forderungen verrechnet."
    iban = invoice.seller.get("iban")
    how = f"auf das Konto IBAN {iban}" if iban else "per vereinbartem Zahlungsverfahren"
    return (
        f"Zahlbar ohne Abzug bis {invoice.due_on:%d.%m.%Y} {how} "
        f"unter Angabe der Rechnungsnummer {invoice.number}."
    )


def document_data(invoice: Invoice, lines: Sequence[InvoiceLine]) -> DocumentData:
    """The plain data the PDF and XML are rendered from; ``invoice`` must have its number."""
    assert invoice.number and invoice.issued_on and invoice.due_on
    by_rate: dict[Decimal, list[Line]] = {}
    doc_lines = []
    for line in lines:
        unit_price = euros(line.unit_price_cents)
        doc_lines.append(
            DocumentLine(
                position=line.position,
                description=line.description,
                quantity=Decimal(line.quantity),
                unit_code=UNIT_CODES.get(line.item, "C62"),
                unit_price=unit_price,
                net=euros(line.net_cents),
                vat_rate=Decimal(line.vat_rate),
            )
        )
        by_rate.setdefault(Decimal(line.vat_rate), []).append(
            Line(
                quantity=Decimal(line.quantity),
                unit_price=unit_price,
                vat_rate=Decimal(line.vat_rate),
            )
        )
    rates = totals([line for group in by_rate.values() for line in group]).by_rate
    notes: list[str] = []
    if invoice.reverse_charge:
        notes.append(REVERSE_CHARGE_NOTE)
    if invoice.reason:
        notes.append(f"Grund der Korrektur: {invoice.reason}")
    preceding = invoice.corrects
    return DocumentData(
        number=invoice.number,
        type_code="381" if invoice.is_credit_note else "380",
        issue_date=invoice.issued_on,
        due_date=invoice.due_on,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        seller=_party(invoice.seller),
        buyer=_party(invoice.buyer),
        lines=tuple(doc_lines),
        by_rate=tuple((rate, net, tax) for rate, (net, tax) in rates.items()),
        net=invoice.net,
        tax=invoice.tax,
        gross=invoice.gross,
        reverse_charge=invoice.reverse_charge,
        payment_terms=payment_terms_text(invoice),
        currency=invoice.currency,
        preceding_number=preceding.number or "" if preceding else "",
        preceding_date=preceding.issued_on if preceding else None,
        notes=tuple(notes),
    )


# --- finalizing ------------------------------------------------------------------------------


def _counter(issuer_key: str, document_type: str) -> NumberCounter:
    """The series' counter row, locked until the transaction ends."""
    NumberCounter.objects.get_or_create(issuer_key=issuer_key, document_type=document_type)
    return NumberCounter.objects.select_for_update().get(
        issuer_key=issuer_key, document_type=document_type
    )


def format_number(invoice: Invoice, sequence: int) -> str:
    prefix = invoice.seller.get("number_prefix", "")
    return f"{prefix}{SERIES_PREFIX[DocumentType(invoice.document_type)]}-{sequence:06d}"


def today() -> dt.date:
    return timezone.now().astimezone(BERLIN).date()


def issue(
    invoice: Invoice,
    *,
    acting_user: Account | None,
    lines: Sequence[InvoiceLine] | None = None,
    counters: dict[tuple[str, str], NumberCounter] | None = None,
) -> bool:
    """Finalize a locked draft inside the caller's transaction: number it, render and validate
    its e-invoice, and store the PDF/A-3. Returns False (and records why on the draft, which
    keeps no number) when the e-invoice fails validation. ``lines`` (in position order) and
    ``counters`` (series → counter locked in this transaction) save queries when a caller
    issues many drafts in one transaction."""
    series = (invoice.issuer_key, invoice.document_type)
    counter = counters.get(series) if counters is not None else None
    if counter is None:
        counter = _counter(*series)
        if counters is not None:
            counters[series] = counter
    sequence = counter.last_value + 1
    invoice.number = format_number(invoice, sequence)
    invoice.sequence = sequence
    invoice.issued_on = today()
    terms = int(invoice.seller.get("terms_days", 14))
    invoice.due_on = invoice.issued_on + dt.timedelta(days=terms)
    data = document_data(invoice, list(invoice.lines.all()) if lines is None else lines)
    xml = einvoice.build_xml(data)
    findings = einvoice.validate(xml)
    if findings:
        invoice.number = invoice.sequence = invoice.issued_on = invoice.due_on = None
        invoice.validation_errors = [f.as_dict() for f in findings]
        invoice.save(update_fields=["validation_errors", "updated_at"])
        return False
    invoice.xml = xml.decode("utf-8")
    invoice.pdf = pdf.render_facturx(data, xml)
    counter.last_value = sequence
    counter.save(update_fields=["last_value"])
    invoice.state = InvoiceState.FINAL
    invoice.validation_errors = []
    invoice.save(update_fields=ISSUED_FIELDS)
    audit.record_change(
        actor=acting_user,
        action=AuditAction.UPDATE,
        instance=invoice,
        changes={
            "state": [InvoiceState.DRAFT, InvoiceState.FINAL],
            "number": [None, invoice.number],
        },
    )
    # Without a payment provider every buyer pays by transfer: nothing to collect.
    if not invoice.is_credit_note and invoice.gross_cents > 0 and payments_configured():
        enqueue("collect_payment", str(invoice.pk))
    return True


def invoice_finalize(*, invoice: Invoice, acting_user: Account | None) -> Invoice:
    """Issue a draft (BIL-5). A failing e-invoice leaves the draft unissued with the findings
    in ``validation_errors`` and answers 409 ``invoice_invalid``."""
    if acting_user is not None:
        ensure(can_issue_invoices(acting_user))
    with transaction.atomic():
        locked = (
            Invoice.objects.select_for_update(of=("self",))
            .select_related("corrects")
            .get(pk=invoice.pk)
        )
        if locked.is_final:
            raise ApplicationError("invoice_final", "This invoice is already issued.", status=409)
        ok = issue(locked, acting_user=acting_user)
    if not ok:
        first = locked.validation_errors[0]
        raise ApplicationError(
            "invoice_invalid",
            f"The e-invoice fails {first['rule']}: {first['message']}",
            status=409,
        )
    return locked


@transaction.atomic
def invoice_delete_draft(*, invoice: Invoice, acting_user: Account) -> None:
    """Discard a draft (the next run for its month makes it again)."""
    ensure(can_issue_invoices(acting_user))
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.is_final:
        raise ApplicationError("invoice_final", "A final invoice cannot be deleted.", status=409)
    audit.record_change(
        actor=acting_user,
        action=AuditAction.DELETE,
        instance=locked,
        changes=audit.deleted_changes(locked),
    )
    locked.delete()


def credit_note_create(
    *,
    invoice: Invoice,
    acting_user: Account,
    reason: str,
    positions: Sequence[int] | None = None,
    issue_now: bool = True,
) -> Invoice:
    """A credit note correcting a final invoice (BIL-5): it repeats the chosen lines (all by
    default) with their amounts, references the invoice, and is numbered in the issuer's own
    credit-note series. The invoice itself never changes."""
    ensure(can_issue_invoices(acting_user))
    with transaction.atomic():
        original = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if not original.is_final or original.is_credit_note:
            raise ApplicationError(
                "not_correctable",
                "Only an issued invoice can be corrected by a credit note.",
                status=409,
            )
        lines = list(original.lines.all())
        if positions is not None:
            wanted = set(positions)
            unknown = wanted - {line.position for line in lines}
            if unknown:
                raise ApplicationError(
                    "unknown_position",
                    f"The invoice has no position {min(unknown)}.",
                    fields={"positions": [f"unknown: {sorted(unknown)}"]},
                )
            lines = [line for line in lines if line.position in wanted]
        already = set(
            InvoiceLine.objects.filter(
                invoice__corrects=original, invoice__state=InvoiceState.FINAL
            ).values_list("position", flat=True)
        )
        if positions is None and already:
            lines = [line for line in lines if line.position not in already]
        if not lines or any(line.position in already for line in lines):
            raise ApplicationError(
                "already_credited", "These positions were already credited.", status=409
            )
        note = Invoice(
            document_type=DocumentType.CREDIT_NOTE,
            kind=original.kind,
            issuer_key=original.issuer_key,
            issuer_reseller_id=original.issuer_reseller_id,
            buyer_reseller_id=original.buyer_reseller_id,
            buyer_customer_id=original.buyer_customer_id,
            reseller_id=original.reseller_id,
            month=original.month,
            period_start=original.period_start,
            period_end=original.period_end,
            seller=original.seller,
            buyer=original.buyer,
            reverse_charge=original.reverse_charge,
            corrects=original,
            reason=reason[:200],
        )
        copies = []
        plain = []
        for position, line in enumerate(lines, start=1):
            copies.append(
                InvoiceLine(
                    invoice=note,
                    position=position,
                    item=line.item,
                    description=f"Korrektur Pos. {line.position}: {line.description}"[:300],
                    customer_id=line.customer_id,
                    quantity=line.quantity,
                    unit_price_cents=line.unit_price_cents,
                    net_cents=line.net_cents,
                    vat_rate=line.vat_rate,
                )
            )
            plain.append(
                Line(
                    quantity=Decimal(line.quantity),
                    unit_price=euros(line.unit_price_cents),
                    vat_rate=Decimal(line.vat_rate),
                )
            )
        _set_totals(note, plain)
        note.save()
        InvoiceLine.objects.bulk_create(copies)
        audit.record_change(
            actor=acting_user,
            action=AuditAction.CREATE,
            instance=note,
            changes={"corrects": [None, original.number], "reason": [None, reason]},
        )
    if issue_now:
        return invoice_finalize(invoice=note, acting_user=acting_user)
    return note
