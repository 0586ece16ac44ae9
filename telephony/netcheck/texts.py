"""The English templates of the network check's verdict details.

Each detail is a :class:`telephony.text.Text` made with ``t(code, **params)``: English here and
in the probe's own report, rendered by code in the language of a request by the platform.
"""

from __future__ import annotations

from telephony.text import Templates

__all__ = ["ENGLISH", "t"]

ENGLISH: dict[str, str] = {
    "net_upstream": "upstream",
    "net_downstream": "downstream",
    "net_seconds": "{count} s",
    "net_minutes": "{count} min",
    "net_no_packets": "{direction}: no packets",
    "net_loss_direction": (
        "{direction} {percent:.2f} % of {sent} (95 % CI {low:.2f}-{high:.2f} %)"
    ),
    "net_loss_too_few": (
        "too few packets for a decision near {threshold:g} %: measure at least {packets} "
        "packets per direction (about {duration} at {rate:g} packets/s)"
    ),
    "net_loss_undecidable": "observed loss is at the threshold, no measurement length can decide",
    "net_delay": "mean one-way delay upstream {up:.2f} ms, downstream {down:.2f} ms",
    "net_no_replies": "no replies received",
    "net_rtt_within": "round trip already within the one-way limit",
    "net_rtt_exceeds": "round trip exceeds twice the one-way limit",
    "net_rtt_between": (
        "one-way delay not measurable without synchronised clocks; round trip is between "
        "one and two times the limit"
    ),
    "net_rtt_only": "RTT only: mean RTT {rtt:.2f} ms; {why}",
    "net_jitter_few": "fewer than {count} packets received per direction",
    "net_jitter": "RFC 3550 mean jitter upstream {up:.2f} ms, downstream {down:.2f} ms",
    "net_ports_unchecked": "port matrix not checked (run the probe with --check-ports)",
    "net_ports_blocked": "blocked: {ports}",
    "net_ports_missing": "not checked: {ports}",
    "net_ports_open": "every required NET-2 port is open",
    "net_port": "{protocol} {port}",
    "net_port_status": "{protocol} {port} ({status})",
    "net_status_open": "open",
    "net_status_refused": "refused",
    "net_status_filtered": "filtered",
    "net_status_closed": "closed",
    "net_status_no-reply": "no-reply",
    "net_status_error": "error",
}

t = Templates(ENGLISH)


def port_status(status: str) -> str:
    """A probe's port status (``filtered``, ``no-reply`` …) as a text, or as given if unknown."""
    code = f"net_status_{status}"
    return t(code) if code in ENGLISH else status
