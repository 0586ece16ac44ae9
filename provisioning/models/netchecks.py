"""Network readiness checks of a site (NET-1, NET-2): the per-site upload token of the probe and
the results it uploads, kept as history."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import (
    AuditScope,
    CustomerOwnedModel,
    RevocableSecretModel,
    TenantPath,
    UUIDModel,
    customer_key,
    customer_scope,
)
from .system import Site


class CheckStatus(models.TextChoices):
    PASS = "pass", _("bestanden")
    FAIL = "fail", _("nicht bestanden")
    INCONCLUSIVE = "inconclusive", _("nicht entschieden")


class MeasurementClass(models.TextChoices):
    SCREENING = "screening", _("Vorabmessung")
    CONCLUSIVE = "conclusive", _("aussagekräftig")


class SiteCheckToken(RevocableSecretModel):
    """The secret a site's network check probe uploads its results with.

    One active token per site; it decides which site a result belongs to. Only a SHA-256 hash
    is stored: the token is shown once, at creation. Revoking keeps the row for the history.
    """

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="check_tokens", verbose_name=_("Standort")
    )
    token_hash = models.CharField(_("Token-Hash"), max_length=64, unique=True, editable=False)

    # Customer admins see results, not the tokens that upload them.
    tenant: ClassVar[TenantPath] = TenantPath(
        reseller="site__customer__reseller_id", customer=None, finance=False
    )
    audit_scope: ClassVar[AuditScope] = customer_scope("site")
    audit_secret_fields: ClassVar[frozenset[str]] = frozenset({"token_hash"})

    class Meta(RevocableSecretModel.Meta):
        verbose_name = _("Prüf-Token")
        verbose_name_plural = _("Prüf-Tokens")
        constraints = [
            models.UniqueConstraint(
                fields=["site"],
                condition=models.Q(revoked_at__isnull=True),
                name="sitechecktoken_one_active_per_site",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}…"


class NetworkCheckQuerySet(models.QuerySet["NetworkCheck"]):
    def conclusive(self) -> NetworkCheckQuerySet:
        return self.filter(measurement_class=MeasurementClass.CONCLUSIVE)

    def latest_conclusive(self) -> NetworkCheck | None:
        """The newest decided result: the readiness of a site (``site.network_checks``)."""
        return self.conclusive().order_by("-received_at", "-id").first()

    def newest(self) -> NetworkCheck | None:
        return self.order_by("-received_at", "-id").first()


class NetworkCheck(CustomerOwnedModel, UUIDModel):
    """One result of the network readiness probe for a site, as uploaded (schema-validated) plus
    the platform's own verdict against its thresholds; the client's verdict is kept for
    reference only. ``share_token`` is the unguessable id of the public report link."""

    customer = customer_key("network_checks")
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="network_checks", verbose_name=_("Standort")
    )
    token = models.ForeignKey(
        SiteCheckToken,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="network_checks",
        editable=False,
        verbose_name=_("Prüf-Token"),
    )
    share_token = models.CharField(_("Freigabe-Token"), max_length=64, unique=True, editable=False)
    received_at = models.DateTimeField(_("Empfangen"), auto_now_add=True)
    started_at = models.DateTimeField(_("Beginn"))
    finished_at = models.DateTimeField(_("Ende"))
    schema_version = models.PositiveSmallIntegerField(_("Schema-Version"))
    tool_version = models.CharField(_("Version des Messprogramms"), max_length=32)
    source_ip = models.GenericIPAddressField(_("Absender-IP"), null=True, blank=True)
    result = models.JSONField(
        _("Ergebnis (Rohdaten)"), help_text="The probe's result document (schema-validated)."
    )
    overall = models.CharField(_("Ergebnis"), max_length=12, choices=CheckStatus.choices)
    measurement_class = models.CharField(
        _("Messklasse"), max_length=12, choices=MeasurementClass.choices
    )
    client_overall = models.CharField(
        _("Urteil des Messprogramms"), max_length=12, choices=CheckStatus.choices
    )
    verdicts = models.JSONField(
        _("Einzelurteile"), default=list, help_text="The platform's verdicts per metric."
    )
    thresholds = models.JSONField(
        _("Grenzwerte"), default=dict, help_text="The platform thresholds applied."
    )
    rtt_mean_ms = models.FloatField(_("RTT (ms)"), null=True, blank=True)
    delay_ms = models.FloatField(
        _("Einweg-Verzögerung (ms)"), null=True, blank=True, help_text="Worst mean one-way delay."
    )
    jitter_ms = models.FloatField(
        _("Jitter (ms)"), null=True, blank=True, help_text="Worst mean jitter."
    )
    loss_percent = models.FloatField(
        _("Paketverlust (%)"), null=True, blank=True, help_text="Worst direction."
    )
    mos = models.FloatField(_("MOS"), null=True, blank=True)

    objects = NetworkCheckQuerySet.as_manager()

    tenant: ClassVar[TenantPath] = TenantPath.of_customer(finance=False)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("Netzwerkprüfung")
        verbose_name_plural = _("Netzwerkprüfungen")
        indexes = [
            models.Index(
                fields=["site", "measurement_class", "-received_at"], name="netcheck_site_latest"
            ),
            models.Index(fields=["customer", "-received_at"], name="netcheck_customer_time"),
        ]

    def __str__(self) -> str:
        return f"{_('Netzwerkprüfung')} {self.received_at:%d.%m.%Y %H:%M}"

    @property
    def is_conclusive(self) -> bool:
        return self.measurement_class == MeasurementClass.CONCLUSIVE
