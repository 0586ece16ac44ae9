"""The English templates of every text the routing engine writes for people.

Steps, decisions and configuration problems are :class:`telephony.text.Text` values made with
``t(code, **params)`` from this table, so they read as English here and can be rendered in
another language by code (the portal's German templates use the same codes).
"""

from __future__ import annotations

from telephony.text import Templates

__all__ = ["ENGLISH", "t"]

ENGLISH: dict[str, str] = {
    # Things in the configuration
    "user": "user {extension}",
    "user_named": "{user} ({name})",
    "hunt_group": "hunt group '{name}'",
    "menu": "menu '{name}'",
    "operator": "operator",
    "extension": "extension {extension}",
    "voicemail_of": "voicemail of {user}",
    "unknown_user": "unknown user {user}",
    "unknown_hunt_group": "unknown hunt group {group}",
    "unknown_menu": "unknown menu {menu}",
    "target_ref": "{kind} {ref}",
    "kind_extension": "extension",
    "kind_user": "user",
    "kind_hunt_group": "hunt group",
    "kind_ivr": "ivr",
    "kind_voicemail": "voicemail",
    "kind_operator": "operator",
    "kind_external": "external",
    "kind_disconnect": "disconnect",
    "client_uc_client": "uc client",
    "client_smartphone_app": "smartphone app",
    "client_softphone": "softphone",
    # Day and night service
    "day_service": "day service",
    "night_service": "night service",
    "monday": "Monday",
    "tuesday": "Tuesday",
    "wednesday": "Wednesday",
    "thursday": "Thursday",
    "friday": "Friday",
    "saturday": "Saturday",
    "sunday": "Sunday",
    "manual_day": "day service: manual day switch overrides the schedule",
    "manual_night": "night service: manual night switch overrides the schedule",
    "holiday": "night service: {date} ({day}) is a holiday",
    "no_schedule_day": "night service: {day} is outside the weekly schedule",
    "in_schedule": "day service: {day} {time} is within the weekly schedule ({start}-{end})",
    "outside_schedule": "night service: {day} {time} is outside the weekly schedule",
    # Loops and limits while planning
    "routing_loop": "routing loop: {cycle}: call ends",
    "menu_loop": "menu loop without caller input: {cycle}: call ends",
    "too_complex": "routing too deep or too large at {node}: call ends",
    # Users
    "user_missing": "user {user} does not exist",
    "extension_unassigned": "extension {extension} is not assigned",
    "disconnect": "configured to disconnect",
    "forwards_always": "{user} forwards all calls to {target}",
    "logged_out": "{user} is logged out",
    "logged_out_to_operator": "{user} is logged out and has no forwarding: to operator",
    "busy": "{user} is busy",
    "no_answer": "no answer from {user} after {seconds} s",
    "transfer_not_answered": "transfer to {target} not answered within {seconds} s",
    "forwarding": "{situation}: forwarding to {target}",
    "ring_user": "ring {user} ({name}){pickup}",
    "pickup_hint": " (pickup group {groups} can pick up)",
    "client_skipped": "{client} of {user} skipped: {package} does not include it (needs {minimum})",
    "mobility_skipped": (
        "mobility of {user} skipped: {package} does not include mobility (needs {minimum})"
    ),
    "voicemail_skipped": (
        "voicemail of {user} skipped: {package} does not include voicemail (needs {minimum})"
    ),
    "to_voicemail": "{situation}: voicemail of {user}",
    "no_voicemail": "{situation} and no voicemail: call ends",
    "voicemail_owner_missing": "voicemail owner {user} does not exist",
    "voicemail_unavailable": "voicemail not available: call ends",
    "voicemail_disabled": "voicemail of {user} is not enabled: call ends",
    # The operator station
    "operator_user_missing": "operator user {user} does not exist",
    "forwarding_ignored": " (calls to the operator ignore the individual forwarding)",
    "operator_no_device": "operator {user} has no device logged in{ignored}: call ends",
    "operator_busy": "operator {user} is busy{ignored}",
    "ring_operator": "ring operator {user} ({name}){ignored}",
    "operator_no_answer": "operator {user} did not answer within {seconds} s: call ends",
    "operator_announcement": "operator announcement before answering",
    "operator_menu": "the operator menu answers",
    "service_no_target": "{service} has no target set: call ends",
    "service_target": "{service} target {target}",
    "recall": "{situation}: back to the operator",
    "call_operator_main": "call to the operator (main number {number})",
    "call_operator_zero": "call to the operator (0)",
    "call_extension": "call to extension {extension}",
    "extension_unassigned_operator": "extension {extension} is not assigned: to operator",
    # Hunt groups
    "group_missing": "hunt group {group} does not exist",
    "group_skipped": "{group}: skipped {members}",
    "member_unknown": "unknown user {user}",
    "member_other_site": "{user} (belongs to another site)",
    "member_logged_out": "{user} (logged out of the group)",
    "member_busy": "{user} (busy)",
    "member_no_device": "{user} (no device logged in)",
    "group_none_available": "no member of {group} is available",
    "group_parallel": "{group} (parallel): all {count} available members ring",
    "group_not_answered": "{group} not answered within {seconds} s",
    "longest_idle_first": "{group} (longest idle): {user} is idle longest ({since})",
    "longest_idle_next": "{group} (longest idle): {user} is next longest idle ({since})",
    "last_call_ended": "last call ended {at:%Y-%m-%d %H:%M}",
    "no_call_yet": "no call yet",
    "round_robin_only": "{group} (round robin): {user} is the only member",
    "round_robin_first": "{group} (round robin): {user} was drawn at random and rings first",
    "round_robin_others": (
        "{group} (round robin): not answered by {user}, all {count} other members ring"
    ),
    "round_robin_timeout": (
        "{group} (round robin): group timeout used up by the first member; others do not ring"
    ),
    "overflow": "{situation}: overflow to {target}",
    "no_overflow": "{situation} and has no overflow: call ends",
    # Menus
    "menu_missing": "menu {menu} does not exist",
    "menu_back": "back to {menu}",
    "menu_continue": "continue in {menu} (expanded above)",
    "pressed": "caller pressed {digit}",
    "no_input": "no input",
    "invalid_input": "invalid input",
    "digit": "digit {digit}",
    "after_plays": "{what} after {plays} plays",
    "menu_no_target": "{situation} and no target set: call ends",
    "menu_fallback": "{situation}: to {target}",
    "run_menu": "run {menu}",
    # Public numbers, emergency calls, transfers
    "no_trunk": "no trunk to forward to {number}",
    "forward_external": "forward to {number} via trunk {trunk} of site '{site}'",
    "emergency_site_unknown": "assigned site {site} is unknown, using the main site",
    "emergency_hotdesk": "hot-desk location does not change the trunk",
    "emergency_presented": "presented number does not change the trunk",
    "emergency_no_site": "no site with a trunk: emergency call fails",
    "emergency_call": (
        "emergency call {number} from {user} leaves through trunk {trunk} of the assigned "
        "site '{site}' with its emergency address"
    ),
    "emergency_call_notes": (
        "emergency call {number} from {user} leaves through trunk {trunk} of the assigned "
        "site '{site}' with its emergency address ({notes})"
    ),
    "site_unknown": "assigned site {site} of {user} is unknown",
    "outbound_call": (
        "public call from {user} leaves through trunk {trunk} of the assigned site '{site}'"
    ),
    "caller_unknown": "caller {user} is not a user of this customer",
    "emergency_only_users": "emergency numbers can only be dialled by users of this customer",
    "not_customer_number": "{number} does not belong to this customer",
    "cannot_route": "cannot route '{dialled}'",
    "emergency_no_transfer": "emergency numbers cannot be transfer targets",
    "transfer_to": "transfer to {number}",
    "transfer_operator": "transfer to the operator",
    "transfer_extension": "transfer to extension {extension}",
    "transfer_unassigned": "transfer target '{dialled}' is not assigned",
    # What a step does (``describe_step``)
    "endpoint_device": "device {ref} (user {user})",
    "endpoint_client": "client {ref} (user {user})",
    "endpoint_mobility": "mobility {ref} (user {user})",
    "step_play": 'Play announcement "{announcement}"',
    "step_ring_parallel": "Ring in parallel for {seconds} s: {endpoints}",
    "step_ring_one": "Ring {endpoint} for {seconds} s",
    "step_voicemail": "Voicemail of user {user}",
    "step_forward": "Forward to {number} via trunk {trunk}",
    "step_forward_for": "Forward to {number} via trunk {trunk} for {seconds} s",
    "step_send": "Send {number} via trunk {trunk} (site {site})",
    "step_send_presenting": "Send {number} via trunk {trunk} (site {site}), presenting {presented}",
    "step_emergency": (
        "EMERGENCY: Send {number} via trunk {trunk} (site {site}), emergency address {address}"
    ),
    "step_emergency_presenting": (
        "EMERGENCY: Send {number} via trunk {trunk} (site {site}), emergency address "
        "{address}, presenting {presented}"
    ),
    "step_go_to_menu": "Go to menu '{menu}'",
    "step_reject": "Reject ({cause})",
    "step_note": "Note",
    "step_menu": (
        "Menu '{menu}': play \"{announcement}\", wait {seconds} s for a digit, "
        "repeat up to {repeats} times"
    ),
    "cause_busy": "busy",
    "cause_not_answered": "not answered",
    "cause_unavailable": "unavailable",
    "cause_unknown_number": "unknown number",
    "cause_not_entitled": "not entitled",
    "cause_loop": "loop",
    "cause_too_complex": "too complex",
    # Configuration problems (``find_loops``, ``find_problems``)
    "edge": " →({edge}) {node}",
    "edge_always": "always",
    "edge_busy": "busy",
    "edge_no_answer": "no answer",
    "edge_logged_out": "logged out",
    "edge_overflow": "overflow",
    "loop_error": "routing loop without caller input: {cycle}",
    "loop_warning": "callers can go round in circles by pressing keys: {cycle}",
    "reserved_extension": "{owner} uses extension 0, reserved for the operator",
    "duplicate_extension": "extension {extension} is used by {first} and {second}",
    "unknown_target": "{where} points to {target}, which does not exist",
    "not_e164": "{where} points to '{number}', which is not an E.164 number",
    "user_unknown_site": "{user} is assigned to unknown site {site}",
    "group_unknown_site": "{group} belongs to unknown site {site}",
    "device_unknown_site": "device {device} belongs to unknown site {site}",
    "group_unknown_member": "{group} has unknown member {user}",
    "group_member_other_site": "{user} in {group} belongs to another site",
    "where_forward_always": "{user} (forward always)",
    "where_forward_busy": "{user} (forward on busy)",
    "where_forward_no_answer": "{user} (forward on no answer)",
    "where_overflow": "{group} (overflow)",
    "where_digit": "{menu} (digit {digit})",
    "where_no_input": "{menu} (no input)",
    "where_invalid_input": "{menu} (invalid input)",
    "where_day_target": "operator (day target)",
    "where_night_target": "operator (night target)",
    "where_operator_menu": "operator (menu)",
}

t = Templates(ENGLISH)
