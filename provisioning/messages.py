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
from django.utils.translation import gettext, gettext_noop

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
        "permission_denied": gettext_noop("Ihre Rolle darf diese Änderung nicht vornehmen."),
        "customer_suspended": gettext_noop(
            "Diese Telefonanlage ist gesperrt und nur lesbar. Bitte wenden Sie sich an Ihren "
            "Fachhändler."
        ),
        "not_found": gettext_noop("Unbekannter Eintrag."),
        "unknown_fields": gettext_noop("Einige Angaben können hier nicht gesetzt werden."),
        "customer_name_taken": gettext_noop(
            "Dieser Reseller hat bereits einen Kunden namens „%(name)s“."
        ),
        "invalid_state": gettext_noop("Bitte wählen Sie „aktiv“ oder „gesperrt“."),
        "username_taken": gettext_noop("Es gibt bereits eine Anmeldung mit diesem Namen."),
        "name_required": gettext_noop("Bitte geben Sie einen Namen an."),
        "api_key_name_taken": gettext_noop(
            "Sie haben bereits einen aktiven Schlüssel mit diesem Namen."
        ),
        "second_factor_exists": gettext_noop("Dieser Zugang hat bereits einen zweiten Faktor."),
        "second_factor_not_started": gettext_noop(
            "Bitte beginnen Sie die Einrichtung des zweiten Faktors erneut."
        ),
        "second_factor_code_wrong": gettext_noop("Der Code stimmt nicht."),
        "second_factor_missing": gettext_noop("Dieser Zugang hat keinen zweiten Faktor."),
        "in_use": gettext_noop(
            "Das wird noch verwendet von: %(referrers)s. Entfernen oder ändern Sie diese zuerst."
        ),
        "json_too_deep": gettext_noop(
            "Die JSON-Daten sind zu tief verschachtelt: erlaubt sind höchstens %(depth)s Ebenen."
        ),
        "audit_append_only": gettext_noop(
            "Einträge des Änderungsprotokolls können weder geändert noch gelöscht werden."
        ),
        # Licenses
        "base_license_required": gettext_noop(
            "Bitte buchen Sie zuerst die Grundlizenz des Kunden."
        ),
        "invalid_base_license": gettext_noop(
            "Bitte wählen Sie Grundlizenz, Erweiterte Grundlizenz oder Demolizenz."
        ),
        "demo_only_for_new_customers": gettext_noop(
            "Eine Demolizenz kann nur die erste Grundlizenz eines Kunden sein."
        ),
        "demo_limits_exceeded": gettext_noop(
            "Eine Demo umfasst höchstens 3 Benutzer und einen SIP-Trunk; der Kunde hat schon mehr."
        ),
        "demo_user_limit": gettext_noop(
            "Eine Demo umfasst höchstens 3 Benutzer. Für weitere Benutzer braucht der Kunde eine "
            "Grundlizenz."
        ),
        "demo_trunk_limit": gettext_noop(
            "Eine Demo umfasst höchstens einen SIP-Trunk. Für weitere braucht der Kunde eine "
            "Grundlizenz."
        ),
        "unknown_holding": gettext_noop("Diese Lizenzbuchung gibt es nicht."),
        "holding_released": gettext_noop("Diese Lizenz wurde bereits freigegeben."),
        "ledger_append_only": gettext_noop(
            "Einträge des Lizenzjournals können nicht geändert werden."
        ),
        # Sites, trunks, numbers
        "site_name_taken": gettext_noop("Der Kunde hat bereits einen Standort namens „%(name)s“."),
        "extra_site_license_required": gettext_noop(
            "Jeder weitere Standort braucht die Lizenz „Weiterer Standort“ (monatlich "
            "berechnet). Bitte bestätigen Sie die Buchung."
        ),
        "site_in_use": gettext_noop(
            "Der Standort hat noch Benutzer, einen SIP-Trunk oder Geräte. Verschieben oder "
            "entfernen Sie diese zuerst."
        ),
        "site_trunk_limit": gettext_noop(
            "Dieser Standort hat bereits seinen SIP-Trunk; mehr als einer geht nicht."
        ),
        "provider_name_required": gettext_noop("Bitte nennen Sie den Anbieter."),
        "isdn_gateway_required": gettext_noop(
            "Für ISDN am Standort muss zuerst ein IP411-Gateway an diesem Standort registriert "
            "sein."
        ),
        "isdn_mode_required": gettext_noop("Bitte wählen Sie die Art des ISDN-Anschlusses."),
        "registrar_required": gettext_noop(
            "Ein SIP-Anschluss braucht den Registrar des Anbieters."
        ),
        "trunk_in_use": gettext_noop(
            "Entfernen Sie zuerst die Rufnummernblöcke dieses SIP-Trunks."
        ),
        "invalid_number": gettext_noop(
            "Keine gültige Rufnummer. Bitte international eingeben, z. B. +49 30 1234567."
        ),
        "invalid_range": gettext_noop("Die letzte Durchwahl darf nicht unter der ersten liegen."),
        "block_too_large": gettext_noop("Ein Block umfasst höchstens 10.000 Rufnummern."),
        "block_in_use": gettext_noop("Rufnummern dieses Blocks sind Benutzern zugewiesen."),
        "number_taken": gettext_noop("Bereits vergeben: %(numbers)s."),
        "extension_not_in_block": gettext_noop(
            "Diese Durchwahl liegt in keinem Rufnummernblock des SIP-Trunks dieses Standorts."
        ),
        "main_number_reserved": gettext_noop(
            "Die Durchwahl 0 ist die Zentrale und wird nicht vergeben."
        ),
        "extension_required": gettext_noop("Bitte wählen Sie eine Durchwahl am neuen Standort."),
        # Users and devices
        "feature_not_in_package": gettext_noop(
            "Das Paket „%(package)s“ enthält nicht: %(features)s."
        ),
        "package_downgrade_orphans_features": gettext_noop(
            "Das neue Paket enthält Funktionen nicht, die dieser Benutzer nutzt: %(features)s. "
            "Schalten Sie sie zuerst ab."
        ),
        "works_at_site": gettext_noop(
            "Dieser Benutzer arbeitet an seinem Standort; ein Hinweis ist nicht nötig."
        ),
        "mac_taken": gettext_noop("Ein Gerät mit dieser MAC-Adresse ist bereits registriert."),
        "only_gateways_rented": gettext_noop("Gemietet werden nur IP411-Gateways."),
        "gateway_in_use": gettext_noop("Der ISDN-Anschluss des Standorts braucht dieses Gateway."),
        # Call features
        "invalid_target": gettext_noop("Kein gültiges Ziel."),
        "invalid_extension": gettext_noop("Eine Durchwahl besteht nur aus Ziffern."),
        "extension_taken": gettext_noop(
            "Die Durchwahl %(extension)s ist bereits vergeben an %(holder)s."
        ),
        "invalid_pin": gettext_noop(
            "Die PIN braucht 4 bis 8 Ziffern, darf nicht aus einer Ziffer oder einer Folge wie "
            "1234 bestehen und nicht die eigene Durchwahl sein."
        ),
        "configuration_loop": gettext_noop(
            "Diese Einstellung würde Anrufe im Kreis leiten: %(cycle)s"
        ),
        "target_in_use": gettext_noop(
            "Wird noch als Ziel verwendet: %(places)s. Ändern Sie das zuerst."
        ),
        "member_other_site": gettext_noop(
            "%(name)s arbeitet an einem anderen Standort; Mitglieder kommen vom Standort der "
            "Gruppe."
        ),
        "member_twice": gettext_noop("%(name)s ist doppelt aufgeführt."),
        "name_taken": gettext_noop("Der Name „%(name)s“ ist bereits vergeben."),
        "not_a_member": gettext_noop("%(user)s ist kein Mitglied von „%(group)s“."),
        "invalid_digit": gettext_noop("„%(digit)s“ ist keine Taste (0–9, * oder #)."),
        "digit_twice": gettext_noop("Die Taste %(digit)s ist doppelt belegt."),
        "invalid_schedule": gettext_noop(
            "Der Zeitplan ist ungültig: Jeder Eintrag braucht einen Wochentag von Montag bis "
            "Sonntag und ein Ende nach dem Beginn."
        ),
        "day_target_required": gettext_noop(
            "Bitte wählen Sie, wer Anrufe auf die Zentrale annimmt."
        ),
        "operator_not_configured": gettext_noop("Bitte richten Sie zuerst die Zentrale ein."),
        "invalid_mode": gettext_noop("Bitte wählen Sie automatisch, Tag oder Nacht."),
        "invalid_kind": gettext_noop("Unbekannte Art von Audiodatei."),
        "audio_wrong_type": gettext_noop("Nur MP3- und WAV-Dateien können hochgeladen werden."),
        "audio_corrupt": gettext_noop(
            "Die Datei lässt sich nicht als %(format)s abspielen (beschädigt oder kein Audio)."
        ),
        "audio_too_long": gettext_noop("Die Aufnahme ist länger als 10 Minuten."),
        "audio_too_large": gettext_noop("Die Datei ist größer als 20 MB."),
        "audio_empty": gettext_noop("Die Datei ist leer."),
        "audio_in_use": gettext_noop("Die Audiodatei wird noch verwendet."),
        "number_required": gettext_noop("Ein Eintrag braucht mindestens eine Rufnummer."),
        "fees_append_only": gettext_noop(
            "Einmalige Gebühren können weder geändert noch gelöscht werden."
        ),
    }
)
