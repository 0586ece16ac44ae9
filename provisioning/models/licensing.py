"""Licenses (LIC-1 … LIC-6) and their append-only ledger, which billing reads."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import AppendOnlyModel, CustomerOwnedModel, customer_key


class LicenseType(models.TextChoices):
    GRUNDLIZENZ = "grundlizenz", "Grundlizenz"
    ERWEITERTE_GRUNDLIZENZ = "erweiterte_grundlizenz", "Erweiterte Grundlizenz"
    DEMOLIZENZ = "demolizenz", "Demolizenz"
    WEITERER_STANDORT = "weiterer_standort", "Weiterer Standort"
    KLARE_STIMME = "klare_stimme", "Klare stimme"
    KLINGENDE_STIMME = "klingende_stimme", "Klingende stimme"
    VOLLE_STIMME = "volle_stimme", "Volle stimme"


BASE_LICENSES = (
    LicenseType.GRUNDLIZENZ,
    LicenseType.ERWEITERTE_GRUNDLIZENZ,
    LicenseType.DEMOLIZENZ,
)
PACKAGES = (LicenseType.KLARE_STIMME, LicenseType.KLINGENDE_STIMME, LicenseType.VOLLE_STIMME)


class LedgerKind(models.TextChoices):
    ASSIGN = "assign", _("zugewiesen")
    RELEASE = "release", _("freigegeben")


class LicenseEvent(CustomerOwnedModel, AppendOnlyModel):
    """One row of the license ledger (LIC-6): a license assigned or released at an instant.

    A *holding* is one license from assignment to release; its two rows share ``holding``.
    Rows are only ever added: on PostgreSQL a trigger refuses UPDATE and DELETE. Billing counts
    the peak of simultaneous holdings per customer and license type from these rows alone.
    """

    id = models.BigAutoField(primary_key=True)
    public_id = models.UUIDField(
        _("Öffentliche ID"), default=uuid.uuid4, unique=True, editable=False
    )
    customer = customer_key("license_events")
    license_type = models.CharField(_("Lizenz"), max_length=30, choices=LicenseType.choices)
    kind = models.CharField(_("Buchungsart"), max_length=10, choices=LedgerKind.choices)
    effective_at = models.DateTimeField(_("Wirksam ab"))
    holding = models.UUIDField(_("Lizenzbestand"), db_index=True)
    subject_type = models.CharField(
        _("Art des Gegenstands"), max_length=20
    )  # customer / site / user
    subject_id = models.UUIDField(_("ID des Gegenstands"))
    subject_label = models.CharField(_("Gegenstand"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("Erfasst"), auto_now_add=True)

    append_only = ("ledger_append_only", "License ledger rows")

    class Meta:
        ordering = ["effective_at", "id"]
        verbose_name = _("Lizenzbuchung")
        verbose_name_plural = _("Lizenzbuch")
        constraints = [
            models.UniqueConstraint(
                fields=["holding", "kind"], name="ledger_one_assign_one_release"
            )
        ]
        indexes = [
            models.Index(
                fields=["effective_at", "customer", "license_type", "kind"],
                name="ledger_time_customer_type",
            ),
            models.Index(fields=["customer", "effective_at"], name="ledger_customer_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_license_type_display()} {self.get_kind_display()} {self.subject_label}"
