"""What the models of provisioning, billing and status share: a random UUID as primary key,
the creation and change times, belonging to one customer (with the tenant path the access
chokepoint filters by, TEN-2, and the scope of the object's audit entries, AUD-1), a name
unique within the customer, revocable secrets stored as hashes, and the append-only rows of
the logs and ledgers.

The bases are abstract: a model that inherits a field has exactly the column it had when it
declared the field itself, so moving a field here changes no table (a test compares the models
with their migrations).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..errors import ApplicationError

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable

    from .tenancy import Customer

AuditScope = tuple[str | None, str | None]
"""Attribute paths (dotted) from an object to its reseller id and customer id, for the audit log."""

NO_AUDIT_SCOPE: AuditScope = (None, None)


@dataclass(frozen=True)
class TenantPath:
    """How a model hangs off the tenant tree, for the access chokepoint.

    Each field is an ORM lookup path from the model to the reseller id, customer id, or the
    account id of an end user; ``None`` means that role sees none of these objects.
    """

    reseller: str | None
    customer: str | None
    end_user_customer: str | None = None
    own_account: str | None = None
    finance: bool = True

    @classmethod
    def of_customer(cls, via: str = "", **more: Any) -> TenantPath:
        """The path of an object of one customer: its own ``customer``, or the customer of the
        object it belongs to (``via``, an ORM path such as ``"subscriber"``)."""
        prefix = f"{via}__" if via else ""
        return cls(
            reseller=f"{prefix}customer__reseller_id", customer=f"{prefix}customer_id", **more
        )


def customer_scope(via: str = "") -> AuditScope:
    """The audit scope of an object of one customer, like :meth:`TenantPath.of_customer`."""
    prefix = f"{via.replace('__', '.')}." if via else ""
    return (f"{prefix}customer.reseller_id", f"{prefix}customer_id")


def customer_key(
    related_name: str, *, on_delete: Any = models.PROTECT
) -> models.ForeignKey[Customer | Combinable, Customer]:
    """The foreign key to the customer an object belongs to, named ``related_name`` on the
    customer (``"+"``: not at all)."""
    return models.ForeignKey(
        "provisioning.Customer",
        on_delete=on_delete,
        related_name=related_name,
        verbose_name=_("Kunde"),
    )


class UUIDModel(models.Model):
    """A model whose primary key is a random UUID, so ids in URLs can be neither guessed nor
    counted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class CustomerOwnedModel(models.Model):
    """An object of one customer (and so of the customer's reseller): a site, a user, a hunt
    group, a license booking …

    Each model declares its ``customer = customer_key("<reverse name>")`` itself, so the name
    on the customer (``customer.sites``) stands beside the model. Resellers and customer admins
    see the object in their own subtree; end users see none of it unless the model widens
    ``tenant`` (to the customer's objects or to their own). Its audit entries carry the customer
    and its reseller.
    """

    customer: models.ForeignKey[Customer | Combinable, Customer]

    tenant: ClassVar[TenantPath] = TenantPath.of_customer()
    audit_scope: ClassVar[AuditScope] = customer_scope()

    class Meta:
        abstract = True


class NamedPerCustomerModel(CustomerOwnedModel):
    """An object of a customer that people tell apart by its name (a site, a hunt group …):
    the name is unique within the customer, and lists and labels show it."""

    name = models.CharField(_("Name"), max_length=100)

    class Meta:
        abstract = True
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "name"], name="%(class)s_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class CreatedModel(UUIDModel):
    """A UUID-keyed model that records when a row was created."""

    created_at = models.DateTimeField(_("Angelegt"), auto_now_add=True)

    class Meta:
        abstract = True


class TimestampedModel(CreatedModel):
    """A UUID-keyed model that records when a row was created and last changed."""

    updated_at = models.DateTimeField(_("Geändert"), auto_now=True)

    class Meta:
        abstract = True


class RevocableSecretModel(CreatedModel):
    """A secret shown once, at creation, and stored only as a hash (an API key, the upload token
    of a network check probe): its visible prefix, when it was last used and when it was
    revoked. Revoking keeps the row for the history; the newest come first."""

    prefix = models.CharField(_("Präfix"), max_length=16, editable=False)
    last_used_at = models.DateTimeField(_("Zuletzt benutzt"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("Widerrufen"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


M = TypeVar("M", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[M]):
    """Refuses bulk ``update()`` and ``delete()`` of an append-only model's rows."""

    def update(self, **kwargs: Any) -> int:
        raise _refusal(self.model, "changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _refusal(self.model, "deleted")


class AppendOnlyModel(models.Model):
    """A log or ledger whose rows are only ever added (the audit log, the license ledger, the
    one-time fees, the updates of a status event).

    The model refuses to save an existing row or to delete one, its queryset refuses
    ``update()`` and ``delete()``, and on PostgreSQL a trigger (``provisioning.dbtriggers``)
    refuses UPDATE and DELETE on the table. ``append_only`` names the refusal's code and, in
    English, the rows (``("ledger_append_only", "License ledger rows")``).
    """

    append_only: ClassVar[tuple[str, str]]

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise _refusal(type(self), "changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _refusal(type(self), "deleted")


def _refusal(model: Any, verb: str) -> ApplicationError:
    code, rows = model.append_only
    return ApplicationError(code, f"{rows} cannot be {verb}.")
