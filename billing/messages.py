"""The messages of billing's error codes, added to the one catalogue in
``provisioning.messages`` when the billing app is ready (provisioning never imports billing)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from provisioning.messages import register

MESSAGES = {
    "month_not_over": gettext_noop("Abgerechnet werden kann nur ein Monat, der schon vorbei ist."),
    "billing_conflict": gettext_noop(
        "Die Rechnungen einiger Reseller konnten gerade nicht erstellt werden. Bitte starten "
        "Sie die Abrechnung erneut."
    ),
    "issuer_not_configured": gettext_noop(
        "Die Rechnungsdaten der Plattform (Firma, Anschrift, USt-IdNr.) fehlen noch. "
        "Bitte tragen Sie sie unter „Rechnungssteller“ ein."
    ),
    "invoice_final": gettext_noop(
        "Diese Rechnung ist bereits ausgestellt und kann nicht geändert werden."
    ),
    "invoice_invalid": gettext_noop(
        "Die E-Rechnung besteht die Prüfung nicht; die Rechnung bleibt ein Entwurf. "
        "Die Befunde stehen bei der Rechnung."
    ),
    "not_correctable": gettext_noop("Nur eine ausgestellte Rechnung kann gutgeschrieben werden."),
    "unknown_position": gettext_noop("Diese Position gibt es auf der Rechnung nicht."),
    "already_credited": gettext_noop("Diese Positionen wurden bereits gutgeschrieben."),
    "not_issued": gettext_noop(
        "Ein Entwurf hat noch keine Dokumente; stellen Sie die Rechnung zuerst aus."
    ),
    "issuer_required": gettext_noop("Ein DATEV-Stapel gilt für genau einen Rechnungssteller."),
    "invalid_validity": gettext_noop("„gültig bis“ liegt vor „gültig ab“."),
    "prices_incomplete": gettext_noop(
        "Bitte geben Sie für jede monatliche Position einen Preis an."
    ),
    "reseller_required": gettext_noop(
        "Verkaufspreise gehören zu einem Reseller; bitte wählen Sie ihn aus."
    ),
    "price_list_exists": gettext_noop("An diesem Tag beginnt bereits eine Preisliste dieser Art."),
    "month_already_billed": gettext_noop(
        "Dieser Monat ist bereits abgerechnet; eine Gebühr mit diesem Datum würde nie "
        "berechnet. Bitte erfassen Sie sie mit einem Datum im laufenden Monat."
    ),
    "payments_not_configured": gettext_noop(
        "Zahlungen über Stripe sind nicht eingerichtet (STIMME_STRIPE_SECRET_KEY fehlt). "
        "Bis dahin zahlen alle Empfänger per Überweisung."
    ),
    "one_buyer": gettext_noop("Bitte wählen Sie genau einen Reseller oder Kunden."),
    "invalid_signature": gettext_noop("Die Signatur der Stripe-Nachricht ist ungültig."),
}

register(MESSAGES)
