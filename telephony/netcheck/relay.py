"""User-space UDP impairment relay (delay, jitter, loss, reordering, DSCP rewrite per direction).

Sits between probe and reflector: ``probe -> relay listen port -> reflector`` and back.
Every random decision comes from a seeded generator, so runs are reproducible. The
relay keeps, per client flow and direction, exact counters and the injected delays in
release order, from which it computes the reference RFC 3550 jitter.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import random
import selectors
import socket
import threading
import time
from dataclasses import dataclass, field

from . import metrics, sockets, wire

log = logging.getLogger(__name__)

UP = "upstream"
DOWN = "downstream"


@dataclass
class Impairment:
    delay_ms: float = 0.0
    jitter_ms: float = 0.0  # uniform: half-width (delay +/- jitter); normal: standard deviation
    distribution: str = "uniform"  # uniform | normal
    loss: float = 0.0  # probability 0..1
    reorder: float = 0.0  # probability that a packet is held back by reorder_gap_ms
    reorder_gap_ms: float = 5.0
    set_tos: int | None = None  # rewrite TOS (e.g. 0 = a router bleaching DSCP)
    preserve_order: bool = True  # jitter behaves like a FIFO queue; only `reorder` reorders

    def __post_init__(self) -> None:
        if self.distribution not in ("uniform", "normal"):
            raise ValueError("distribution must be 'uniform' or 'normal'")
        if not 0.0 <= self.loss <= 1.0 or not 0.0 <= self.reorder <= 1.0:
            raise ValueError("loss and reorder are probabilities 0..1")
        if self.delay_ms < 0 or self.jitter_ms < 0 or self.reorder_gap_ms < 0:
            raise ValueError("delays must not be negative")


@dataclass
class DirectionStats:
    data_in: int = 0
    data_dropped: int = 0
    data_forwarded: int = 0
    data_reordered: int = 0
    other_in: int = 0
    other_dropped: int = 0
    overflow: int = 0
    # (send time ns, applied delay ms) of forwarded data packets
    released: list[tuple[int, float]] = field(default_factory=list)

    def reference(self) -> tuple[float | None, tuple[float, float, float] | None]:
        """Mean injected delay (ms) and RFC 3550 jitter summary of the data packets."""
        if not self.released:
            return None, None
        ordered = [d for _t, d in sorted(self.released)]
        mean = sum(ordered) / len(ordered)
        return mean, metrics.jitter_summary(metrics.rfc3550_jitter(ordered))


@dataclass
class _Flow:
    client: tuple[str, int]
    upsock: socket.socket
    stats: dict[str, DirectionStats]
    last_release: dict[str, int]


class ImpairmentRelay:
    def __init__(
        self,
        target: tuple[str, int],
        upstream: Impairment | None = None,
        downstream: Impairment | None = None,
        *,
        listen: tuple[str, int] = ("127.0.0.1", 0),
        seed: int = 1,
        max_clients: int = 1024,
        max_queue: int = 200_000,
        max_records: int = 2_000_000,
    ) -> None:
        self.target = target
        self.imp = {UP: upstream or Impairment(), DOWN: downstream or Impairment()}
        self.rng = {UP: random.Random(f"{seed}-up"), DOWN: random.Random(f"{seed}-down")}
        self.max_clients = max_clients
        self.max_queue = max_queue
        self.max_records = max_records
        self._records = 0
        fam = sockets.family_for(listen[0])
        self.sock = socket.socket(fam, socket.SOCK_DGRAM)
        self.sock.bind(listen)
        self.sock.setblocking(False)
        sockets.enable_rx_features(self.sock)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self._sel = selectors.DefaultSelector()
        self._sel.register(self.sock, selectors.EVENT_READ, None)
        self.flows: dict[tuple[str, int], _Flow] = {}
        self._heap: list[
            tuple[int, int, bytes, int, socket.socket, tuple[str, int], DirectionStats | None, int]
        ] = []
        self._tie = itertools.count()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.sock.getsockname()[:2]
        return str(host), int(port)

    # --- packet path -----------------------------------------------------------------
    def _flow_for(self, client: tuple[str, int]) -> _Flow | None:
        flow = self.flows.get(client)
        if flow is not None:
            return flow
        if len(self.flows) >= self.max_clients:
            return None
        up = socket.socket(self.sock.family, socket.SOCK_DGRAM)
        up.bind((self.address[0], 0))
        up.connect(self.target)
        up.setblocking(False)
        sockets.enable_rx_features(up)
        up.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        flow = _Flow(client, up, {UP: DirectionStats(), DOWN: DirectionStats()}, {UP: 0, DOWN: 0})
        self.flows[client] = flow
        self._sel.register(up, selectors.EVENT_READ, client)
        return flow

    def _draw_delay_ms(self, direction: str) -> tuple[bool, float, bool]:
        imp = self.imp[direction]
        rng = self.rng[direction]
        lost = rng.random() < imp.loss
        if imp.distribution == "normal":
            d = imp.delay_ms + rng.gauss(0.0, imp.jitter_ms)
        else:
            d = imp.delay_ms + rng.uniform(-imp.jitter_ms, imp.jitter_ms)
        reorder = rng.random() < imp.reorder
        return lost, max(0.0, d), reorder

    def _ingest(
        self,
        direction: str,
        flow: _Flow,
        got: sockets.Received,
        out_sock: socket.socket,
        dest: tuple[str, int],
    ) -> None:
        now = time.monotonic_ns()
        st = flow.stats[direction]
        kind = wire.peek_kind(got.data)
        is_data = kind == (wire.KIND_PROBE if direction == UP else wire.KIND_REPLY)
        lost, delay_ms, reorder = self._draw_delay_ms(direction)
        if is_data:
            st.data_in += 1
        else:
            st.other_in += 1
        if lost:
            if is_data:
                st.data_dropped += 1
            else:
                st.other_dropped += 1
            return
        imp = self.imp[direction]
        release = now + int(delay_ms * 1e6)
        if reorder:
            release += int(imp.reorder_gap_ms * 1e6)
        elif imp.preserve_order:
            release = max(release, flow.last_release[direction])
            flow.last_release[direction] = release
        if len(self._heap) >= self.max_queue:
            st.overflow += 1
            return
        tos = imp.set_tos if imp.set_tos is not None else (got.tos or 0)
        record = None
        if is_data:
            st.data_forwarded += 1
            if reorder:
                st.data_reordered += 1
            if self._records < self.max_records:
                record = st
                self._records += 1
        heapq.heappush(
            self._heap,
            (release, next(self._tie), got.data, tos, out_sock, dest, record, got.rx_ns),
        )

    def _release_due(self) -> None:
        now = time.monotonic_ns()
        while self._heap and self._heap[0][0] <= now:
            _r, _t, data, tos, out_sock, dest, record, rx_ns = heapq.heappop(self._heap)
            if record is not None:
                # the delay actually applied: kernel receive stamp to the moment of sending
                sent_ns = time.time_ns()
                record.released.append((sent_ns, (sent_ns - rx_ns) / 1e6))
            try:
                if out_sock is self.sock:
                    out_sock.sendmsg([data], sockets.tos_cmsg(out_sock, tos), 0, dest)
                else:
                    out_sock.sendmsg([data], sockets.tos_cmsg(out_sock, tos))
            except OSError as exc:
                log.debug("relay send failed: %s", exc)

    def _drain(self, sock: socket.socket, client: tuple[str, int] | None) -> None:
        for _ in range(256):
            try:
                got = sockets.recv(sock, 65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                continue
            if client is None:
                flow = self._flow_for(got.addr)
                if flow is None:
                    continue
                self._ingest(UP, flow, got, flow.upsock, self.target)
            else:
                flow = self.flows[client]
                self._ingest(DOWN, flow, got, self.sock, client)

    def serve(self, max_seconds: float | None = None) -> None:
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        while not self._stop.is_set():
            if deadline is not None and time.monotonic() >= deadline:
                break
            with self._lock:
                timeout = 0.2
                if self._heap:
                    timeout = min(timeout, max(0.0, (self._heap[0][0] - time.monotonic_ns()) / 1e9))
            events = self._sel.select(timeout=timeout)
            with self._lock:
                for key, _ev in events:
                    sock = key.fileobj
                    assert isinstance(sock, socket.socket)
                    self._drain(sock, key.data)
                self._release_due()

    # --- lifecycle ----------------------------------------------------------------------
    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self.serve, name="netcheck-relay", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        for flow in self.flows.values():
            with contextlib.suppress(KeyError, ValueError):
                self._sel.unregister(flow.upsock)
            flow.upsock.close()
        with contextlib.suppress(KeyError, ValueError):
            self._sel.unregister(self.sock)
        self.sock.close()

    def __enter__(self) -> ImpairmentRelay:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- results --------------------------------------------------------------------
    def totals(self, direction: str) -> DirectionStats:
        """Counters summed over all flows, with all release records merged per flow order."""
        with self._lock:
            total = DirectionStats()
            for flow in self.flows.values():
                st = flow.stats[direction]
                total.data_in += st.data_in
                total.data_dropped += st.data_dropped
                total.data_forwarded += st.data_forwarded
                total.data_reordered += st.data_reordered
                total.other_in += st.other_in
                total.other_dropped += st.other_dropped
                total.overflow += st.overflow
            return total

    def reference(self, direction: str) -> dict[str, float | None]:
        """Injected mean delay and RFC 3550 jitter (pooled over flows like the probe does)."""
        with self._lock:
            delays: list[float] = []
            per_flow: list[list[float]] = []
            for flow in self.flows.values():
                ordered = [d for _t, d in sorted(flow.stats[direction].released)]
                delays.extend(ordered)
                per_flow.append(ordered)
        jit = metrics.pooled_jitter(per_flow)
        return {
            "mean_delay_ms": sum(delays) / len(delays) if delays else None,
            "jitter_mean_ms": jit[0] if jit else None,
            "jitter_p95_ms": jit[1] if jit else None,
            "dropped": float(sum(f.stats[direction].data_dropped for f in self.flows.values())),
        }

    def snapshot(self) -> dict[str, dict[str, float | None]]:
        out: dict[str, dict[str, float | None]] = {}
        for direction in (UP, DOWN):
            tot = self.totals(direction)
            ref = self.reference(direction)
            ref.update(
                {
                    "data_in": float(tot.data_in),
                    "data_forwarded": float(tot.data_forwarded),
                    "data_reordered": float(tot.data_reordered),
                    "other_dropped": float(tot.other_dropped),
                }
            )
            out[direction] = ref
        return out
