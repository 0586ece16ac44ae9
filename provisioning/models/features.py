"""Call features of a customer's telephone system (FEA-1 … FEA-11): hunt groups, pickup groups,
IVR menus, the operator with night service, per-user forwarding and voicemail, hot-desk logins,
audio files, phonebooks, and the one-time fees these features cause.

Routing targets are stored as one short string, ``"<kind>:<ref>"`` (``"user:<uuid>"``,
``"hunt_group:<uuid>"``, ``"ivr:<uuid>"``, ``"voicemail:<uuid>"``, ``"external:+4930…"``) or
just ``"operator"`` / ``"disconnect"``; ``provisioning.features_snapshot`` turns them into the
routing engine's ``Target``.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..errors import ApplicationError
from .system import Device, Site, Subscriber
from .tenancy import Customer, TenantPath

TARGET_KINDS_WITH_REF = ("user", "hunt_group", "ivr", "voicemail", "external")
TARGET_KINDS_WITHOUT_REF = ("operator", "disconnect")
TARGET_MAX_LENGTH = 80
IVR_TIMEOUT_SECONDS = (1, 60)
"""Seconds an IVR menu waits for a digit after its announcement (least, most)."""
IVR_REPEAT_COUNT = (0, 5)
"""How often an IVR menu repeats its announcement without (valid) input (least, most)."""


def parse_target(value: str) -> tuple[str, str]:
    """``"user:<id>"`` → ``("user", "<id>")``; ``"operator"`` → ``("operator", "")``.

    Raises ``ValueError`` for anything else (the serializers and forms turn it into a 400).
    """
    kind, _sep, ref = (value or "").strip().partition(":")
    if kind in TARGET_KINDS_WITHOUT_REF and not ref:
        return kind, ""
    if kind in TARGET_KINDS_WITH_REF and ref:
        return kind, ref
    raise ValueError(f"not a routing target: {value!r}")


def target_field(verbose_name: Any) -> models.CharField[str, str]:
    return models.CharField(verbose_name, max_length=TARGET_MAX_LENGTH, blank=True)


_CUSTOMER_TENANT = TenantPath(reseller="customer__reseller_id", customer="customer_id")
_CUSTOMER_SCOPE: tuple[str | None, str | None] = ("customer.reseller_id", "customer_id")


class HuntStrategy(models.TextChoices):
    PARALLEL = "parallel", _("alle gleichzeitig")
    LONGEST_IDLE = "longest_idle", _("am längsten frei")
    ROUND_ROBIN = "round_robin", _("zufällig zuerst, dann alle")


class HuntGroup(models.Model):
    """A hunt group (FEA-1): members from one site ring by ``strategy`` for ``ring_seconds``,
    then the call goes to ``overflow``. The first group of a customer (for the main number) is
    included; every further one records a one-time fee."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="hunt_groups", verbose_name=_("Kunde")
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="hunt_groups", verbose_name=_("Standort")
    )
    name = models.CharField(_("Name"), max_length=100)
    extension = models.CharField(_("Durchwahl"), max_length=10, blank=True)
    strategy = models.CharField(
        _("Strategie"), max_length=20, choices=HuntStrategy.choices, default=HuntStrategy.PARALLEL
    )
    ring_seconds = models.PositiveSmallIntegerField(_("Klingeldauer der Gruppe (s)"), default=30)
    member_ring_seconds = models.PositiveSmallIntegerField(
        _("Klingeldauer je Mitglied (s)"), default=15
    )
    overflow = target_field(_("Überlauf"))
    created_at = models.DateTimeField(_("Angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Geändert"), auto_now=True)

    tenant: ClassVar[TenantPath] = _CUSTOMER_TENANT
    audit_scope: ClassVar[tuple[str | None, str | None]] = _CUSTOMER_SCOPE

    class Meta:
        ordering = ["name"]
        verbose_name = _("Sammelruf-Gruppe")
        verbose_name_plural = _("Sammelruf-Gruppen")
        constraints = [
            models.UniqueConstraint(fields=["customer", "name"], name="huntgroup_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class HuntGroupMember(models.Model):
    """A user in a hunt group, logged in or out of it (FEA-1)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = models.ForeignKey(
        HuntGroup,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("Sammelruf-Gruppe"),
    )
    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="hunt_group_memberships",
        verbose_name=_("Benutzer"),
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    logged_in = models.BooleanField(_("angemeldet"), default=True)

    tenant: ClassVar[TenantPath] = TenantPath(
        reseller="group__customer__reseller_id",
        customer="group__customer_id",
        own_account="subscriber__account_id",
    )
    audit_scope: ClassVar[tuple[str | None, str | None]] = (
        "group.customer.reseller_id",
        "group.customer_id",
    )

    class Meta:
        ordering = ["group", "position"]
        verbose_name = _("Gruppenmitglied")
        verbose_name_plural = _("Gruppenmitglieder")
        constraints = [
            models.UniqueConstraint(fields=["group", "subscriber"], name="huntmember_once")
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} in {self.group}"


class PickupGroup(models.Model):
    """A pickup group (FEA-2): any member can take a call ringing at another member."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="pickup_groups", verbose_name=_("Kunde")
    )
    name = models.CharField(_("Name"), max_length=100)
    members = models.ManyToManyField(
        Subscriber, related_name="pickup_groups", blank=True, verbose_name=_("Mitglieder")
    )
    created_at = models.DateTimeField(_("Angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Geändert"), auto_now=True)

    tenant: ClassVar[TenantPath] = _CUSTOMER_TENANT
    audit_scope: ClassVar[tuple[str | None, str | None]] = _CUSTOMER_SCOPE

    class Meta:
        ordering = ["name"]
        verbose_name = _("Pickup-Gruppe")
        verbose_name_plural = _("Pickup-Gruppen")
        constraints = [
            models.UniqueConstraint(fields=["customer", "name"], name="pickupgroup_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class AudioKind(models.TextChoices):
    MUSIC_ON_HOLD = "music_on_hold", _("Wartemusik")
    ANNOUNCEMENT = "announcement", _("Ansage")


class AudioFile(models.Model):
    """Customer audio (FEA-5): the uploaded original (MP3 or WAV) and its telephony version
    (WAV, 8 kHz, mono, 16 bit). The standard music on hold is built in and not stored here."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="audio_files", verbose_name=_("Kunde")
    )
    name = models.CharField(_("Name"), max_length=100)
    kind = models.CharField(_("Art"), max_length=20, choices=AudioKind.choices)
    original = models.FileField(_("Original"), max_length=255)
    original_name = models.CharField(_("Dateiname"), max_length=255)
    original_format = models.CharField(_("Format"), max_length=4)
    original_size = models.PositiveIntegerField(_("Größe (Byte)"))
    telephony = models.FileField(_("Telefonie-Fassung"), max_length=255)
    duration_ms = models.PositiveIntegerField(_("Dauer (ms)"))
    created_at = models.DateTimeField(_("Angelegt"), auto_now_add=True)

    tenant: ClassVar[TenantPath] = TenantPath(
        reseller="customer__reseller_id", customer="customer_id", end_user_customer="customer_id"
    )
    audit_scope: ClassVar[tuple[str | None, str | None]] = _CUSTOMER_SCOPE

    class Meta:
        ordering = ["name"]
        verbose_name = _("Audiodatei")
        verbose_name_plural = _("Audiodateien")

    def __str__(self) -> str:
        return self.name

    @property
    def duration_label(self) -> str:
        seconds = round(self.duration_ms / 1000)
        return f"{seconds // 60}:{seconds % 60:02d}"


class IvrMenu(models.Model):
    """An IVR menu (FEA-3): an announcement, digits leading to targets, and what happens after
    ``repeat_count`` repetitions without input (``on_timeout``) or with a wrong digit."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="ivr_menus", verbose_name=_("Kunde")
    )
    name = models.CharField(_("Name"), max_length=100)
    extension = models.CharField(_("Durchwahl"), max_length=10, blank=True)
    announcement = models.ForeignKey(
        AudioFile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Ansage"),
    )
    timeout_seconds = models.PositiveSmallIntegerField(
        _("Wartezeit auf Eingabe (s)"),
        default=5,
        validators=[
            MinValueValidator(IVR_TIMEOUT_SECONDS[0]),
            MaxValueValidator(IVR_TIMEOUT_SECONDS[1]),
        ],
    )
    repeat_count = models.PositiveSmallIntegerField(
        _("Wiederholungen"),
        default=2,
        validators=[MinValueValidator(IVR_REPEAT_COUNT[0]), MaxValueValidator(IVR_REPEAT_COUNT[1])],
    )
    on_timeout = target_field(_("Ziel ohne Eingabe"))
    on_invalid = target_field(_("Ziel bei falscher Eingabe"))
    created_at = models.DateTimeField(_("Angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Geändert"), auto_now=True)

    tenant: ClassVar[TenantPath] = _CUSTOMER_TENANT
    audit_scope: ClassVar[tuple[str | None, str | None]] = _CUSTOMER_SCOPE

    class Meta:
        ordering = ["name"]
        verbose_name = _("Sprachmenü")
        verbose_name_plural = _("Sprachmenüs")
        constraints = [
            models.UniqueConstraint(fields=["customer", "name"], name="ivrmenu_unique_name"),
            models.CheckConstraint(
                condition=models.Q(
                    timeout_seconds__gte=IVR_TIMEOUT_SECONDS[0],
                    timeout_seconds__lte=IVR_TIMEOUT_SECONDS[1],
                ),
                name="ivrmenu_timeout_seconds_range",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    repeat_count__gte=IVR_REPEAT_COUNT[0], repeat_count__lte=IVR_REPEAT_COUNT[1]
                ),
                name="ivrmenu_repeat_count_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class IvrOption(models.Model):
    """One digit of a menu and where it leads."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    menu = models.ForeignKey(
        IvrMenu, on_delete=models.CASCADE, related_name="options", verbose_name=_("Sprachmenü")
    )
    digit = models.CharField(_("Taste"), max_length=1)
    target = models.CharField(_("Ziel"), max_length=TARGET_MAX_LENGTH)

    tenant: ClassVar[TenantPath] = TenantPath(
        reseller="menu__customer__reseller_id", customer="menu__customer_id"
    )

    class Meta:
        ordering = ["menu", "digit"]
        verbose_name = _("Menüoption")
        verbose_name_plural = _("Menüoptionen")
        constraints = [models.UniqueConstraint(fields=["menu", "digit"], name="ivroption_digit")]

    def __str__(self) -> str:
        return f"{self.digit} → {self.target}"


class DayNightMode(models.TextChoices):
    AUTO = "auto", _("nach Zeitplan")
    DAY = "day", _("Tagbetrieb (manuell)")
    NIGHT = "night", _("Nachtbetrieb (manuell)")


class OperatorSettings(models.Model):
    """The operator behind extension 0 and the main number (FEA-4): day and night targets,
    optional announcement and menu, the weekly schedule (public holidays of the customer's
    state are night service) and the manual day/night switch."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.OneToOneField(
        Customer, on_delete=models.PROTECT, related_name="operator", verbose_name=_("Kunde")
    )
    day_target = target_field(_("Ziel im Tagbetrieb"))
    night_target = target_field(_("Ziel im Nachtbetrieb"))
    announcement = models.ForeignKey(
        AudioFile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Ansage vor dem Melden"),
    )
    night_announcement = models.ForeignKey(
        AudioFile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Ansage im Nachtbetrieb"),
    )
    ivr_menu = models.ForeignKey(
        IvrMenu,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Sprachmenü im Tagbetrieb"),
    )
    manual_mode = models.CharField(
        _("Tag/Nacht-Umschaltung"),
        max_length=10,
        choices=DayNightMode.choices,
        default=DayNightMode.AUTO,
    )
    holidays_are_night = models.BooleanField(_("Feiertage im Nachtbetrieb"), default=True)
    ring_seconds = models.PositiveSmallIntegerField(_("Klingeldauer (s)"), default=60)
    transfer_recall_seconds = models.PositiveSmallIntegerField(
        _("Rückruf nach Vermittlung (s)"), default=30
    )
    updated_at = models.DateTimeField(_("Geändert"), auto_now=True)

    tenant: ClassVar[TenantPath] = _CUSTOMER_TENANT
    audit_scope: ClassVar[tuple[str | None, str | None]] = _CUSTOMER_SCOPE

    class Meta:
        verbose_name = _("Zentrale")
        verbose_name_plural = _("Zentralen")

    def __str__(self) -> str:
        return f"Zentrale {self.customer}"


class OperatorScheduleEntry(models.Model):
    """Day service on ``weekday`` (0 = Monday) from ``start`` to ``end`` (Europe/Berlin);
    ``end`` 00:00 means midnight."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    operator = models.ForeignKey(
        OperatorSettings,
        on_delete=models.CASCADE,
        related_name="schedule",
        verbose_name=_("Zentrale"),
    )
    weekday = models.PositiveSmallIntegerField(_("Wochentag"))
    start = models.TimeField(_("von"))
    end = models.TimeField(_("bis"))

    tenant: ClassVar[TenantPath] = TenantPath(
        reseller="operator__customer__reseller_id", customer="operator__customer_id"
    )

    class Meta:
        ordering = ["operator", "weekday", "start"]
        verbose_name = _("Zeitplaneintrag")
        verbose_name_plural = _("Zeitplan")

    def __str__(self) -> str:
        return f"{self.weekday} {self.start:%H:%M}-{self.end:%H:%M}"


class CallForwarding(models.Model):
    """A user's call forwarding (FEA-8): always, on busy, on no answer after N seconds; each to
    an internal target or an external E.164 number."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscriber = models.OneToOneField(
        Subscriber, on_delete=models.CASCADE, related_name="forwarding", verbose_name=_("Benutzer")
    )
    always = target_field(_("immer"))
    on_busy = target_field(_("bei besetzt"))
    on_no_answer = target_field(_("bei Nichtmelden"))
    no_answer_seconds = models.PositiveSmallIntegerField(_("Nichtmelden nach (s)"), default=20)
    updated_at = models.DateTimeField(_("Geändert"), auto_now=True)

    tenant: ClassVar[TenantPath] = TenantPath(
        reseller="subscriber__customer__reseller_id",
        customer="subscriber__customer_id",
        own_account="subscriber__account_id",
    )
    audit_scope: ClassVar[tuple[str | None, str | None]] = (
        "subscriber.customer.reseller_id",
        "subscriber.customer_id",
    )

    class Meta:
        verbose_name = _("Rufumleitung")
        verbose_name_plural = _("Rufumleitungen")

    def __str__(self) -> str:
        return f"Rufumleitung {self.subscriber}"


class VoicemailBox(models.Model):
    """Voicemail settings of a user (FEA-9): PIN (hashed), greeting, address for messages.
    Whether voicemail is on is ``Subscriber.voicemail_enabled``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscriber = models.OneToOneField(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="voicemail_box",
        verbose_name=_("Benutzer"),
    )
    pin_hash = models.CharField(_("PIN-Hash"), max_length=128, blank=True, editable=False)
    greeting = models.ForeignKey(
        AudioFile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Ansage"),
    )
    email = models.EmailField(_("E-Mail für Nachrichten"), blank=True)
    updated_at = models.DateTimeField(_("Geändert"), auto_now=True)

    tenant: ClassVar[TenantPath] = TenantPath(
        reseller="subscriber__customer__reseller_id",
        customer="subscriber__customer_id",
        own_account="subscriber__account_id",
    )
    audit_scope: ClassVar[tuple[str | None, str | None]] = (
        "subscriber.customer.reseller_id",
        "subscriber.customer_id",
    )
    audit_secret_fields: ClassVar[frozenset[str]] = frozenset({"pin_hash"})

    class Meta:
        verbose_name = _("Voicemail-Box")
        verbose_name_plural = _("Voicemail-Boxen")

    def __str__(self) -> str:
        return f"Voicemail {self.subscriber}"

    @property
    def has_pin(self) -> bool:
        return bool(self.pin_hash)


class HotDeskLogin(models.Model):
    """A user logged in at a phone (FEA-7). Several users may be logged in on one device."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="hotdesk_logins", verbose_name=_("Gerät")
    )
    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="hotdesk_logins",
        verbose_name=_("Benutzer"),
    )
    logged_in_at = models.DateTimeField(_("Angemeldet seit"))

    tenant: ClassVar[TenantPath] = TenantPath(
        reseller="device__customer__reseller_id",
        customer="device__customer_id",
        own_account="subscriber__account_id",
    )
    audit_scope: ClassVar[tuple[str | None, str | None]] = (
        "device.customer.reseller_id",
        "device.customer_id",
    )

    class Meta:
        ordering = ["-logged_in_at"]
        verbose_name = _("Hot-Desk-Anmeldung")
        verbose_name_plural = _("Hot-Desk-Anmeldungen")
        constraints = [
            models.UniqueConstraint(fields=["device", "subscriber"], name="hotdesk_once")
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} @ {self.device}"


class FeeType(models.TextChoices):
    HUNT_GROUP = "hunt_group", _("weitere Sammelruf-Gruppe")
    AUDIO_UPLOAD = "audio_upload", _("Audiodatei")


class OneTimeFeeEventQuerySet(models.QuerySet["OneTimeFeeEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise ApplicationError("fees_append_only", "One-time fee rows cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ApplicationError("fees_append_only", "One-time fee rows cannot be deleted.")


class OneTimeFeeEvent(models.Model):
    """A chargeable one-time event (FEA-1, FEA-5), append-only; billing reads these rows.
    ``reference`` is the id of the object that caused the fee."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="one_time_fees", verbose_name=_("Kunde")
    )
    fee_type = models.CharField(_("Entgeltart"), max_length=20, choices=FeeType.choices)
    quantity = models.PositiveIntegerField(_("Menge"), default=1)
    occurred_at = models.DateTimeField(_("Zeitpunkt"), db_index=True)
    reference = models.CharField(_("Verursacht durch"), max_length=64)
    label = models.CharField(_("Bezeichnung"), max_length=200, blank=True)

    objects = OneTimeFeeEventQuerySet.as_manager()

    tenant: ClassVar[TenantPath] = _CUSTOMER_TENANT
    audit_scope: ClassVar[tuple[str | None, str | None]] = _CUSTOMER_SCOPE

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("Einmalentgelt")
        verbose_name_plural = _("Einmalentgelte")

    def __str__(self) -> str:
        return f"{self.fee_type} × {self.quantity} ({self.label})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ApplicationError("fees_append_only", "One-time fee rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ApplicationError("fees_append_only", "One-time fee rows cannot be deleted.")


class Phonebook(models.Model):
    """A phonebook (FEA-6): the customer's shared one (``owner`` empty) or a user's private one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="phonebooks", verbose_name=_("Kunde")
    )
    owner = models.OneToOneField(
        Subscriber,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="private_phonebook",
        verbose_name=_("Eigentümer"),
    )

    tenant: ClassVar[TenantPath] = TenantPath(
        reseller="customer__reseller_id", customer="customer_id", own_account="owner__account_id"
    )

    class Meta:
        verbose_name = _("Telefonbuch")
        verbose_name_plural = _("Telefonbücher")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(owner__isnull=True),
                name="phonebook_one_shared",
            )
        ]

    def __str__(self) -> str:
        return f"Telefonbuch {self.owner}" if self.owner_id else "Firmentelefonbuch"

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None


class PhonebookEntry(models.Model):
    """A contact: name, company and one or more E.164 numbers (``PhonebookNumber``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    phonebook = models.ForeignKey(
        Phonebook, on_delete=models.CASCADE, related_name="entries", verbose_name=_("Telefonbuch")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("Kunde")
    )
    name = models.CharField(_("Name"), max_length=200)
    company = models.CharField(_("Firma"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("Angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Geändert"), auto_now=True)

    tenant: ClassVar[TenantPath] = TenantPath(
        reseller="customer__reseller_id",
        customer="customer_id",
        own_account="phonebook__owner__account_id",
    )
    audit_scope: ClassVar[tuple[str | None, str | None]] = _CUSTOMER_SCOPE

    class Meta:
        ordering = ["name", "company"]
        verbose_name = _("Telefonbucheintrag")
        verbose_name_plural = _("Telefonbucheinträge")
        indexes = [models.Index(fields=["phonebook", "name"], name="phonebookentry_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.company})" if self.company else self.name


class PhonebookNumber(models.Model):
    """One number of a phonebook entry, indexed for reverse lookup."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entry = models.ForeignKey(
        PhonebookEntry,
        on_delete=models.CASCADE,
        related_name="numbers",
        verbose_name=_("Telefonbucheintrag"),
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("Kunde")
    )
    e164 = models.CharField(_("Rufnummer"), max_length=20)
    label = models.CharField(_("Art"), max_length=30, blank=True)

    tenant: ClassVar[TenantPath] = TenantPath(
        reseller="customer__reseller_id", customer="customer_id"
    )

    class Meta:
        ordering = ["entry", "e164"]
        verbose_name = _("Telefonbuchnummer")
        verbose_name_plural = _("Telefonbuchnummern")
        indexes = [models.Index(fields=["customer", "e164"], name="phonebooknumber_e164")]

    def __str__(self) -> str:
        return self.e164
