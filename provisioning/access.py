"""The tenancy chokepoint (TEN-2): every object a person reaches is fetched through here.

``restrict`` narrows any queryset to what an account may see, using the model's
``tenant`` path; ``get_for_user`` fetches one object or raises ``Http404`` — the same for a
foreign object, an unknown id and a malformed id, so nobody learns whether an id exists.

Ids named inside a request body (``members``, ``site``, a routing target ``user:<id>`` …) are
resolved by ``find_reference``/``resolve_reference`` and refused with ``unknown_reference``:
one answer — ``invalid`` with "Unbekannte ID." on the field — for an unknown, a malformed, another
tenant's and, where the body writes to one customer, another customer's id.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy

from . import audit
from .errors import ApplicationError
from .models import Customer, Reseller, Role, TenantPath

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import Account

M = TypeVar("M", bound=models.Model)


def restrict(queryset: models.QuerySet[M], account: Account | AnonymousUser) -> models.QuerySet[M]:
    """``queryset`` narrowed to the subtree ``account`` may see (nothing for anonymous)."""
    if not getattr(account, "is_authenticated", False) or not getattr(account, "is_active", False):
        return queryset.none()
    tenant: TenantPath | None = getattr(queryset.model, "tenant", None)
    if tenant is None:
        raise TypeError(f"{queryset.model.__name__} declares no tenant path")
    role = account.role  # type: ignore[union-attr]
    if role == Role.PLATFORM_STAFF:
        return queryset
    if role == Role.PLATFORM_FINANCE:
        return queryset if tenant.finance else queryset.none()
    if role == Role.RESELLER_ADMIN and tenant.reseller:
        return queryset.filter(**{tenant.reseller: account.reseller_id})  # type: ignore[union-attr]
    if role == Role.CUSTOMER_ADMIN and tenant.customer:
        return queryset.filter(**{tenant.customer: account.customer_id})  # type: ignore[union-attr]
    if role == Role.END_USER:
        if tenant.own_account:
            return queryset.filter(**{tenant.own_account: account.pk})
        if tenant.end_user_customer:
            return queryset.filter(
                **{tenant.end_user_customer: account.customer_id}  # type: ignore[union-attr]
            )
    return queryset.none()


def get_for_user(
    source: type[M] | models.QuerySet[M],
    account: Account | AnonymousUser,
    pk: Any,
    *,
    field: str = "pk",
) -> M:
    """One visible object by primary key (or another unique ``field``), or ``Http404``;
    records platform access (AUD-1)."""
    queryset = source if isinstance(source, models.QuerySet) else source._default_manager.all()
    model_field = (
        queryset.model._meta.pk if field == "pk" else queryset.model._meta.get_field(field)
    )
    if isinstance(model_field, models.UUIDField):
        try:
            pk = uuid.UUID(str(pk))
        except ValueError:
            raise Http404 from None
    try:
        obj = restrict(queryset, account).get(**{field: pk})
    except (queryset.model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        raise Http404 from None
    if getattr(account, "is_platform", False):
        audit.record_object_access(actor=account, instance=obj)  # type: ignore[arg-type]
    return obj


UNKNOWN_ID = gettext_lazy("Unbekannte ID.")
"""The one message for an id in a body that names nothing the caller may use there (German,
English with ``Accept-Language: en``)."""


def unknown_reference(field: str) -> ApplicationError:
    """The refusal of an id named in ``field`` of a request body: the same for an id that does
    not exist, a malformed one, another tenant's and another customer's (TEN-2)."""
    message = str(UNKNOWN_ID)
    return ApplicationError("invalid", f"{field}: {message}", fields={field: [message]})


def _as_pk(model: type[models.Model], value: Any) -> Any:
    """``value`` as a primary key of ``model``, or None when it cannot be one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(model._meta.pk, models.UUIDField):
        if isinstance(value, uuid.UUID):
            return value
        if not isinstance(value, str):
            return None
        try:
            return uuid.UUID(value)
        except ValueError:
            return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def find_reference(
    source: type[M] | models.QuerySet[M], account: Account | AnonymousUser | None, value: Any
) -> M | None:
    """The object a request body names by id, if ``account`` may see it (``None`` for a
    service that has already checked the account: the queryset alone decides); else None."""
    queryset = source if isinstance(source, models.QuerySet) else source._default_manager.all()
    pk = _as_pk(queryset.model, value)
    if pk is None:
        return None
    if account is not None:
        queryset = restrict(queryset, account)
    return queryset.filter(pk=pk).first()


def resolve_reference(
    source: type[M] | models.QuerySet[M],
    account: Account | AnonymousUser | None,
    value: Any,
    *,
    field: str,
) -> M:
    """Like ``find_reference``, but refuses with ``unknown_reference(field)``."""
    obj = find_reference(source, account, value)
    if obj is None:
        raise unknown_reference(field)
    return obj


def require_same_customer(obj: Any, customer: Customer, field: str) -> None:
    """An object named in ``field`` of a body that writes to ``customer`` must be that
    customer's; another customer's answers exactly like an unknown id."""
    if obj is not None and obj.customer_id != customer.pk:
        raise unknown_reference(field)


def visible_resellers(account: Account | AnonymousUser) -> models.QuerySet[Reseller]:
    return restrict(Reseller.objects.all(), account)


def visible_customers(account: Account | AnonymousUser) -> models.QuerySet[Customer]:
    return restrict(Customer.objects.select_related("reseller"), account)
