"""The refusal messages of the status page's error codes, added to the one catalogue in
``provisioning.messages`` when the status app is ready."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from provisioning.messages import register

MESSAGES = {
    "status_name_taken": gettext_noop("Dieser Name ist bereits vergeben."),
    "group_in_use": gettext_noop("Die Gruppe enthält noch Komponenten."),
    "component_in_use": gettext_noop(
        "Ereignisse nennen diese Komponente; blenden Sie sie aus, statt sie zu löschen."
    ),
    "components_required": gettext_noop("Bitte wählen Sie mindestens eine Komponente."),
    "step_backwards": gettext_noop(
        "Schritte gehen nur vorwärts. Berichtigen Sie einen falschen Schritt mit einer neuen "
        "Meldung."
    ),
    "event_closed": gettext_noop("Das Ereignis ist beendet und nimmt keine Schritte mehr an."),
    "estimate_in_past": gettext_noop("Die voraussichtliche Behebung muss in der Zukunft liegen."),
    "maintenance_not_started": gettext_noop(
        "Das angekündigte Wartungsfenster hat noch nicht begonnen."
    ),
    "notice_already_sent": gettext_noop("Ihre Kunden haben diesen Hinweis bereits erhalten."),
    "maintenance_over": gettext_noop("Diese Wartung ist beendet."),
    "invalid_channel": gettext_noop("Bitte wählen Sie E-Mail oder SMS."),
    "invalid_impact": gettext_noop("Bitte wählen Sie eine Auswirkung aus der Liste."),
    "estimate_only_for_incidents": gettext_noop(
        "Nur Störungen haben eine voraussichtliche Behebung."
    ),
    "invalid_first_step": gettext_noop("Dieser Schritt kann ein neues Ereignis nicht eröffnen."),
    "invalid_step": gettext_noop("Diesen Schritt gibt es für dieses Ereignis nicht."),
    "history_append_only": gettext_noop(
        "Meldungen eines Ereignisses werden nie geändert oder gelöscht; berichtigen Sie mit "
        "einer neuen Meldung."
    ),
    "invalid_email": gettext_noop("Bitte geben Sie eine gültige E-Mail-Adresse ein."),
    "invalid_country": gettext_noop("Bitte wählen Sie ein Land."),
    "invalid_mobile_number": gettext_noop("Bitte geben Sie eine gültige Mobilfunknummer ein."),
}

register(MESSAGES)
