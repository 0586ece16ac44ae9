"""A reseller passes a maintenance announcement on to its customers' admins (OPS-5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from provisioning.errors import ApplicationError
from provisioning.models import Account, Role
from provisioning.permissions import PermissionDeniedError

from .. import steps
from ..delivery import enqueue_on_commit, notice_rows
from ..messages import notice_draft
from ..models import Event, EventKind, MaintenanceNotice
from ..permissions import can_pass_on_notice
from ._common import record_create

if TYPE_CHECKING:
    from provisioning.models import Reseller


def notice_recipients(reseller: Reseller) -> list[tuple[int, str]]:
    """Every active customer admin with an e-mail address among the reseller's customers."""
    return list(
        Account.objects.filter(
            role=Role.CUSTOMER_ADMIN, is_active=True, customer__reseller=reseller
        )
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", "email")
    )


def notice_prepare(*, event: Event, reseller: Reseller) -> tuple[str, str]:
    """The prepared subject and text (German), for the reseller to edit before sending."""
    components = list(event.components.order_by("position", "name_de"))
    return notice_draft(event, components, reseller.company_name)


@transaction.atomic
def maintenance_notice_pass_on(
    *, event: Event, acting_user: Account, subject: str, body: str
) -> MaintenanceNotice:
    """Send the (edited) notice to all of the acting reseller's customer admins, once."""
    reseller = acting_user.reseller
    if reseller is None or not can_pass_on_notice(acting_user, reseller):
        raise PermissionDeniedError()
    if event.kind != EventKind.MAINTENANCE or event.step == steps.COMPLETED:
        raise ApplicationError(
            "maintenance_over",
            "Only announced maintenance that has not ended can be passed on.",
            status=409,
        )
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject or not body:
        field = "subject" if not subject else "body"
        raise ApplicationError(
            f"{field}_required", "Subject and text are required.", fields={field: ["Required."]}
        )
    recipients = notice_recipients(reseller)
    try:
        with transaction.atomic():
            notice = MaintenanceNotice.objects.create(
                event=event,
                reseller=reseller,
                subject=subject[:200],
                body=body,
                recipient_count=len(recipients),
                sent_by=acting_user,
                sent_at=timezone.now(),
            )
    except IntegrityError:
        raise ApplicationError(
            "notice_already_sent",
            "Your customers have already been sent this notice.",
            status=409,
        ) from None
    record_create(notice, acting_user)
    enqueue_on_commit(notice_rows(notice, recipients))
    return notice
