"""Field rules of billing input shared by the API serializers and the portal forms: bank
account numbers as printed on invoices and used for SEPA direct-debit mandates."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_IBAN_RE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
_BIC_RE = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
_IBAN_LENGTHS = {"DE": 22, "AT": 20, "CH": 21, "NL": 18, "BE": 16, "FR": 27, "LU": 20, "IT": 27}
"""Lengths of the countries our customers bank in; other countries are checked by checksum."""


def normalize_iban(value: str) -> str:
    """``de89 3704 0044 0532 0130 00`` → ``DE89370400440532013000``."""
    return re.sub(r"\s+", "", value or "").upper()


def normalize_bic(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def iban_is_valid(value: str) -> bool:
    """Format, country length and the ISO 7064 mod-97 check digits of a normalized IBAN."""
    if not _IBAN_RE.match(value):
        return False
    expected = _IBAN_LENGTHS.get(value[:2])
    if expected is not None and len(value) != expected:
        return False
    digits = "".join(str(int(char, 36)) for char in value[4:] + value[:4])
    return int(digits) % 97 == 1


def validate_iban(value: str) -> None:
    """A normalized IBAN (empty is allowed; callers decide whether it is required)."""
    if value and not iban_is_valid(value):
        raise ValidationError(
            _("Diese IBAN ist ungültig. Bitte prüfen Sie Ländercode, Länge und Prüfziffern."),
            code="iban",
        )


def validate_bic(value: str) -> None:
    """A normalized BIC of 8 or 11 characters (empty is allowed)."""
    if value and not _BIC_RE.match(value):
        raise ValidationError(_("Ein BIC hat 8 oder 11 Zeichen, z. B. COBADEFFXXX."), code="bic")
