"""Base licenses and the demo license (LIC-1, LIC-2)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from .. import audit, ledger
from ..errors import ApplicationError
from ..models import (
    BASE_LICENSES,
    Account,
    AuditAction,
    Customer,
    CustomerState,
    LicenseType,
    Subscriber,
    Trunk,
)
from ..permissions import can_assign_demo_license, can_set_up_system, ensure

DEMO_DURATION = dt.timedelta(days=28)
DEMO_MAX_USERS = 3
DEMO_MAX_TRUNKS = 1
DEMO_WARNING_DAYS = (1, 7)  # nearest first, so a late first run sends the 1-day notice


@transaction.atomic
def customer_set_base_license(
    *, customer: Customer, license_type: str, acting_user: Account
) -> Customer:
    """Assign or change the customer's one base license; each change is a release and an
    assignment at the same instant in the ledger. Converting a demo to a paid license ends the
    demo period and reactivates a customer the expiry had suspended."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    ensure(can_set_up_system(acting_user, customer))
    if license_type not in BASE_LICENSES:
        raise ApplicationError(
            "invalid_base_license",
            "Choose Grundlizenz, Erweiterte Grundlizenz or Demolizenz.",
            fields={"license_type": [f"Choose one of: {', '.join(BASE_LICENSES)}."]},
        )
    if license_type == customer.base_license:
        return customer
    now = timezone.now()
    before = audit.snapshot(customer)
    if license_type == LicenseType.DEMOLIZENZ:
        ensure(can_assign_demo_license(acting_user), "Only platform staff assign demo licenses.")
        if customer.base_license:
            raise ApplicationError(
                "demo_only_for_new_customers",
                "A demo license can only be a customer's first base license.",
                status=409,
            )
        users = Subscriber.objects.filter(customer=customer).count()
        trunks = Trunk.objects.filter(customer=customer).count()
        if users > DEMO_MAX_USERS or trunks > DEMO_MAX_TRUNKS:
            raise ApplicationError(
                "demo_limits_exceeded",
                f"A demo allows at most {DEMO_MAX_USERS} users and {DEMO_MAX_TRUNKS} SIP trunk.",
                status=409,
            )
        customer.demo_expires_at = now + DEMO_DURATION
        customer.demo_warned_days = None
    elif customer.is_demo:
        customer.demo_expires_at = None
        customer.demo_warned_days = None
        if customer.state == CustomerState.SUSPENDED:
            customer.state = CustomerState.ACTIVE
    if customer.base_license_holding:
        holding = ledger.change(
            holding=customer.base_license_holding,
            customer=customer,
            license_type=license_type,
            subject=customer,
            at=now,
        )
    else:
        holding = ledger.assign(
            customer=customer, license_type=license_type, subject=customer, at=now
        )
    customer.base_license = license_type
    customer.base_license_holding = holding
    customer.save()
    audit.record_change(
        actor=acting_user,
        action=AuditAction.UPDATE,
        instance=customer,
        changes=audit.changes_between(before, customer),
    )
    return customer


def demo_license_check(*, customer_id: str, now: dt.datetime | None = None) -> str:
    """The daily demo check of one customer: warn the reseller 7 and 1 days before expiry, and
    suspend at expiry unless converted. Idempotent: each warning is sent once. Returns what it
    did ("warned-7", "warned-1", "suspended" or "nothing")."""
    from ..notifications import demo_expiry_warning

    now = now or timezone.now()
    with transaction.atomic():
        customer = (
            Customer.objects.select_for_update().select_related("reseller").filter(pk=customer_id)
        ).first()
        if customer is None or not customer.is_demo or customer.demo_expires_at is None:
            return "nothing"
        remaining = customer.demo_expires_at - now
        if remaining <= dt.timedelta(0):
            if customer.state == CustomerState.SUSPENDED:
                return "nothing"
            before = audit.snapshot(customer)
            customer.state = CustomerState.SUSPENDED
            customer.save(update_fields=["state", "updated_at"])
            audit.record_change(
                actor=None,
                action=AuditAction.UPDATE,
                instance=customer,
                changes=audit.changes_between(before, customer),
            )
            transaction.on_commit(lambda: demo_expiry_warning(customer=customer, days=0))
            return "suspended"
        for days in DEMO_WARNING_DAYS:
            due = remaining <= dt.timedelta(days=days)
            already = customer.demo_warned_days is not None and customer.demo_warned_days <= days
            if due and not already:
                customer.demo_warned_days = days
                customer.save(update_fields=["demo_warned_days", "updated_at"])
                transaction.on_commit(
                    lambda days=days: demo_expiry_warning(customer=customer, days=days)  # type: ignore[misc]
                )
                return f"warned-{days}"
    return "nothing"
