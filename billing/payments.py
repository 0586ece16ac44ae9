"""Collecting invoices through Stripe (BIL-6).

Our invoice is the legal record; Stripe only collects the money: each buyer has a Stripe
customer with a default payment method (card or SEPA direct-debit mandate), an issued invoice
is collected with one PaymentIntent for its total (idempotency key = invoice id), and signed
webhooks mark it paid or failed. A replayed webhook changes nothing; a failed payment is mailed
to the platform's finance accounts.
"""

from __future__ import annotations

import logging
from typing import Any

import stripe
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from provisioning import audit
from provisioning.errors import ApplicationError
from provisioning.models import Account, AuditAction, Customer, Reseller, Role
from provisioning.permissions import ensure

from .models import Invoice, InvoiceKind, Payment, PaymentAccount, PaymentState, WebhookEvent
from .permissions import can_manage_payment_accounts

logger = logging.getLogger(__name__)


def payments_configured() -> bool:
    """Whether a Stripe account is set up (``STIMME_STRIPE_SECRET_KEY``)."""
    return bool(getattr(settings, "STIMME_STRIPE_SECRET_KEY", ""))


def stripe_client() -> stripe.StripeClient | None:
    """A client for the configured Stripe account, or None when payments are not set up."""
    if not payments_configured():
        return None
    key = settings.STIMME_STRIPE_SECRET_KEY
    base = getattr(settings, "STIMME_STRIPE_API_BASE", "")
    if base:
        return stripe.StripeClient(key, base_addresses={"api": base}, max_network_retries=2)
    return stripe.StripeClient(key, max_network_retries=2)


def _require_client() -> stripe.StripeClient:
    client = stripe_client()
    if client is None:
        raise ApplicationError("payments_not_configured", "Stripe is not configured.", status=409)
    return client


def _field(obj: Any, name: str, default: Any = None) -> Any:
    """Read a field of a Stripe object or dict defensively (older API shapes differ)."""
    if obj is None:
        return default
    if hasattr(obj, "to_dict"):
        obj = obj.to_dict()
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def payment_account_set(
    *,
    acting_user: Account | None,
    reseller: Reseller | None = None,
    customer: Customer | None = None,
    payment_method: str | None = None,
    sepa_iban: str | None = None,
) -> PaymentAccount:
    """Create the buyer's Stripe customer if needed and make ``payment_method`` (an existing
    payment method id such as ``pm_card_visa``) or a new SEPA direct-debit mandate for
    ``sepa_iban`` its default."""
    if acting_user is not None:
        ensure(can_manage_payment_accounts(acting_user))
    if (reseller is None) == (customer is None):
        raise ApplicationError("one_buyer", "Give exactly one of reseller or customer.")
    client = _require_client()
    buyer: Any = reseller or customer
    account = PaymentAccount.objects.filter(reseller=reseller, customer=customer).first()
    if account is None:
        customer_params: Any = {
            "name": buyer.company_name,
            "email": getattr(buyer, "contact_email", "") or None,
            "address": {
                "line1": buyer.street,
                "postal_code": buyer.postal_code,
                "city": buyer.city,
                "country": buyer.country,
            },
            "metadata": {"buyer": str(buyer.pk)},
        }
        created = client.v1.customers.create(
            params=customer_params, options={"idempotency_key": f"customer-{buyer.pk}"}
        )
        account = PaymentAccount(
            reseller=reseller, customer=customer, stripe_customer_id=_field(created, "id")
        )
    if sepa_iban:
        method = client.v1.payment_methods.create(
            params={
                "type": "sepa_debit",
                "sepa_debit": {"iban": sepa_iban},
                "billing_details": {
                    "name": buyer.company_name,
                    "email": getattr(buyer, "contact_email", "") or "x@example.invalid",
                },
            }
        )
        payment_method = _field(method, "id")
        method_type = "sepa_debit"
    else:
        method_type = "card"
    if payment_method:
        attached = client.v1.payment_methods.attach(
            payment_method, params={"customer": account.stripe_customer_id}
        )
        account.payment_method_id = _field(attached, "id", payment_method)
        account.payment_method_type = _field(attached, "type", method_type) or method_type
        client.v1.customers.update(
            account.stripe_customer_id,
            params={"invoice_settings": {"default_payment_method": account.payment_method_id}},
        )
    with transaction.atomic():
        creating = account._state.adding
        account.save()
        audit.record_change(
            actor=acting_user,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            instance=account,
            changes={"payment_method_type": [None, account.payment_method_type]},
        )
    return account


def _account_of(invoice: Invoice) -> PaymentAccount | None:
    if invoice.kind == InvoiceKind.WHOLESALE and invoice.buyer_reseller_id is not None:
        return PaymentAccount.objects.filter(reseller_id=invoice.buyer_reseller_id).first()
    if invoice.buyer_customer_id is not None:
        return PaymentAccount.objects.filter(customer_id=invoice.buyer_customer_id).first()
    return None


def payment_collect(*, invoice_id: str) -> str:
    """Start collecting an issued invoice; returns what happened (for the task result)."""
    client = stripe_client()
    if client is None:
        return "payments not configured"
    invoice = Invoice.objects.defer("pdf", "xml").get(pk=invoice_id)
    if not invoice.is_final or invoice.is_credit_note or invoice.payment_state == PaymentState.PAID:
        return "nothing to collect"
    if Payment.objects.filter(invoice=invoice).exists():
        return "already collecting"
    account = _account_of(invoice)
    if account is None or not account.payment_method_id:
        return "buyer pays by transfer"
    params: Any = {
        "amount": invoice.gross_cents,
        "currency": invoice.currency.lower(),
        "customer": account.stripe_customer_id,
        "payment_method": account.payment_method_id,
        "payment_method_types": [account.payment_method_type or "card"],
        "confirm": True,
        "off_session": True,
        "metadata": {"invoice_id": str(invoice.pk), "invoice_number": invoice.number or ""},
    }
    try:
        intent = client.v1.payment_intents.create(
            params=params, options={"idempotency_key": f"invoice-{invoice.pk}"}
        )
        intent_id, status, message = _field(intent, "id"), _field(intent, "status"), ""
    except stripe.CardError as exc:
        error = exc.error
        intent_id = _field(_field(error, "payment_intent"), "id") or f"failed-{invoice.pk}"
        status, message = "requires_payment_method", str(_field(error, "message", "") or exc)
    state = {
        "succeeded": PaymentState.PAID,
        "processing": PaymentState.PENDING,
        "requires_payment_method": PaymentState.FAILED,
        "canceled": PaymentState.FAILED,
    }.get(status, PaymentState.PENDING)
    try:
        with transaction.atomic():
            Payment.objects.create(
                invoice=invoice,
                stripe_payment_intent_id=intent_id,
                amount_cents=invoice.gross_cents,
                state=PaymentState.PENDING,
                failure_message="",
            )
            _set_invoice_payment(invoice.pk, PaymentState.PENDING)
    except IntegrityError:
        return "already collecting"
    if state != PaymentState.PENDING:
        # The synchronous answer is final; the webhook that follows finds nothing left to do.
        apply_payment_result(intent_id=intent_id, state=state, message=message)
    return str(state)


def _set_invoice_payment(invoice_id: Any, state: str) -> None:
    invoice = Invoice.objects.defer("pdf", "xml").select_for_update().get(pk=invoice_id)
    invoice.payment_state = state
    invoice.paid_at = timezone.now() if state == PaymentState.PAID else None
    invoice.save(update_fields=["payment_state", "paid_at", "updated_at"])


def apply_payment_result(*, intent_id: str, state: str, message: str = "") -> bool:
    """Mark the payment and its invoice paid or failed; False when nothing changed."""
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update().filter(stripe_payment_intent_id=intent_id).first()
        )
        if payment is None or payment.state in {PaymentState.PAID} or payment.state == state:
            return False
        before = payment.state
        payment.state = state
        payment.failure_message = message[:300]
        payment.save(update_fields=["state", "failure_message", "updated_at"])
        _set_invoice_payment(payment.invoice_id, state)
        audit.record_change(
            actor=None,
            action=AuditAction.UPDATE,
            instance=payment,
            changes={"state": [before, state]},
        )
        if state == PaymentState.FAILED:
            invoice_id = payment.invoice_id
            transaction.on_commit(
                lambda: notify_payment_failed(invoice_id=invoice_id, message=message)
            )
    return True


def notify_payment_failed(*, invoice_id: Any, message: str) -> int:
    invoice = Invoice.objects.defer("pdf", "xml").get(pk=invoice_id)
    recipients = list(
        Account.objects.filter(role=Role.PLATFORM_FINANCE, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return 0
    return send_mail(
        subject=f"Zahlung fehlgeschlagen: Rechnung {invoice.number}",
        message=(
            f"Die Zahlung für Rechnung {invoice.number} an {invoice.buyer.get('name', '')} "
            f"über {invoice.gross} € ist fehlgeschlagen.\n\nGrund: {message or 'unbekannt'}\n"
        ),
        from_email=None,
        recipient_list=recipients,
    )


EVENT_STATES = {
    "payment_intent.succeeded": PaymentState.PAID,
    "payment_intent.payment_failed": PaymentState.FAILED,
    "payment_intent.canceled": PaymentState.FAILED,
}


def webhook_handle(*, payload: bytes, signature: str) -> str:
    """Verify and apply one Stripe webhook; each event id is applied at most once."""
    secret = getattr(settings, "STIMME_STRIPE_WEBHOOK_SECRET", "")
    if not secret:
        raise ApplicationError(
            "payments_not_configured", "Stripe webhooks are not configured.", status=409
        )
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret)
    except (ValueError, stripe.SignatureVerificationError):
        raise ApplicationError("invalid_signature", "The webhook signature is invalid.") from None
    event_id, event_type = _field(event, "id"), _field(event, "type")
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(event_id=event_id, event_type=event_type)
    except IntegrityError:
        return "replayed"
    state = EVENT_STATES.get(event_type)
    if state is None:
        return "ignored"
    intent = _field(_field(event, "data"), "object")
    error = _field(intent, "last_payment_error")
    changed = apply_payment_result(
        intent_id=_field(intent, "id"), state=state, message=str(_field(error, "message", "") or "")
    )
    return "applied" if changed else "unchanged"
