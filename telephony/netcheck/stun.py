"""Minimal RFC 5389 STUN Binding client and NAT classification."""

from __future__ import annotations

import ipaddress
import os
import socket
import struct
import time

from . import sockets
from .result import NatResult

MAGIC_COOKIE = 0x2112A442
BINDING_REQUEST = 0x0001
BINDING_SUCCESS = 0x0101
ATTR_MAPPED_ADDRESS = 0x0001
ATTR_XOR_MAPPED_ADDRESS = 0x0020
_HEADER = struct.Struct("!HHI12s")


def build_binding_request(txid: bytes) -> bytes:
    if len(txid) != 12:
        raise ValueError("transaction id must be 12 bytes")
    return _HEADER.pack(BINDING_REQUEST, 0, MAGIC_COOKIE, txid)


def parse_binding_response(data: bytes, txid: bytes) -> tuple[str, int] | None:
    """Mapped (address, port) from a Binding success response, or None."""
    if len(data) < _HEADER.size:
        return None
    mtype, length, cookie, rtxid = _HEADER.unpack_from(data)
    if mtype != BINDING_SUCCESS or cookie != MAGIC_COOKIE or rtxid != txid:
        return None
    if _HEADER.size + length > len(data):
        return None
    pos = _HEADER.size
    end = _HEADER.size + length
    mapped: tuple[str, int] | None = None
    while pos + 4 <= end:
        atype, alen = struct.unpack_from("!HH", data, pos)
        value = data[pos + 4 : pos + 4 + alen]
        pos += 4 + alen + ((4 - alen % 4) % 4)
        if len(value) < alen or alen < 4:
            break
        family = value[1]
        port = struct.unpack_from("!H", value, 2)[0]
        raw = value[4:]
        if atype == ATTR_XOR_MAPPED_ADDRESS:
            port ^= MAGIC_COOKIE >> 16
            key = struct.pack("!I", MAGIC_COOKIE) + txid
            raw = bytes(b ^ k for b, k in zip(raw, key, strict=False))
        elif atype != ATTR_MAPPED_ADDRESS:
            continue
        if family == 0x01 and len(raw) >= 4:
            addr = str(ipaddress.IPv4Address(raw[:4]))
        elif family == 0x02 and len(raw) >= 16:
            addr = str(ipaddress.IPv6Address(raw[:16]))
        else:
            continue
        if atype == ATTR_XOR_MAPPED_ADDRESS:
            return addr, port
        mapped = (addr, port)
    return mapped


def binding(
    sock: socket.socket, server: tuple[str, int], timeout: float = 2.0, retries: int = 4
) -> tuple[str, int] | None:
    """Send Binding requests with RFC 5389 style back-off (bounded); return the mapped address."""
    txid = os.urandom(12)
    request = build_binding_request(txid)
    rto = 0.1
    deadline = time.monotonic() + timeout
    for _ in range(max(1, retries)):
        if time.monotonic() >= deadline:
            break
        sock.sendto(request, server)
        wait_until = min(deadline, time.monotonic() + rto)
        while True:
            remaining = wait_until - time.monotonic()
            if remaining <= 0:
                break
            sock.settimeout(remaining)
            try:
                data, _addr = sock.recvfrom(2048)
            except TimeoutError:
                break
            except OSError:  # ICMP unreachable
                return None
            mapped = parse_binding_response(data, txid)
            if mapped is not None:
                return mapped
        rto *= 2
    return None


def _local_ip_towards(host: str, port: int) -> str:
    with socket.socket(sockets.family_for(host), socket.SOCK_DGRAM) as s:
        s.connect((host, port))
        return str(s.getsockname()[0])


def detect_nat(server: str, ports: list[int], timeout: float = 2.0) -> NatResult:
    """NAT presence (mapped vs local address) and, with two server ports, mapping behaviour."""
    label = f"{server}:{','.join(str(p) for p in ports)}"
    if not ports:
        return NatResult(status="error", server=label, detail="no STUN port given")
    try:
        local_ip = _local_ip_towards(server, ports[0])
        with socket.socket(sockets.family_for(server), socket.SOCK_DGRAM) as s:
            s.bind((local_ip, 0))
            local = (local_ip, int(s.getsockname()[1]))
            results = [binding(s, (server, p), timeout=timeout) for p in ports[:2]]
    except OSError as exc:
        return NatResult(status="error", server=label, detail=str(exc))
    first = results[0]
    if first is None:
        return NatResult(
            status="no-response",
            server=label,
            local_address=f"{local[0]}:{local[1]}",
            detail="no STUN Binding response (UDP blocked or server down)",
        )
    nat = ipaddress.ip_address(first[0]) != ipaddress.ip_address(local[0]) or first[1] != local[1]
    mapping = "unknown"
    detail = "mapped address equals local address" if not nat else "address translated"
    if len(results) > 1:
        second = results[1]
        if second is None:
            detail += "; second STUN port did not answer, mapping behaviour unknown"
        elif second == first:
            mapping = "endpoint-independent"
        else:
            mapping = "destination-port-dependent"
            detail += "; mapping changes with destination port (symmetric-like NAT)"
    return NatResult(
        status="ok",
        server=label,
        local_address=f"{local[0]}:{local[1]}",
        mapped_address=f"{first[0]}:{first[1]}",
        nat_detected=nat,
        mapping=mapping,
        detail=detail,
    )
