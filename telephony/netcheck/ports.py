"""NET-2 port matrix: TCP connect classification and UDP echo checks."""

from __future__ import annotations

import errno
import random
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from . import sockets, wire
from .result import PortCheck

OPEN = "open"
REFUSED = "refused"
FILTERED = "filtered"
CLOSED = "closed"
NO_REPLY = "no-reply"
ERROR = "error"


@dataclass(frozen=True)
class PortSpec:
    protocol: str  # tcp | udp
    port: int
    service: str


NET2_TCP: tuple[PortSpec, ...] = (
    PortSpec("tcp", 443, "UC client (HTTPS)"),
    PortSpec("tcp", 8443, "reporting"),
    PortSpec("tcp", 4443, "update/backup"),
    PortSpec("tcp", 1300, "H.323/TLS registration"),
    PortSpec("tcp", 636, "LDAPS external phonebook"),
    PortSpec("tcp", 8636, "LDAPS internal phonebook"),
    PortSpec("tcp", 5060, "SIP (local trunk only)"),
    PortSpec("tcp", 5061, "SIP/TLS (local trunk only)"),
    PortSpec("tcp", 3478, "STUN/TURN"),
)
# UDP ranges can only be sampled: the platform reflector listens on these ports.
NET2_UDP: tuple[PortSpec, ...] = (
    PortSpec("udp", 3478, "STUN/TURN"),
    PortSpec("udp", 5060, "SIP (local trunk only)"),
    PortSpec("udp", 5061, "SIP (local trunk only)"),
    PortSpec("udp", 16384, "RTP voice (16384-32767)"),
    PortSpec("udp", 24576, "RTP voice (16384-32767)"),
    PortSpec("udp", 32767, "RTP voice (16384-32767)"),
    PortSpec("udp", 50000, "video (50000-50100)"),
    PortSpec("udp", 50100, "video (50000-50100)"),
    PortSpec("udp", 60000, "desktop sharing (60000-60100)"),
    PortSpec("udp", 60100, "desktop sharing (60000-60100)"),
)
NET2_ALL = NET2_TCP + NET2_UDP

_REFUSED_ERRNOS = {errno.ECONNREFUSED, errno.ECONNRESET}
_UNREACHABLE_ERRNOS = {errno.EHOSTUNREACH, errno.ENETUNREACH}


def classify_connect_error(exc: BaseException) -> tuple[str, str]:
    """Map a TCP connect exception to (status, detail)."""
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return FILTERED, "no answer within timeout (dropped by a firewall?)"
    if isinstance(exc, ConnectionRefusedError) or (
        isinstance(exc, OSError) and exc.errno in _REFUSED_ERRNOS
    ):
        return REFUSED, "connection refused (reachable, nothing listening or rejected)"
    if isinstance(exc, OSError) and exc.errno in _UNREACHABLE_ERRNOS:
        return FILTERED, f"unreachable: {exc.strerror}"
    return ERROR, str(exc)


def check_tcp(host: str, port: int, timeout: float = 3.0) -> tuple[str, str, float | None]:
    start = time.perf_counter()
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return OPEN, "connected", (time.perf_counter() - start) * 1000.0
    except (OSError, TimeoutError) as exc:
        status, detail = classify_connect_error(exc)
        return status, detail, None


def check_udp(
    host: str, port: int, timeout: float = 1.0, attempts: int = 3
) -> tuple[str, str, float | None]:
    """UDP is open only if a reflector echoes our probe packet on that port."""
    ssrc = random.getrandbits(32) or 1
    with socket.socket(sockets.family_for(host), socket.SOCK_DGRAM) as s:
        try:
            s.connect((host, port))
        except OSError as exc:
            return ERROR, str(exc), None
        s.settimeout(timeout / max(1, attempts))
        for attempt in range(max(1, attempts)):
            buf = wire.encode(wire.Packet(kind=wire.KIND_PROBE, ssrc=ssrc, seq=attempt))
            start = time.perf_counter()
            try:
                s.send(buf)
                end = start + timeout / max(1, attempts)
                while time.perf_counter() < end:
                    data = s.recv(wire.MAX_PACKET + 1)
                    pkt = wire.decode(data)
                    if pkt is not None and pkt.kind == wire.KIND_REPLY and pkt.ssrc == ssrc:
                        return OPEN, "reflector echoed", (time.perf_counter() - start) * 1000.0
            except ConnectionRefusedError:
                return CLOSED, "ICMP port unreachable (reachable, no reflector listening)", None
            except TimeoutError:
                continue
            except OSError as exc:
                return ERROR, str(exc), None
    return NO_REPLY, "no echo (filtered, or no reflector on this port)", None


def check_ports(
    host: str,
    specs: tuple[PortSpec, ...] | list[PortSpec],
    *,
    tcp_timeout: float = 3.0,
    udp_timeout: float = 1.0,
    workers: int = 16,
) -> list[PortCheck]:
    def one(spec: PortSpec) -> PortCheck:
        if spec.protocol == "tcp":
            status, detail, rtt = check_tcp(host, spec.port, tcp_timeout)
        elif spec.protocol == "udp":
            status, detail, rtt = check_udp(host, spec.port, udp_timeout)
        else:
            raise ValueError(f"unknown protocol {spec.protocol!r}")
        return PortCheck(spec.protocol, spec.port, spec.service, status, detail, rtt)

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(specs) or 1))) as pool:
        return list(pool.map(one, specs))
