"""Reflector packet logic, fuzzing and amplification safety."""

from __future__ import annotations

import random
import socket
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from telephony.netcheck import wire
from telephony.netcheck.reflector import Reflector, ReflectorConfig, ReflectorCore

ADDR = ("192.0.2.1", 40000)


def _probe(seq: int, ssrc: int = 99, size: int = wire.G711_PACKET) -> bytes:
    return bytes(wire.encode(wire.Packet(kind=wire.KIND_PROBE, ssrc=ssrc, seq=seq), size))


def test_wire_round_trip_and_size() -> None:
    pkt = wire.Packet(kind=wire.KIND_PROBE, ssrc=7, seq=70000, send_ns=123, reply_tos=0xB8)
    buf = wire.encode(pkt)
    assert len(buf) == 172 and buf[0] == 0x80 and buf[1] == 0  # RTP v2, PCMU
    assert wire.decode(buf) == pkt


def test_core_reflects_same_length_with_timestamps() -> None:
    core = ReflectorCore(ReflectorConfig())
    out = core.handle(_probe(1), ADDR, rx_ns=555, kernel_ts=True, tos=0xB8)
    assert out is not None
    reply, tos = out
    pkt = wire.decode(reply)
    assert pkt is not None and len(reply) == 172
    assert (pkt.kind, pkt.refl_rx_ns, pkt.refl_seq, pkt.seen_tos) == (wire.KIND_REPLY, 555, 1, 0xB8)
    assert pkt.flags & wire.FLAG_TOS_VALID and pkt.flags & wire.FLAG_KERNEL_RX_TS
    assert tos == 0  # reply TOS requested by the probe (0 in this packet)


def test_core_stats_reply_counts_session() -> None:
    core = ReflectorCore(ReflectorConfig())
    for i in range(5):
        core.handle(_probe(i), ADDR, rx_ns=i)
    stats = bytes(wire.encode(wire.Packet(kind=wire.KIND_STATS, ssrc=99, seq=0)))
    out = core.handle(stats, ADDR, rx_ns=0)
    assert out is not None
    pkt = wire.decode(out[0])
    assert pkt is not None and pkt.kind == wire.KIND_STATS_REPLY and pkt.count == 5


def test_core_drops_replies_and_short_and_oversized() -> None:
    core = ReflectorCore(ReflectorConfig())
    reply = bytes(wire.encode(wire.Packet(kind=wire.KIND_REPLY, ssrc=1, seq=1)))
    assert core.handle(reply, ADDR, 0) is None  # never reflect reflections (no loops)
    assert core.handle(_probe(1)[:71], ADDR, 0) is None
    assert core.handle(_probe(1) + b"x" * 2000, ADDR, 0) is None
    assert core.handle(_probe(1), ADDR, 0, truncated=True) is None
    assert core.counters.invalid == 4


def test_core_rate_limit_per_source_and_bounded_tables() -> None:
    core = ReflectorCore(ReflectorConfig(rate_pps=10, burst=5, max_sessions=50, max_sources=20))
    answered = sum(core.handle(_probe(i), ADDR, 0, now=100.0) is not None for i in range(20))
    assert answered == 5 and core.counters.rate_limited == 15
    other = ("192.0.2.2", 1)
    assert core.handle(_probe(0), other, 0, now=100.0) is not None  # other source unaffected
    for i in range(500):
        core.handle(_probe(0, ssrc=i), (f"10.0.{i // 250}.{i % 250}", i), 0, now=100.0)
    assert len(core.sessions) <= 50 and len(core.buckets) <= 20


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=0, max_size=3000))
def test_core_never_amplifies_random_input(data: bytes) -> None:
    core = ReflectorCore(ReflectorConfig())
    out = core.handle(data, ADDR, 0)
    assert out is None or len(out[0]) <= len(data)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=wire.MAX_PACKET + 10), st.data())
def test_core_mutated_valid_packets(size: int, data: st.DataObject) -> None:
    base = bytearray(_probe(1, size=max(wire.MIN_PACKET, min(size, wire.MAX_PACKET))))
    for _ in range(data.draw(st.integers(0, 8))):
        pos = data.draw(st.integers(0, len(base) - 1))
        base[pos] = data.draw(st.integers(0, 255))
    packet = bytes(base[:size]) if size < len(base) else bytes(base)
    out = ReflectorCore(ReflectorConfig()).handle(packet, ADDR, 0)
    assert out is None or len(out[0]) == len(packet)


def test_reflector_survives_garbage_flood_and_keeps_answering() -> None:
    rng = random.Random(20240)
    with (
        Reflector(ReflectorConfig(udp_ports=[0], rate_pps=1e6, burst=1e6)) as refl,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s,
    ):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        s.connect(("127.0.0.1", refl.udp_ports[0]))
        sent_len: dict[tuple[int, int], int] = {}
        for i in range(4000):
            choice = rng.random()
            if choice < 0.4:
                pkt = rng.randbytes(rng.randint(0, 200))
            elif choice < 0.5:
                pkt = rng.randbytes(rng.randint(1473, 9000))  # oversized
            else:  # valid header, random size and mutations
                pkt_b = bytearray(_probe(i, ssrc=rng.getrandbits(32), size=rng.randint(72, 1472)))
                for _ in range(rng.randint(0, 3)):
                    pkt_b[rng.randrange(len(pkt_b))] = rng.randrange(256)
                if rng.random() < 0.2:
                    pkt_b = pkt_b[: rng.randint(0, len(pkt_b))]
                pkt = bytes(pkt_b)
            parsed = wire.decode(pkt)
            if parsed is not None:
                key = (parsed.ssrc, parsed.seq)
                sent_len[key] = max(sent_len.get(key, 0), len(pkt))
            s.send(pkt)
            if i % 200 == 0:
                time.sleep(0.002)  # bounded pacing so loopback buffers do not overflow
        s.settimeout(0.5)
        replies: list[bytes] = []
        while True:
            try:
                replies.append(s.recv(65535))
            except TimeoutError:
                break
        for reply in replies:
            pkt_r = wire.decode(reply)
            assert pkt_r is not None
            assert len(reply) <= sent_len[(pkt_r.ssrc, pkt_r.seq)]
        assert refl.counters.invalid > 0
        # still answers a valid probe afterwards
        s.send(_probe(1, ssrc=4242))
        good = wire.decode(s.recv(65535))
        while good is not None and good.ssrc != 4242:
            good = wire.decode(s.recv(65535))
        assert good is not None and good.kind == wire.KIND_REPLY
