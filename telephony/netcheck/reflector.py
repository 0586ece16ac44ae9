"""Platform-side reflector: echoes test packets with receive/send timestamps (TWAMP-light style).

Stateless apart from two bounded LRU tables (per-session counters and per-source
token buckets). A reply always has exactly the length of its request.
"""

from __future__ import annotations

import contextlib
import logging
import selectors
import socket
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from . import sockets, wire

log = logging.getLogger(__name__)


@dataclass
class ReflectorConfig:
    bind: str = "127.0.0.1"
    udp_ports: list[int] = field(default_factory=lambda: [0])
    tcp_ports: list[int] = field(default_factory=list)
    rate_pps: float = 2500.0  # sustained packets/s per source address
    burst: float = 5000.0
    max_sessions: int = 65536
    max_sources: int = 16384
    drain_batch: int = 256


@dataclass
class ReflectorCounters:
    received: int = 0
    reflected: int = 0
    invalid: int = 0
    rate_limited: int = 0
    tcp_accepted: int = 0


class _Session:
    __slots__ = ("limited", "rx")

    def __init__(self) -> None:
        self.rx = 0
        self.limited = 0


class _Bucket:
    __slots__ = ("stamp", "tokens")

    def __init__(self, tokens: float, stamp: float) -> None:
        self.tokens = tokens
        self.stamp = stamp


class ReflectorCore:
    """Packet logic without sockets (unit- and fuzz-testable)."""

    def __init__(self, config: ReflectorConfig) -> None:
        self.config = config
        self.sessions: OrderedDict[tuple[str, int, int], _Session] = OrderedDict()
        self.buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self.counters = ReflectorCounters()
        self.host_id = sockets.host_clock_id()

    def _allow(self, source: str, now: float) -> bool:
        bucket = self.buckets.get(source)
        if bucket is None:
            bucket = _Bucket(self.config.burst, now)
            self.buckets[source] = bucket
            if len(self.buckets) > self.config.max_sources:
                self.buckets.popitem(last=False)
        else:
            self.buckets.move_to_end(source)
            elapsed = max(0.0, now - bucket.stamp)
            bucket.tokens = min(self.config.burst, bucket.tokens + elapsed * self.config.rate_pps)
            bucket.stamp = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return True
        return False

    def _session(self, key: tuple[str, int, int], create: bool) -> _Session | None:
        sess = self.sessions.get(key)
        if sess is None:
            if not create:
                return None
            sess = _Session()
            self.sessions[key] = sess
            if len(self.sessions) > self.config.max_sessions:
                self.sessions.popitem(last=False)
        else:
            self.sessions.move_to_end(key)
        return sess

    def handle(
        self,
        data: bytes,
        addr: tuple[str, int],
        rx_ns: int,
        *,
        kernel_ts: bool = False,
        tos: int | None = None,
        truncated: bool = False,
        now: float | None = None,
    ) -> tuple[bytearray, int] | None:
        """Return (reply, reply_tos) or None to drop. len(reply) == len(data) always."""
        self.counters.received += 1
        if truncated or not wire.MIN_PACKET <= len(data) <= wire.MAX_PACKET:
            self.counters.invalid += 1
            return None
        pkt = wire.decode(data)
        if pkt is None or pkt.kind not in wire.REQUEST_KINDS:
            self.counters.invalid += 1
            return None
        key = (addr[0], addr[1], pkt.ssrc)
        allowed = self._allow(addr[0], time.monotonic() if now is None else now)
        flags = (wire.FLAG_TOS_VALID if tos is not None else 0) | (
            wire.FLAG_KERNEL_RX_TS if kernel_ts else 0
        )
        if pkt.kind == wire.KIND_PROBE:
            sess = self._session(key, create=True)
            assert sess is not None
            sess.rx += 1
            if not allowed:
                sess.limited += 1
                self.counters.rate_limited += 1
                return None
            kind, refl_seq, count, dropped = wire.KIND_REPLY, sess.rx, sess.rx, sess.limited
        else:
            if not allowed:
                self.counters.rate_limited += 1
                return None
            found = self._session(key, create=False)
            count = found.rx if found else 0
            dropped = found.limited if found else 0
            kind, refl_seq = wire.KIND_STATS_REPLY, 0
        reply = wire.make_reply(
            bytearray(data),
            kind=kind,
            refl_rx_ns=rx_ns,
            refl_tx_ns=0,
            refl_seq=refl_seq,
            count=count,
            dropped=dropped,
            flags=flags,
            host_id=self.host_id,
            seen_tos=tos if tos is not None else 0,
        )
        self.counters.reflected += 1
        return reply, pkt.reply_tos


class Reflector:
    """UDP reflector on several ports plus plain TCP listeners, one selector thread."""

    def __init__(self, config: ReflectorConfig) -> None:
        self.config = config
        self.core = ReflectorCore(config)
        self.udp_socks: list[socket.socket] = []
        self.tcp_socks: list[socket.socket] = []
        self._sel = selectors.DefaultSelector()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.kernel_timestamps = False

    @property
    def counters(self) -> ReflectorCounters:
        return self.core.counters

    @property
    def udp_ports(self) -> list[int]:
        return [int(s.getsockname()[1]) for s in self.udp_socks]

    @property
    def tcp_ports(self) -> list[int]:
        return [int(s.getsockname()[1]) for s in self.tcp_socks]

    def open(self) -> None:
        fam = sockets.family_for(self.config.bind)
        try:
            for port in self.config.udp_ports:
                us = socket.socket(fam, socket.SOCK_DGRAM)
                self.udp_socks.append(us)
                us.bind((self.config.bind, port))
                us.setblocking(False)
                self.kernel_timestamps = sockets.enable_rx_features(us)
                with contextlib.suppress(OSError):
                    us.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
                self._sel.register(us, selectors.EVENT_READ, "udp")
            for port in self.config.tcp_ports:
                ts = socket.socket(fam, socket.SOCK_STREAM)
                self.tcp_socks.append(ts)
                ts.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                ts.bind((self.config.bind, port))
                ts.listen(64)
                ts.setblocking(False)
                self._sel.register(ts, selectors.EVENT_READ, "tcp")
        except OSError:
            self.close()
            raise

    def close(self) -> None:
        for s in self.udp_socks + self.tcp_socks:
            with contextlib.suppress(KeyError, ValueError):
                self._sel.unregister(s)
            s.close()
        self.udp_socks.clear()
        self.tcp_socks.clear()

    def _on_udp(self, sock: socket.socket) -> None:
        for _ in range(self.config.drain_batch):
            try:
                got = sockets.recv(sock, wire.MAX_PACKET + 1)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # e.g. ICMP errors reported on the socket
                log.debug("recv error: %s", exc)
                continue
            out = self.core.handle(
                got.data,
                got.addr,
                got.rx_ns,
                kernel_ts=got.kernel_ts,
                tos=got.tos,
                truncated=got.truncated,
            )
            if out is None:
                continue
            reply, reply_tos = out
            wire.set_tx_ns(reply, time.time_ns())
            try:
                sock.sendmsg([reply], sockets.tos_cmsg(sock, reply_tos), 0, got.addr)
            except OSError:
                try:
                    sock.sendto(reply, got.addr)
                except OSError as exc:
                    log.debug("send error: %s", exc)

    def _on_tcp(self, sock: socket.socket) -> None:
        for _ in range(64):
            try:
                conn, _addr = sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            self.core.counters.tcp_accepted += 1
            conn.close()

    def serve(self, max_seconds: float | None = None) -> None:
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        while not self._stop.is_set():
            if deadline is not None and time.monotonic() >= deadline:
                break
            for key, _ev in self._sel.select(timeout=0.2):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                if key.data == "udp":
                    self._on_udp(sock)
                else:
                    self._on_tcp(sock)

    def start(self) -> None:
        """Open sockets and serve in a daemon thread."""
        if not self.udp_socks and not self.tcp_socks:
            self.open()
        self._stop.clear()
        self._thread = threading.Thread(target=self.serve, name="netcheck-reflector", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.close()

    def __enter__(self) -> Reflector:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
