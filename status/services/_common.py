"""What every status service does after a change: audit, count the page revision, and refresh
the static copy once the transaction has committed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from provisioning import audit
from provisioning.models import AuditAction
from provisioning.permissions import ensure

from ..models import PageRevision
from ..permissions import can_manage_status

if TYPE_CHECKING:
    from provisioning.models import Account


def ensure_staff(acting_user: Account | None) -> None:
    """``None`` is the platform itself (beat tasks, seeding)."""
    if acting_user is not None:
        ensure(can_manage_status(acting_user))


def page_changed() -> None:
    """Count one change of what the public page shows (call inside the transaction) and
    rewrite the static copy after the commit."""
    updated = PageRevision.objects.filter(pk=1).update(
        revision=F("revision") + 1, changed_at=timezone.now()
    )
    if not updated:
        PageRevision.objects.get_or_create(
            pk=1, defaults={"revision": 1, "changed_at": timezone.now()}
        )

    def after_commit() -> None:
        from ..publish import forget_revision
        from ..tasks import export_static_site

        forget_revision()
        export_static_site.delay()

    transaction.on_commit(after_commit)


def record_create(instance: models.Model, actor: Account | None, **extra: Any) -> None:
    changes = audit.created_changes(instance)
    changes.update({name: [None, value] for name, value in extra.items()})
    audit.record_change(actor=actor, action=AuditAction.CREATE, instance=instance, changes=changes)


def record_update(
    instance: models.Model, actor: Account | None, before: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    changes = audit.changes_between(before, instance)
    changes.update(extra)
    if changes:
        audit.record_change(
            actor=actor, action=AuditAction.UPDATE, instance=instance, changes=changes
        )
    return changes


def record_delete(instance: models.Model, actor: Account | None) -> None:
    audit.record_change(
        actor=actor,
        action=AuditAction.DELETE,
        instance=instance,
        changes=audit.deleted_changes(instance),
    )
