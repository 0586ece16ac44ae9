"""Who holds which internal extension of a customer (TRK-2, FEA-1, FEA-3, FEA-4).

A call to an internal extension can reach only one thing, so an extension is unique per
customer across users, the users' fax numbers, hunt groups, IVR menus and the operator
(extension 0). ``ExtensionClaim`` is that rule in the database: one row per held extension,
unique on (customer, extension), written by the services in the owner's transaction.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import NO_AUDIT_SCOPE, CustomerOwnedModel, customer_key
from .features import HuntGroup, IvrMenu, OperatorSettings
from .system import Subscriber

OPERATOR_EXTENSION = "0"


class ExtensionOwner(models.TextChoices):
    USER = "user", _("Benutzer")
    FAX = "fax", _("Fax eines Benutzers")
    HUNT_GROUP = "hunt_group", _("Sammelruf-Gruppe")
    IVR_MENU = "ivr_menu", _("Sprachmenü")
    OPERATOR = "operator", _("Zentrale")


# The owner column each kind fills; every other owner column stays empty.
OWNER_FIELDS: dict[str, str] = {
    ExtensionOwner.USER: "subscriber",
    ExtensionOwner.FAX: "subscriber",
    ExtensionOwner.HUNT_GROUP: "hunt_group",
    ExtensionOwner.IVR_MENU: "ivr_menu",
    ExtensionOwner.OPERATOR: "operator",
}


def _exactly(kind: str) -> Q:
    field = OWNER_FIELDS[kind]
    empty = {f"{f}__isnull": True for f in set(OWNER_FIELDS.values()) - {field}}
    return Q(owner_kind=kind, **{f"{field}__isnull": False}, **empty)


class ExtensionClaim(CustomerOwnedModel):
    """One internal extension held by one owner: a user (their direct extension), a user's fax
    number, a hunt group, an IVR menu or the operator (always extension 0).

    The unique constraint on (customer, extension) is the rule that no extension is held twice
    within a customer; the services write the claim in the owner's transaction (claim on
    create, move on change, release when the extension is cleared). Deleting the owner deletes
    its claim by cascade, also when the delete bypasses the services. A claim is not audited on
    its own: the owner's audit entry records the change of its extension.
    """

    id = models.BigAutoField(primary_key=True)
    customer = customer_key("+", on_delete=models.CASCADE)
    extension = models.CharField(_("Durchwahl"), max_length=10)
    owner_kind = models.CharField(_("Inhaber"), max_length=20, choices=ExtensionOwner.choices)
    subscriber = models.ForeignKey(
        Subscriber,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("Benutzer"),
    )
    hunt_group = models.OneToOneField(
        HuntGroup,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("Gruppe"),
    )
    ivr_menu = models.OneToOneField(
        IvrMenu,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("Sprachmenü"),
    )
    operator = models.OneToOneField(
        OperatorSettings,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("Zentrale"),
    )

    audit_scope = NO_AUDIT_SCOPE  # not audited on its own (see above)

    class Meta:
        ordering = ["customer", "extension"]
        verbose_name = _("belegte Durchwahl")
        verbose_name_plural = _("belegte Durchwahlen")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "extension"], name="extension_unique_per_customer"
            ),
            models.UniqueConstraint(
                fields=["subscriber", "owner_kind"],
                condition=Q(subscriber__isnull=False),
                name="extension_one_per_user_and_kind",
            ),
            models.CheckConstraint(
                condition=_exactly(ExtensionOwner.USER)
                | _exactly(ExtensionOwner.FAX)
                | _exactly(ExtensionOwner.HUNT_GROUP)
                | _exactly(ExtensionOwner.IVR_MENU)
                | _exactly(ExtensionOwner.OPERATOR),
                name="extension_one_owner_of_its_kind",
            ),
            models.CheckConstraint(condition=~Q(extension=""), name="extension_not_empty"),
            models.CheckConstraint(
                condition=~Q(owner_kind=ExtensionOwner.OPERATOR) | Q(extension=OPERATOR_EXTENSION),
                name="extension_operator_is_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.extension} ({self.get_owner_kind_display()})"
