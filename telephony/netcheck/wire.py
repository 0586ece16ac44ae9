"""Test packet format: an RTP (G.711 PCMU) header followed by measurement fields.

Layout (network byte order), 72-byte header, rest is payload padding::

    0  RTP: V=2, PT=0, seq16, timestamp, SSRC                  (12 bytes)
    12 magic "SNC1", version, kind, reply_tos, seen_tos         (8 bytes)
    20 seq32, send_ns, refl_rx_ns, refl_tx_ns                   (28 bytes)
    48 refl_seq, count, dropped, flags, host_id                 (24 bytes)

The reflector overwrites fields in place, so a reply is exactly as long as its
request (no amplification).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

MAGIC = b"SNC1"
VERSION = 1
KIND_PROBE = 1
KIND_REPLY = 2
KIND_STATS = 3
KIND_STATS_REPLY = 4
REQUEST_KINDS = (KIND_PROBE, KIND_STATS)

FLAG_TOS_VALID = 0x1
FLAG_KERNEL_RX_TS = 0x2

_RTP = struct.Struct("!BBHII")
_BODY = struct.Struct("!4sBBBBIQQQIIIIQ")
HEADER_LEN = _RTP.size + _BODY.size  # 72
MIN_PACKET = HEADER_LEN
MAX_PACKET = 1472  # largest UDP payload in one unfragmented IPv4/Ethernet frame
G711_PACKET = 172  # 12 RTP + 160 bytes (20 ms of G.711)
PAYLOAD_FILL = 0xFF  # PCMU silence

_MASK32 = 0xFFFFFFFF
_MASK64 = 0xFFFFFFFFFFFFFFFF


@dataclass
class Packet:
    kind: int
    ssrc: int
    seq: int
    send_ns: int = 0
    refl_rx_ns: int = 0
    refl_tx_ns: int = 0
    refl_seq: int = 0
    count: int = 0
    dropped: int = 0
    flags: int = 0
    host_id: int = 0
    reply_tos: int = 0
    seen_tos: int = 0


def encode(pkt: Packet, size: int = G711_PACKET) -> bytearray:
    if not MIN_PACKET <= size <= MAX_PACKET:
        raise ValueError(f"packet size must be {MIN_PACKET}..{MAX_PACKET}")
    buf = bytearray([PAYLOAD_FILL]) * size
    _RTP.pack_into(buf, 0, 0x80, 0, pkt.seq & 0xFFFF, (pkt.seq * 160) & _MASK32, pkt.ssrc & _MASK32)
    _BODY.pack_into(
        buf,
        _RTP.size,
        MAGIC,
        VERSION,
        pkt.kind,
        pkt.reply_tos & 0xFF,
        pkt.seen_tos & 0xFF,
        pkt.seq & _MASK32,
        pkt.send_ns & _MASK64,
        pkt.refl_rx_ns & _MASK64,
        pkt.refl_tx_ns & _MASK64,
        pkt.refl_seq & _MASK32,
        pkt.count & _MASK32,
        pkt.dropped & _MASK32,
        pkt.flags & _MASK32,
        pkt.host_id & _MASK64,
    )
    return buf


def decode(data: bytes | bytearray | memoryview) -> Packet | None:
    """Parse a packet; returns None for anything that is not a well-formed test packet."""
    if not MIN_PACKET <= len(data) <= MAX_PACKET:
        return None
    vpxcc, _mpt, _seq16, _ts, ssrc = _RTP.unpack_from(data, 0)
    if vpxcc != 0x80:
        return None
    (
        magic,
        version,
        kind,
        reply_tos,
        seen_tos,
        seq,
        send_ns,
        refl_rx_ns,
        refl_tx_ns,
        refl_seq,
        count,
        dropped,
        flags,
        host_id,
    ) = _BODY.unpack_from(data, _RTP.size)
    if magic != MAGIC or version != VERSION or kind not in (1, 2, 3, 4):
        return None
    return Packet(
        kind=kind,
        ssrc=ssrc,
        seq=seq,
        send_ns=send_ns,
        refl_rx_ns=refl_rx_ns,
        refl_tx_ns=refl_tx_ns,
        refl_seq=refl_seq,
        count=count,
        dropped=dropped,
        flags=flags,
        host_id=host_id,
        reply_tos=reply_tos,
        seen_tos=seen_tos,
    )


def peek_kind(data: bytes | bytearray | memoryview) -> int | None:
    """Cheap classification used by the relay's counters."""
    if len(data) < MIN_PACKET or bytes(data[12:16]) != MAGIC:
        return None
    return int(data[17])


def make_reply(
    request: bytearray,
    *,
    kind: int,
    refl_rx_ns: int,
    refl_tx_ns: int,
    refl_seq: int,
    count: int,
    dropped: int,
    flags: int,
    host_id: int,
    seen_tos: int,
) -> bytearray:
    """Turn a request buffer into a reply in place (same length)."""
    request[17] = kind
    request[19] = seen_tos & 0xFF
    struct.pack_into("!QQ", request, 32, refl_rx_ns & _MASK64, refl_tx_ns & _MASK64)
    struct.pack_into(
        "!IIIIQ",
        request,
        48,
        refl_seq & _MASK32,
        count & _MASK32,
        dropped & _MASK32,
        flags & _MASK32,
        host_id & _MASK64,
    )
    return request


def set_tx_ns(buf: bytearray, tx_ns: int) -> None:
    struct.pack_into("!Q", buf, 40, tx_ns & _MASK64)


def set_send_ns(buf: bytearray, send_ns: int) -> None:
    struct.pack_into("!Q", buf, 24, send_ns & _MASK64)
