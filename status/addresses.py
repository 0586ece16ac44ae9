"""Subscriber addresses (STA-5): e-mail addresses and mobile numbers entered with a country."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from provisioning.errors import ApplicationError

# Countries offered for SMS numbers, Germany first (the default): code, German and English name.
SMS_COUNTRIES: tuple[tuple[str, str, str], ...] = (
    ("DE", "Deutschland", "Germany"),
    ("AT", "Österreich", "Austria"),
    ("CH", "Schweiz", "Switzerland"),
    ("NL", "Niederlande", "Netherlands"),
    ("BE", "Belgien", "Belgium"),
    ("LU", "Luxemburg", "Luxembourg"),
    ("FR", "Frankreich", "France"),
    ("DK", "Dänemark", "Denmark"),
    ("PL", "Polen", "Poland"),
    ("CZ", "Tschechien", "Czechia"),
    ("IT", "Italien", "Italy"),
    ("ES", "Spanien", "Spain"),
    ("GB", "Vereinigtes Königreich", "United Kingdom"),
    ("SE", "Schweden", "Sweden"),
    ("US", "USA", "United States"),
)
SMS_COUNTRY_CODES = frozenset(code for code, _, _ in SMS_COUNTRIES)
_MOBILE_TYPES = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)


def country_choices(lang: str) -> list[tuple[str, str]]:
    column = 2 if lang == "en" else 1
    return [
        (row[0], f"{row[column]} (+{phonenumbers.country_code_for_region(row[0])})")
        for row in SMS_COUNTRIES
    ]


def normalize_email(address: str) -> str:
    """Lower-case and trimmed, so the same mailbox is one subscription."""
    address = (address or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise ApplicationError(
            "invalid_email",
            "Enter a valid e-mail address.",
            fields={"address": ["Enter a valid e-mail address."]},
        ) from None
    return address


def normalize_mobile(number: str, country: str = "DE") -> str:
    """A mobile number typed nationally (``0151 2345678``) or internationally, as E.164."""
    if country not in SMS_COUNTRY_CODES:
        raise ApplicationError(
            "invalid_country", "Choose a country.", fields={"country": ["Choose a country."]}
        )
    try:
        parsed = phonenumbers.parse((number or "").strip(), country)
    except phonenumbers.NumberParseException:
        parsed = None
    if (
        parsed is None
        or not phonenumbers.is_valid_number(parsed)
        or phonenumbers.number_type(parsed) not in _MOBILE_TYPES
    ):
        raise ApplicationError(
            "invalid_mobile_number",
            "Enter a valid mobile number.",
            fields={"address": ["Enter a valid mobile number."]},
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
