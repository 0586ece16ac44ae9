"""The messages of billing's error codes, added to the one catalogue in
``provisioning.messages`` when the billing app is ready (provisioning never imports billing)."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N

from provisioning.messages import register

MESSAGES = {
    "month_not_over": N("Abgerechnet werden kann nur ein Monat, der schon vorbei ist."),
    "billing_conflict": N(
        "Die Rechnungen einiger Reseller konnten gerade nicht erstellt werden. Bitte starten "
        "Sie die Abrechnung erneut."
    ),
    "issuer_not_configured": N(
        "Die Rechnungsdaten der Plattform (Firma, Anschrift, USt-IdNr.) fehlen noch. "
        "Bitte tragen Sie sie unter „Rechnungssteller“ ein."
    ),
    "invoice_final": N("Diese Rechnung ist bereits ausgestellt und kann nicht geändert werden."),
    "invoice_invalid": N(
        "Die E-Rechnung besteht die Prüfung nicht; die Rechnung bleibt ein Entwurf. "
        "Die Befunde stehen bei der Rechnung."
    ),
    "not_correctable": N("Nur eine ausgestellte Rechnung kann gutgeschrieben werden."),
    "unknown_position": N("Diese Position gibt es auf der Rechnung nicht."),
    "already_credited": N("Diese Positionen wurden bereits gutgeschrieben."),
    "not_issued": N("Ein Entwurf hat noch keine Dokumente; stellen Sie die Rechnung zuerst aus."),
    "issuer_required": N("Ein DATEV-Stapel gilt für genau einen Rechnungssteller."),
    "invalid_validity": N("„gültig bis“ liegt vor „gültig ab“."),
    "prices_incomplete": N("Bitte geben Sie für jede monatliche Position einen Preis an."),
    "reseller_required": N("Verkaufspreise gehören zu einem Reseller; bitte wählen Sie ihn aus."),
    "price_list_exists": N("An diesem Tag beginnt bereits eine Preisliste dieser Art."),
    "month_already_billed": N(
        "Dieser Monat ist bereits abgerechnet; eine Gebühr mit diesem Datum würde nie "
        "berechnet. Bitte erfassen Sie sie mit einem Datum im laufenden Monat."
    ),
    "payments_not_configured": N(
        "Zahlungen über Stripe sind nicht eingerichtet (STIMME_STRIPE_SECRET_KEY fehlt). "
        "Bis dahin zahlen alle Empfänger per Überweisung."
    ),
    "one_buyer": N("Bitte wählen Sie genau einen Reseller oder Kunden."),
    "invalid_signature": N("Die Signatur der Stripe-Nachricht ist ungültig."),
}

register(MESSAGES)
