"""The refusal messages of the status page's error codes, added to the one catalogue in
``provisioning.messages`` when the status app is ready."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N

from provisioning.messages import register

MESSAGES = {
    "status_name_taken": N("Dieser Name ist bereits vergeben."),
    "group_in_use": N("Die Gruppe enthält noch Komponenten."),
    "component_in_use": N(
        "Ereignisse nennen diese Komponente; blenden Sie sie aus, statt sie zu löschen."
    ),
    "components_required": N("Bitte wählen Sie mindestens eine Komponente."),
    "step_backwards": N(
        "Schritte gehen nur vorwärts. Berichtigen Sie einen falschen Schritt mit einer neuen "
        "Meldung."
    ),
    "event_closed": N("Das Ereignis ist beendet und nimmt keine Schritte mehr an."),
    "estimate_in_past": N("Die voraussichtliche Behebung muss in der Zukunft liegen."),
    "maintenance_not_started": N("Das angekündigte Wartungsfenster hat noch nicht begonnen."),
    "notice_already_sent": N("Ihre Kunden haben diesen Hinweis bereits erhalten."),
    "maintenance_over": N("Diese Wartung ist beendet."),
    "invalid_channel": N("Bitte wählen Sie E-Mail oder SMS."),
    "invalid_impact": N("Bitte wählen Sie eine Auswirkung aus der Liste."),
    "estimate_only_for_incidents": N("Nur Störungen haben eine voraussichtliche Behebung."),
    "invalid_first_step": N("Dieser Schritt kann ein neues Ereignis nicht eröffnen."),
    "invalid_step": N("Diesen Schritt gibt es für dieses Ereignis nicht."),
    "history_append_only": N(
        "Meldungen eines Ereignisses werden nie geändert oder gelöscht; berichtigen Sie mit "
        "einer neuen Meldung."
    ),
    "invalid_email": N("Bitte geben Sie eine gültige E-Mail-Adresse ein."),
    "invalid_country": N("Bitte wählen Sie ein Land."),
    "invalid_mobile_number": N("Bitte geben Sie eine gültige Mobilfunknummer ein."),
}

register(MESSAGES)
