"""A reseller's service desk (service hours, federal state, escalation contacts; SUP-3, SUP-4,
OPS-1) and a customer's support settings (support PIN, end users opening tickets; SUP-5,
SUP-6)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from provisioning import audit
from provisioning.errors import ApplicationError
from provisioning.models import FederalState

from .. import permissions
from ..calendars import parse_hours, stored_hours
from ..models import CustomerSupportSettings, SupportDesk
from ._common import audit_create, audit_update, ensure, only_fields

if TYPE_CHECKING:
    from provisioning.models import Account, Customer, Reseller

DESK_FIELDS = frozenset({"hours", "federal_state", "escalation_emails", "management_emails"})
CUSTOMER_FIELDS = frozenset({"support_pin", "end_users_may_open_tickets"})
PIN_RE = re.compile(r"[0-9]{4,8}")


def _emails(value: Any, field: str) -> list[str]:
    if not isinstance(value, list | tuple):
        value = [value]
    out = []
    for item in value:
        address = str(item or "").strip().lower()
        try:
            validate_email(address)
        except ValidationError:
            raise ApplicationError(
                "invalid_email_list",
                "Every entry must be an e-mail address.",
                fields={field: ["Every entry must be an e-mail address."]},
            ) from None
        out.append(address)
    return list(dict.fromkeys(out))


@transaction.atomic
def support_desk_update(
    *, reseller: Reseller, acting_user: Account, data: Mapping[str, Any]
) -> SupportDesk:
    """Set a reseller's service hours, federal state and escalation contacts (the desk is
    created with the platform's hours on its first change). Open tickets keep the due moments
    computed so far until their next change."""
    ensure(permissions.can_manage_support_desk(acting_user, reseller))
    data = only_fields(data, DESK_FIELDS)
    desk = SupportDesk.objects.select_for_update().filter(reseller=reseller).first()
    created = desk is None
    if desk is None:
        desk = SupportDesk(reseller=reseller)
    before = audit.snapshot(desk)
    if "hours" in data:
        desk.hours = stored_hours(parse_hours(data["hours"]))
    if "federal_state" in data:
        state = data["federal_state"] or ""
        if state and state not in FederalState.values:
            raise ApplicationError(
                "invalid_federal_state",
                "Unknown federal state.",
                fields={"federal_state": ["Unknown federal state."]},
            )
        desk.federal_state = state
    for field in ("escalation_emails", "management_emails"):
        if field in data:
            setattr(desk, field, _emails(data[field], field))
    desk.save()
    if created:
        audit_create(desk, acting_user)
    else:
        audit_update(desk, acting_user, before)
    return desk


@transaction.atomic
def customer_support_update(
    *, customer: Customer, acting_user: Account, data: Mapping[str, Any]
) -> CustomerSupportSettings:
    """Set the customer's support PIN (4–8 digits, stored as a hash; empty removes it) and
    whether its end users open tickets themselves — the latter is the customer admin's own
    decision."""
    ensure(permissions.can_manage_customer_support(acting_user, customer))
    data = only_fields(data, CUSTOMER_FIELDS)
    if "end_users_may_open_tickets" in data:
        ensure(permissions.can_allow_end_user_tickets(acting_user, customer))
    row = CustomerSupportSettings.objects.select_for_update().filter(customer=customer).first()
    created = row is None
    if row is None:
        row = CustomerSupportSettings(customer=customer)
    before = audit.snapshot(row)
    if "support_pin" in data:
        pin = str(data["support_pin"] or "").strip()
        if pin and not PIN_RE.fullmatch(pin):
            raise ApplicationError(
                "invalid_support_pin",
                "A support PIN has 4 to 8 digits.",
                fields={"support_pin": ["A support PIN has 4 to 8 digits."]},
            )
        row.support_pin = make_password(pin) if pin else ""
    if "end_users_may_open_tickets" in data:
        row.end_users_may_open_tickets = bool(data["end_users_may_open_tickets"])
    row.save()
    if created:
        audit_create(row, acting_user)
    else:
        audit_update(row, acting_user, before)
    return row
