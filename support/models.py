"""Models of the support desk (SUP-1 … SUP-5, TEN-3, OPS-1): tickets with their messages,
attachments and append-only history, the reseller's service desk (service hours, federal state,
escalation contacts), the customer's support settings (support PIN, who may open tickets), and
the outbox of support mails (docs/support.md).

Two levels of tickets, one model: a *first-level* ticket is a customer's, owned by its reseller
(``customer`` set); a *second-level* ticket is the reseller's with the platform (``customer``
empty, ``parent`` the customer's ticket it escalates). The chokepoint reaches tickets through
``customer``, so no customer role ever sees a second-level ticket (TEN-3).
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from provisioning.errors import ApplicationError
from provisioning.models import Customer, FederalState, Reseller, TenantPath
from provisioning.validators import validate_phone

from . import states
from .targets import Severity as TargetSeverity


class Level(models.IntegerChoices):
    FIRST = 1, _("1st Level (Reseller)")
    SECOND = 2, _("2nd Level (Plattform)")


class Kind(models.TextChoices):
    FAULT = "fault", _("Störung")
    SERVICE_REQUEST = "service_request", _("Service- oder Informationsanfrage")
    CHANGE_REQUEST = "change_request", _("Änderungswunsch")


class Severity(models.TextChoices):
    CRITICAL = TargetSeverity.CRITICAL.value, _("kritisch")
    MAJOR = TargetSeverity.MAJOR.value, _("wesentlich")
    MINOR = TargetSeverity.MINOR.value, _("geringfügig")


SEVERITY_HELP = _(
    "Nur bei Störungen. kritisch: keine Anmeldung möglich oder eine Kernfunktion ausgefallen; "
    "wesentlich: eine Funktion gestört, ohne Umgehungsmöglichkeit; geringfügig: eine "
    "Umgehungsmöglichkeit besteht, oder der Kunde stuft die Störung als nicht kritisch ein."
)


class State(models.TextChoices):
    NEW = states.NEW, _("neu")
    ACKNOWLEDGED = states.ACKNOWLEDGED, _("bestätigt")
    IN_PROGRESS = states.IN_PROGRESS, _("in Bearbeitung")
    WAITING = states.WAITING, _("wartet auf Kunden")
    RESOLVED = states.RESOLVED, _("gelöst")
    CLOSED = states.CLOSED, _("geschlossen")


class IdentifiedBy(models.TextChoices):
    LOGIN = "login", _("angemeldet")
    PIN = "pin", _("Support-PIN am Telefon")


class Side(models.TextChoices):
    """Who wrote or did something, for deciding what a reader sees of it."""

    CUSTOMER = "customer", _("Kunde")
    RESELLER = "reseller", _("Reseller")
    PLATFORM = "platform", _("Plattform")
    SYSTEM = "system", _("System")


class ChangeKind(models.TextChoices):
    CREATED = "created", _("angelegt")
    ACKNOWLEDGED = "acknowledged", _("bestätigt")
    STATE = "state", _("Status geändert")
    REOPENED = "reopened", _("wieder geöffnet")
    ASSIGNED = "assigned", _("zugewiesen")
    ESTIMATE = "estimate", _("neue voraussichtliche Lösung")
    ESCALATION = "escalation", _("Eskalationsstufe erhöht")
    ESTIMATE_MISSED = "estimate_missed", _("voraussichtliche Lösung überschritten")
    REACTION_BREACHED = "reaction_breached", _("Reaktionszeit überschritten")
    RESOLUTION_BREACHED = "resolution_breached", _("Lösungszeit überschritten")
    ESCALATED_TO_PLATFORM = "escalated_to_platform", _("an die Plattform eskaliert")
    PLATFORM_TICKET_CHANGED = "platform_ticket_changed", _("Plattform-Ticket geändert")


def default_service_hours() -> dict[str, list[list[str]]]:
    """Monday to Friday, 08:00–17:00 (OPS-1)."""
    return {str(weekday): [["08:00", "17:00"]] for weekday in range(5)}


class SupportDesk(models.Model):
    """A reseller's first-level desk: its service hours per weekday and the federal state whose
    holidays close it (its tickets' clocks count in these hours, SUP-3), and whom a breach or
    an escalation is mailed to (SUP-4). Without a desk a reseller works the platform's hours."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reseller = models.OneToOneField(
        Reseller, on_delete=models.PROTECT, related_name="support_desk", verbose_name=_("Reseller")
    )
    hours = models.JSONField(
        _("Servicezeiten"),
        default=default_service_hours,
        help_text=_('Je Wochentag (0 = Montag) die Zeiträume, z. B. {"0": [["08:00", "17:00"]]}.'),
    )
    federal_state = models.CharField(
        _("Bundesland (Feiertage)"), max_length=2, choices=FederalState.choices, blank=True
    )
    escalation_emails = models.JSONField(_("Eskalationskontakte"), default=list, blank=True)
    management_emails = models.JSONField(_("Geschäftsführung (Stufe 3)"), default=list, blank=True)
    updated_at = models.DateTimeField(_("Geändert"), auto_now=True)

    tenant: ClassVar[TenantPath] = TenantPath(reseller="reseller_id", customer=None, finance=False)
    audit_scope: ClassVar[tuple[str | None, str | None]] = ("reseller_id", None)

    class Meta:
        verbose_name = _("Service-Desk")
        verbose_name_plural = _("Service-Desks")

    def __str__(self) -> str:
        return f"Service-Desk {self.reseller}"


class CustomerSupportSettings(models.Model):
    """How a customer reaches support: its support PIN (stored as a hash), by which the
    reseller identifies a caller on the phone (SUP-6), and whether its end users may open
    tickets themselves or only its admins (SUP-5)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.OneToOneField(
        Customer, on_delete=models.PROTECT, related_name="support_settings", verbose_name=_("Kunde")
    )
    support_pin = models.CharField(_("Support-PIN (Hash)"), max_length=128, blank=True)
    end_users_may_open_tickets = models.BooleanField(
        _("Benutzer dürfen Tickets eröffnen"), default=False
    )
    updated_at = models.DateTimeField(_("Geändert"), auto_now=True)

    tenant: ClassVar[TenantPath] = TenantPath(
        reseller="customer__reseller_id", customer="customer_id", finance=False
    )
    audit_scope: ClassVar[tuple[str | None, str | None]] = ("customer.reseller_id", "customer_id")
    audit_secret_fields: ClassVar[frozenset[str]] = frozenset({"support_pin"})

    class Meta:
        verbose_name = _("Support-Einstellungen des Kunden")
        verbose_name_plural = _("Support-Einstellungen der Kunden")

    def __str__(self) -> str:
        return f"Support {self.customer}"

    @property
    def has_pin(self) -> bool:
        return bool(self.support_pin)


TICKET_NUMBER_BASE = 100000


class TicketSerial(models.Model):
    """One row per ticket number handed out: the database's own counter makes numbers unique
    without a lock (a rolled-back ticket leaves a gap, which is fine)."""

    id = models.BigAutoField(primary_key=True)

    class Meta:
        verbose_name = _("Ticketnummer")
        verbose_name_plural = _("Ticketnummern")

    def __str__(self) -> str:
        return f"T-{TICKET_NUMBER_BASE + self.pk}"


class Ticket(models.Model):
    """A support ticket (SUP-1 … SUP-5).

    What the reporter says (company, person, contact, description, first observed, workstations,
    reproducible, affected services, kind and severity), who handles it (``assignee``), where
    it stands (``state`` with its history in ``changes``), and its service-level clocks:
    ``reaction_due_at`` and ``resolution_due_at`` are computed from the desk's service hours
    and stored (empty while the ticket waits for the customer), ``next_check_at`` is the
    earliest moment the periodic check has something to do, so it finds its work with one
    indexed query (SUP-3, SUP-4).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("Ticketnummer"), max_length=20, unique=True, editable=False)
    level = models.PositiveSmallIntegerField(_("Ebene"), choices=Level.choices, default=Level.FIRST)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalations",
        verbose_name=_("Kundenticket"),
    )
    reseller = models.ForeignKey(
        Reseller, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("Reseller")
    )
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("Kunde"),
    )
    title = models.CharField(_("Betreff"), max_length=200)
    description = models.TextField(_("Beschreibung"))
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    severity = models.CharField(
        _("Schweregrad"),
        max_length=10,
        choices=Severity.choices,
        blank=True,
        help_text=SEVERITY_HELP,
    )
    reporter_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_tickets",
        verbose_name=_("Zugang des Meldenden"),
    )
    identified_by = models.CharField(
        _("Identifiziert durch"), max_length=10, choices=IdentifiedBy.choices
    )
    reporter_name = models.CharField(_("Name des Meldenden"), max_length=200)
    reporter_phone = models.CharField(
        _("Telefon des Meldenden"), max_length=30, blank=True, validators=[validate_phone]
    )
    reporter_email = models.EmailField(_("E-Mail des Meldenden"), blank=True)
    first_observed_at = models.DateTimeField(_("Zuerst bemerkt"), null=True, blank=True)
    all_workstations = models.BooleanField(_("Alle Arbeitsplätze betroffen"), default=False)
    affected_workstations = models.CharField(
        _("Betroffene Arbeitsplätze"), max_length=500, blank=True
    )
    reproducible = models.BooleanField(_("Reproduzierbar"), null=True, blank=True)
    services = models.ManyToManyField(
        "status.Component",
        blank=True,
        related_name="tickets",
        verbose_name=_("Betroffene Dienste"),
    )
    reseller_reference = models.CharField(
        _("Ticketnummer des Resellers"), max_length=100, blank=True
    )
    state = models.CharField(_("Status"), max_length=24, choices=State.choices, default=State.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        verbose_name=_("Bearbeiter"),
    )
    received_at = models.DateTimeField(_("Eingegangen"))
    acknowledged_at = models.DateTimeField(_("Bestätigt"), null=True, blank=True)
    estimated_resolution_at = models.DateTimeField(
        _("Voraussichtliche Lösung"), null=True, blank=True
    )
    estimate_missed_at = models.DateTimeField(
        _("Voraussichtliche Lösung überschritten"), null=True, blank=True
    )
    escalation_level = models.PositiveSmallIntegerField(_("Eskalationsstufe"), default=0)
    resolved_at = models.DateTimeField(_("Gelöst"), null=True, blank=True)
    closed_at = models.DateTimeField(_("Geschlossen"), null=True, blank=True)
    reaction_due_at = models.DateTimeField(_("Reaktion fällig"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("Lösung fällig"), null=True, blank=True)
    reaction_breached_at = models.DateTimeField(
        _("Reaktionszeit überschritten"), null=True, blank=True
    )
    resolution_breached_at = models.DateTimeField(
        _("Lösungszeit überschritten"), null=True, blank=True
    )
    next_check_at = models.DateTimeField(_("Nächste Prüfung"), null=True, blank=True)
    created_at = models.DateTimeField(_("Angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Geändert"), auto_now=True)

    tenant: ClassVar[TenantPath] = TenantPath(
        reseller="reseller_id",
        customer="customer_id",
        own_account="reporter_account_id",
        finance=False,
    )
    audit_scope: ClassVar[tuple[str | None, str | None]] = ("reseller_id", "customer_id")

    class Meta:
        ordering = ["-received_at", "-number"]
        verbose_name = _("Ticket")
        verbose_name_plural = _("Tickets")
        indexes = [
            models.Index(fields=["next_check_at"], name="support_ticket_next_check"),
            models.Index(fields=["reseller", "state"], name="support_ticket_reseller_state"),
            models.Index(fields=["customer", "state"], name="support_ticket_customer_state"),
            models.Index(fields=["level", "state"], name="support_ticket_level_state"),
            # A desk's queue sorted by time left (the first page without sorting every row).
            models.Index(
                fields=["reseller", "resolution_due_at"], name="support_ticket_queue_resol"
            ),
            models.Index(fields=["reseller", "reaction_due_at"], name="support_ticket_queue_react"),
        ]
        constraints = [
            models.CheckConstraint(
                name="support_ticket_level_customer",
                condition=models.Q(level=1, customer__isnull=False)
                | models.Q(level=2, customer__isnull=True),
            ),
            models.CheckConstraint(
                name="support_ticket_severity_only_for_faults",
                condition=models.Q(kind="fault") | models.Q(severity=""),
            ),
            models.CheckConstraint(
                name="support_ticket_escalation_level",
                condition=models.Q(escalation_level__lte=3),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_second_level(self) -> bool:
        return self.level == Level.SECOND

    @property
    def is_open(self) -> bool:
        return self.state in states.OPEN


class TicketHistoryQuerySet(models.QuerySet["TicketChange"]):
    def update(self, **kwargs: Any) -> int:
        raise ApplicationError("ticket_history_append_only", "Ticket history cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ApplicationError("ticket_history_append_only", "Ticket history cannot be deleted.")


class TicketChange(models.Model):
    """One entry of a ticket's history: a state change, the acknowledgment, an assignment, a
    new estimate, a breach, an escalation level (SUP-4) or the escalation to the platform.

    Append-only. ``internal`` entries are for the side that works the ticket; the customer
    never reads them. ``actor_side`` decides whose name a reader sees (platform staff's names
    never reach a customer, TEN-3).
    """

    id = models.BigAutoField(primary_key=True)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.PROTECT, related_name="changes", verbose_name=_("Ticket")
    )
    kind = models.CharField(_("Art"), max_length=30, choices=ChangeKind.choices)
    from_state = models.CharField(_("von"), max_length=24, choices=State.choices, blank=True)
    to_state = models.CharField(_("nach"), max_length=24, choices=State.choices, blank=True)
    data = models.JSONField(_("Angaben"), default=dict, blank=True)
    note = models.TextField(_("Bemerkung"), blank=True)
    internal = models.BooleanField(_("Intern"), default=False)
    # Who, as text and side (the audit log has the account): deleting an account never has
    # to touch this append-only table.
    actor_name = models.CharField(_("Wer"), max_length=150)
    actor_side = models.CharField(_("Seite"), max_length=10, choices=Side.choices)
    at = models.DateTimeField(_("Zeitpunkt"))

    objects = TicketHistoryQuerySet.as_manager()

    class Meta:
        ordering = ["ticket", "id"]
        verbose_name = _("Ticketverlauf")
        verbose_name_plural = _("Ticketverlauf")
        indexes = [models.Index(fields=["ticket", "kind"], name="support_change_ticket_kind")]

    def __str__(self) -> str:
        return f"{self.ticket.number} · {self.kind} · {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ApplicationError(
                "ticket_history_append_only", "Ticket history cannot be changed."
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ApplicationError("ticket_history_append_only", "Ticket history cannot be deleted.")


def _public_customer_id(ticket: Ticket, internal: bool) -> uuid.UUID | None:
    """The customer whose audit log may show an entry: only a public entry of its own ticket."""
    return None if internal else ticket.customer_id


class TicketMessage(models.Model):
    """A public reply or an internal note on a ticket (SUP-5). Internal notes are read only by
    the side that works the ticket: the reseller on a first-level ticket, platform staff on a
    second-level one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.PROTECT, related_name="messages", verbose_name=_("Ticket")
    )
    internal = models.BooleanField(_("Interne Notiz"), default=False)
    body = models.TextField(_("Text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Verfasser"),
    )
    author_name = models.CharField(_("Name des Verfassers"), max_length=150)
    author_side = models.CharField(_("Seite"), max_length=10, choices=Side.choices)
    mail_message_id = models.CharField(
        _("Message-ID der E-Mail"), max_length=255, null=True, blank=True, unique=True
    )
    created_at = models.DateTimeField(_("Geschrieben"))

    tenant: ClassVar[TenantPath] = TenantPath(
        reseller="ticket__reseller_id",
        customer="ticket__customer_id",
        own_account="ticket__reporter_account_id",
        finance=False,
    )
    audit_scope: ClassVar[tuple[str | None, str | None]] = (
        "ticket.reseller_id",
        "audit_customer_id",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("Ticketnachricht")
        verbose_name_plural = _("Ticketnachrichten")
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="support_message_ticket_time")
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number} · {self.author_name}"

    @property
    def audit_customer_id(self) -> uuid.UUID | None:
        return _public_customer_id(self.ticket, self.internal)


class TicketAttachment(models.Model):
    """A file attached to a ticket (screenshots, logs, traces), at most the configured size and
    of an allowed type, stored under MEDIA_ROOT like uploaded audio. Internal attachments are
    read like internal notes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("Ticket")
    )
    message = models.ForeignKey(
        TicketMessage,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("Nachricht"),
    )
    internal = models.BooleanField(_("Intern"), default=False)
    file = models.FileField(_("Datei"), max_length=255)
    name = models.CharField(_("Dateiname"), max_length=255)
    content_type = models.CharField(_("Inhaltstyp"), max_length=100)
    size = models.PositiveIntegerField(_("Größe (Byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Hochgeladen von"),
    )
    uploaded_by_name = models.CharField(_("Name"), max_length=150)
    uploader_side = models.CharField(_("Seite"), max_length=10, choices=Side.choices)
    created_at = models.DateTimeField(_("Hochgeladen"))

    tenant: ClassVar[TenantPath] = TicketMessage.tenant
    audit_scope: ClassVar[tuple[str | None, str | None]] = (
        "ticket.reseller_id",
        "audit_customer_id",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("Ticketanhang")
        verbose_name_plural = _("Ticketanhänge")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_customer_id(self) -> uuid.UUID | None:
        return _public_customer_id(self.ticket, self.internal)


class MailState(models.TextChoices):
    PENDING = "pending", _("wartet")
    SENDING = "sending", _("wird gesendet")
    SENT = "sent", _("gesendet")
    FAILED = "failed", _("fehlgeschlagen")


class TicketMail(models.Model):
    """One support mail to one recipient (receipt, acknowledgment, reply, breach, escalation),
    written in the transaction of its cause. ``key`` is unique per cause and recipient, so
    writing it twice writes nothing new; a sender claims a row with a conditional update
    before sending it, so a repeated task never sends it twice."""

    id = models.BigAutoField(primary_key=True)
    key = models.CharField(_("Schlüssel"), max_length=200, unique=True)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.PROTECT, related_name="mails", verbose_name=_("Ticket")
    )
    recipient = models.EmailField(_("Empfänger"))
    subject = models.CharField(_("Betreff"), max_length=300)
    body = models.TextField(_("Text"))
    headers = models.JSONField(_("Kopfzeilen"), default=dict, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    state = models.CharField(
        _("Zustand"), max_length=8, choices=MailState.choices, default=MailState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    claimed_at = models.DateTimeField(_("reserviert am"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gesendet am"), null=True, blank=True)
    last_error = models.CharField(_("letzter Fehler"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("Angelegt"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("Support-E-Mail")
        verbose_name_plural = _("Support-E-Mails")
        indexes = [models.Index(fields=["state", "claimed_at"], name="support_mail_state")]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"


class OutageReport(models.Model):
    """The reason-for-outage report of a resolved fault (SUP-5): what happened, why, what was
    done, written by the reseller working the ticket or by platform staff. The reseller reads
    it always; the customer only once the reseller shares it (``shared_with_customer``). It
    may name the status page incident of the same outage (``status_event``); the public page
    never shows the report (docs/support.md)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.OneToOneField(
        Ticket, on_delete=models.PROTECT, related_name="outage_report", verbose_name=_("Ticket")
    )
    text = models.TextField(_("Bericht"))
    shared_with_customer = models.BooleanField(_("Für den Kunden freigegeben"), default=False)
    status_event = models.ForeignKey(
        "status.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outage_reports",
        verbose_name=_("Störungsmeldung der Statusseite"),
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Verfasst von"),
    )
    written_by_name = models.CharField(_("Name"), max_length=150)
    writer_side = models.CharField(_("Seite"), max_length=10, choices=Side.choices)
    created_at = models.DateTimeField(_("Angelegt"))
    updated_at = models.DateTimeField(_("Geändert"))

    tenant: ClassVar[TenantPath] = TicketMessage.tenant
    audit_scope: ClassVar[tuple[str | None, str | None]] = (
        "ticket.reseller_id",
        "audit_customer_id",
    )

    class Meta:
        verbose_name = _("Störungsbericht")
        verbose_name_plural = _("Störungsberichte")

    def __str__(self) -> str:
        return f"Störungsbericht {self.ticket.number}"

    @property
    def audit_customer_id(self) -> uuid.UUID | None:
        """The customer's audit log shows the report once it is shared with it."""
        return _public_customer_id(self.ticket, not self.shared_with_customer)
