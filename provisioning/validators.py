"""Field rules shared by models, API serializers and portal forms."""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_VAT_RE = re.compile(r"^[A-Z]{2}[0-9A-Z+*.]{2,12}$")
_DE_VAT_RE = re.compile(r"^DE[0-9]{9}$")
COUNTRY_CODES = frozenset(phonenumbers.SUPPORTED_REGIONS)


def validate_vat_id(value: str) -> None:
    """An EU VAT id: country prefix and 2–12 characters; German ids are DE and nine digits."""
    if not value:
        return
    if not _VAT_RE.match(value):
        raise ValidationError(
            _("Eine USt-IdNr. beginnt mit dem Ländercode, z. B. DE123456789."), code="vat_id"
        )
    if value.startswith("DE") and not _DE_VAT_RE.match(value):
        raise ValidationError(
            _("Eine deutsche USt-IdNr. besteht aus DE und neun Ziffern."), code="vat_id"
        )


def validate_country(value: str) -> None:
    if value not in COUNTRY_CODES:
        raise ValidationError(
            _("Ländercode nach ISO 3166, zwei Großbuchstaben, z. B. DE."), code="country"
        )


def validate_phone(value: str) -> None:
    """A dialable number in international form, e.g. +49 30 1234567."""
    if not value:
        return
    try:
        number = phonenumbers.parse(value, "DE")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("Keine gültige Telefonnummer."), code="phone") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Keine gültige Telefonnummer."), code="phone")


def normalize_phone(value: str) -> str:
    if not value:
        return value
    return phonenumbers.format_number(
        phonenumbers.parse(value, "DE"), phonenumbers.PhoneNumberFormat.E164
    )


def validate_postal_code(value: str) -> None:
    if not re.fullmatch(r"[0-9A-Za-z -]{3,10}", value):
        raise ValidationError(_("Keine gültige Postleitzahl."), code="postal_code")
