"""The second factor of a login (TEN-4): a time-based one-time password (TOTP, RFC 6238) app
and ten one-time recovery codes. Required for platform staff and platform finance, and for a
reseller's admins when the reseller asks for it; API keys are not affected."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import AuditScope, CreatedModel, TenantPath
from .tenancy import Account

OF_ACCOUNT = TenantPath(reseller="account__reseller_id", customer=None, finance=False)
"""Seen by platform staff and, for its own admins' logins, the reseller."""
ACCOUNT_SCOPE: AuditScope = ("account.reseller_id", None)


class SecondFactor(CreatedModel):
    """An account's authenticator app: the shared secret (encrypted at rest), confirmed once the
    first code matched; the last time step used, so a code is accepted only once."""

    account = models.OneToOneField(
        Account,
        on_delete=models.CASCADE,
        related_name="second_factor",
        verbose_name=_("Zugang"),
    )
    secret = models.CharField(_("Geheimnis"), max_length=300, editable=False)
    confirmed_at = models.DateTimeField(_("eingerichtet am"), null=True, blank=True)
    last_step = models.BigIntegerField(_("zuletzt genutzter Zeitschritt"), null=True, blank=True)

    tenant: ClassVar[TenantPath] = OF_ACCOUNT
    audit_scope: ClassVar[AuditScope] = ACCOUNT_SCOPE
    audit_secret_fields: ClassVar[frozenset[str]] = frozenset({"secret"})

    class Meta:
        verbose_name = _("Zweiter Faktor")
        verbose_name_plural = _("Zweite Faktoren")

    def __str__(self) -> str:
        return str(_("Authenticator-App von %(account)s") % {"account": self.account.username})


class RecoveryCode(CreatedModel):
    """One of ten recovery codes of an account: only a SHA-256 hash is stored; each works once."""

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="recovery_codes",
        verbose_name=_("Zugang"),
    )
    code_hash = models.CharField(_("Code-Hash"), max_length=64, unique=True, editable=False)
    used_at = models.DateTimeField(_("benutzt am"), null=True, blank=True)

    tenant: ClassVar[TenantPath] = OF_ACCOUNT
    audit_scope: ClassVar[AuditScope] = ACCOUNT_SCOPE
    audit_secret_fields: ClassVar[frozenset[str]] = frozenset({"code_hash"})

    class Meta:
        verbose_name = _("Wiederherstellungscode")
        verbose_name_plural = _("Wiederherstellungscodes")

    def __str__(self) -> str:
        return str(_("Wiederherstellungscode von %(account)s") % {"account": self.account.username})
