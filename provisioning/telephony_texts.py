"""The texts ``telephony`` writes for people, in the language of the request.

The routing engine (call-trace steps, day/night decisions, loop warnings) and the network check
(verdict details) are plain Python and write English :class:`telephony.text.Text` values, each
with the code of its template and its parameters. This module holds the German template of every
code (msgids like every msgid of the project; English in ``portal/locale/en``) and renders a
Text with them: :func:`say`. Templates use ``str.format`` fields, so a number keeps the
precision its template asks for (``{up:.2f}``) and is written in the request's locale
(``12,50 ms``). Where the active language has no translation of a template yet, the English
template of ``telephony`` is used, with the same parameters.

Ids in parameters (a user's or trunk's UUID) are replaced by the names the caller passes, so
people read "Anna Becker (10)" rather than an internal id.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_noop

from telephony.netcheck.texts import ENGLISH as NETCHECK_ENGLISH
from telephony.routing.texts import ENGLISH as ROUTING_ENGLISH
from telephony.text import JOIN, Text

from .i18n import fill, translated

__all__ = ["GERMAN", "say"]

GERMAN: dict[str, str] = {
    # Things in the configuration
    "user": gettext_noop("Benutzer {extension}"),
    "user_named": gettext_noop("{user} ({name})"),
    "hunt_group": gettext_noop("Sammelruf-Gruppe „{name}“"),
    "menu": gettext_noop("Sprachmenü „{name}“"),
    "operator": gettext_noop("Zentrale"),
    "extension": gettext_noop("Durchwahl {extension}"),
    "voicemail_of": gettext_noop("Voicemail von {user}"),
    "unknown_user": gettext_noop("unbekannter Benutzer {user}"),
    "unknown_hunt_group": gettext_noop("unbekannte Sammelruf-Gruppe {group}"),
    "unknown_menu": gettext_noop("unbekanntes Sprachmenü {menu}"),
    "target_ref": gettext_noop("{kind} {ref}"),
    "kind_extension": gettext_noop("Durchwahl"),
    "kind_user": gettext_noop("Benutzer"),
    "kind_hunt_group": gettext_noop("Sammelruf-Gruppe"),
    "kind_ivr": gettext_noop("Sprachmenü"),
    "kind_voicemail": gettext_noop("Voicemail"),
    "kind_operator": gettext_noop("Zentrale"),
    "kind_external": gettext_noop("externe Rufnummer"),
    "kind_disconnect": gettext_noop("Auflegen"),
    "client_uc_client": gettext_noop("UC-Client"),
    "client_smartphone_app": gettext_noop("Smartphone-App"),
    "client_softphone": gettext_noop("Softphone"),
    # Day and night service
    "day_service": gettext_noop("Tagbetrieb"),
    "night_service": gettext_noop("Nachtbetrieb"),
    "monday": gettext_noop("Montag"),
    "tuesday": gettext_noop("Dienstag"),
    "wednesday": gettext_noop("Mittwoch"),
    "thursday": gettext_noop("Donnerstag"),
    "friday": gettext_noop("Freitag"),
    "saturday": gettext_noop("Samstag"),
    "sunday": gettext_noop("Sonntag"),
    "manual_day": gettext_noop(
        "Tagbetrieb: von Hand auf Tag geschaltet, der Wochenplan gilt nicht"
    ),
    "manual_night": gettext_noop(
        "Nachtbetrieb: von Hand auf Nacht geschaltet, der Wochenplan gilt nicht"
    ),
    "holiday": gettext_noop("Nachtbetrieb: {date:%d.%m.%Y} ({day}) ist ein Feiertag"),
    "no_schedule_day": gettext_noop("Nachtbetrieb: {day} liegt außerhalb des Wochenplans"),
    "in_schedule": gettext_noop(
        "Tagbetrieb: {day} {time} Uhr liegt im Wochenplan ({start}–{end} Uhr)"
    ),
    "outside_schedule": gettext_noop(
        "Nachtbetrieb: {day} {time} Uhr liegt außerhalb des Wochenplans"
    ),
    # Loops and limits while planning
    "routing_loop": gettext_noop("Schleife: {cycle}: Anruf endet"),
    "menu_loop": gettext_noop("Menüschleife ohne Eingabe des Anrufers: {cycle}: Anruf endet"),
    "too_complex": gettext_noop(
        "Weiterleitung zu tief oder zu umfangreich bei {node}: Anruf endet"
    ),
    # Users
    "user_missing": gettext_noop("Benutzer {user} gibt es nicht"),
    "extension_unassigned": gettext_noop("Durchwahl {extension} ist nicht vergeben"),
    "disconnect": gettext_noop("eingestellt auf Auflegen"),
    "forwards_always": gettext_noop("{user} leitet alle Anrufe weiter an {target}"),
    "logged_out": gettext_noop("{user} ist abgemeldet"),
    "logged_out_to_operator": gettext_noop(
        "{user} ist abgemeldet und hat keine Weiterleitung: an die Zentrale"
    ),
    "busy": gettext_noop("{user} ist besetzt"),
    "no_answer": gettext_noop("{user} hat nach {seconds} s nicht angenommen"),
    "transfer_not_answered": gettext_noop(
        "Vermittlung an {target} nicht innerhalb von {seconds} s angenommen"
    ),
    "forwarding": gettext_noop("{situation}: Weiterleitung an {target}"),
    "ring_user": gettext_noop("{user} klingelt ({name}){pickup}"),
    "pickup_hint": gettext_noop(" (Pickup-Gruppe {groups} kann heranholen)"),
    "client_skipped": gettext_noop(
        "{client} von {user} übersprungen: nicht in {package} enthalten (erst ab {minimum})"
    ),
    "mobility_skipped": gettext_noop(
        "Mobility von {user} übersprungen: nicht in {package} enthalten (erst ab {minimum})"
    ),
    "voicemail_skipped": gettext_noop(
        "Voicemail von {user} übersprungen: nicht in {package} enthalten (erst ab {minimum})"
    ),
    "to_voicemail": gettext_noop("{situation}: Voicemail von {user}"),
    "no_voicemail": gettext_noop("{situation}, keine Voicemail: Anruf endet"),
    "voicemail_owner_missing": gettext_noop("Inhaber {user} der Voicemail gibt es nicht"),
    "voicemail_unavailable": gettext_noop("Voicemail nicht verfügbar: Anruf endet"),
    "voicemail_disabled": gettext_noop("Voicemail von {user} ist nicht eingeschaltet: Anruf endet"),
    # The operator station
    "operator_user_missing": gettext_noop("Benutzer {user} der Zentrale gibt es nicht"),
    "forwarding_ignored": gettext_noop(
        " (Anrufe an die Zentrale beachten die eigene Weiterleitung nicht)"
    ),
    "operator_no_device": gettext_noop(
        "Zentrale {user} hat kein angemeldetes Gerät{ignored}: Anruf endet"
    ),
    "operator_busy": gettext_noop("Zentrale {user} ist besetzt{ignored}"),
    "ring_operator": gettext_noop("Zentrale {user} klingelt ({name}){ignored}"),
    "operator_no_answer": gettext_noop(
        "Zentrale {user} hat nicht innerhalb von {seconds} s angenommen: Anruf endet"
    ),
    "operator_announcement": gettext_noop("Ansage der Zentrale vor dem Annehmen"),
    "operator_menu": gettext_noop("das Sprachmenü der Zentrale nimmt an"),
    "service_no_target": gettext_noop("{service} hat kein Ziel: Anruf endet"),
    "service_target": gettext_noop("Ziel im {service}: {target}"),
    "recall": gettext_noop("{situation}: zurück an die Zentrale"),
    "call_operator_main": gettext_noop("Anruf an die Zentrale (Hauptrufnummer {number})"),
    "call_operator_zero": gettext_noop("Anruf an die Zentrale (0)"),
    "call_extension": gettext_noop("Anruf an Durchwahl {extension}"),
    "extension_unassigned_operator": gettext_noop(
        "Durchwahl {extension} ist nicht vergeben: an die Zentrale"
    ),
    # Hunt groups
    "group_missing": gettext_noop("Sammelruf-Gruppe {group} gibt es nicht"),
    "group_skipped": gettext_noop("{group}: übersprungen: {members}"),
    "member_unknown": gettext_noop("unbekannter Benutzer {user}"),
    "member_other_site": gettext_noop("{user} (arbeitet an einem anderen Standort)"),
    "member_logged_out": gettext_noop("{user} (von der Gruppe abgemeldet)"),
    "member_busy": gettext_noop("{user} (besetzt)"),
    "member_no_device": gettext_noop("{user} (kein Gerät angemeldet)"),
    "group_none_available": gettext_noop("kein Mitglied von {group} ist erreichbar"),
    "group_parallel": gettext_noop(
        "{group} (gleichzeitig): alle {count} erreichbaren Mitglieder klingeln"
    ),
    "group_not_answered": gettext_noop("{group} hat nicht innerhalb von {seconds} s angenommen"),
    "longest_idle_first": gettext_noop(
        "{group} (längste Ruhezeit): {user} ist am längsten frei ({since})"
    ),
    "longest_idle_next": gettext_noop(
        "{group} (längste Ruhezeit): {user} ist als Nächstes am längsten frei ({since})"
    ),
    "last_call_ended": gettext_noop("letzter Anruf endete am {at:%d.%m.%Y um %H:%M} Uhr"),
    "no_call_yet": gettext_noop("noch kein Anruf"),
    "round_robin_only": gettext_noop("{group} (reihum): {user} ist das einzige Mitglied"),
    "round_robin_first": gettext_noop(
        "{group} (reihum): {user} wurde ausgelost und klingelt zuerst"
    ),
    "round_robin_others": gettext_noop(
        "{group} (reihum): {user} hat nicht angenommen, alle {count} anderen Mitglieder klingeln"
    ),
    "round_robin_timeout": gettext_noop(
        "{group} (reihum): die Gruppenzeit ist mit dem ersten Mitglied aufgebraucht; die "
        "anderen klingeln nicht"
    ),
    "overflow": gettext_noop("{situation}: Überlauf an {target}"),
    "no_overflow": gettext_noop("{situation}, kein Überlauf eingerichtet: Anruf endet"),
    # Menus
    "menu_missing": gettext_noop("Sprachmenü {menu} gibt es nicht"),
    "menu_back": gettext_noop("zurück zu {menu}"),
    "menu_continue": gettext_noop("weiter in {menu} (oben ausgeführt)"),
    "pressed": gettext_noop("Anrufer drückt {digit}"),
    "no_input": gettext_noop("keine Eingabe"),
    "invalid_input": gettext_noop("ungültige Eingabe"),
    "digit": gettext_noop("Taste {digit}"),
    "after_plays": gettext_noop("{what} nach {plays} Ansagen"),
    "menu_no_target": gettext_noop("{situation}, kein Ziel eingestellt: Anruf endet"),
    "menu_fallback": gettext_noop("{situation}: an {target}"),
    "run_menu": gettext_noop("{menu} startet"),
    # Public numbers, emergency calls, transfers
    "no_trunk": gettext_noop("kein SIP-Trunk für die Weiterleitung an {number}"),
    "forward_external": gettext_noop(
        "Weiterleitung an {number} über {trunk} des Standorts „{site}“"
    ),
    "emergency_site_unknown": gettext_noop(
        "zugewiesener Standort {site} ist unbekannt, es gilt der Hauptstandort"
    ),
    "emergency_hotdesk": gettext_noop("der Hot-Desk-Platz ändert den SIP-Trunk nicht"),
    "emergency_presented": gettext_noop("die angezeigte Rufnummer ändert den SIP-Trunk nicht"),
    "emergency_no_site": gettext_noop("kein Standort mit SIP-Trunk: Notruf nicht möglich"),
    "emergency_call": gettext_noop(
        "Notruf {number} von {user} geht über {trunk} des zugewiesenen Standorts „{site}“ mit "
        "dessen Notrufadresse"
    ),
    "emergency_call_notes": gettext_noop(
        "Notruf {number} von {user} geht über {trunk} des zugewiesenen Standorts „{site}“ mit "
        "dessen Notrufadresse ({notes})"
    ),
    "site_unknown": gettext_noop("zugewiesener Standort {site} von {user} ist unbekannt"),
    "outbound_call": gettext_noop(
        "externer Anruf von {user} geht über {trunk} des zugewiesenen Standorts „{site}“"
    ),
    "caller_unknown": gettext_noop("Anrufer {user} ist kein Benutzer dieses Kunden"),
    "emergency_only_users": gettext_noop("Notrufe können nur Benutzer dieses Kunden wählen"),
    "not_customer_number": gettext_noop("{number} gehört nicht zu diesem Kunden"),
    "cannot_route": gettext_noop("„{dialled}“ lässt sich nicht zustellen"),
    "emergency_no_transfer": gettext_noop("an Notrufnummern kann nicht vermittelt werden"),
    "transfer_to": gettext_noop("Vermittlung an {number}"),
    "transfer_operator": gettext_noop("Vermittlung an die Zentrale"),
    "transfer_extension": gettext_noop("Vermittlung an Durchwahl {extension}"),
    "transfer_unassigned": gettext_noop("Vermittlungsziel „{dialled}“ ist nicht vergeben"),
    # What a step does
    "endpoint_device": gettext_noop("Telefon {ref} von {user}"),
    "endpoint_client": gettext_noop("{ref} von {user}"),
    "endpoint_mobility": gettext_noop("Mobility {ref} von {user}"),
    "step_play": gettext_noop("Ansage „{announcement}“ abspielen"),
    "step_ring_parallel": gettext_noop("{seconds} s gleichzeitig klingeln: {endpoints}"),
    "step_ring_one": gettext_noop("{endpoint} klingelt {seconds} s"),
    "step_voicemail": gettext_noop("Voicemail von {user}"),
    "step_forward": gettext_noop("Weiterleitung an {number} über {trunk}"),
    "step_forward_for": gettext_noop("Weiterleitung an {number} über {trunk} für {seconds} s"),
    "step_send": gettext_noop("{number} über {trunk} (Standort {site})"),
    "step_send_presenting": gettext_noop(
        "{number} über {trunk} (Standort {site}), angezeigte Rufnummer {presented}"
    ),
    "step_emergency": gettext_noop(
        "NOTRUF: {number} über {trunk} (Standort {site}), Notrufadresse {address}"
    ),
    "step_emergency_presenting": gettext_noop(
        "NOTRUF: {number} über {trunk} (Standort {site}), Notrufadresse {address}, angezeigte "
        "Rufnummer {presented}"
    ),
    "step_go_to_menu": gettext_noop("weiter im Sprachmenü „{menu}“"),
    "step_reject": gettext_noop("Abweisen ({cause})"),
    "step_note": gettext_noop("Hinweis"),
    "step_menu": gettext_noop(
        "Sprachmenü „{menu}“: Ansage „{announcement}“, {seconds} s auf eine Taste warten, bis "
        "zu {repeats}-mal wiederholen"
    ),
    "cause_busy": gettext_noop("besetzt"),
    "cause_not_answered": gettext_noop("nicht angenommen"),
    "cause_unavailable": gettext_noop("nicht erreichbar"),
    "cause_unknown_number": gettext_noop("unbekannte Rufnummer"),
    "cause_not_entitled": gettext_noop("nicht im Paket"),
    "cause_loop": gettext_noop("Schleife"),
    "cause_too_complex": gettext_noop("zu komplex"),
    # Configuration problems
    "edge": gettext_noop(" →({edge}) {node}"),
    "edge_always": gettext_noop("immer"),
    "edge_busy": gettext_noop("besetzt"),
    "edge_no_answer": gettext_noop("keine Antwort"),
    "edge_logged_out": gettext_noop("abgemeldet"),
    "edge_overflow": gettext_noop("Überlauf"),
    "loop_error": gettext_noop("Anrufe kreisen ohne Zutun des Anrufers: {cycle}"),
    "loop_warning": gettext_noop("Anrufer können durch Tastendrücke im Kreis laufen: {cycle}"),
    "reserved_extension": gettext_noop(
        "{owner} nutzt die Durchwahl 0, die der Zentrale vorbehalten ist"
    ),
    "duplicate_extension": gettext_noop("Durchwahl {extension} nutzen {first} und {second}"),
    "unknown_target": gettext_noop("{where} verweist auf {target}, das es nicht gibt"),
    "not_e164": gettext_noop("{where} verweist auf „{number}“, keine Rufnummer im Format E.164"),
    "user_unknown_site": gettext_noop("{user} ist dem unbekannten Standort {site} zugeordnet"),
    "group_unknown_site": gettext_noop("{group} gehört zum unbekannten Standort {site}"),
    "device_unknown_site": gettext_noop("Gerät {device} gehört zum unbekannten Standort {site}"),
    "group_unknown_member": gettext_noop("{group} hat das unbekannte Mitglied {user}"),
    "group_member_other_site": gettext_noop("{user} in {group} arbeitet an einem anderen Standort"),
    "where_forward_always": gettext_noop("{user} (Weiterleitung immer)"),
    "where_forward_busy": gettext_noop("{user} (Weiterleitung bei besetzt)"),
    "where_forward_no_answer": gettext_noop("{user} (Weiterleitung bei keiner Antwort)"),
    "where_overflow": gettext_noop("{group} (Überlauf)"),
    "where_digit": gettext_noop("{menu} (Taste {digit})"),
    "where_no_input": gettext_noop("{menu} (keine Eingabe)"),
    "where_invalid_input": gettext_noop("{menu} (ungültige Eingabe)"),
    "where_day_target": gettext_noop("Zentrale (Ziel im Tagbetrieb)"),
    "where_night_target": gettext_noop("Zentrale (Ziel im Nachtbetrieb)"),
    "where_operator_menu": gettext_noop("Zentrale (Sprachmenü)"),
    # Network check (NET-1, NET-2)
    "net_upstream": gettext_noop("Upstream"),
    "net_downstream": gettext_noop("Downstream"),
    "net_seconds": gettext_noop("{count} s"),
    "net_minutes": gettext_noop("{count} min"),
    "net_no_packets": gettext_noop("{direction}: keine Pakete"),
    "net_loss_direction": gettext_noop(
        "{direction} {percent:.2f} % von {sent} Paketen (95-%-Konfidenzintervall "
        "{low:.2f}–{high:.2f} %)"
    ),
    "net_loss_too_few": gettext_noop(
        "zu wenige Pakete für eine Entscheidung nahe {threshold:g} %: mindestens {packets} "
        "Pakete je Richtung messen (etwa {duration} bei {rate:g} Paketen/s)"
    ),
    "net_loss_undecidable": gettext_noop(
        "der gemessene Verlust liegt genau am Grenzwert; keine Messdauer kann das entscheiden"
    ),
    "net_delay": gettext_noop(
        "mittlere Einweg-Verzögerung Upstream {up:.2f} ms, Downstream {down:.2f} ms"
    ),
    "net_no_replies": gettext_noop("keine Antworten erhalten"),
    "net_rtt_within": gettext_noop("schon die Umlaufzeit liegt im Grenzwert für eine Richtung"),
    "net_rtt_exceeds": gettext_noop(
        "die Umlaufzeit übersteigt das Doppelte des Grenzwerts für eine Richtung"
    ),
    "net_rtt_between": gettext_noop(
        "die Einweg-Verzögerung ist ohne synchronisierte Uhren nicht messbar; die Umlaufzeit "
        "liegt zwischen dem Einfachen und dem Doppelten des Grenzwerts"
    ),
    "net_rtt_only": gettext_noop("nur Umlaufzeit: im Mittel {rtt:.2f} ms; {why}"),
    "net_jitter_few": gettext_noop("weniger als {count} Pakete je Richtung empfangen"),
    "net_jitter": gettext_noop(
        "mittlerer Jitter (RFC 3550) Upstream {up:.2f} ms, Downstream {down:.2f} ms"
    ),
    "net_ports_unchecked": gettext_noop(
        "Port-Matrix nicht geprüft (Messprogramm mit --check-ports starten)"
    ),
    "net_ports_blocked": gettext_noop("gesperrt: {ports}"),
    "net_ports_missing": gettext_noop("nicht geprüft: {ports}"),
    "net_ports_open": gettext_noop("alle nötigen NET-2-Ports sind offen"),
    "net_port": gettext_noop("{protocol} {port}"),
    "net_port_status": gettext_noop("{protocol} {port} ({status})"),
    "net_status_open": gettext_noop("offen"),
    "net_status_refused": gettext_noop("abgewiesen"),
    "net_status_filtered": gettext_noop("gefiltert"),
    "net_status_closed": gettext_noop("geschlossen"),
    "net_status_no-reply": gettext_noop("keine Antwort"),
    "net_status_error": gettext_noop("Fehler"),
}

ENGLISH: dict[str, str] = {**ROUTING_ENGLISH, **NETCHECK_ENGLISH}


def say(value: str, names: Mapping[str, str] | None = None, *, english: bool = False) -> str:
    """``value`` for people in the active language: a :class:`Text` from its template (German,
    or the English catalogue), any other string as it is; ids found in ``names`` become names.

    Where the active language has no translation of a template, that text and every text
    inside it are said with the English templates of ``telephony`` (``english``), so a sentence
    never mixes languages."""
    if not isinstance(value, Text):
        return names.get(value, value) if names else value
    if value.code == JOIN:
        items = value.params["items"]
        return str(value.params["sep"]).join(say(i, names, english=english) for i in items)
    msgid = GERMAN.get(value.code)
    template = translated(msgid) if msgid is not None and not english else None
    if template is None:
        english = True
        template = ENGLISH.get(value.code)
    if template is None:  # a code this platform does not know (a newer probe)
        return str(value)
    params = {
        name: say(param, names, english=english) if isinstance(param, str) else param
        for name, param in value.params.items()
    }
    return fill(template, params)
