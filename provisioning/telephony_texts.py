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

from django.utils.translation import gettext_noop as N

from telephony.netcheck.texts import ENGLISH as NETCHECK_ENGLISH
from telephony.routing.texts import ENGLISH as ROUTING_ENGLISH
from telephony.text import JOIN, Text

from .i18n import fill, translated

__all__ = ["GERMAN", "say"]

GERMAN: dict[str, str] = {
    # Things in the configuration
    "user": N("Benutzer {extension}"),
    "user_named": N("{user} ({name})"),
    "hunt_group": N("Sammelruf-Gruppe „{name}“"),
    "menu": N("Sprachmenü „{name}“"),
    "operator": N("Zentrale"),
    "extension": N("Durchwahl {extension}"),
    "voicemail_of": N("Voicemail von {user}"),
    "unknown_user": N("unbekannter Benutzer {user}"),
    "unknown_hunt_group": N("unbekannte Sammelruf-Gruppe {group}"),
    "unknown_menu": N("unbekanntes Sprachmenü {menu}"),
    "target_ref": N("{kind} {ref}"),
    "kind_extension": N("Durchwahl"),
    "kind_user": N("Benutzer"),
    "kind_hunt_group": N("Sammelruf-Gruppe"),
    "kind_ivr": N("Sprachmenü"),
    "kind_voicemail": N("Voicemail"),
    "kind_operator": N("Zentrale"),
    "kind_external": N("externe Rufnummer"),
    "kind_disconnect": N("Auflegen"),
    "client_uc_client": N("UC-Client"),
    "client_smartphone_app": N("Smartphone-App"),
    "client_softphone": N("Softphone"),
    # Day and night service
    "day_service": N("Tagbetrieb"),
    "night_service": N("Nachtbetrieb"),
    "monday": N("Montag"),
    "tuesday": N("Dienstag"),
    "wednesday": N("Mittwoch"),
    "thursday": N("Donnerstag"),
    "friday": N("Freitag"),
    "saturday": N("Samstag"),
    "sunday": N("Sonntag"),
    "manual_day": N("Tagbetrieb: von Hand auf Tag geschaltet, der Wochenplan gilt nicht"),
    "manual_night": N("Nachtbetrieb: von Hand auf Nacht geschaltet, der Wochenplan gilt nicht"),
    "holiday": N("Nachtbetrieb: {date:%d.%m.%Y} ({day}) ist ein Feiertag"),
    "no_schedule_day": N("Nachtbetrieb: {day} liegt außerhalb des Wochenplans"),
    "in_schedule": N("Tagbetrieb: {day} {time} Uhr liegt im Wochenplan ({start}–{end} Uhr)"),
    "outside_schedule": N("Nachtbetrieb: {day} {time} Uhr liegt außerhalb des Wochenplans"),
    # Loops and limits while planning
    "routing_loop": N("Schleife: {cycle}: Anruf endet"),
    "menu_loop": N("Menüschleife ohne Eingabe des Anrufers: {cycle}: Anruf endet"),
    "too_complex": N("Weiterleitung zu tief oder zu umfangreich bei {node}: Anruf endet"),
    # Users
    "user_missing": N("Benutzer {user} gibt es nicht"),
    "extension_unassigned": N("Durchwahl {extension} ist nicht vergeben"),
    "disconnect": N("eingestellt auf Auflegen"),
    "forwards_always": N("{user} leitet alle Anrufe weiter an {target}"),
    "logged_out": N("{user} ist abgemeldet"),
    "logged_out_to_operator": N(
        "{user} ist abgemeldet und hat keine Weiterleitung: an die Zentrale"
    ),
    "busy": N("{user} ist besetzt"),
    "no_answer": N("{user} hat nach {seconds} s nicht angenommen"),
    "transfer_not_answered": N(
        "Vermittlung an {target} nicht innerhalb von {seconds} s angenommen"
    ),
    "forwarding": N("{situation}: Weiterleitung an {target}"),
    "ring_user": N("{user} klingelt ({name}){pickup}"),
    "pickup_hint": N(" (Pickup-Gruppe {groups} kann heranholen)"),
    "client_skipped": N(
        "{client} von {user} übersprungen: nicht in {package} enthalten (erst ab {minimum})"
    ),
    "mobility_skipped": N(
        "Mobility von {user} übersprungen: nicht in {package} enthalten (erst ab {minimum})"
    ),
    "voicemail_skipped": N(
        "Voicemail von {user} übersprungen: nicht in {package} enthalten (erst ab {minimum})"
    ),
    "to_voicemail": N("{situation}: Voicemail von {user}"),
    "no_voicemail": N("{situation}, keine Voicemail: Anruf endet"),
    "voicemail_owner_missing": N("Inhaber {user} der Voicemail gibt es nicht"),
    "voicemail_unavailable": N("Voicemail nicht verfügbar: Anruf endet"),
    "voicemail_disabled": N("Voicemail von {user} ist nicht eingeschaltet: Anruf endet"),
    # The operator station
    "operator_user_missing": N("Benutzer {user} der Zentrale gibt es nicht"),
    "forwarding_ignored": N(" (Anrufe an die Zentrale beachten die eigene Weiterleitung nicht)"),
    "operator_no_device": N("Zentrale {user} hat kein angemeldetes Gerät{ignored}: Anruf endet"),
    "operator_busy": N("Zentrale {user} ist besetzt{ignored}"),
    "ring_operator": N("Zentrale {user} klingelt ({name}){ignored}"),
    "operator_no_answer": N(
        "Zentrale {user} hat nicht innerhalb von {seconds} s angenommen: Anruf endet"
    ),
    "operator_announcement": N("Ansage der Zentrale vor dem Annehmen"),
    "operator_menu": N("das Sprachmenü der Zentrale nimmt an"),
    "service_no_target": N("{service} hat kein Ziel: Anruf endet"),
    "service_target": N("Ziel im {service}: {target}"),
    "recall": N("{situation}: zurück an die Zentrale"),
    "call_operator_main": N("Anruf an die Zentrale (Hauptrufnummer {number})"),
    "call_operator_zero": N("Anruf an die Zentrale (0)"),
    "call_extension": N("Anruf an Durchwahl {extension}"),
    "extension_unassigned_operator": N("Durchwahl {extension} ist nicht vergeben: an die Zentrale"),
    # Hunt groups
    "group_missing": N("Sammelruf-Gruppe {group} gibt es nicht"),
    "group_skipped": N("{group}: übersprungen: {members}"),
    "member_unknown": N("unbekannter Benutzer {user}"),
    "member_other_site": N("{user} (arbeitet an einem anderen Standort)"),
    "member_logged_out": N("{user} (von der Gruppe abgemeldet)"),
    "member_busy": N("{user} (besetzt)"),
    "member_no_device": N("{user} (kein Gerät angemeldet)"),
    "group_none_available": N("kein Mitglied von {group} ist erreichbar"),
    "group_parallel": N("{group} (gleichzeitig): alle {count} erreichbaren Mitglieder klingeln"),
    "group_not_answered": N("{group} hat nicht innerhalb von {seconds} s angenommen"),
    "longest_idle_first": N("{group} (längste Ruhezeit): {user} ist am längsten frei ({since})"),
    "longest_idle_next": N(
        "{group} (längste Ruhezeit): {user} ist als Nächstes am längsten frei ({since})"
    ),
    "last_call_ended": N("letzter Anruf endete am {at:%d.%m.%Y um %H:%M} Uhr"),
    "no_call_yet": N("noch kein Anruf"),
    "round_robin_only": N("{group} (reihum): {user} ist das einzige Mitglied"),
    "round_robin_first": N("{group} (reihum): {user} wurde ausgelost und klingelt zuerst"),
    "round_robin_others": N(
        "{group} (reihum): {user} hat nicht angenommen, alle {count} anderen Mitglieder klingeln"
    ),
    "round_robin_timeout": N(
        "{group} (reihum): die Gruppenzeit ist mit dem ersten Mitglied aufgebraucht; die "
        "anderen klingeln nicht"
    ),
    "overflow": N("{situation}: Überlauf an {target}"),
    "no_overflow": N("{situation}, kein Überlauf eingerichtet: Anruf endet"),
    # Menus
    "menu_missing": N("Sprachmenü {menu} gibt es nicht"),
    "menu_back": N("zurück zu {menu}"),
    "menu_continue": N("weiter in {menu} (oben ausgeführt)"),
    "pressed": N("Anrufer drückt {digit}"),
    "no_input": N("keine Eingabe"),
    "invalid_input": N("ungültige Eingabe"),
    "digit": N("Taste {digit}"),
    "after_plays": N("{what} nach {plays} Ansagen"),
    "menu_no_target": N("{situation}, kein Ziel eingestellt: Anruf endet"),
    "menu_fallback": N("{situation}: an {target}"),
    "run_menu": N("{menu} startet"),
    # Public numbers, emergency calls, transfers
    "no_trunk": N("kein SIP-Trunk für die Weiterleitung an {number}"),
    "forward_external": N("Weiterleitung an {number} über {trunk} des Standorts „{site}“"),
    "emergency_site_unknown": N(
        "zugewiesener Standort {site} ist unbekannt, es gilt der Hauptstandort"
    ),
    "emergency_hotdesk": N("der Hot-Desk-Platz ändert den SIP-Trunk nicht"),
    "emergency_presented": N("die angezeigte Rufnummer ändert den SIP-Trunk nicht"),
    "emergency_no_site": N("kein Standort mit SIP-Trunk: Notruf nicht möglich"),
    "emergency_call": N(
        "Notruf {number} von {user} geht über {trunk} des zugewiesenen Standorts „{site}“ mit "
        "dessen Notrufadresse"
    ),
    "emergency_call_notes": N(
        "Notruf {number} von {user} geht über {trunk} des zugewiesenen Standorts „{site}“ mit "
        "dessen Notrufadresse ({notes})"
    ),
    "site_unknown": N("zugewiesener Standort {site} von {user} ist unbekannt"),
    "outbound_call": N(
        "externer Anruf von {user} geht über {trunk} des zugewiesenen Standorts „{site}“"
    ),
    "caller_unknown": N("Anrufer {user} ist kein Benutzer dieses Kunden"),
    "emergency_only_users": N("Notrufe können nur Benutzer dieses Kunden wählen"),
    "not_customer_number": N("{number} gehört nicht zu diesem Kunden"),
    "cannot_route": N("„{dialled}“ lässt sich nicht zustellen"),
    "emergency_no_transfer": N("an Notrufnummern kann nicht vermittelt werden"),
    "transfer_to": N("Vermittlung an {number}"),
    "transfer_operator": N("Vermittlung an die Zentrale"),
    "transfer_extension": N("Vermittlung an Durchwahl {extension}"),
    "transfer_unassigned": N("Vermittlungsziel „{dialled}“ ist nicht vergeben"),
    # What a step does
    "endpoint_device": N("Telefon {ref} von {user}"),
    "endpoint_client": N("{ref} von {user}"),
    "endpoint_mobility": N("Mobility {ref} von {user}"),
    "step_play": N("Ansage „{announcement}“ abspielen"),
    "step_ring_parallel": N("{seconds} s gleichzeitig klingeln: {endpoints}"),
    "step_ring_one": N("{endpoint} klingelt {seconds} s"),
    "step_voicemail": N("Voicemail von {user}"),
    "step_forward": N("Weiterleitung an {number} über {trunk}"),
    "step_forward_for": N("Weiterleitung an {number} über {trunk} für {seconds} s"),
    "step_send": N("{number} über {trunk} (Standort {site})"),
    "step_send_presenting": N(
        "{number} über {trunk} (Standort {site}), angezeigte Rufnummer {presented}"
    ),
    "step_emergency": N("NOTRUF: {number} über {trunk} (Standort {site}), Notrufadresse {address}"),
    "step_emergency_presenting": N(
        "NOTRUF: {number} über {trunk} (Standort {site}), Notrufadresse {address}, angezeigte "
        "Rufnummer {presented}"
    ),
    "step_go_to_menu": N("weiter im Sprachmenü „{menu}“"),
    "step_reject": N("Abweisen ({cause})"),
    "step_note": N("Hinweis"),
    "step_menu": N(
        "Sprachmenü „{menu}“: Ansage „{announcement}“, {seconds} s auf eine Taste warten, bis "
        "zu {repeats}-mal wiederholen"
    ),
    "cause_busy": N("besetzt"),
    "cause_not_answered": N("nicht angenommen"),
    "cause_unavailable": N("nicht erreichbar"),
    "cause_unknown_number": N("unbekannte Rufnummer"),
    "cause_not_entitled": N("nicht im Paket"),
    "cause_loop": N("Schleife"),
    "cause_too_complex": N("zu komplex"),
    # Configuration problems
    "edge": N(" →({edge}) {node}"),
    "edge_always": N("immer"),
    "edge_busy": N("besetzt"),
    "edge_no_answer": N("keine Antwort"),
    "edge_logged_out": N("abgemeldet"),
    "edge_overflow": N("Überlauf"),
    "loop_error": N("Anrufe kreisen ohne Zutun des Anrufers: {cycle}"),
    "loop_warning": N("Anrufer können durch Tastendrücke im Kreis laufen: {cycle}"),
    "reserved_extension": N("{owner} nutzt die Durchwahl 0, die der Zentrale vorbehalten ist"),
    "duplicate_extension": N("Durchwahl {extension} nutzen {first} und {second}"),
    "unknown_target": N("{where} verweist auf {target}, das es nicht gibt"),
    "not_e164": N("{where} verweist auf „{number}“, keine Rufnummer im Format E.164"),
    "user_unknown_site": N("{user} ist dem unbekannten Standort {site} zugeordnet"),
    "group_unknown_site": N("{group} gehört zum unbekannten Standort {site}"),
    "device_unknown_site": N("Gerät {device} gehört zum unbekannten Standort {site}"),
    "group_unknown_member": N("{group} hat das unbekannte Mitglied {user}"),
    "group_member_other_site": N("{user} in {group} arbeitet an einem anderen Standort"),
    "where_forward_always": N("{user} (Weiterleitung immer)"),
    "where_forward_busy": N("{user} (Weiterleitung bei besetzt)"),
    "where_forward_no_answer": N("{user} (Weiterleitung bei keiner Antwort)"),
    "where_overflow": N("{group} (Überlauf)"),
    "where_digit": N("{menu} (Taste {digit})"),
    "where_no_input": N("{menu} (keine Eingabe)"),
    "where_invalid_input": N("{menu} (ungültige Eingabe)"),
    "where_day_target": N("Zentrale (Ziel im Tagbetrieb)"),
    "where_night_target": N("Zentrale (Ziel im Nachtbetrieb)"),
    "where_operator_menu": N("Zentrale (Sprachmenü)"),
    # Network check (NET-1, NET-2)
    "net_upstream": N("Upstream"),
    "net_downstream": N("Downstream"),
    "net_seconds": N("{count} s"),
    "net_minutes": N("{count} min"),
    "net_no_packets": N("{direction}: keine Pakete"),
    "net_loss_direction": N(
        "{direction} {percent:.2f} % von {sent} Paketen (95-%-Konfidenzintervall "
        "{low:.2f}–{high:.2f} %)"
    ),
    "net_loss_too_few": N(
        "zu wenige Pakete für eine Entscheidung nahe {threshold:g} %: mindestens {packets} "
        "Pakete je Richtung messen (etwa {duration} bei {rate:g} Paketen/s)"
    ),
    "net_loss_undecidable": N(
        "der gemessene Verlust liegt genau am Grenzwert; keine Messdauer kann das entscheiden"
    ),
    "net_delay": N("mittlere Einweg-Verzögerung Upstream {up:.2f} ms, Downstream {down:.2f} ms"),
    "net_no_replies": N("keine Antworten erhalten"),
    "net_rtt_within": N("schon die Umlaufzeit liegt im Grenzwert für eine Richtung"),
    "net_rtt_exceeds": N("die Umlaufzeit übersteigt das Doppelte des Grenzwerts für eine Richtung"),
    "net_rtt_between": N(
        "die Einweg-Verzögerung ist ohne synchronisierte Uhren nicht messbar; die Umlaufzeit "
        "liegt zwischen dem Einfachen und dem Doppelten des Grenzwerts"
    ),
    "net_rtt_only": N("nur Umlaufzeit: im Mittel {rtt:.2f} ms; {why}"),
    "net_jitter_few": N("weniger als {count} Pakete je Richtung empfangen"),
    "net_jitter": N("mittlerer Jitter (RFC 3550) Upstream {up:.2f} ms, Downstream {down:.2f} ms"),
    "net_ports_unchecked": N("Port-Matrix nicht geprüft (Messprogramm mit --check-ports starten)"),
    "net_ports_blocked": N("gesperrt: {ports}"),
    "net_ports_missing": N("nicht geprüft: {ports}"),
    "net_ports_open": N("alle nötigen NET-2-Ports sind offen"),
    "net_port": N("{protocol} {port}"),
    "net_port_status": N("{protocol} {port} ({status})"),
    "net_status_open": N("offen"),
    "net_status_refused": N("abgewiesen"),
    "net_status_filtered": N("gefiltert"),
    "net_status_closed": N("geschlossen"),
    "net_status_no-reply": N("keine Antwort"),
    "net_status_error": N("Fehler"),
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
