"""Every write to the tenant tree, accounts and API keys (docs/architecture.md).

Each service is keyword-only, runs in one transaction, checks the acting account's rights and
writes its audit entry. The REST API, the portal, the Django admin and the commands all call
these, so a rule lives in exactly one place.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from .. import audit
from ..errors import ApplicationError
from ..models import (
    PLATFORM_ROLES,
    Account,
    ApiKey,
    AuditAction,
    Customer,
    CustomerState,
    Reseller,
    Role,
)
from ..permissions import (
    can_create_customers,
    can_edit_customer,
    can_manage_api_keys,
    can_manage_customers_of,
    can_manage_resellers,
    ensure,
)
from ..tasks import notify_api_key_created
from ._common import audited_create, audited_update, ensure_name_free, only_fields

RESELLER_FIELDS = frozenset(
    {
        "company_name",
        "street",
        "postal_code",
        "city",
        "country",
        "vat_id",
        "contact_name",
        "contact_email",
        "contact_phone",
        "admins_need_second_factor",
    }
)
CUSTOMER_FIELDS = frozenset(
    {
        "company_name",
        "street",
        "postal_code",
        "city",
        "country",
        "vat_id",
        "federal_state",
        "contact_name",
        "contact_email",
        "contact_phone",
    }
)
API_KEY_PREFIX = "stm_"
CUSTOMER_NAME_TAKEN = "This reseller already has a customer with this company name."
CUSTOMER_NAME_TAKEN_FIELD = "This reseller already has a customer with this name."


# Resellers ------------------------------------------------------------------------------------


@transaction.atomic
def reseller_create(*, acting_user: Account, data: Mapping[str, Any]) -> Reseller:
    ensure(can_manage_resellers(acting_user))
    return audited_create(Reseller(**only_fields(data, RESELLER_FIELDS)), actor=acting_user)


@transaction.atomic
def reseller_update(
    *, reseller: Reseller, acting_user: Account, data: Mapping[str, Any]
) -> Reseller:
    ensure(can_manage_resellers(acting_user))
    audited_update(reseller, only_fields(data, RESELLER_FIELDS), actor=acting_user)
    return reseller


# Customers ------------------------------------------------------------------------------------


@transaction.atomic
def customer_create(
    *, reseller: Reseller, acting_user: Account, data: Mapping[str, Any]
) -> Customer:
    ensure(can_create_customers(acting_user) and can_manage_customers_of(acting_user, reseller))
    fields = only_fields(data, CUSTOMER_FIELDS)
    ensure_name_free(
        Customer.objects.filter(reseller=reseller),
        name=fields.get("company_name"),
        field="company_name",
        code="customer_name_taken",
        message=CUSTOMER_NAME_TAKEN,
        field_message=CUSTOMER_NAME_TAKEN_FIELD,
    )
    return audited_create(Customer(reseller=reseller, **fields), actor=acting_user)


@transaction.atomic
def customer_update(
    *, customer: Customer, acting_user: Account, data: Mapping[str, Any]
) -> Customer:
    ensure(can_edit_customer(acting_user, customer))
    fields = only_fields(data, CUSTOMER_FIELDS)
    if fields.get("company_name"):
        ensure_name_free(
            Customer.objects.filter(reseller_id=customer.reseller_id),
            name=fields["company_name"],
            exclude=customer.pk,
            field="company_name",
            code="customer_name_taken",
            message=CUSTOMER_NAME_TAKEN,
            field_message=CUSTOMER_NAME_TAKEN_FIELD,
        )
    audited_update(customer, fields, actor=acting_user)
    return customer


@transaction.atomic
def customer_set_state(*, customer: Customer, acting_user: Account, state: str) -> Customer:
    """Suspend or reactivate a customer. A suspended customer is read-only; nothing is deleted."""
    ensure(can_edit_customer(acting_user, customer))
    if state not in CustomerState.values:
        raise ApplicationError(
            "invalid_state",
            f"Unknown state {state!r}.",
            fields={"state": [f"Choose one of: {', '.join(CustomerState.values)}."]},
        )
    audited_update(customer, {"state": state}, actor=acting_user)
    return customer


# Accounts -------------------------------------------------------------------------------------


@transaction.atomic
def account_create(
    *,
    acting_user: Account | None,
    username: str,
    password: str | None,
    role: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    reseller: Reseller | None = None,
    customer: Customer | None = None,
) -> Account:
    """Create a login. ``acting_user`` None means the platform itself (seed, command line)."""
    if acting_user is not None:
        if role in PLATFORM_ROLES or role == Role.RESELLER_ADMIN:
            ensure(acting_user.role == Role.PLATFORM_STAFF)
        elif customer is not None:
            ensure(can_edit_customer(acting_user, customer))
    if Account.objects.filter(username__iexact=username).exists():
        raise ApplicationError(
            "username_taken",
            "This username is taken.",
            fields={"username": ["This username is taken."]},
            status=409,
        )
    account = Account(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        reseller=reseller,
        customer=customer,
        is_staff=role == Role.PLATFORM_STAFF,
        is_superuser=role == Role.PLATFORM_STAFF,
    )
    if password:
        account.set_password(password)
    else:
        account.set_unusable_password()
    account.full_clean(exclude=["password"])
    account.save()
    audit.record_change(
        actor=acting_user,
        action=AuditAction.CREATE,
        instance=account,
        changes=audit.created_changes(account),
    )
    return account


# API keys -------------------------------------------------------------------------------------


def hash_api_key(raw: str) -> str:
    """Keys carry 256 bits of randomness, so one SHA-256 round is a sufficient hash."""
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, acting_user: Account, name: str) -> tuple[ApiKey, str]:
    """Create a key acting as ``acting_user``; returns the key row and the raw key (shown once)."""
    ensure(can_manage_api_keys(acting_user))
    name = name.strip()
    if not name:
        raise ApplicationError(
            "name_required", "Give the key a name.", fields={"name": ["This field is required."]}
        )
    ensure_name_free(
        ApiKey.objects.filter(account=acting_user, revoked_at__isnull=True),
        name=name,
        code="api_key_name_taken",
        message="You already have an active key with this name.",
    )
    raw = API_KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name, account=acting_user, prefix=raw[:12], key_hash=hash_api_key(raw))
    audited_create(key, actor=acting_user)
    transaction.on_commit(lambda: notify_api_key_created.delay(str(key.pk)))
    return key, raw


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, acting_user: Account) -> ApiKey:
    ensure(can_manage_api_keys(acting_user))
    if api_key.revoked_at is None:
        audited_update(api_key, {"revoked_at": timezone.now()}, actor=acting_user)
    return api_key


def api_key_authenticate(raw: str) -> Account | None:
    """The active account behind an active key, or None; notes when the key was last used."""
    if not raw.startswith(API_KEY_PREFIX):
        return None
    key = (
        ApiKey.objects.select_related("account", "account__customer")
        .filter(key_hash=hash_api_key(raw), revoked_at__isnull=True)
        .first()
    )
    if key is None or not key.account.is_active:
        return None
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key.account
