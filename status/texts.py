"""The words of the public status page, its feeds and its notifications, in German and English.

They live here rather than in the portal's gettext catalogue because the page is rendered in
both languages at once — for the static copy (``status_export``) and for subscribers, each in
the language they subscribed in — whatever language the current request speaks.
"""

from __future__ import annotations

from typing import Any

from . import steps

LANGUAGES = ("de", "en")

STEP_LABELS = {
    "de": {
        steps.INVESTIGATING: "Untersuchung",
        steps.IDENTIFIED: "Ursache gefunden",
        steps.RECOVERING: "Wiederherstellung",
        steps.RESOLVED: "Behoben",
        steps.FALSE_ALARM: "Fehlalarm",
        steps.SCHEDULED: "Geplant",
        steps.IN_PROGRESS: "In Arbeit",
        steps.COMPLETED: "Abgeschlossen",
    },
    "en": {
        steps.INVESTIGATING: "Investigating",
        steps.IDENTIFIED: "Identified",
        steps.RECOVERING: "Recovering",
        steps.RESOLVED: "Resolved",
        steps.FALSE_ALARM: "False alarm",
        steps.SCHEDULED: "Scheduled",
        steps.IN_PROGRESS: "In progress",
        steps.COMPLETED: "Completed",
    },
}

KIND_LABELS = {
    "de": {steps.INCIDENT: "Störung", steps.MAINTENANCE: "Wartung"},
    "en": {steps.INCIDENT: "Incident", steps.MAINTENANCE: "Maintenance"},
}

TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "title": "Betriebsstatus",
        "site_name": "stimme Betriebsstatus",
        "skip": "Zum Inhalt springen",
        "language": "Sprache",
        "all_ok": "Alle Systeme funktionieren einwandfrei",
        "active_events": "Aktuelle Ereignisse",
        "operational": "Funktionsfähig",
        "degraded": "Beeinträchtigt",
        "maintenance": "Wartung",
        "components": "Dienste",
        "group_hint": "aufklappen",
        "affected": "Betroffen",
        "estimated_fix": "Voraussichtlich behoben",
        "expected_end": "Voraussichtliches Ende",
        "upcoming": "Bevorstehende Wartungsarbeiten",
        "no_upcoming": "Keine Wartungsarbeiten geplant.",
        "scheduled_for": "Geplant für",
        "expected_duration": "Voraussichtliche Dauer",
        "urgent": "Dringend",
        "history": "Vorherige Ereignisse",
        "history_hint": "Die letzten 7 Tage",
        "no_events": "Keine Ereignisse.",
        "availability": "Verfügbarkeit der letzten 90 Tage",
        "availability_target": "Zielwert 99,8 % pro Jahr",
        "days_ago_90": "vor 90 Tagen",
        "today": "heute",
        "no_downtime": "keine Ausfallzeit",
        "downtime": "Ausfallzeit",
        "subscribe": "Benachrichtigungen erhalten",
        "subscribe_email": "per E-Mail",
        "subscribe_sms": "per SMS",
        "feeds": "Feeds",
        "atom": "Atom-Feed der Ereignisse",
        "ical": "Kalender der Wartungsarbeiten (iCalendar)",
        "json": "JSON (Statuspage-Format)",
        "report": "Problem melden",
        "report_text": (
            "Sie bemerken eine Störung, die hier nicht steht? Melden Sie sie bitte Ihrem "
            "Fachhändler oder unserem Support."
        ),
        "breach_note": (
            "Diese Seite zeigt den Betriebszustand unserer Dienste. Sie ist nicht der Weg für "
            "Meldungen über Datenschutzverletzungen (Art. 33/34 DSGVO); diese erhalten Sie und "
            "richten Sie direkt an die vertraglich vereinbarte Stelle."
        ),
        "updated": "Stand",
        "stale_note": (
            "Diese Seite wird laufend aktualisiert. Ist die Plattform nicht erreichbar, zeigt "
            "eine Kopie den letzten bekannten Stand."
        ),
        "update_at": "Meldung vom",
        "feed_title": "stimme Betriebsstatus: Ereignisse",
        "ical_name": "stimme Wartungsarbeiten",
        "status_none": "Alle Systeme funktionieren einwandfrei",
        "status_minor": "Einzelne Dienste beeinträchtigt",
        "status_major": "Teilausfall",
        "status_critical": "Schwerer Ausfall",
        "status_maintenance": "Wartungsarbeiten laufen",
        "mail_unsubscribe": "Keine Benachrichtigungen mehr? Abmelden:",
        "mail_footer": (
            "Sie erhalten diese Nachricht, weil diese Adresse den stimme Betriebsstatus "
            "abonniert hat."
        ),
        "mail_page": "Statusseite:",
        "sub_email_title": "Benachrichtigungen per E-Mail",
        "sub_sms_title": "Benachrichtigungen per SMS",
        "sub_email_intro": (
            "Sie erhalten jeden Schritt jedes Ereignisses sofort, rund um die Uhr. Es gibt keine "
            "Bestätigungsmail; jede Benachrichtigung enthält einen Link zum Abmelden."
        ),
        "sub_sms_intro": (
            "Sie erhalten jeden Schritt jedes Ereignisses sofort, auch nachts. Nach dem "
            "Abonnieren erhalten Sie eine SMS mit dem Link zum Abmelden; bitte heben Sie sie auf."
        ),
        "sub_address": "Ihre E-Mail-Adresse",
        "sub_number": "Ihre Mobilfunknummer",
        "sub_country": "Land",
        "sub_which": "Welche Benachrichtigungen möchten Sie?",
        "sub_all": "Alle Dienste",
        "sub_some": "Nur bestimmte Dienste:",
        "sub_replace_note": (
            "Abonnieren Sie mit derselben Adresse erneut, ersetzt Ihre neue Auswahl die alte."
        ),
        "sub_button": "Abonnieren",
        "sub_done_title": "Vielen Dank",
        "sub_done": (
            "Die Benachrichtigungen sind für diese Adresse eingerichtet. Jede Nachricht enthält "
            "einen Link zum Abmelden."
        ),
        "sub_done_sms": (
            "Die Benachrichtigungen sind für diese Nummer eingerichtet. Sie erhalten gleich "
            "eine SMS mit dem Link zum Abmelden."
        ),
        "back": "Zurück zur Statusseite",
        "unsub_title": "Benachrichtigungen abbestellen",
        "unsub_text": (
            "Mit einem Klick auf die Schaltfläche löschen wir Ihr Abonnement sofort und endgültig."
        ),
        "unsub_button": "Abbestellen",
        "unsub_done_title": "Abgemeldet",
        "unsub_done": (
            "Ihr Abonnement wurde gelöscht. Sie erhalten keine Benachrichtigungen mehr von uns."
        ),
        "err_required": "Bitte füllen Sie dieses Feld aus.",
        "err_email": "Bitte geben Sie eine gültige E-Mail-Adresse ein.",
        "err_mobile": "Bitte geben Sie eine gültige Mobilfunknummer ein, z. B. 0151 23456789.",
        "err_components": "Bitte wählen Sie mindestens einen Dienst oder „Alle Dienste“.",
        "err_rate": "Zu viele Versuche. Bitte versuchen Sie es in einer Stunde erneut.",
        "err_form": "Bitte prüfen Sie Ihre Eingaben.",
        "sms_confirm": (
            "stimme Betriebsstatus: SMS-Benachrichtigungen sind eingerichtet. Abmelden: {link}"
        ),
    },
    "en": {
        "title": "Service status",
        "site_name": "stimme service status",
        "skip": "Skip to content",
        "language": "Language",
        "all_ok": "All systems operational",
        "active_events": "Current events",
        "operational": "Operational",
        "degraded": "Degraded",
        "maintenance": "Maintenance",
        "components": "Services",
        "group_hint": "expand",
        "affected": "Affected",
        "estimated_fix": "Estimated fix",
        "expected_end": "Expected end",
        "upcoming": "Upcoming maintenance",
        "no_upcoming": "No maintenance scheduled.",
        "scheduled_for": "Scheduled for",
        "expected_duration": "Expected duration",
        "urgent": "Urgent",
        "history": "Past events",
        "history_hint": "The last 7 days",
        "no_events": "No events.",
        "availability": "Availability over the last 90 days",
        "availability_target": "Target 99.8 % per year",
        "days_ago_90": "90 days ago",
        "today": "today",
        "no_downtime": "no downtime",
        "downtime": "downtime",
        "subscribe": "Get notifications",
        "subscribe_email": "by e-mail",
        "subscribe_sms": "by SMS",
        "feeds": "Feeds",
        "atom": "Atom feed of events",
        "ical": "Maintenance calendar (iCalendar)",
        "json": "JSON (Statuspage format)",
        "report": "Report a problem",
        "report_text": (
            "Noticed a fault that is not listed here? Please report it to your reseller or to "
            "our support."
        ),
        "breach_note": (
            "This page shows how our services are running. It is not the channel for personal "
            "data breach notices (GDPR Art. 33/34); those are sent and received directly "
            "through the contact agreed in your contract."
        ),
        "updated": "As of",
        "stale_note": (
            "This page updates continuously. If the platform cannot be reached, a copy shows "
            "the last known state."
        ),
        "update_at": "Update of",
        "feed_title": "stimme service status: events",
        "ical_name": "stimme maintenance",
        "status_none": "All Systems Operational",
        "status_minor": "Minor Service Outage",
        "status_major": "Partial System Outage",
        "status_critical": "Major Service Outage",
        "status_maintenance": "Service Under Maintenance",
        "mail_unsubscribe": "No more notifications? Unsubscribe:",
        "mail_footer": (
            "You receive this message because this address subscribed to the stimme service status."
        ),
        "mail_page": "Status page:",
        "sub_email_title": "Notifications by e-mail",
        "sub_sms_title": "Notifications by SMS",
        "sub_email_intro": (
            "You get every step of every event at once, day and night. There is no "
            "confirmation mail; every notification carries a link to unsubscribe."
        ),
        "sub_sms_intro": (
            "You get every step of every event at once, at night too. After subscribing you "
            "receive an SMS with the link to unsubscribe; please keep it."
        ),
        "sub_address": "Your e-mail address",
        "sub_number": "Your mobile number",
        "sub_country": "Country",
        "sub_which": "Which notifications do you want?",
        "sub_all": "All services",
        "sub_some": "Only these services:",
        "sub_replace_note": (
            "If you subscribe again with the same address, your new choice replaces the old one."
        ),
        "sub_button": "Subscribe",
        "sub_done_title": "Thank you",
        "sub_done": (
            "Notifications are set up for this address. Every message carries a link to "
            "unsubscribe."
        ),
        "sub_done_sms": (
            "Notifications are set up for this number. You will receive an SMS with the link "
            "to unsubscribe shortly."
        ),
        "back": "Back to the status page",
        "unsub_title": "Unsubscribe from notifications",
        "unsub_text": "One click on the button deletes your subscription at once and for good.",
        "unsub_button": "Unsubscribe",
        "unsub_done_title": "Unsubscribed",
        "unsub_done": (
            "Your subscription has been deleted. You will not receive any more notifications "
            "from us."
        ),
        "err_required": "Please fill in this field.",
        "err_email": "Please enter a valid e-mail address.",
        "err_mobile": "Please enter a valid mobile number, e.g. 0151 23456789.",
        "err_components": "Please choose at least one service, or all services.",
        "err_rate": "Too many attempts. Please try again in an hour.",
        "err_form": "Please check your entries.",
        "sms_confirm": "stimme service status: SMS notifications are on. Unsubscribe: {link}",
    },
}

# Texts the platform posts itself when a maintenance starts or ends on schedule.
AUTO_MESSAGES = {
    steps.IN_PROGRESS: (
        "Die Wartungsarbeiten haben begonnen. Wir informieren Sie über den Fortschritt.",
        "The maintenance has started. We will keep you informed.",
    ),
    steps.COMPLETED: (
        "Die Wartungsarbeiten sind abgeschlossen. Vielen Dank für Ihre Geduld.",
        "The maintenance is complete. Thank you for your patience.",
    ),
}


def lang_or_default(lang: str | None) -> str:
    return lang if lang in LANGUAGES else "de"


def texts(lang: str) -> dict[str, str]:
    return TEXTS[lang_or_default(lang)]


def step_label(step: str, lang: str) -> str:
    return STEP_LABELS[lang_or_default(lang)].get(step, step)


def kind_label(kind: str, lang: str) -> str:
    return KIND_LABELS[lang_or_default(lang)].get(kind, kind)


def localized(obj: Any, name: str, lang: str) -> str:
    """``obj.<name>_en`` on the English page when it is filled in, else the German text."""
    if lang_or_default(lang) == "en":
        value = getattr(obj, f"{name}_en", "")
        if value:
            return str(value)
    return str(getattr(obj, f"{name}_de"))
