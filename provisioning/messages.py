"""One catalogue of what people read when a rule refuses something, per error code.

Services raise ``ApplicationError(code, message, params=…)``; the API's error handler and the
portal (``portal/refusals.py``) both turn it into text here, in the language of the request:
the catalogue's message of ``code`` (a German msgid; English in ``portal/locale/en``) filled
with the error's ``params``. Where the active language has no translation of a message, or a
code has none, the service's own English ``message`` is used.

Every code raised anywhere has an entry (a test checks). ``provisioning`` never imports
``billing``, so billing adds its codes with :func:`register` from ``billing/messages.py`` when
its app is ready.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N

from telephony.text import Text

from .errors import ApplicationError
from .i18n import localized, translated
from .telephony_texts import say

__all__ = ["codes", "field_messages", "message", "register", "text_for"]

_CATALOGUE: dict[str, str] = {}


def register(messages: Mapping[str, str]) -> None:
    """Add the messages of an app's codes (German msgids marked with ``gettext_noop``)."""
    for code, msgid in messages.items():
        if _CATALOGUE.get(code, msgid) != msgid:
            raise ValueError(f"two messages for the error code {code!r}")
        _CATALOGUE[code] = msgid


def codes() -> frozenset[str]:
    """Every code the catalogue has a message for."""
    return frozenset(_CATALOGUE)


def _param(value: Any) -> str:
    if isinstance(value, Text):
        return say(value)
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_param(item) for item in value)
    return localized(value)


def _fill(template: str, params: Mapping[str, Any]) -> str | None:
    try:
        return template % {name: _param(value) for name, value in params.items()}
    except (KeyError, TypeError, ValueError):
        return None  # a message naming a detail this raise did not give


def message(error: ApplicationError) -> str:
    """What people read about ``error``, in the active language."""
    msgid = _CATALOGUE.get(error.code)
    template = translated(msgid) if msgid is not None else None
    if template is None:
        return error.message
    return _fill(template, error.params) or error.message


def field_messages(error: ApplicationError) -> dict[str, list[str]]:
    """The error's ``fields`` with the catalogue's message beside each (the service's English
    field messages where the active language has no translation)."""
    msgid = _CATALOGUE.get(error.code)
    if msgid is None or translated(msgid) is None or not error.fields:
        return {name: list(texts) for name, texts in error.fields.items()}
    text = message(error)
    return {name: [text] for name in error.fields}


def text_for(code: str, **params: Any) -> str:
    """The message of ``code`` in the active language, for a form that checks the same rule
    before calling the service."""
    template = gettext(_CATALOGUE[code])
    return _fill(template, params) or template


register(
    {
        # Access and tenancy
        "permission_denied": N("Ihre Rolle darf diese Änderung nicht vornehmen."),
        "customer_suspended": N(
            "Diese Telefonanlage ist gesperrt und nur lesbar. Bitte wenden Sie sich an Ihren "
            "Fachhändler."
        ),
        "not_found": N("Unbekannter Eintrag."),
        "invalid": N("Unbekannte Kennung."),
        "unknown_fields": N("Einige Angaben können hier nicht gesetzt werden."),
        "customer_name_taken": N("Dieser Reseller hat bereits einen Kunden namens „%(name)s“."),
        "invalid_state": N("Bitte wählen Sie „aktiv“ oder „gesperrt“."),
        "username_taken": N("Es gibt bereits eine Anmeldung mit diesem Namen."),
        "name_required": N("Bitte geben Sie einen Namen an."),
        "api_key_name_taken": N("Sie haben bereits einen aktiven Schlüssel mit diesem Namen."),
        "audit_append_only": N(
            "Einträge des Änderungsprotokolls können weder geändert noch gelöscht werden."
        ),
        # Licenses
        "base_license_required": N("Bitte buchen Sie zuerst die Grundlizenz des Kunden."),
        "invalid_base_license": N(
            "Bitte wählen Sie Grundlizenz, Erweiterte Grundlizenz oder Demolizenz."
        ),
        "demo_only_for_new_customers": N(
            "Eine Demolizenz kann nur die erste Grundlizenz eines Kunden sein."
        ),
        "demo_limits_exceeded": N(
            "Eine Demo umfasst höchstens 3 Benutzer und einen SIP-Trunk; der Kunde hat schon mehr."
        ),
        "demo_user_limit": N(
            "Eine Demo umfasst höchstens 3 Benutzer. Für weitere Benutzer braucht der Kunde eine "
            "Grundlizenz."
        ),
        "demo_trunk_limit": N(
            "Eine Demo umfasst höchstens einen SIP-Trunk. Für weitere braucht der Kunde eine "
            "Grundlizenz."
        ),
        "unknown_holding": N("Diese Lizenzbuchung gibt es nicht."),
        "holding_released": N("Diese Lizenz wurde bereits freigegeben."),
        "ledger_append_only": N("Einträge des Lizenzjournals können nicht geändert werden."),
        # Sites, trunks, numbers
        "site_name_taken": N("Der Kunde hat bereits einen Standort namens „%(name)s“."),
        "extra_site_license_required": N(
            "Jeder weitere Standort braucht die Lizenz „Weiterer Standort“ (monatlich "
            "berechnet). Bitte bestätigen Sie die Buchung."
        ),
        "site_in_use": N(
            "Der Standort hat noch Benutzer, einen SIP-Trunk oder Geräte. Verschieben oder "
            "entfernen Sie diese zuerst."
        ),
        "site_trunk_limit": N(
            "Dieser Standort hat bereits seinen SIP-Trunk; mehr als einer geht nicht."
        ),
        "provider_name_required": N("Bitte nennen Sie den Anbieter."),
        "isdn_gateway_required": N(
            "Für ISDN am Standort muss zuerst ein IP411-Gateway an diesem Standort registriert "
            "sein."
        ),
        "isdn_mode_required": N("Bitte wählen Sie die Art des ISDN-Anschlusses."),
        "registrar_required": N("Ein SIP-Anschluss braucht den Registrar des Anbieters."),
        "trunk_in_use": N("Entfernen Sie zuerst die Rufnummernblöcke dieses SIP-Trunks."),
        "invalid_number": N(
            "Keine gültige Rufnummer. Bitte international eingeben, z. B. +49 30 1234567."
        ),
        "invalid_range": N("Die letzte Durchwahl darf nicht unter der ersten liegen."),
        "block_too_large": N("Ein Block umfasst höchstens 10.000 Rufnummern."),
        "block_in_use": N("Rufnummern dieses Blocks sind Benutzern zugewiesen."),
        "number_taken": N("Bereits vergeben: %(numbers)s."),
        "extension_not_in_block": N(
            "Diese Durchwahl liegt in keinem Rufnummernblock des SIP-Trunks dieses Standorts."
        ),
        "main_number_reserved": N("Die Durchwahl 0 ist die Zentrale und wird nicht vergeben."),
        "extension_required": N("Bitte wählen Sie eine Durchwahl am neuen Standort."),
        # Users and devices
        "feature_not_in_package": N("Das Paket „%(package)s“ enthält nicht: %(features)s."),
        "package_downgrade_orphans_features": N(
            "Das neue Paket enthält Funktionen nicht, die dieser Benutzer nutzt: %(features)s. "
            "Schalten Sie sie zuerst ab."
        ),
        "works_at_site": N(
            "Dieser Benutzer arbeitet an seinem Standort; ein Hinweis ist nicht nötig."
        ),
        "mac_taken": N("Ein Gerät mit dieser MAC-Adresse ist bereits registriert."),
        "only_gateways_rented": N("Gemietet werden nur IP411-Gateways."),
        "gateway_in_use": N("Der ISDN-Anschluss des Standorts braucht dieses Gateway."),
        # Call features
        "invalid_target": N("Kein gültiges Ziel."),
        "invalid_extension": N("Eine Durchwahl besteht nur aus Ziffern."),
        "extension_taken": N("Die Durchwahl %(extension)s ist bereits vergeben."),
        "invalid_pin": N(
            "Die PIN braucht 4 bis 8 Ziffern, darf nicht aus einer Ziffer oder einer Folge wie "
            "1234 bestehen und nicht die eigene Durchwahl sein."
        ),
        "configuration_loop": N("Diese Einstellung würde Anrufe im Kreis leiten: %(cycle)s"),
        "target_in_use": N("Wird noch als Ziel verwendet: %(places)s. Ändern Sie das zuerst."),
        "member_other_site": N(
            "%(name)s arbeitet an einem anderen Standort; Mitglieder kommen vom Standort der "
            "Gruppe."
        ),
        "member_twice": N("%(name)s ist doppelt aufgeführt."),
        "name_taken": N("Der Name „%(name)s“ ist bereits vergeben."),
        "not_a_member": N("%(user)s ist kein Mitglied von „%(group)s“."),
        "invalid_digit": N("„%(digit)s“ ist keine Taste (0–9, * oder #)."),
        "digit_twice": N("Die Taste %(digit)s ist doppelt belegt."),
        "invalid_schedule": N(
            "Der Zeitplan ist ungültig: Jeder Eintrag braucht einen Wochentag von Montag bis "
            "Sonntag und ein Ende nach dem Beginn."
        ),
        "day_target_required": N("Bitte wählen Sie, wer Anrufe auf die Zentrale annimmt."),
        "operator_not_configured": N("Bitte richten Sie zuerst die Zentrale ein."),
        "invalid_mode": N("Bitte wählen Sie automatisch, Tag oder Nacht."),
        "invalid_kind": N("Unbekannte Art von Audiodatei."),
        "audio_wrong_type": N("Nur MP3- und WAV-Dateien können hochgeladen werden."),
        "audio_corrupt": N(
            "Die Datei lässt sich nicht als %(format)s abspielen (beschädigt oder kein Audio)."
        ),
        "audio_too_long": N("Die Aufnahme ist länger als 10 Minuten."),
        "audio_too_large": N("Die Datei ist größer als 20 MB."),
        "audio_empty": N("Die Datei ist leer."),
        "audio_in_use": N("Die Audiodatei wird noch verwendet."),
        "number_required": N("Ein Eintrag braucht mindestens eine Rufnummer."),
        "fees_append_only": N("Einmalige Gebühren können weder geändert noch gelöscht werden."),
    }
)
