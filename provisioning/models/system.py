"""A customer's telephone system: sites, users, SIP trunks, number blocks, numbers, devices."""

from __future__ import annotations

import re
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from telephony.entitlements import Package

from .. import crypto
from ..validators import clean_postal_code, validate_phone, validate_postal_code
from .base import (
    NO_AUDIT_SCOPE,
    CreatedModel,
    CustomerOwnedModel,
    NamedPerCustomerModel,
    TenantPath,
    TimestampedModel,
    customer_key,
)
from .licensing import LicenseType
from .tenancy import Account, Address

_MAC_RE = re.compile(r"^[0-9A-F]{12}$")


def normalize_mac(value: str) -> str:
    return re.sub(r"[^0-9A-Fa-f]", "", value or "").upper()


def validate_mac(value: str) -> None:
    mac = normalize_mac(value)
    if not _MAC_RE.match(mac):
        raise ValidationError(
            _("Eine MAC-Adresse hat 12 Hex-Ziffern, z. B. 00:90:33:12:AB:CD."), code="mac"
        )
    if int(mac[:2], 16) & 1:
        raise ValidationError(
            _("Das ist eine Multicast-Adresse, keine Geräteadresse."), code="mac_multicast"
        )


class Site(Address, NamedPerCustomerModel, TimestampedModel):
    """A location of a customer with a postal address. The first site is included in the base
    license; every further one holds a *Weiterer Standort* license (LIC-3)."""

    customer = customer_key("sites")
    extra_license_holding = models.UUIDField(
        _("Lizenzbestand „Weiterer Standort“"), null=True, blank=True, editable=False
    )

    tenant: ClassVar[TenantPath] = TenantPath.of_customer(end_user_customer="customer_id")

    class Meta(NamedPerCustomerModel.Meta):
        verbose_name = _("Standort")
        verbose_name_plural = _("Standorte")

    @property
    def full_address(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}, {self.country}"


class Provider(models.TextChoices):
    PEOPLEFONE = "peoplefone", "Peoplefone"
    TELEKOM = "telekom", "Telekom"
    PLUSNET = "plusnet", "Plusnet"
    OTHER = "other", _("anderer Anbieter")


class ConnectionType(models.TextChoices):
    SIP_DATACENTER = "sip_datacenter", _("SIP im Rechenzentrum")
    SIP_ONSITE = "sip_onsite", _("SIP am Standort")
    ISDN_ONSITE = "isdn_onsite", _("ISDN am Standort über Gateway")


class IsdnMode(models.TextChoices):
    MULTI_DEVICE = "multi_device", _("Mehrgeräteanschluss")
    PBX_LINE = "pbx_line", _("Anlagenanschluss")


class TrunkState(models.TextChoices):
    PLANNED = "planned", _("geplant")
    ACTIVE = "active", _("aktiv")
    DISABLED = "disabled", _("abgeschaltet")


class Trunk(CustomerOwnedModel, TimestampedModel):
    """The one SIP trunk of a site (TRK-1): a provider connection with its credentials, number
    blocks and the emergency address the provider holds for it (TRK-3)."""

    customer = customer_key("trunks")
    site = models.OneToOneField(
        Site, on_delete=models.PROTECT, related_name="trunk", verbose_name=_("Standort")
    )
    provider = models.CharField(_("Anbieter"), max_length=20, choices=Provider.choices)
    provider_name = models.CharField(_("Name des Anbieters"), max_length=100, blank=True)
    connection_type = models.CharField(
        _("Anschlussart"), max_length=20, choices=ConnectionType.choices
    )
    isdn_mode = models.CharField(
        _("ISDN-Anschluss"), max_length=20, choices=IsdnMode.choices, blank=True
    )
    registrar_host = models.CharField(_("Registrar"), max_length=255, blank=True)
    username = models.CharField(_("Benutzername"), max_length=150, blank=True)
    password_encrypted = models.TextField(_("Passwort (verschlüsselt)"), blank=True, editable=False)
    contract_reference = models.CharField(_("Vertragsnummer"), max_length=100, blank=True)
    state = models.CharField(
        _("Status"), max_length=20, choices=TrunkState.choices, default=TrunkState.PLANNED
    )
    emergency_street = models.CharField(_("Notruf: Straße"), max_length=200)
    emergency_postal_code = models.CharField(
        _("Notruf: PLZ"), max_length=10, validators=[validate_postal_code]
    )
    emergency_city = models.CharField(_("Notruf: Ort"), max_length=100)
    emergency_country = models.CharField(_("Notruf: Land"), max_length=2, default="DE")

    audit_secret_fields: ClassVar[frozenset[str]] = frozenset({"password_encrypted"})

    class Meta:
        ordering = ["site__name"]
        verbose_name = _("SIP-Trunk")
        verbose_name_plural = _("SIP-Trunks")

    def __str__(self) -> str:
        provider = self.provider_name or self.get_provider_display()
        return f"{provider} @ {self.site}"

    def clean(self) -> None:
        """The emergency address's postcode fits its country (German: five digits)."""
        super().clean()
        clean_postal_code(self, "emergency_postal_code", "emergency_country")

    @property
    def has_password(self) -> bool:
        return bool(self.password_encrypted)

    def set_password(self, plain: str) -> None:
        self.password_encrypted = crypto.encrypt(plain)

    def get_password(self) -> str:
        """The plain password, for provisioning the PBX only; never shown to people."""
        return crypto.decrypt(self.password_encrypted)

    @property
    def emergency_address(self) -> str:
        return (
            f"{self.emergency_street}, {self.emergency_postal_code} {self.emergency_city}, "
            f"{self.emergency_country}"
        )


class NumberBlock(CustomerOwnedModel, CreatedModel):
    """A block of E.164 numbers on a trunk (TRK-2), e.g. +49 30 1234567-0 … -99: the numbers are
    ``base_number`` followed by each extension from ``first_extension`` to ``last_extension``."""

    customer = customer_key("number_blocks")
    trunk = models.ForeignKey(
        Trunk, on_delete=models.PROTECT, related_name="number_blocks", verbose_name=_("SIP-Trunk")
    )
    base_number = models.CharField(_("Stammnummer"), max_length=20)
    first_extension = models.PositiveIntegerField(_("erste Durchwahl"), default=0)
    last_extension = models.PositiveIntegerField(_("letzte Durchwahl"))

    class Meta:
        ordering = ["base_number", "first_extension"]
        verbose_name = _("Rufnummernblock")
        verbose_name_plural = _("Rufnummernblöcke")

    def __str__(self) -> str:
        return f"{self.base_number}-{self.first_extension} … -{self.last_extension}"

    @property
    def size(self) -> int:
        return self.last_extension - self.first_extension + 1


class PhoneNumber(CustomerOwnedModel):
    """One E.164 number of a block. Unique on the whole platform by a database constraint, so no
    number is ever assigned twice (TRK-2); extension "0" is the main number (operator)."""

    id = models.BigAutoField(primary_key=True)
    e164 = models.CharField(_("Rufnummer"), max_length=20, unique=True)
    block = models.ForeignKey(
        NumberBlock,
        on_delete=models.CASCADE,
        related_name="numbers",
        verbose_name=_("Rufnummernblock"),
    )
    customer = customer_key("numbers")
    extension = models.CharField(_("Durchwahl"), max_length=10)

    # Not audited on its own: the number block's entries record its numbers.
    audit_scope = NO_AUDIT_SCOPE

    class Meta:
        ordering = ["e164"]
        verbose_name = _("Rufnummer")
        verbose_name_plural = _("Rufnummern")
        indexes = [models.Index(fields=["block", "extension"], name="number_block_extension")]

    def __str__(self) -> str:
        return self.e164

    @property
    def is_main(self) -> bool:
        return self.extension == "0"


class WorkPlace(models.TextChoices):
    SITE = "site", _("am zugewiesenen Standort")
    HOME_OFFICE = "home_office", _("Homeoffice")
    MOBILE = "mobile", _("mobil")
    OTHER_OFFICE = "other_office", _("anderes Büro")


PACKAGE_CHOICES = [(p.value, p.label) for p in Package]


class Subscriber(CustomerOwnedModel, TimestampedModel):
    """A user of the telephone system (LIC-4): a person with a direct extension at a site and
    exactly one package. Optionally linked to an end-user login."""

    customer = customer_key("subscribers")
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="subscribers", verbose_name=_("Standort")
    )
    first_name = models.CharField(_("Vorname"), max_length=100)
    last_name = models.CharField(_("Nachname"), max_length=100)
    display_name = models.CharField(_("Anzeigename"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail"))
    number = models.OneToOneField(
        PhoneNumber,
        on_delete=models.PROTECT,
        related_name="subscriber",
        verbose_name=_("Rufnummer"),
    )
    package = models.CharField(_("Paket"), max_length=30, choices=PACKAGE_CHOICES)
    license_holding = models.UUIDField(_("Lizenzbestand"), editable=False)
    account = models.OneToOneField(
        Account,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subscriber",
        verbose_name=_("Zugang"),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    works_at = models.CharField(
        _("Arbeitsort"), max_length=20, choices=WorkPlace.choices, default=WorkPlace.SITE
    )
    emergency_notice_confirmed_at = models.DateTimeField(
        _("Notruf-Hinweis bestätigt am"), null=True, blank=True, editable=False
    )
    emergency_notice_confirmed_by = models.CharField(
        _("Notruf-Hinweis bestätigt von"), max_length=150, blank=True, editable=False
    )
    voicemail_enabled = models.BooleanField(_("Voicemail"), default=False)
    mobility_number = models.CharField(
        _("Mobility-Rufnummer"), max_length=20, blank=True, validators=[validate_phone]
    )
    fax_number = models.OneToOneField(
        PhoneNumber,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fax_subscriber",
        verbose_name=_("Faxnummer"),
    )

    tenant: ClassVar[TenantPath] = TenantPath.of_customer(own_account="account_id")

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("Benutzer")
        verbose_name_plural = _("Benutzer")
        indexes = [
            models.Index(fields=["customer", "last_name", "first_name"], name="subscriber_name"),
            models.Index(fields=["customer", "site"], name="subscriber_site"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or f"{self.first_name} {self.last_name}"

    @property
    def license_type(self) -> str:
        return LicenseType(self.package).value

    @property
    def extension(self) -> str:
        return self.number.extension

    @property
    def fax_extension(self) -> str:
        return self.fax_number.extension if self.fax_number else ""

    @property
    def needs_emergency_notice(self) -> bool:
        """Works elsewhere and the customer has not yet confirmed telling them (TRK-4)."""
        return self.works_at != WorkPlace.SITE and self.emergency_notice_confirmed_at is None


class DeviceModel(models.TextChoices):
    IP112 = "IP112", "IP112"
    IP222 = "IP222", "IP222"
    IP232 = "IP232", "IP232"
    IP62 = "IP62", "IP62 (DECT)"
    IP64 = "IP64", "IP64 (DECT/WLAN)"
    IP65 = "IP65", "IP65 (DECT/WLAN)"
    IP411 = "IP411", "IP411 Gateway"
    ANALOG_PORT = "analog_port", _("Analog-Port")
    ISDN_PORT = "isdn_port", _("ISDN-Port")


GATEWAY_MODELS = frozenset({DeviceModel.IP411})


class Device(CustomerOwnedModel, TimestampedModel):
    """A phone, handset, gateway or port (FEA-12), registered by MAC address to a site and
    optionally a user. A rented IP411 gateway belongs to the Erweiterte Grundlizenz."""

    customer = customer_key("devices")
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="devices", verbose_name=_("Standort")
    )
    model = models.CharField(_("Modell"), max_length=20, choices=DeviceModel.choices)
    mac_address = models.CharField(
        _("MAC-Adresse"), max_length=12, unique=True, validators=[validate_mac]
    )
    label = models.CharField(_("Bezeichnung"), max_length=100, blank=True)
    subscriber = models.ForeignKey(
        Subscriber,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="devices",
        verbose_name=_("Benutzer"),
    )
    rented = models.BooleanField(_("gemietet"), default=False)

    tenant: ClassVar[TenantPath] = TenantPath.of_customer(own_account="subscriber__account_id")

    class Meta:
        ordering = ["site__name", "model", "mac_address"]
        verbose_name = _("Gerät")
        verbose_name_plural = _("Geräte")

    def __str__(self) -> str:
        return f"{self.get_model_display()} {self.formatted_mac}"

    @property
    def formatted_mac(self) -> str:
        return ":".join(self.mac_address[i : i + 2] for i in range(0, 12, 2))

    @property
    def is_gateway(self) -> bool:
        return self.model in GATEWAY_MODELS
