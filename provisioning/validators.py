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


_POSTAL_CODE_RE = re.compile(r"[0-9A-Za-z -]{3,10}")
_DE_POSTAL_CODE_RE = re.compile(r"[0-9]{5}")


def validate_postal_code(value: str) -> None:
    """The loose rule for any country: 3–10 letters, digits, blanks or hyphens."""
    if not _POSTAL_CODE_RE.fullmatch(value):
        raise ValidationError(_("Keine gültige Postleitzahl."), code="postal_code")


def validate_postal_code_for_country(value: str, country: str) -> None:
    """The rule of ``country`` on top of the loose one: a German postcode is exactly five
    digits. A value the loose rule refuses is left to it, so one message says what is wrong."""
    if (
        country == "DE"
        and _POSTAL_CODE_RE.fullmatch(value or "")
        and not _DE_POSTAL_CODE_RE.fullmatch(value)
    ):
        raise ValidationError(
            _("Eine deutsche Postleitzahl hat genau fünf Ziffern, z. B. 10115."),
            code="postal_code_de",
        )


def clean_postal_code(
    instance: object,
    postal_field: str = "postal_code",
    country_field: str = "country",
    *,
    loose: bool = False,
) -> None:
    """For a model's ``clean()``: the postcode checked against the country, as an error on
    ``postal_field``; ``loose`` also applies the loose rule (for a field without it)."""
    value = getattr(instance, postal_field) or ""
    if not value:
        return
    try:
        if loose:
            validate_postal_code(value)
        validate_postal_code_for_country(value, getattr(instance, country_field) or "")
    except ValidationError as exc:
        raise ValidationError({postal_field: exc.error_list}) from None


# Number blocks (TRK-2) ---------------------------------------------------------------------------

_BASE_NUMBER_EXAMPLE = "+49 30 1234567"


def validate_base_number(typed: str, first_extension: int = 0, last_extension: int = 0) -> str:
    """The E.164 base number of a block from what the user typed: the base followed by the
    first and by the last extension must both be valid numbers. A refusal speaks of what was
    typed (``12345``), never of the normalised form (``+49123450``)."""
    typed = (typed or "").strip()
    try:
        number = phonenumbers.parse(typed, "DE")
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _(
                "„%(typed)s“ ist keine Rufnummer: Bitte die Stammnummer mit Vorwahl eingeben, "
                "z. B. %(example)s."
            ),
            code="base_number",
            params={"typed": typed, "example": _BASE_NUMBER_EXAMPLE},
        ) from None
    base = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    german = phonenumbers.region_code_for_country_code(number.country_code or 0) == "DE"
    for extension in sorted({first_extension, last_extension}):
        try:
            full = phonenumbers.parse(f"{base}{extension}", None)
        except phonenumbers.NumberParseException:
            full = None
        if full is not None and phonenumbers.is_valid_number(full):
            continue
        possible = (
            phonenumbers.is_possible_number_with_reason(full)
            if full is not None
            else phonenumbers.ValidationResult.TOO_LONG
        )
        if possible == phonenumbers.ValidationResult.TOO_LONG:
            reason = _("Mit der Durchwahl %(extension)s hat sie zu viele Ziffern.")
        elif possible == phonenumbers.ValidationResult.TOO_SHORT:
            reason = _(
                "Zu wenige Ziffern; bitte die Stammnummer mit Vorwahl eingeben, z. B. %(example)s."
            )
        else:
            reason = _(
                "Diese Vorwahl und Rufnummer gibt es nicht; bitte die Stammnummer mit Vorwahl "
                "eingeben, z. B. %(example)s."
            )
        message = (
            _("%(typed)s ist keine gültige deutsche Rufnummer: %(reason)s")
            if german
            else _("%(typed)s ist keine gültige Rufnummer: %(reason)s")
        )
        params = {"typed": typed, "extension": extension, "example": _BASE_NUMBER_EXAMPLE}
        raise ValidationError(
            message, code="base_number", params={**params, "reason": str(reason) % params}
        )
    return base


# Voicemail (FEA-9) --------------------------------------------------------------------------------

PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 8
_DIGIT_RUNS = "0123456789"


def _is_trivial_pin(pin: str) -> bool:
    """All one digit (0000) or a straight run up or down (1234, 4321, 123456)."""
    return len(set(pin)) == 1 or pin in _DIGIT_RUNS or pin in _DIGIT_RUNS[::-1]


def validate_voicemail_pin(pin: str, *, extension: str = "") -> None:
    """A voicemail PIN: 4–8 digits, not trivial, not the owner's extension. Messages never
    repeat the PIN."""
    if not pin:
        return
    if not (pin.isascii() and pin.isdigit()) or not (PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS):
        raise ValidationError(
            _("Eine PIN besteht aus %(min)s bis %(max)s Ziffern."),
            code="pin_format",
            params={"min": PIN_MIN_DIGITS, "max": PIN_MAX_DIGITS},
        )
    if _is_trivial_pin(pin):
        raise ValidationError(
            _(
                "Diese PIN ist zu leicht zu erraten: nicht nur eine Ziffer wiederholt und keine "
                "auf- oder absteigende Ziffernfolge."
            ),
            code="pin_trivial",
        )
    if extension and pin == extension:
        raise ValidationError(
            _("Die PIN darf nicht die eigene Durchwahl sein."), code="pin_extension"
        )
