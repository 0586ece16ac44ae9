"""Call features of a customer's telephone system (FEA-1 … FEA-11): hunt groups, pickup groups,
IVR menus, the operator with night service, per-user forwarding and voicemail, hot-desk logins,
audio files, phonebooks, and the one-time fees these features cause.

Routing targets are stored as one short string, ``"<kind>:<ref>"`` (``"user:<uuid>"``,
``"hunt_group:<uuid>"``, ``"ivr:<uuid>"``, ``"voicemail:<uuid>"``, ``"external:+4930…"``) or
just ``"operator"`` / ``"disconnect"``; ``provisioning.features_snapshot`` turns them into the
routing engine's ``Target``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import (
    NO_AUDIT_SCOPE,
    AppendOnlyModel,
    AuditScope,
    CreatedModel,
    CustomerOwnedModel,
    NamedPerCustomerModel,
    TenantPath,
    TimestampedModel,
    UUIDModel,
    customer_key,
    customer_scope,
)
from .system import Device, Site, Subscriber
from .tenancy import Customer

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


# A user's own settings (forwarding, voicemail): seen in the customer's subtree and by the user.
_SUBSCRIBER_TENANT = TenantPath.of_customer("subscriber", own_account="subscriber__account_id")


class HuntStrategy(models.TextChoices):
    PARALLEL = "parallel", _("alle gleichzeitig")
    LONGEST_IDLE = "longest_idle", _("am längsten frei")
    ROUND_ROBIN = "round_robin", _("zufällig zuerst, dann alle")


class HuntGroup(NamedPerCustomerModel, TimestampedModel):
    """A hunt group (FEA-1): members from one site ring by ``strategy`` for ``ring_seconds``,
    then the call goes to ``overflow``. The first group of a customer (for the main number) is
    included; every further one records a one-time fee."""

    customer = customer_key("hunt_groups")
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="hunt_groups", verbose_name=_("Standort")
    )
    extension = models.CharField(_("Durchwahl"), max_length=10, blank=True)
    strategy = models.CharField(
        _("Strategie"), max_length=20, choices=HuntStrategy.choices, default=HuntStrategy.PARALLEL
    )
    ring_seconds = models.PositiveSmallIntegerField(_("Klingeldauer der Gruppe (s)"), default=30)
    member_ring_seconds = models.PositiveSmallIntegerField(
        _("Klingeldauer je Mitglied (s)"), default=15
    )
    overflow = target_field(_("Überlauf"))

    class Meta(NamedPerCustomerModel.Meta):
        verbose_name = _("Sammelruf-Gruppe")
        verbose_name_plural = _("Sammelruf-Gruppen")


class HuntGroupMember(UUIDModel):
    """A user in a hunt group, logged in or out of it (FEA-1)."""

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

    tenant: ClassVar[TenantPath] = TenantPath.of_customer(
        "group", own_account="subscriber__account_id"
    )
    audit_scope: ClassVar[AuditScope] = customer_scope("group")

    class Meta:
        ordering = ["group", "position"]
        verbose_name = _("Gruppenmitglied")
        verbose_name_plural = _("Gruppenmitglieder")
        constraints = [
            models.UniqueConstraint(fields=["group", "subscriber"], name="huntmember_once")
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} in {self.group}"


class PickupGroup(NamedPerCustomerModel, TimestampedModel):
    """A pickup group (FEA-2): any member can take a call ringing at another member."""

    customer = customer_key("pickup_groups")
    members = models.ManyToManyField(
        Subscriber, related_name="pickup_groups", blank=True, verbose_name=_("Mitglieder")
    )

    class Meta(NamedPerCustomerModel.Meta):
        verbose_name = _("Pickup-Gruppe")
        verbose_name_plural = _("Pickup-Gruppen")


class AudioKind(models.TextChoices):
    MUSIC_ON_HOLD = "music_on_hold", _("Wartemusik")
    ANNOUNCEMENT = "announcement", _("Ansage")


class AudioFile(CustomerOwnedModel, CreatedModel):
    """Customer audio (FEA-5): the uploaded original (MP3 or WAV) and its telephony version
    (WAV, 8 kHz, mono, 16 bit). The standard music on hold is built in and not stored here."""

    customer = customer_key("audio_files")
    name = models.CharField(_("Name"), max_length=100)
    kind = models.CharField(_("Art"), max_length=20, choices=AudioKind.choices)
    original = models.FileField(_("Original"), max_length=255)
    original_name = models.CharField(_("Dateiname"), max_length=255)
    original_format = models.CharField(_("Format"), max_length=4)
    original_size = models.PositiveIntegerField(_("Größe (Byte)"))
    telephony = models.FileField(_("Telefonie-Fassung"), max_length=255)
    duration_ms = models.PositiveIntegerField(_("Dauer (ms)"))

    tenant: ClassVar[TenantPath] = TenantPath.of_customer(end_user_customer="customer_id")

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


class IvrMenu(NamedPerCustomerModel, TimestampedModel):
    """An IVR menu (FEA-3): an announcement, digits leading to targets, and what happens after
    ``repeat_count`` repetitions without input (``on_timeout``) or with a wrong digit."""

    customer = customer_key("ivr_menus")
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

    class Meta(NamedPerCustomerModel.Meta):
        verbose_name = _("Sprachmenü")
        verbose_name_plural = _("Sprachmenüs")
        constraints = [
            *NamedPerCustomerModel.Meta.constraints,
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


class IvrOption(UUIDModel):
    """One digit of a menu and where it leads."""

    menu = models.ForeignKey(
        IvrMenu, on_delete=models.CASCADE, related_name="options", verbose_name=_("Sprachmenü")
    )
    digit = models.CharField(_("Taste"), max_length=1)
    target = models.CharField(_("Ziel"), max_length=TARGET_MAX_LENGTH)

    tenant: ClassVar[TenantPath] = TenantPath.of_customer("menu")

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


class OperatorSettings(CustomerOwnedModel, UUIDModel):
    """The operator behind extension 0 and the main number (FEA-4): day and night targets,
    optional announcement and menu, the weekly schedule (public holidays of the customer's
    state are night service) and the manual day/night switch."""

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

    class Meta:
        verbose_name = _("Zentrale")
        verbose_name_plural = _("Zentralen")

    def __str__(self) -> str:
        return f"Zentrale {self.customer}"


class OperatorScheduleEntry(UUIDModel):
    """Day service on ``weekday`` (0 = Monday) from ``start`` to ``end`` (Europe/Berlin);
    ``end`` 00:00 means midnight."""

    operator = models.ForeignKey(
        OperatorSettings,
        on_delete=models.CASCADE,
        related_name="schedule",
        verbose_name=_("Zentrale"),
    )
    weekday = models.PositiveSmallIntegerField(_("Wochentag"))
    start = models.TimeField(_("von"))
    end = models.TimeField(_("bis"))

    tenant: ClassVar[TenantPath] = TenantPath.of_customer("operator")

    class Meta:
        ordering = ["operator", "weekday", "start"]
        verbose_name = _("Zeitplaneintrag")
        verbose_name_plural = _("Zeitplan")

    def __str__(self) -> str:
        return f"{self.weekday} {self.start:%H:%M}-{self.end:%H:%M}"


class CallForwarding(UUIDModel):
    """A user's call forwarding (FEA-8): always, on busy, on no answer after N seconds; each to
    an internal target or an external E.164 number."""

    subscriber = models.OneToOneField(
        Subscriber, on_delete=models.CASCADE, related_name="forwarding", verbose_name=_("Benutzer")
    )
    always = target_field(_("immer"))
    on_busy = target_field(_("bei besetzt"))
    on_no_answer = target_field(_("bei Nichtmelden"))
    no_answer_seconds = models.PositiveSmallIntegerField(_("Nichtmelden nach (s)"), default=20)
    updated_at = models.DateTimeField(_("Geändert"), auto_now=True)

    tenant: ClassVar[TenantPath] = _SUBSCRIBER_TENANT
    audit_scope: ClassVar[AuditScope] = customer_scope("subscriber")

    class Meta:
        verbose_name = _("Rufumleitung")
        verbose_name_plural = _("Rufumleitungen")

    def __str__(self) -> str:
        return f"Rufumleitung {self.subscriber}"


class VoicemailBox(UUIDModel):
    """Voicemail settings of a user (FEA-9): PIN (hashed), greeting, address for messages.
    Whether voicemail is on is ``Subscriber.voicemail_enabled``."""

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

    tenant: ClassVar[TenantPath] = _SUBSCRIBER_TENANT
    audit_scope: ClassVar[AuditScope] = customer_scope("subscriber")
    audit_secret_fields: ClassVar[frozenset[str]] = frozenset({"pin_hash"})

    class Meta:
        verbose_name = _("Voicemail-Box")
        verbose_name_plural = _("Voicemail-Boxen")

    def __str__(self) -> str:
        return f"Voicemail {self.subscriber}"

    @property
    def has_pin(self) -> bool:
        return bool(self.pin_hash)


class HotDeskLogin(UUIDModel):
    """A user logged in at a phone (FEA-7). Several users may be logged in on one device."""

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

    tenant: ClassVar[TenantPath] = TenantPath.of_customer(
        "device", own_account="subscriber__account_id"
    )
    audit_scope: ClassVar[AuditScope] = customer_scope("device")

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


class OneTimeFeeEvent(CustomerOwnedModel, AppendOnlyModel, UUIDModel):
    """A chargeable one-time event (FEA-1, FEA-5), append-only; billing reads these rows.
    ``reference`` is the id of the object that caused the fee."""

    customer = customer_key("one_time_fees")
    fee_type = models.CharField(_("Entgeltart"), max_length=20, choices=FeeType.choices)
    quantity = models.PositiveIntegerField(_("Menge"), default=1)
    occurred_at = models.DateTimeField(_("Zeitpunkt"), db_index=True)
    reference = models.CharField(_("Verursacht durch"), max_length=64)
    label = models.CharField(_("Bezeichnung"), max_length=200, blank=True)

    append_only = ("fees_append_only", "One-time fee rows")

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("Einmalentgelt")
        verbose_name_plural = _("Einmalentgelte")

    def __str__(self) -> str:
        return f"{self.fee_type} × {self.quantity} ({self.label})"


class Phonebook(CustomerOwnedModel, UUIDModel):
    """A phonebook (FEA-6): the customer's shared one (``owner`` empty) or a user's private one."""

    customer = customer_key("phonebooks")
    owner = models.OneToOneField(
        Subscriber,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="private_phonebook",
        verbose_name=_("Eigentümer"),
    )

    tenant: ClassVar[TenantPath] = TenantPath.of_customer(own_account="owner__account_id")
    # Not audited on its own: its entries are.
    audit_scope = NO_AUDIT_SCOPE

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


class PhonebookEntry(CustomerOwnedModel, TimestampedModel):
    """A contact: name, company and one or more E.164 numbers (``PhonebookNumber``)."""

    phonebook = models.ForeignKey(
        Phonebook, on_delete=models.CASCADE, related_name="entries", verbose_name=_("Telefonbuch")
    )
    customer = customer_key("+")
    name = models.CharField(_("Name"), max_length=200)
    company = models.CharField(_("Firma"), max_length=200, blank=True)

    tenant: ClassVar[TenantPath] = TenantPath.of_customer(
        own_account="phonebook__owner__account_id"
    )

    class Meta:
        ordering = ["name", "company"]
        verbose_name = _("Telefonbucheintrag")
        verbose_name_plural = _("Telefonbucheinträge")
        indexes = [models.Index(fields=["phonebook", "name"], name="phonebookentry_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.company})" if self.company else self.name


class PhonebookNumber(CustomerOwnedModel, UUIDModel):
    """One number of a phonebook entry, indexed for reverse lookup."""

    entry = models.ForeignKey(
        PhonebookEntry,
        on_delete=models.CASCADE,
        related_name="numbers",
        verbose_name=_("Telefonbucheintrag"),
    )
    customer = customer_key("+")
    e164 = models.CharField(_("Rufnummer"), max_length=20)
    label = models.CharField(_("Art"), max_length=30, blank=True)

    # Not audited on its own: its entry is.
    audit_scope = NO_AUDIT_SCOPE

    class Meta:
        ordering = ["entry", "e164"]
        verbose_name = _("Telefonbuchnummer")
        verbose_name_plural = _("Telefonbuchnummern")
        indexes = [models.Index(fields=["customer", "e164"], name="phonebooknumber_e164")]

    def __str__(self) -> str:
        return self.e164
