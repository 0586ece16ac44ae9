"""What every status service does after a change: audit, count the page revision, and refresh
the static copy once the transaction has committed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from provisioning import audit
from provisioning.audit import record_create as record_create  # used by the status services
from provisioning.audit import record_update as record_update
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


def record_delete(instance: models.Model, actor: Account | None) -> None:
    audit.record_change(
        actor=actor,
        action=AuditAction.DELETE,
        instance=instance,
        changes=audit.deleted_changes(instance),
    )
