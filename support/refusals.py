"""The refusal messages of the support desk's error codes, added to the one catalogue in
``provisioning.messages`` when the support app is ready."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from provisioning.messages import register

MESSAGES = {
    "title_required": gettext_noop("Bitte geben Sie einen Betreff an."),
    "description_required": gettext_noop("Bitte beschreiben Sie das Anliegen."),
    "reporter_name_required": gettext_noop("Bitte nennen Sie den Namen des Meldenden."),
    "note_required": gettext_noop("Bitte schreiben Sie eine Nachricht an die Plattform."),
    "message_required": gettext_noop("Bitte schreiben Sie eine Nachricht."),
    "invalid_ticket_kind": gettext_noop(
        "Bitte wählen Sie Störung, Service- oder Informationsanfrage oder Änderungswunsch."
    ),
    "severity_required": gettext_noop(
        "Eine Störung braucht ihren Schweregrad: kritisch, wesentlich oder geringfügig."
    ),
    "severity_only_for_faults": gettext_noop("Nur Störungen haben einen Schweregrad."),
    "support_pin_wrong": gettext_noop("Die Support-PIN stimmt nicht."),
    "invalid_support_pin": gettext_noop("Eine Support-PIN hat 4 bis 8 Ziffern."),
    "estimate_required": gettext_noop("Bitte nennen Sie die voraussichtliche Lösungszeit."),
    "ticket_estimate_in_past": gettext_noop(
        "Die voraussichtliche Lösungszeit muss in der Zukunft liegen."
    ),
    "ticket_not_open": gettext_noop("Dieses Ticket ist gelöst oder geschlossen."),
    "ticket_closed": gettext_noop(
        "Dieses Ticket ist geschlossen. Öffnen Sie es wieder, um darin zu schreiben."
    ),
    "ticket_already_acknowledged": gettext_noop("Dieses Ticket ist bereits bestätigt."),
    "acknowledge_first": gettext_noop(
        "Ein neues Ticket wird zuerst bestätigt, mit Einstufung und voraussichtlicher Lösungszeit."
    ),
    "invalid_ticket_transition": gettext_noop(
        "Ein Ticket kann nicht von „%(from_state)s“ nach „%(to_state)s“ wechseln."
    ),
    "reopen_window_over": gettext_noop(
        "Ein Ticket kann nur innerhalb von 14 Tagen nach seiner Lösung wieder geöffnet werden."
    ),
    "already_escalated": gettext_noop(
        "Zu diesem Ticket gibt es bereits ein offenes Ticket bei der Plattform."
    ),
    "ticket_history_append_only": gettext_noop(
        "Der Verlauf eines Tickets wird nie geändert oder gelöscht."
    ),
    "attachment_empty": gettext_noop("Die Datei ist leer."),
    "attachment_too_large": gettext_noop("Die Datei ist größer als %(megabytes)s MB."),
    "attachment_type_not_allowed": gettext_noop(
        "Dateien dieser Art können nicht angehängt werden. Erlaubt sind: %(suffixes)s"
    ),
    "attachment_content_mismatch": gettext_noop("Der Inhalt der Datei passt nicht zu ihrem Namen."),
    "invalid_service_hours": gettext_noop(
        "Servicezeiten nennen je Wochentag (0 = Montag bis 6 = Sonntag) Zeiträume wie "
        "[„08:00“, „17:00“], vorwärts und ohne Überschneidung."
    ),
    "invalid_federal_state": gettext_noop("Bitte wählen Sie ein Bundesland aus der Liste."),
    "invalid_email_list": gettext_noop("Jeder Eintrag muss eine E-Mail-Adresse sein."),
    "text_required": gettext_noop("Bitte schreiben Sie den Bericht."),
    "outage_report_only_for_faults": gettext_noop("Nur eine Störung hat einen Störungsbericht."),
    "outage_report_needs_resolution": gettext_noop(
        "Der Störungsbericht wird geschrieben, sobald die Störung gelöst ist."
    ),
    "outage_report_event_not_incident": gettext_noop(
        "Verknüpft werden kann nur eine Störungsmeldung der Statusseite."
    ),
}

register(MESSAGES)
