"""Socket helpers: kernel receive timestamps, TOS/traffic-class reception and marking."""

from __future__ import annotations

import hashlib
import socket
import struct
import sys
import time
from dataclasses import dataclass
from functools import lru_cache

# Linux values; Python's socket module does not export SO_TIMESTAMPNS.
SO_TIMESTAMPNS = int(getattr(socket, "SO_TIMESTAMPNS", 35))
SCM_TIMESTAMPNS = SO_TIMESTAMPNS
_TIMESPEC = struct.Struct("@qq")
IP_RECVTOS = int(getattr(socket, "IP_RECVTOS", 13))
IPV6_RECVTCLASS = int(getattr(socket, "IPV6_RECVTCLASS", 66))
IPV6_TCLASS = int(getattr(socket, "IPV6_TCLASS", 67))
ANCILLARY_SPACE = socket.CMSG_SPACE(_TIMESPEC.size) + socket.CMSG_SPACE(4) * 2


@dataclass
class Received:
    data: bytes
    addr: tuple[str, int]
    rx_ns: int
    kernel_ts: bool
    tos: int | None
    truncated: bool


def enable_rx_features(sock: socket.socket) -> bool:
    """Ask for kernel receive timestamps and the received TOS. Returns True if timestamps work."""
    kernel_ts = False
    if sys.platform.startswith("linux"):
        try:
            sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            kernel_ts = True
        except OSError:
            kernel_ts = False
    try:
        if sock.family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVTCLASS, 1)
        else:
            sock.setsockopt(socket.IPPROTO_IP, IP_RECVTOS, 1)
    except OSError:
        pass
    return kernel_ts


def set_tos(sock: socket.socket, tos: int) -> None:
    try:
        if sock.family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, IPV6_TCLASS, tos)
        else:
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, tos)
    except OSError:
        pass


def tos_cmsg(sock: socket.socket, tos: int) -> list[tuple[int, int, bytes]]:
    if sock.family == socket.AF_INET6:
        return [(socket.IPPROTO_IPV6, IPV6_TCLASS, struct.pack("@i", tos))]
    return [(socket.IPPROTO_IP, socket.IP_TOS, struct.pack("@i", tos))]


def recv(sock: socket.socket, bufsize: int) -> Received:
    """recvmsg with timestamp and TOS; raises BlockingIOError when nothing is queued."""
    data, ancdata, flags, addr = sock.recvmsg(bufsize, ANCILLARY_SPACE)
    rx_ns = 0
    kernel = False
    tos: int | None = None
    for level, ctype, cdata in ancdata:
        if level == socket.SOL_SOCKET and ctype == SCM_TIMESTAMPNS and len(cdata) >= _TIMESPEC.size:
            sec, nsec = _TIMESPEC.unpack_from(cdata)
            rx_ns = sec * 1_000_000_000 + nsec
            kernel = True
        elif (
            (level == socket.IPPROTO_IP and ctype in (socket.IP_TOS, IP_RECVTOS))
            or (level == socket.IPPROTO_IPV6 and ctype == IPV6_TCLASS)
        ) and cdata:
            tos = cdata[0] if len(cdata) == 1 else struct.unpack_from("@i", cdata)[0]
    if not kernel:
        rx_ns = time.time_ns()
    return Received(
        data=data,
        addr=(str(addr[0]), int(addr[1])),
        rx_ns=rx_ns,
        kernel_ts=kernel,
        tos=tos,
        truncated=bool(flags & socket.MSG_TRUNC),
    )


@lru_cache(maxsize=1)
def host_clock_id() -> int:
    """Identifies this host's realtime clock (boot id); 0 if unknown."""
    try:
        with open("/proc/sys/kernel/random/boot_id", "rb") as fh:
            raw = fh.read().strip()
    except OSError:
        return 0
    if not raw:
        return 0
    return int.from_bytes(hashlib.sha256(raw).digest()[:8], "big") or 1


def family_for(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET
