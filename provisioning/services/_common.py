"""Helpers shared by the service modules: the customer lock, the permission guards, field
filtering, the free-name check, audited create, update and delete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from .. import audit
from ..errors import ApplicationError
from ..models import Account, AuditAction, Customer
from ..permissions import can_manage_users, can_set_up_system, ensure, ensure_customer_writable


def lock_customer(customer: Customer) -> Customer:
    """Serialise a customer's writes that check a per-customer limit (demo limits, site
    licenses, counted groups) or claim extensions: every service that writes an
    ``ExtensionClaim`` takes this lock first, always in the same order, so the early extension
    check sees what the other committed and no two writers deadlock."""
    return Customer.objects.select_for_update().select_related("reseller").get(pk=customer.pk)


def guard_setup(account: Account, customer: Customer) -> None:
    """Sites, trunks and number blocks: the reseller and platform staff set up a system."""
    ensure(can_set_up_system(account, customer))
    ensure_customer_writable(account, customer)


def guard_users(account: Account, customer: Customer) -> None:
    """Users, devices and call features: customer admins, their reseller and platform staff."""
    ensure(can_manage_users(account, customer))
    ensure_customer_writable(account, customer)


def only_fields(data: Mapping[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    unknown = set(data) - allowed
    if unknown:
        raise ApplicationError(
            "unknown_fields",
            "These fields cannot be set here: " + ", ".join(sorted(unknown)),
            fields={name: ["This field cannot be set here."] for name in sorted(unknown)},
        )
    return dict(data)


def ensure_name_free(
    among: QuerySet[Any],
    *,
    name: Any,
    message: str,
    code: str = "name_taken",
    field: str = "name",
    field_message: str | None = None,
    exclude: Any = None,
) -> None:
    """Refuse ``name`` (409 ``code``) when a row of ``among`` already carries it in ``field``.

    ``among`` is the scope within which names differ, e.g. ``HuntGroup.objects.filter(
    customer=customer)``; ``exclude`` is the primary key of the row being renamed, which may
    keep its own name. The refusal names ``field`` with ``field_message`` (default: ``message``)
    and passes the name as the ``name`` param of the catalogue's message."""
    if among.filter(**{field: name}).exclude(pk=exclude).exists():
        raise ApplicationError(
            code,
            message,
            fields={field: [field_message or message]},
            params={"name": name},
            status=409,
        )


def audited_update(instance: Any, data: Mapping[str, Any], *, actor: Account) -> dict[str, Any]:
    """Apply ``data`` to ``instance``, save the changed fields, audit; returns the changes."""
    before = audit.snapshot(instance)
    for name, value in data.items():
        setattr(instance, name, value)
    changes = audit.changes_between(before, instance)
    if changes:
        instance.full_clean()
        instance.save()
        audit.record_change(
            actor=actor, action=AuditAction.UPDATE, instance=instance, changes=changes
        )
    return changes


def audited_create(instance: Any, *, actor: Account | None) -> Any:
    instance.full_clean()
    instance.save()
    audit.record_change(
        actor=actor,
        action=AuditAction.CREATE,
        instance=instance,
        changes=audit.created_changes(instance),
    )
    return instance


def audited_delete(instance: Any, *, actor: Account | None, object_repr: str | None = None) -> None:
    audit.record_change(
        actor=actor,
        action=AuditAction.DELETE,
        instance=instance,
        changes=audit.deleted_changes(instance),
        object_repr=object_repr,
    )
    instance.delete()
