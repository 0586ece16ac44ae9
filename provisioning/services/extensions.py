"""Internal extensions held by users, their fax numbers, hunt groups, IVR menus and the operator
(TRK-2, FEA-1, FEA-3, FEA-4).

The rule "an extension is held once per customer" is the unique constraint of
``ExtensionClaim``. The services of each owner call :func:`extension_claim` inside the owner's
transaction (claim on create, move on change, release when cleared; a deleted owner's claim goes
by cascade). :func:`refuse_taken_extension` is only the early check that gives the same answer
before anything is written: ``extension_taken`` (409) naming what holds the extension.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ..errors import ApplicationError
from ..models import Customer, ExtensionClaim, ExtensionOwner
from ..models.extensions import OWNER_FIELDS


def holder_label(claim: ExtensionClaim) -> str:
    """What holds a claimed extension, in the API's words ("hunt group Vertrieb")."""
    kind = claim.owner_kind
    if kind == ExtensionOwner.USER and claim.subscriber is not None:
        return f"user {claim.subscriber.name}"
    if kind == ExtensionOwner.FAX and claim.subscriber is not None:
        return f"the fax of {claim.subscriber.name}"
    if kind == ExtensionOwner.HUNT_GROUP and claim.hunt_group is not None:
        return f"hunt group {claim.hunt_group.name}"
    if kind == ExtensionOwner.IVR_MENU and claim.ivr_menu is not None:
        return f"IVR menu {claim.ivr_menu.name}"
    return "the operator"


def holder_words(claim: ExtensionClaim) -> str:
    """What holds a claimed extension, in the portal's words and the active language
    ("an die Sammelruf-Gruppe „Vertrieb“")."""
    kind = claim.owner_kind
    if kind == ExtensionOwner.USER and claim.subscriber is not None:
        return _("den Benutzer „%(name)s“") % {"name": claim.subscriber.name}
    if kind == ExtensionOwner.FAX and claim.subscriber is not None:
        return _("das Fax von „%(name)s“") % {"name": claim.subscriber.name}
    if kind == ExtensionOwner.HUNT_GROUP and claim.hunt_group is not None:
        return _("die Sammelruf-Gruppe „%(name)s“") % {"name": claim.hunt_group.name}
    if kind == ExtensionOwner.IVR_MENU and claim.ivr_menu is not None:
        return _("das Sprachmenü „%(name)s“") % {"name": claim.ivr_menu.name}
    return _("die Zentrale")


def _holders(customer: Customer, extension: str) -> QuerySet[ExtensionClaim]:
    return ExtensionClaim.objects.filter(customer=customer, extension=extension).select_related(
        "subscriber", "hunt_group", "ivr_menu"
    )


def _taken(claim: ExtensionClaim, field_name: str) -> ApplicationError:
    message = f"Extension {claim.extension} is used by {holder_label(claim)}."
    return ApplicationError(
        "extension_taken",
        message,
        fields={field_name: [message]},
        params={"extension": claim.extension, "holder": holder_words(claim)},
        status=409,
    )


def _own(kind: str, owner: Any) -> dict[str, Any]:
    return {"owner_kind": kind, OWNER_FIELDS[kind]: owner}


def refuse_taken_extension(
    *,
    customer: Customer,
    extension: str,
    field_name: str = "extension",
    kind: str | None = None,
    owner: Any = None,
) -> None:
    """Refuse ``extension`` early if anything but ``owner`` (as ``kind``) holds it."""
    holders = _holders(customer, extension)
    if kind is not None and owner is not None and owner.pk is not None:
        holders = holders.exclude(**_own(kind, owner))
    claim = holders.first()
    if claim is not None:
        raise _taken(claim, field_name)


def extension_claim(
    *,
    customer: Customer,
    kind: str,
    owner: Any,
    extension: str,
    field_name: str = "extension",
) -> None:
    """Make ``owner`` (a saved user, hunt group, IVR menu or operator; ``kind`` says which and,
    for a user, whether it is their direct or fax extension) hold ``extension``: claim it, move
    its claim there, or release it when ``extension`` is empty. Runs in the caller's
    transaction; a claim held by someone else is refused with ``extension_taken``."""
    current = ExtensionClaim.objects.filter(**_own(kind, owner)).first()
    if not extension:
        if current is not None:
            current.delete()
        return
    if current is not None and current.extension == extension:
        return
    try:
        with transaction.atomic():
            if current is None:
                ExtensionClaim.objects.create(
                    customer=customer, extension=extension, **_own(kind, owner)
                )
            else:
                current.extension = extension
                current.save(update_fields=["extension"])
    except IntegrityError:
        claim = _holders(customer, extension).first()
        if claim is None:
            raise
        raise _taken(claim, field_name) from None
