"""Background work of billing. Tasks are thin and idempotent: load by id, call a service.

The dependency points one way: tasks import the services they call; services reach a task only
through :func:`billing.background.enqueue` (lazily, on commit), never by importing this module.
"""

from __future__ import annotations

from celery import shared_task

from provisioning.audit import audit_context
from provisioning.models import Channel

from .payments import payment_collect
from .services.runs import billing_run_execute, billing_run_start, scheduled_month


@shared_task(acks_late=True)
def execute_billing_run(run_id: str) -> str:
    """Work on one billing run; a second delivery finds it claimed or done and does nothing."""
    with audit_context(channel=Channel.TASK):
        return str(billing_run_execute(run_id=run_id).state)


@shared_task(acks_late=True)
def bill_previous_month() -> str:
    """Scheduled on the 1st of each month: bill the month that just ended (idempotent: the
    month's run exists at most once and a month billed completely is not billed again)."""
    with audit_context(channel=Channel.TASK):
        started = billing_run_start(month=scheduled_month(), acting_user=None)
    return str(started.run.pk)


@shared_task(acks_late=True)
def collect_payment(invoice_id: str) -> str:
    """Collect an issued invoice's total from the buyer's payment method (idempotent per
    invoice: the PaymentIntent carries the invoice id as idempotency key)."""
    with audit_context(channel=Channel.TASK):
        return payment_collect(invoice_id=invoice_id)
