"""The portal's side of a service refusal: an ``ApplicationError`` shown beside the field it
names (or above the form), in the portal's words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from provisioning.errors import ApplicationError

# Messages of service rules, in the portal's words (the services speak English to the API).
SERVICE_MESSAGES: dict[str, Any] = {
    "customer_name_taken": _("Dieser Reseller hat bereits einen Kunden mit diesem Namen."),
    "api_key_name_taken": _("Sie haben bereits einen aktiven Schlüssel mit diesem Namen."),
    "name_required": _("Dieses Feld ist zwingend erforderlich."),
    "permission_denied": _("Ihre Rolle darf diese Änderung nicht vornehmen."),
}


def apply_service_error(form: forms.BaseForm, error: ApplicationError) -> None:
    """Put a service's refusal beside the fields it names (or above the form)."""
    message = SERVICE_MESSAGES.get(error.code)
    if not error.fields:
        form.add_error(None, message or error.message)
        return
    for field, messages in error.fields.items():
        target = field if field in form.fields else None
        for text in messages:
            form.add_error(target, message or text)


# Refusals of the system services, in the portal's words (the services speak English to the API).
SYSTEM_MESSAGES: dict[str, Any] = {
    "base_license_required": _("Bitte buchen Sie zuerst die Grundlizenz des Kunden."),
    "invalid_base_license": _(
        "Bitte wählen Sie Grundlizenz, Erweiterte Grundlizenz oder Demolizenz."
    ),
    "demo_only_for_new_customers": _(
        "Eine Demolizenz kann nur die erste Grundlizenz eines Kunden sein."
    ),
    "demo_limits_exceeded": _(
        "Eine Demo umfasst höchstens 3 Benutzer und einen SIP-Trunk; der Kunde hat schon mehr."
    ),
    "demo_user_limit": _(
        "Eine Demo umfasst höchstens 3 Benutzer. Für weitere Benutzer braucht der Kunde eine "
        "Grundlizenz."
    ),
    "demo_trunk_limit": _(
        "Eine Demo umfasst höchstens einen SIP-Trunk. Für weitere braucht der Kunde eine "
        "Grundlizenz."
    ),
    "customer_suspended": _(
        "Diese Telefonanlage ist gesperrt und nur lesbar. Bitte wenden Sie sich an Ihren "
        "Fachhändler."
    ),
    "site_name_taken": _("Der Kunde hat bereits einen Standort mit diesem Namen."),
    "extra_site_license_required": _(
        "Jeder weitere Standort braucht die Lizenz „Weiterer Standort“ (monatlich berechnet). "
        "Bitte bestätigen Sie die Buchung."
    ),
    "site_in_use": _(
        "Der Standort hat noch Benutzer, einen SIP-Trunk oder Geräte. Verschieben oder entfernen "
        "Sie diese zuerst."
    ),
    "site_trunk_limit": _(
        "Dieser Standort hat bereits seinen SIP-Trunk; mehr als einer geht nicht."
    ),
    "provider_name_required": _("Bitte nennen Sie den Anbieter."),
    "isdn_gateway_required": _(
        "Für ISDN am Standort muss zuerst ein IP411-Gateway an diesem Standort registriert sein."
    ),
    "isdn_mode_required": _("Bitte wählen Sie die Art des ISDN-Anschlusses."),
    "registrar_required": _("Ein SIP-Anschluss braucht den Registrar des Anbieters."),
    "trunk_in_use": _("Entfernen Sie zuerst die Rufnummernblöcke dieses SIP-Trunks."),
    "invalid_number": _(
        "Keine gültige Rufnummer. Bitte international eingeben, z. B. +49 30 1234567."
    ),
    "invalid_range": _("Die letzte Durchwahl darf nicht unter der ersten liegen."),
    "block_too_large": _("Ein Block umfasst höchstens 10.000 Rufnummern."),
    "block_in_use": _("Rufnummern dieses Blocks sind Benutzern zugewiesen."),
    "number_taken": _("Diese Rufnummer ist bereits vergeben."),
    "extension_taken": _("Diese Durchwahl ist bereits vergeben."),
    "extension_not_in_block": _(
        "Diese Durchwahl liegt in keinem Rufnummernblock des SIP-Trunks dieses Standorts."
    ),
    "main_number_reserved": _("Die Durchwahl 0 ist die Zentrale und wird nicht vergeben."),
    "extension_required": _("Bitte wählen Sie eine Durchwahl am neuen Standort."),
    "feature_not_in_package": _("Das Paket enthält nicht alle eingeschalteten Funktionen."),
    "package_downgrade_orphans_features": _(
        "Das neue Paket enthält Funktionen nicht, die dieser Benutzer nutzt. Schalten Sie sie "
        "zuerst ab."
    ),
    "works_at_site": _("Dieser Benutzer arbeitet an seinem Standort; ein Hinweis ist nicht nötig."),
    "mac_taken": _("Ein Gerät mit dieser MAC-Adresse ist bereits registriert."),
    "only_gateways_rented": _("Gemietet werden nur IP411-Gateways."),
    "gateway_in_use": _("Der ISDN-Anschluss des Standorts braucht dieses Gateway."),
    "not_found": _("Unbekannter Eintrag."),
}


def apply_system_error(
    form: forms.BaseForm,
    error: ApplicationError,
    messages: dict[str, Any] | None = None,
) -> None:
    """Put a service's refusal beside the fields it names, or above the form."""
    message = (
        (messages or {}).get(error.code)
        or SYSTEM_MESSAGES.get(error.code)
        or SERVICE_MESSAGES.get(error.code)
    )
    targets = [name for name in error.fields if name in form.fields]
    if not targets:
        form.add_error(None, message or error.message)
        return
    for name in targets:
        for text in error.fields[name]:
            form.add_error(name, message or text)
            if message:
                break


def apply_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """A model's ``full_clean`` inside a service refused a value."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
