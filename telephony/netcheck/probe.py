"""Customer-side probe: sends RTP-like G.711 streams to a reflector and analyses the replies."""

from __future__ import annotations

import random
import selectors
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from . import __version__, metrics, sockets, verdict, wire
from .result import (
    DirectionResult,
    JitterSummary,
    NetcheckResult,
    ProbeSettings,
    Quality,
    Stat,
    StreamResult,
    Thresholds,
)
from .timeline import StreamSeries, build_timeline

EF_TOS = 0xB8
PACKETISATION_MS = 20.0
ProgressFn = Callable[[float, int, int], None]

METHOD_SAME_HOST = "same host clock"
METHOD_ASSUMED_SYNC = (
    "clocks assumed synchronised (e.g. NTP/PTP); accuracy is limited by their offset"
)
METHOD_RTT_ONLY = "not available: RTT only (probe and reflector clocks are not comparable)"


@dataclass
class ProbeOptions:
    target: str
    port: int
    streams: int = 1
    duration_s: float = 30.0
    interval_ms: float = 20.0
    packets: int | None = None  # per stream; overrides duration_s
    payload_bytes: int = wire.G711_PACKET
    tos: int = EF_TOS
    jitter_buffer_ms: float = 60.0
    grace_s: float = 1.0
    assume_synced_clocks: bool = False
    thresholds: Thresholds = field(default_factory=Thresholds)
    stats_attempts: int = 5
    stats_timeout_s: float = 0.3

    @property
    def packets_per_stream(self) -> int:
        if self.packets is not None:
            return max(1, self.packets)
        return max(1, round(self.duration_s * 1000.0 / self.interval_ms))


@dataclass
class _Reply:
    seq: int
    refl_seq: int
    send_ns: int
    refl_rx_ns: int
    refl_tx_ns: int
    rx_ns: int
    up_tos: int | None
    down_tos: int | None
    host_id: int


class _Stream:
    def __init__(self, sock: socket.socket, ssrc: int) -> None:
        self.sock = sock
        self.ssrc = ssrc
        self.sent = 0
        self.replies: list[_Reply] = []
        self.stats: tuple[int, int] | None = None
        self.kernel_ts = False
        self.local_port = 0
        self.send_mono: list[int] = []  # monotonic send time (ns) of each probe packet, by seq


class _Receiver(threading.Thread):
    def __init__(self, streams: list[_Stream]) -> None:
        super().__init__(name="netcheck-probe-rx", daemon=True)
        self.streams = streams
        self.stop_event = threading.Event()
        self.sel = selectors.DefaultSelector()
        for st in streams:
            self.sel.register(st.sock, selectors.EVENT_READ, st)
        self.received = 0
        self.kernel_ts = True

    def run(self) -> None:
        while not self.stop_event.is_set():
            for key, _ev in self.sel.select(timeout=0.05):
                st = key.data
                assert isinstance(st, _Stream)
                for _ in range(256):
                    try:
                        got = sockets.recv(st.sock, wire.MAX_PACKET + 1)
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError:  # ICMP unreachable and similar
                        continue
                    self._handle(st, got)
        self.sel.close()

    def _handle(self, st: _Stream, got: sockets.Received) -> None:
        pkt = wire.decode(got.data)
        if pkt is None or pkt.ssrc != st.ssrc:
            return
        if pkt.kind == wire.KIND_REPLY:
            self.kernel_ts = self.kernel_ts and got.kernel_ts
            st.replies.append(
                _Reply(
                    seq=pkt.seq,
                    refl_seq=pkt.refl_seq,
                    send_ns=pkt.send_ns,
                    refl_rx_ns=pkt.refl_rx_ns,
                    refl_tx_ns=pkt.refl_tx_ns,
                    rx_ns=got.rx_ns,
                    up_tos=pkt.seen_tos if pkt.flags & wire.FLAG_TOS_VALID else None,
                    down_tos=got.tos,
                    host_id=pkt.host_id,
                )
            )
            self.received += 1
        elif pkt.kind == wire.KIND_STATS_REPLY:
            st.stats = (pkt.count, pkt.dropped)


def _open_streams(opts: ProbeOptions, rng: random.Random) -> list[_Stream]:
    fam = sockets.family_for(opts.target)
    streams: list[_Stream] = []
    ssrcs = rng.sample(range(1, 1 << 32), opts.streams)
    try:
        for ssrc in ssrcs:
            s = socket.socket(fam, socket.SOCK_DGRAM)
            streams.append(_Stream(s, ssrc))
            s.connect((opts.target, opts.port))
            streams[-1].local_port = int(s.getsockname()[1])
            s.setblocking(False)
            sockets.set_tos(s, opts.tos)
            streams[-1].kernel_ts = sockets.enable_rx_features(s)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    except OSError:
        for st in streams:
            st.sock.close()
        raise
    return streams


def _send(st: _Stream, kind: int, seq: int, opts: ProbeOptions) -> None:
    buf = wire.encode(
        wire.Packet(kind=kind, ssrc=st.ssrc, seq=seq, reply_tos=opts.tos), opts.payload_bytes
    )
    if kind == wire.KIND_PROBE:
        st.send_mono.append(time.monotonic_ns())
    wire.set_send_ns(buf, time.time_ns())
    try:
        st.sock.send(buf)
    except (BlockingIOError, InterruptedError):
        pass
    except OSError:  # e.g. ICMP port unreachable from an earlier packet
        pass


def _stat(values: list[float]) -> Stat | None:
    if not values:
        return None
    c, mn, mean, p50, p95, p99, mx = metrics.summarize(values)
    return Stat(count=c, min=mn, mean=mean, p50=p50, p95=p95, p99=p99, max=mx)


def _jitter(per_stream: list[list[float]]) -> JitterSummary | None:
    s = metrics.pooled_jitter(per_stream)
    return JitterSummary(mean=s[0], p95=s[1], max=s[2]) if s else None


def _late(per_stream: list[list[float]], buffer_ms: float) -> int:
    late = 0
    for transit in per_stream:
        if transit:
            floor = min(transit)
            late += sum(1 for t in transit if t - floor > buffer_ms)
    return late


def _dscp(values: list[int | None], sent_tos: int) -> tuple[int | None, bool | None]:
    seen = [v for v in values if v is not None]
    if not seen:
        return None, None
    common = Counter(seen).most_common(1)[0][0]
    return common >> 2, all((v >> 2) == (sent_tos >> 2) for v in seen)


def analyse(
    streams: list[_Stream],
    opts: ProbeOptions,
    *,
    started_at: str,
    finished_at: str,
    cpu_ratio: float | None,
    kernel_ts: bool,
) -> NetcheckResult:
    own_host = sockets.host_clock_id()
    up_transit: list[list[float]] = []
    down_transit: list[list[float]] = []
    rtts: list[float] = []
    up_tos: list[int | None] = []
    down_tos: list[int | None] = []
    stream_results: list[StreamResult] = []
    notes: list[str] = []
    same_host = True
    totals = Counter[str]()
    series: list[StreamSeries] = []
    for st in streams:
        unique: dict[int, _Reply] = {}
        down_reordered = 0
        max_refl = 0
        for r in st.replies:  # arrival order
            if r.refl_seq in unique:
                totals["down_dup"] += 1
                continue
            unique[r.refl_seq] = r
            if r.refl_seq < max_refl:
                down_reordered += 1
            max_refl = max(max_refl, r.refl_seq)
        by_refl = [unique[k] for k in sorted(unique)]  # reflector arrival order
        seen_seq: set[int] = set()
        up_dup = 0
        up_reordered = 0
        max_seq = -1
        for r in by_refl:
            if r.seq in seen_seq:
                up_dup += 1
                continue
            seen_seq.add(r.seq)
            if r.seq < max_seq:
                up_reordered += 1
            max_seq = max(max_seq, r.seq)
        if st.stats is not None:
            refl_rx, limited = st.stats
        else:
            refl_rx, limited = max_refl, 0
            notes.append(
                f"stream {st.ssrc:#010x}: reflector counters not received; "
                "per-direction loss split estimated from sequence numbers"
            )
        up_received = max(0, refl_rx - up_dup)
        up_lost = max(0, st.sent - up_received)
        reflected = max(0, refl_rx - limited)
        down_lost = max(0, reflected - len(unique))
        totals["sent"] += st.sent
        totals["up_received"] += up_received
        totals["up_lost"] += up_lost
        totals["up_dup"] += up_dup
        totals["up_reordered"] += up_reordered
        totals["reflected"] += reflected
        totals["down_received"] += len(unique)
        totals["down_lost"] += down_lost
        totals["down_reordered"] += down_reordered
        totals["limited"] += limited
        up_transit.append([(r.refl_rx_ns - r.send_ns) / 1e6 for r in by_refl])
        # downstream: arrival order at the probe, first copy of each reflected packet
        arrivals = _first_arrivals(st.replies)
        down_transit.append([(r.rx_ns - r.refl_tx_ns) / 1e6 for r in arrivals])
        series.append(
            StreamSeries(
                send_mono_ns=st.send_mono,
                by_refl=by_refl,
                arrivals=arrivals,
                refl_rx=refl_rx,
                limited=limited,
                up_lost=up_lost,
                down_lost=down_lost,
            )
        )
        for r in by_refl:
            rtts.append(((r.rx_ns - r.send_ns) - (r.refl_tx_ns - r.refl_rx_ns)) / 1e6)
            up_tos.append(r.up_tos)
            down_tos.append(r.down_tos)
            same_host = same_host and own_host != 0 and r.host_id == own_host
        stream_results.append(
            StreamResult(
                ssrc=st.ssrc,
                local_port=st.local_port,
                sent=st.sent,
                replies=len(unique),
                upstream_lost=up_lost,
                downstream_lost=down_lost,
                rate_limited=limited,
            )
        )
    if totals["limited"]:
        notes.append(
            f"reflector rate-limited {totals['limited']} packets; they are not counted as loss"
        )
    have_replies = bool(rtts)
    if have_replies and same_host:
        method = METHOD_SAME_HOST
    elif have_replies and opts.assume_synced_clocks:
        method = METHOD_ASSUMED_SYNC
    else:
        method = METHOD_RTT_ONLY
    one_way = method != METHOD_RTT_ONLY
    up_owd = _stat([t for s in up_transit for t in s]) if one_way else None
    down_owd = _stat([t for s in down_transit for t in s]) if one_way else None
    rtt = _stat(rtts)
    up_jit = _jitter(up_transit)
    down_jit = _jitter(down_transit)
    up_late = _late(up_transit, opts.jitter_buffer_ms)
    down_late = _late(down_transit, opts.jitter_buffer_ms)
    up_loss = verdict.loss_estimate(totals["sent"], totals["up_lost"])
    down_loss = verdict.loss_estimate(totals["reflected"], totals["down_lost"])
    up_dscp, up_ok = _dscp(up_tos, opts.tos)
    down_dscp, down_ok = _dscp(down_tos, opts.tos)

    directions: dict[str, DirectionResult] = {}
    quality: Quality | None = None
    worst_r: float | None = None
    for name, sent, received, loss, jit, owd, reord, dup, late, dscp, ok in (
        ("upstream", totals["sent"], totals["up_received"], up_loss, up_jit, up_owd,
         totals["up_reordered"], totals["up_dup"], up_late, up_dscp, up_ok),
        ("downstream", totals["reflected"], totals["down_received"], down_loss, down_jit,
         down_owd, totals["down_reordered"], totals["down_dup"], down_late, down_dscp, down_ok),
    ):  # fmt: skip
        r_val: float | None = None
        mos: float | None = None
        if rtt is not None and sent:
            base = owd.mean if owd is not None else rtt.mean / 2.0
            ta = base + opts.jitter_buffer_ms + PACKETISATION_MS
            ppl = 100.0 * (loss.lost + late) / sent
            r_val = metrics.r_factor(ta, ppl, plc=True)
            mos = metrics.mos_from_r(r_val)
            if worst_r is None or r_val < worst_r:
                worst_r = r_val
                quality = Quality(
                    codec="G.711",
                    plc=True,
                    r_factor=r_val,
                    mos=mos,
                    ta_ms=ta,
                    ppl_percent=ppl,
                    delay_basis="measured one-way delay"
                    if owd is not None
                    else "RTT/2 estimate (one-way delay not measurable)",
                    worst_direction=name,
                )
        directions[name] = DirectionResult(
            direction=name,
            packets_sent=sent,
            packets_received=received,
            loss=loss,
            jitter_ms=jit,
            one_way_delay_ms=owd,
            reordered=reord,
            duplicates=dup,
            late=late,
            dscp_sent=opts.tos >> 2,
            dscp_received=dscp,
            dscp_preserved=ok,
            r_factor=r_val,
            mos=mos,
        )

    pps_per_stream = 1000.0 / opts.interval_ms
    verdicts = [
        verdict.delay_verdict(up_owd, down_owd, rtt, opts.thresholds),
        verdict.jitter_verdict(
            up_jit, down_jit, min(totals["up_received"], totals["down_received"]), opts.thresholds
        ),
        verdict.loss_verdict(
            {"upstream": up_loss, "downstream": down_loss},
            opts.thresholds,
            pps_per_stream * max(1, opts.streams),
        ),
    ]
    overall = verdict.overall(verdicts)
    if up_ok is False or down_ok is False:
        notes.append("DSCP EF marking was not preserved end to end: QoS is recommended (NET-1)")
    if not kernel_ts:
        notes.append("kernel receive timestamps unavailable; user-space timestamps used")
    return NetcheckResult(
        tool_version=__version__,
        started_at=started_at,
        finished_at=finished_at,
        settings=ProbeSettings(
            target=opts.target,
            port=opts.port,
            streams=opts.streams,
            packets_per_stream=opts.packets_per_stream,
            interval_ms=opts.interval_ms,
            payload_bytes=opts.payload_bytes,
            tos=opts.tos,
            jitter_buffer_ms=opts.jitter_buffer_ms,
            grace_s=opts.grace_s,
        ),
        thresholds=opts.thresholds,
        rtt_ms=rtt,
        one_way_delay_method=method,
        upstream=directions["upstream"],
        downstream=directions["downstream"],
        quality=quality,
        verdicts=verdicts,
        overall=overall,
        measurement_class="screening" if overall == verdict.INCONCLUSIVE else "conclusive",
        notes=notes,
        streams=stream_results,
        probe_cpu_ratio=cpu_ratio,
        receive_timestamps="kernel" if kernel_ts else "user",
        timeline=(
            build_timeline(series, one_way=one_way)
            if all(len(st.send_mono) == st.sent for st in streams)
            else None
        ),
    )


def _first_arrivals(replies: list[_Reply]) -> list[_Reply]:
    seen: set[int] = set()
    out: list[_Reply] = []
    for r in replies:
        if r.refl_seq not in seen:
            seen.add(r.refl_seq)
            out.append(r)
    return out


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def run_probe(
    opts: ProbeOptions, progress: ProgressFn | None = None, seed: int | None = None
) -> NetcheckResult:
    """Run the measurement (blocking) and return the analysed result."""
    if opts.streams < 1 or opts.streams > 200:
        raise ValueError("streams must be 1..200")
    if not 0.1 <= opts.interval_ms <= 1000.0:
        raise ValueError("interval_ms must be 0.1..1000")
    if not wire.MIN_PACKET <= opts.payload_bytes <= wire.MAX_PACKET:
        raise ValueError(f"payload_bytes must be {wire.MIN_PACKET}..{wire.MAX_PACKET}")
    rng = random.Random(seed)
    started_at = _now_iso()
    wall0 = time.perf_counter()
    cpu0 = time.process_time()
    streams = _open_streams(opts, rng)
    rx = _Receiver(streams)
    rx.start()
    try:
        count = opts.packets_per_stream
        total = count * len(streams)
        step = opts.interval_ms / 1000.0 / len(streams)
        t0 = time.perf_counter() + 0.01
        next_progress = 0.0
        for g in range(total):
            due = t0 + g * step
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            st = streams[g % len(streams)]
            _send(st, wire.KIND_PROBE, st.sent, opts)
            st.sent += 1
            if progress is not None and time.perf_counter() >= next_progress:
                progress((g + 1) / total, g + 1, rx.received)
                next_progress = time.perf_counter() + 0.1
        # Bounded wait for in-flight replies.
        time.sleep(max(0.0, opts.grace_s))
        for attempt in range(opts.stats_attempts):
            pending = [st for st in streams if st.stats is None]
            if not pending:
                break
            for st in pending:
                _send(st, wire.KIND_STATS, attempt, opts)
            end = time.monotonic() + opts.stats_timeout_s
            while time.monotonic() < end and any(st.stats is None for st in pending):
                time.sleep(0.01)
        if progress is not None:
            progress(1.0, total, rx.received)
    finally:
        rx.stop_event.set()
        rx.join(timeout=5)
        for st in streams:
            st.sock.close()
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    return analyse(
        streams,
        opts,
        started_at=started_at,
        finished_at=_now_iso(),
        cpu_ratio=cpu / wall if wall > 0 else None,
        kernel_ts=rx.kernel_ts and all(st.kernel_ts for st in streams),
    )
