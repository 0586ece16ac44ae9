"""Tenant tree (platform → reseller → customer), login accounts, API keys and the audit log."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..validators import (
    clean_postal_code,
    validate_country,
    validate_phone,
    validate_postal_code,
    validate_vat_id,
)
from .base import (
    AppendOnlyModel,
    AuditScope,
    RevocableSecretModel,
    TenantPath,
    TimestampedModel,
    UUIDModel,
)


class Role(models.TextChoices):
    PLATFORM_STAFF = "platform_staff", _("Plattform-Betrieb")
    PLATFORM_FINANCE = "platform_finance", _("Plattform-Buchhaltung")
    RESELLER_ADMIN = "reseller_admin", _("Reseller-Administrator")
    CUSTOMER_ADMIN = "customer_admin", _("Kunden-Administrator")
    END_USER = "end_user", _("Benutzer")


PLATFORM_ROLES = frozenset({Role.PLATFORM_STAFF, Role.PLATFORM_FINANCE})
CUSTOMER_ROLES = frozenset({Role.CUSTOMER_ADMIN, Role.END_USER})


class FederalState(models.TextChoices):
    BW = "BW", "Baden-Württemberg"
    BY = "BY", "Bayern"
    BE = "BE", "Berlin"
    BB = "BB", "Brandenburg"
    HB = "HB", "Bremen"
    HH = "HH", "Hamburg"
    HE = "HE", "Hessen"
    MV = "MV", "Mecklenburg-Vorpommern"
    NI = "NI", "Niedersachsen"
    NW = "NW", "Nordrhein-Westfalen"
    RP = "RP", "Rheinland-Pfalz"
    SL = "SL", "Saarland"
    SN = "SN", "Sachsen"
    ST = "ST", "Sachsen-Anhalt"
    SH = "SH", "Schleswig-Holstein"
    TH = "TH", "Thüringen"


class Address(models.Model):
    """Postal address fields shared by resellers, customers and (later) sites."""

    street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    postal_code = models.CharField(_("PLZ"), max_length=10, validators=[validate_postal_code])
    city = models.CharField(_("Ort"), max_length=100)
    country = models.CharField(_("Land"), max_length=2, default="DE", validators=[validate_country])

    class Meta:
        abstract = True

    def clean(self) -> None:
        """A German postcode has five digits; other countries keep the loose field rule."""
        super().clean()
        clean_postal_code(self)


class Reseller(Address, TimestampedModel):
    """A partner who sells the telephone system to its customers and bills them itself."""

    company_name = models.CharField(_("Firma"), max_length=200, unique=True)
    vat_id = models.CharField(_("USt-IdNr."), max_length=20, validators=[validate_vat_id])
    contact_name = models.CharField(_("Ansprechpartner"), max_length=200)
    contact_email = models.EmailField(_("E-Mail"))
    contact_phone = models.CharField(
        _("Telefon"), max_length=30, blank=True, validators=[validate_phone]
    )
    admins_need_second_factor = models.BooleanField(
        _("Admins müssen einen zweiten Faktor nutzen"),
        default=False,
        help_text=_(
            "Die Admins dieses Resellers melden sich zusätzlich mit einem Code aus einer "
            "Authenticator-App an (TOTP)."
        ),
    )

    tenant: ClassVar[TenantPath] = TenantPath(reseller="id", customer=None)
    audit_scope: ClassVar[AuditScope] = ("id", None)

    class Meta:
        ordering = ["company_name"]
        verbose_name = _("Reseller")
        verbose_name_plural = _("Reseller")

    def __str__(self) -> str:
        return self.company_name


class CustomerState(models.TextChoices):
    ACTIVE = "active", _("aktiv")
    SUSPENDED = "suspended", _("gesperrt")


class Customer(Address, TimestampedModel):
    """A business customer of a reseller; owns exactly one telephone system.

    Sites, licenses, users and trunks hang off the customer.
    """

    reseller = models.ForeignKey(
        Reseller, on_delete=models.PROTECT, related_name="customers", verbose_name=_("Reseller")
    )
    company_name = models.CharField(_("Firma"), max_length=200)
    vat_id = models.CharField(
        _("USt-IdNr."), max_length=20, blank=True, validators=[validate_vat_id]
    )
    federal_state = models.CharField(
        _("Bundesland"), max_length=2, choices=FederalState.choices, blank=True
    )
    contact_name = models.CharField(_("Ansprechpartner"), max_length=200, blank=True)
    contact_email = models.EmailField(_("E-Mail"), blank=True)
    contact_phone = models.CharField(
        _("Telefon"), max_length=30, blank=True, validators=[validate_phone]
    )
    state = models.CharField(
        _("Status"), max_length=20, choices=CustomerState.choices, default=CustomerState.ACTIVE
    )
    base_license = models.CharField(
        _("Grundlizenz"),
        max_length=30,
        blank=True,
        editable=False,
        choices=[
            ("grundlizenz", "Grundlizenz"),
            ("erweiterte_grundlizenz", "Erweiterte Grundlizenz"),
            ("demolizenz", "Demolizenz"),
        ],
    )
    base_license_holding = models.UUIDField(
        _("Lizenzbestand der Grundlizenz"), null=True, blank=True, editable=False
    )
    demo_expires_at = models.DateTimeField(
        _("Demolizenz gültig bis"), null=True, blank=True, editable=False
    )
    demo_warned_days = models.PositiveSmallIntegerField(
        _("Ablaufwarnung (Tage vorher)"), null=True, blank=True, editable=False
    )

    tenant: ClassVar[TenantPath] = TenantPath(
        reseller="reseller_id", customer="id", end_user_customer="id"
    )
    audit_scope: ClassVar[AuditScope] = ("reseller_id", "id")

    class Meta:
        ordering = ["company_name"]
        verbose_name = _("Kunde")
        verbose_name_plural = _("Kunden")
        constraints = [
            models.UniqueConstraint(
                fields=["reseller", "company_name"], name="customer_unique_name_per_reseller"
            )
        ]
        indexes = [models.Index(fields=["reseller", "state"], name="customer_reseller_state")]

    def __str__(self) -> str:
        return self.company_name

    @property
    def is_demo(self) -> bool:
        return self.base_license == "demolizenz"

    @property
    def is_suspended(self) -> bool:
        return self.state == CustomerState.SUSPENDED


class AccountManager(UserManager["Account"]):
    """``createsuperuser`` makes a platform staff login, through the audited service."""

    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> Account:
        from ..services.tenancy import account_create

        return account_create(
            acting_user=None,
            username=username,
            email=email or "",
            password=password,
            role=Role.PLATFORM_STAFF,
        )


class Account(AbstractUser):
    """A login to the portal and API, with exactly one role and the subtree it acts in."""

    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)
    reseller = models.ForeignKey(
        Reseller,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name=_("Reseller"),
    )
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name=_("Kunde"),
    )

    objects: ClassVar[AccountManager] = AccountManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("Zugang")
        verbose_name_plural = _("Zugänge")
        constraints = [
            models.CheckConstraint(
                name="account_scope_matches_role",
                condition=(
                    models.Q(
                        role__in=["platform_staff", "platform_finance"],
                        reseller__isnull=True,
                        customer__isnull=True,
                    )
                    | models.Q(role="reseller_admin", reseller__isnull=False, customer__isnull=True)
                    | models.Q(
                        role__in=["customer_admin", "end_user"],
                        reseller__isnull=True,
                        customer__isnull=False,
                    )
                ),
            )
        ]

    @property
    def is_platform(self) -> bool:
        return self.role in PLATFORM_ROLES

    @property
    def scope_reseller_id(self) -> uuid.UUID | None:
        """The reseller this account acts for (a customer account's reseller too)."""
        if self.reseller_id:
            return self.reseller_id
        if self.customer_id:
            return self.customer.reseller_id if self.customer else None
        return None


class ApiKey(RevocableSecretModel):
    """A named secret for the REST API; acts with its creator's role and scope.

    Only a SHA-256 hash is stored: the key is shown once, at creation.
    """

    name = models.CharField(_("Name"), max_length=100)
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("Zugang")
    )
    key_hash = models.CharField(_("Schlüssel-Hash"), max_length=64, unique=True, editable=False)

    tenant: ClassVar[TenantPath] = TenantPath(
        reseller="account__reseller_id", customer=None, finance=False
    )
    audit_scope: ClassVar[AuditScope] = ("account.reseller_id", None)
    audit_secret_fields: ClassVar[frozenset[str]] = frozenset({"key_hash"})

    class Meta(RevocableSecretModel.Meta):
        verbose_name = _("API-Schlüssel")
        verbose_name_plural = _("API-Schlüssel")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="apikey_unique_active_name_per_account",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    API = "api", _("API")
    ADMIN = "admin", _("Admin")
    TASK = "task", _("Hintergrundaufgabe")
    CLI = "cli", _("Kommandozeile")


class AuditAction(models.TextChoices):
    CREATE = "create", _("angelegt")
    UPDATE = "update", _("geändert")
    DELETE = "delete", _("gelöscht")
    ACCESS = "access", _("von der Plattform eingesehen")


class AuditEvent(AppendOnlyModel, UUIDModel):
    """One append-only entry of the audit log (AUD-1): who changed or read what, when and how.

    The actor and tenant ids are plain columns, not foreign keys, so no cascade can ever touch
    a row; on PostgreSQL a trigger refuses UPDATE and DELETE on the table.
    """

    occurred_at = models.DateTimeField(_("Zeitpunkt"), db_index=True)
    actor_id = models.BigIntegerField(_("Zugangs-ID"), null=True, blank=True)
    actor_label = models.CharField(_("Wer"), max_length=200)
    actor_role = models.CharField(_("Rolle"), max_length=20, blank=True)
    channel = models.CharField(_("Kanal"), max_length=10, choices=Channel.choices)
    action = models.CharField(_("Aktion"), max_length=10, choices=AuditAction.choices)
    object_type = models.CharField(_("Objekttyp"), max_length=100)
    object_id = models.CharField(_("Objekt-ID"), max_length=64)
    object_repr = models.CharField(_("Objekt"), max_length=200)
    changes = models.JSONField(_("Änderungen"), default=dict, blank=True)
    reseller_id = models.UUIDField(_("Reseller-ID"), null=True, blank=True)
    customer_id = models.UUIDField(_("Kunden-ID"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-Adresse"), null=True, blank=True)

    append_only = ("audit_append_only", "Audit entries")
    audit_reads: ClassVar[bool] = False
    audit_scope: ClassVar[AuditScope] = ("reseller_id", "customer_id")

    tenant: ClassVar[TenantPath] = TenantPath(
        reseller="reseller_id", customer="customer_id", finance=False
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll")
        indexes = [
            models.Index(fields=["customer_id", "-occurred_at"], name="audit_customer_time"),
            models.Index(fields=["reseller_id", "-occurred_at"], name="audit_reseller_time"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
        )
