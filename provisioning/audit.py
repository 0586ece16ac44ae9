"""Writing the audit log (AUD-1).

Services call :func:`record_change` inside their transaction; the access chokepoint calls
:func:`record_object_access` when platform staff read one object of a customer, list pages and
exports call :func:`record_access` once per page (one entry per customer shown). Where a
change came from (portal, API, admin, task, command line) and the client address come from the
audit context, which the middleware, tasks and commands set.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext

from .models import AuditAction, AuditEvent, Channel

if TYPE_CHECKING:
    from .models import Account

MASK = "••••••"


@dataclass(frozen=True)
class AuditContext:
    """Where the current change comes from."""

    channel: str = Channel.CLI
    ip_address: str | None = None


_context: ContextVar[AuditContext] = ContextVar("audit_context", default=AuditContext())  # noqa: B039 - frozen


@contextmanager
def audit_context(*, channel: str, ip_address: str | None = None) -> Iterator[None]:
    token = _context.set(AuditContext(channel=channel, ip_address=ip_address))
    try:
        yield
    finally:
        _context.reset(token)


def current_context() -> AuditContext:
    return _context.get()


def _plain(value: Any) -> Any:
    """A JSON-safe rendering of a field value."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, float):
        return value
    return str(value)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """Field values of ``instance`` by field name (foreign keys by id), JSON-safe."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in {"updated_at", "created_at", "password", "last_login"}:
            continue
        values[field.name] = _plain(getattr(instance, field.attname))
    return values


def _secret_fields(instance: models.Model) -> frozenset[str]:
    return frozenset(getattr(instance, "audit_secret_fields", frozenset()))


def diff(before: dict[str, Any], after: dict[str, Any], secret: frozenset[str]) -> dict[str, Any]:
    """Changed fields as ``{name: [old, new]}``; secrets appear only as a mask."""
    changes: dict[str, Any] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if name in secret:
            changes[name] = [MASK if old else None, MASK if new else None]
        else:
            changes[name] = [old, new]
    return changes


def _resolve(instance: models.Model, path: str | None) -> uuid.UUID | None:
    if path is None:
        return None
    value: Any = instance
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def scope_of(instance: models.Model) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """The (reseller id, customer id) an object belongs to, for reading the log per tenant."""
    reseller_path, customer_path = getattr(instance, "audit_scope", (None, None))
    return _resolve(instance, reseller_path), _resolve(instance, customer_path)


def _actor_fields(actor: Account | None) -> dict[str, Any]:
    if actor is None:
        return {"actor_id": None, "actor_label": "system", "actor_role": ""}
    return {
        "actor_id": actor.pk,
        "actor_label": actor.get_username(),
        "actor_role": actor.role,
    }


def _object_type(instance: models.Model) -> str:
    return f"{instance._meta.app_label}.{instance._meta.model_name}"


def build_change(
    *,
    actor: Account | None,
    action: str,
    instance: models.Model,
    changes: dict[str, Any] | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """One create/update/delete entry for ``instance``, not saved yet: a batch writes many
    with one ``bulk_create`` (inside the transaction of the changes)."""
    context = current_context()
    reseller_id, customer_id = scope_of(instance)
    return AuditEvent(
        occurred_at=timezone.now(),
        channel=context.channel,
        ip_address=context.ip_address,
        action=action,
        object_type=_object_type(instance),
        object_id=str(instance.pk),
        object_repr=(object_repr or str(instance))[:200],
        changes=changes or {},
        reseller_id=reseller_id,
        customer_id=customer_id,
        **_actor_fields(actor),
    )


def record_change(
    *,
    actor: Account | None,
    action: str,
    instance: models.Model,
    changes: dict[str, Any] | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """Write one create/update/delete entry for ``instance`` (call inside the transaction)."""
    event = build_change(
        actor=actor, action=action, instance=instance, changes=changes, object_repr=object_repr
    )
    event.save(force_insert=True)
    return event


def record_create(instance: models.Model, actor: Account | None, **extra: Any) -> None:
    """Write the create entry of ``instance``; ``extra`` adds values that are not fields (the
    names of related objects, a first message)."""
    changes = created_changes(instance)
    changes.update({name: [None, value] for name, value in extra.items()})
    record_change(actor=actor, action=AuditAction.CREATE, instance=instance, changes=changes)


def record_update(
    instance: models.Model, actor: Account | None, before: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    """Write the update entry of ``instance`` against its ``snapshot`` taken ``before``, if
    anything changed; ``extra`` adds changes that are not fields. Returns the changes."""
    changes = changes_between(before, instance)
    changes.update(extra)
    if changes:
        record_change(actor=actor, action=AuditAction.UPDATE, instance=instance, changes=changes)
    return changes


def created_changes(instance: models.Model) -> dict[str, Any]:
    return diff({}, snapshot(instance), _secret_fields(instance))


def deleted_changes(instance: models.Model) -> dict[str, Any]:
    return diff(snapshot(instance), {}, _secret_fields(instance))


def changes_between(before: dict[str, Any], instance: models.Model) -> dict[str, Any]:
    return diff(before, snapshot(instance), _secret_fields(instance))


def record_object_access(*, actor: Account, instance: models.Model) -> int:
    """Record that platform staff read one object of a customer: one entry naming it.

    Objects outside any customer (a reseller's own record, say) are the platform's own data
    and are not recorded; neither is reading the log itself (``audit_reads = False``), which
    would grow the log by reading it. Returns the number of entries written (0 or 1).
    """
    if not actor.is_platform or not getattr(instance, "audit_reads", True):
        return 0
    reseller_id, customer_id = scope_of(instance)
    if customer_id is None:
        return 0
    context = current_context()
    AuditEvent.objects.create(
        occurred_at=timezone.now(),
        channel=context.channel,
        ip_address=context.ip_address,
        action=AuditAction.ACCESS,
        object_type=_object_type(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        reseller_id=reseller_id,
        customer_id=customer_id,
        **_actor_fields(actor),
    )
    return 1


LIST_KEY = "list"
"""The key of ``changes`` under which a list entry names what it showed: ``{"count", "ids"}``."""


def list_repr(object_type: str, count: int) -> str:
    """How a list entry reads, "Liste gelesen: 50 Benutzer", in the active language."""
    try:
        meta = apps.get_model(object_type)._meta
        objects = str(meta.verbose_name if count == 1 else meta.verbose_name_plural)
    except (LookupError, ValueError):
        objects = object_type
    return gettext("Liste gelesen: %(count)s %(objects)s") % {"count": count, "objects": objects}


def _customer_of(instance: models.Model) -> uuid.UUID | None:
    return _resolve(instance, getattr(instance, "audit_scope", (None, None))[1])


def record_access(*, actor: Account, instances: Iterable[models.Model]) -> int:
    """Record that platform staff read a list (a page, an export) of customer data: one entry
    per customer whose objects it showed, naming them in ``changes["list"]`` — so a page of
    one customer's 50 users writes one row, and each customer still finds the read in its own
    log. Single objects go through :func:`record_object_access`.

    Objects outside any customer and the log itself (``audit_reads = False``) are not
    recorded. Returns the number of entries written.
    """
    if not actor.is_platform:
        return 0
    groups: dict[tuple[str, uuid.UUID], list[str]] = {}
    for instance in instances:
        if not getattr(instance, "audit_reads", True):
            continue
        customer_id = _customer_of(instance)
        if customer_id is None:
            continue
        ids = groups.setdefault((_object_type(instance), customer_id), [])
        pk = str(instance.pk)
        if pk not in ids:
            ids.append(pk)
    if not groups:
        return 0
    from .models import Customer

    resellers = dict(
        Customer.objects.filter(pk__in={customer for _, customer in groups}).values_list(
            "pk", "reseller_id"
        )
    )
    with translation.override("de"):
        german_repr = {
            (kind, len(ids)): list_repr(kind, len(ids)) for (kind, _), ids in groups.items()
        }
    context = current_context()
    now = timezone.now()
    events = [
        AuditEvent(
            occurred_at=now,
            channel=context.channel,
            ip_address=context.ip_address,
            action=AuditAction.ACCESS,
            object_type=object_type,
            object_id="",
            object_repr=german_repr[object_type, len(ids)][:200],
            changes={LIST_KEY: {"count": len(ids), "ids": ids}},
            reseller_id=resellers.get(customer_id),
            customer_id=customer_id,
            **_actor_fields(actor),
        )
        for (object_type, customer_id), ids in groups.items()
    ]
    AuditEvent.objects.bulk_create(events)
    return len(events)
