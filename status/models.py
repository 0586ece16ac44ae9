"""Models of the public status page: components in groups, events (incidents and maintenance)
with their append-only updates, subscriptions, the notification outbox, maintenance notices
passed on by resellers, and the page revision that keys the page cache (docs/status.md).

Status objects are platform-wide: everybody may read them (the page is public), only platform
staff may change them (``status/permissions.py``); their audit entries carry no tenant.
"""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from provisioning.models import (
    NO_AUDIT_SCOPE,
    AppendOnlyModel,
    AuditScope,
    TimestampedModel,
    UUIDModel,
)

from . import steps


class EventKind(models.TextChoices):
    INCIDENT = steps.INCIDENT, _("Störung")
    MAINTENANCE = steps.MAINTENANCE, _("Wartung")


class Step(models.TextChoices):
    INVESTIGATING = steps.INVESTIGATING, _("Untersuchung")
    IDENTIFIED = steps.IDENTIFIED, _("Ursache gefunden")
    RECOVERING = steps.RECOVERING, _("Wiederherstellung")
    RESOLVED = steps.RESOLVED, _("Behoben")
    FALSE_ALARM = steps.FALSE_ALARM, _("Fehlalarm")
    SCHEDULED = steps.SCHEDULED, _("Geplant")
    IN_PROGRESS = steps.IN_PROGRESS, _("In Arbeit")
    COMPLETED = steps.COMPLETED, _("Abgeschlossen")


class Impact(models.TextChoices):
    """How hard an incident hits (for monitors reading the Statuspage JSON); the page itself
    shows every affected component as degraded (STA-1)."""

    MINOR = "minor", _("Eingeschränkt")
    MAJOR = "major", _("Teilausfall")
    CRITICAL = "critical", _("Ausfall")


class UrgentReason(models.TextChoices):
    FAULT = "fault", _("Störungsbehebung")
    SECURITY = "security", _("Sicherheitsupdate")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-Mail")
    SMS = "sms", _("SMS")


class Language(models.TextChoices):
    DE = "de", "Deutsch"
    EN = "en", "English"


class ListedOnPage(TimestampedModel):
    """Something the status page lists by ``position``, then by name: a component or a group
    of components, named in German and (optionally) English."""

    name_de = models.CharField(_("Name (deutsch)"), max_length=100, unique=True)
    name_en = models.CharField(_("Name (englisch)"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    audit_scope: ClassVar[AuditScope] = NO_AUDIT_SCOPE

    class Meta:
        abstract = True
        ordering = ["position", "name_de"]

    def __str__(self) -> str:
        return self.name_de


class ComponentGroup(ListedOnPage):
    """A named group of components; on the page a group of two or more expands and collapses
    (STA-1), a group of one shows its component on its own."""

    class Meta(ListedOnPage.Meta):
        verbose_name = _("Komponentengruppe")
        verbose_name_plural = _("Komponentengruppen")


class Component(ListedOnPage):
    """A service of the platform shown on the status page (Telefonie, UC-Client, …). Its
    status follows the open events that affect it; it is never stored."""

    group = models.ForeignKey(
        ComponentGroup,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="components",
        verbose_name=_("Gruppe"),
    )
    description_de = models.CharField(_("Beschreibung (deutsch)"), max_length=300, blank=True)
    description_en = models.CharField(_("Beschreibung (englisch)"), max_length=300, blank=True)
    is_visible = models.BooleanField(_("Auf der Statusseite zeigen"), default=True)

    class Meta(ListedOnPage.Meta):
        verbose_name = _("Komponente")
        verbose_name_plural = _("Komponenten")


class Event(TimestampedModel):
    """An incident (STA-2) or a maintenance window (STA-3, OPS-2) and the components it affects.

    ``step`` is the step of its newest update (a copy kept for queries); the updates are the
    history. Times: an incident starts with its first update and ends with resolved or false
    alarm; a maintenance has its announced window (``scheduled_start`` … ``scheduled_end``)
    and actually runs from its in-progress update to its completed update.
    """

    kind = models.CharField(_("Art"), max_length=12, choices=EventKind.choices)
    title_de = models.CharField(_("Titel (deutsch)"), max_length=200)
    title_en = models.CharField(_("Titel (englisch)"), max_length=200, blank=True)
    components = models.ManyToManyField(
        Component, related_name="events", verbose_name=_("Betroffene Komponenten")
    )
    step = models.CharField(_("Schritt"), max_length=16, choices=Step.choices)
    impact = models.CharField(
        _("Auswirkung"), max_length=10, choices=Impact.choices, blank=True, default=""
    )
    started_at = models.DateTimeField(_("Beginn"), null=True, blank=True)
    ended_at = models.DateTimeField(_("Ende"), null=True, blank=True)
    estimated_fix_at = models.DateTimeField(_("Voraussichtlich behoben um"), null=True, blank=True)
    scheduled_start = models.DateTimeField(_("Geplanter Beginn"), null=True, blank=True)
    scheduled_end = models.DateTimeField(_("Geplantes Ende"), null=True, blank=True)
    urgent = models.BooleanField(_("Dringend"), default=False)
    urgent_reason = models.CharField(
        _("Grund der Dringlichkeit"),
        max_length=10,
        choices=UrgentReason.choices,
        blank=True,
        default="",
    )
    urgent_explanation = models.CharField(_("Begründung"), max_length=500, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("angelegt von"),
    )

    audit_scope: ClassVar[AuditScope] = NO_AUDIT_SCOPE

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Ereignis")
        verbose_name_plural = _("Ereignisse")
        indexes = [
            models.Index(fields=["kind", "step"], name="status_event_kind_step"),
            models.Index(fields=["ended_at"], name="status_event_ended_at"),
            models.Index(fields=["scheduled_start"], name="status_event_sched_start"),
        ]
        constraints = [
            models.CheckConstraint(
                name="status_event_maintenance_has_window",
                condition=(
                    models.Q(kind="incident")
                    | models.Q(
                        scheduled_start__isnull=False,
                        scheduled_end__isnull=False,
                        scheduled_end__gt=models.F("scheduled_start"),
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title_de

    @property
    def is_open(self) -> bool:
        return not steps.is_final(self.step)

    @property
    def is_incident(self) -> bool:
        return self.kind == EventKind.INCIDENT


class EventUpdate(AppendOnlyModel, UUIDModel):
    """One timestamped step message of an event, in German and English (STA-2, STA-3).

    Append-only: a wrong step is corrected by a further update, never by editing this one; on
    PostgreSQL a trigger refuses UPDATE and DELETE on the table.
    """

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="updates", verbose_name=_("Ereignis")
    )
    sequence = models.PositiveIntegerField(verbose_name=_("Laufende Nummer"))
    step = models.CharField(_("Schritt"), max_length=16, choices=Step.choices)
    message_de = models.TextField(_("Meldung (deutsch)"))
    message_en = models.TextField(_("Meldung (englisch)"), blank=True)
    posted_at = models.DateTimeField(_("Zeitpunkt"), db_index=True)
    # Who posted it, as text (the audit log has the account): a plain column, so deleting an
    # account never has to touch this append-only table.
    author = models.CharField(max_length=150, blank=True, verbose_name=_("Verfasser"))

    append_only = ("history_append_only", "Event updates")
    audit_scope: ClassVar[AuditScope] = NO_AUDIT_SCOPE

    class Meta:
        ordering = ["event", "sequence"]
        verbose_name = _("Ereignismeldung")
        verbose_name_plural = _("Ereignismeldungen")
        constraints = [
            models.UniqueConstraint(fields=["event", "sequence"], name="status_update_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.step} · {self.posted_at:%Y-%m-%d %H:%M}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Subscription(TimestampedModel):
    """Someone who wants the steps of events by e-mail or SMS (STA-5): to all components or to
    chosen ones. One per address and channel: subscribing again replaces the choice.
    Unsubscribing deletes the row (and its outbox rows) at once."""

    channel = models.CharField(max_length=5, choices=Channel.choices, verbose_name=_("Kanal"))
    address = models.CharField(max_length=254, verbose_name=_("Adresse"))
    all_components = models.BooleanField(default=True, verbose_name=_("alle Komponenten"))
    components = models.ManyToManyField(
        Component, blank=True, related_name="subscriptions", verbose_name=_("Komponenten")
    )
    language = models.CharField(
        max_length=2, choices=Language.choices, default=Language.DE, verbose_name=_("Sprache")
    )
    token = models.CharField(
        max_length=64, unique=True, default=new_token, editable=False, verbose_name=_("Schlüssel")
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("Abonnement")
        verbose_name_plural = _("Abonnements")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "address"], name="status_subscription_unique_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.address}"


class OutboxState(models.TextChoices):
    PENDING = "pending", _("wartet")
    SENDING = "sending", _("wird gesendet")
    SENT = "sent", _("gesendet")
    FAILED = "failed", _("fehlgeschlagen")


class OutboxMessage(models.Model):
    """One message to one recipient, written before anything is sent (STA-6, OPS-5).

    ``key`` is unique per step and subscription (or notice and recipient), so fanning out
    twice writes nothing new; a worker claims rows with a conditional update and marks each
    row sent right after the server accepted it, so a retry or a crashed worker neither sends
    a sent row again nor skips an unsent one (docs/status.md). ``key`` also makes the mail's
    Message-ID and the SMS gateway's idempotency reference.
    """

    id = models.BigAutoField(primary_key=True)
    key = models.CharField(max_length=200, unique=True, verbose_name=_("Schlüssel"))
    channel = models.CharField(max_length=5, choices=Channel.choices, verbose_name=_("Kanal"))
    recipient = models.CharField(max_length=254, verbose_name=_("Empfänger"))
    subject = models.CharField(max_length=300, blank=True, verbose_name=_("Betreff"))
    body = models.TextField(verbose_name=_("Text"))
    headers = models.JSONField(default=dict, blank=True, verbose_name=_("Kopfzeilen"))
    update = models.ForeignKey(
        EventUpdate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outbox",
        verbose_name=_("Meldung"),
    )
    subscription = models.ForeignKey(
        Subscription,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbox",
        verbose_name=_("Abonnement"),
    )
    state = models.CharField(
        max_length=8,
        choices=OutboxState.choices,
        default=OutboxState.PENDING,
        verbose_name=_("Zustand"),
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("Versuche"))
    claim = models.UUIDField(null=True, blank=True, verbose_name=_("Reservierung"))
    claimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reserviert am"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("gesendet am"))
    last_error = models.CharField(max_length=500, blank=True, verbose_name=_("letzter Fehler"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("Angelegt"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("Ausgehende Nachricht")
        verbose_name_plural = _("Ausgehende Nachrichten")
        indexes = [
            models.Index(fields=["state", "claimed_at"], name="status_outbox_state_claimed"),
            models.Index(fields=["claim"], name="status_outbox_claim"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.recipient} ({self.state})"


class MaintenanceNotice(UUIDModel):
    """A reseller passing a maintenance announcement on to its customers' admins (OPS-5):
    the text as sent and how many admins it went to. Once per maintenance and reseller."""

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="notices", verbose_name=_("Ereignis")
    )
    reseller = models.ForeignKey(
        "provisioning.Reseller",
        on_delete=models.PROTECT,
        related_name="maintenance_notices",
        verbose_name=_("Reseller"),
    )
    subject = models.CharField(_("Betreff"), max_length=200)
    body = models.TextField(_("Text"))
    recipient_count = models.PositiveIntegerField(default=0, verbose_name=_("Anzahl Empfänger"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("gesendet von"),
    )
    sent_at = models.DateTimeField(verbose_name=_("gesendet am"))

    audit_scope: ClassVar[AuditScope] = ("reseller_id", None)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("Wartungshinweis an Kunden")
        verbose_name_plural = _("Wartungshinweise an Kunden")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "reseller"], name="status_notice_once_per_reseller"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.reseller}"


class PageRevision(models.Model):
    """One row counting changes to anything the public page shows; the rendered page is
    cached under this number, so every change shows at once on every web process."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    revision = models.PositiveBigIntegerField(default=0, verbose_name=_("Stand"))
    changed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("geändert am"))

    class Meta:
        verbose_name = _("Stand der Statusseite")
        verbose_name_plural = _("Stand der Statusseite")

    def __str__(self) -> str:
        return f"revision {self.revision}"
