"""Per-second series of a run (``NetcheckResult.timeline``, schema 2).

Every packet belongs to the bucket of its send time, counted from the first packet sent (on
the probe's monotonic clock). Buckets are one second long unless the run is longer than
``MAX_TIMELINE_ENTRIES`` seconds; then ``bucket_s`` is the smallest whole number of seconds
that keeps the series within that many entries.

Loss attribution: a packet without a reply was lost either upstream or downstream (or
rate-limited by the reflector). Each gap in the reflector's arrival numbering (``refl_seq``)
is a packet that reached the reflector whose reply did not come back; it is matched to the
next unanswered packet sent after the last answered one before the gap, and counted as a
downstream loss; the remaining unanswered packets were lost upstream. Rate-limited packets
(which also leave gaps) are counted as neither, taking the latest gaps. The per-bucket
counts are then fitted to the direction totals so that they always add up to
``upstream.loss.lost`` and ``downstream.loss.lost``.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from .result import MAX_TIMELINE_ENTRIES, Timeline

NS_PER_S = 1_000_000_000


class ReplyTimes(Protocol):
    seq: int
    refl_seq: int
    send_ns: int
    refl_rx_ns: int
    refl_tx_ns: int
    rx_ns: int


@dataclass
class StreamSeries:
    """What the timeline needs of one stream.

    ``send_mono_ns`` is the monotonic send time of every probe packet, indexed by sequence
    number; ``by_refl`` the replies with distinct ``refl_seq`` in reflector arrival order;
    ``arrivals`` the first copy of each reply in probe arrival order; the counters are the
    stream's totals as the analysis computed them.
    """

    send_mono_ns: Sequence[int]
    by_refl: Sequence[ReplyTimes]
    arrivals: Sequence[ReplyTimes]
    refl_rx: int
    limited: int
    up_lost: int
    down_lost: int


def bucket_size(duration_ns: int, max_entries: int = MAX_TIMELINE_ENTRIES) -> int:
    """Seconds per bucket for a run whose last send is ``duration_ns`` after the first."""
    seconds = max(0, duration_ns) // NS_PER_S + 1
    return max(1, -(-seconds // max_entries))


def _round(value: float) -> float:
    return round(value, 3)


class _Acc:
    """Sum and count per bucket."""

    def __init__(self, n: int) -> None:
        self.total = [0.0] * n
        self.count = [0] * n

    def add(self, bucket: int, value: float) -> None:
        self.total[bucket] += value
        self.count[bucket] += 1

    def means(self) -> list[float | None]:
        return [_round(t / c) if c else None for t, c in zip(self.total, self.count, strict=True)]


def _fit(counts: list[int], target: int, caps: list[int]) -> None:
    """Adjust ``counts`` in place so they sum to ``target``: remove from the latest buckets,
    add to the latest buckets with room left (``caps``), else to the last bucket."""
    diff = target - sum(counts)
    for b in range(len(counts) - 1, -1, -1):
        if diff >= 0:
            break
        take = min(counts[b], -diff)
        counts[b] -= take
        diff += take
    for b in range(len(counts) - 1, -1, -1):
        if diff <= 0:
            break
        give = min(max(0, caps[b] - counts[b]), diff)
        counts[b] += give
        diff -= give
    if diff > 0 and counts:
        counts[-1] += diff


def _running_jitter(transits: Sequence[tuple[int, float]], n: int, acc: _Acc) -> None:
    """RFC 3550 running J over ``(bucket, transit)`` in arrival order; J after the last packet
    of each bucket goes into ``acc``."""
    last: dict[int, float] = {}
    j = 0.0
    prev: float | None = None
    for bucket, transit in transits:
        if prev is not None:
            j += (abs(transit - prev) - j) / 16.0
            last[bucket] = j
        prev = transit
    for bucket, value in last.items():
        if 0 <= bucket < n:
            acc.add(bucket, value)


def _losses(s: StreamSeries, buckets: list[int], n: int) -> tuple[list[int], list[int]]:
    """Lost upstream and downstream per bucket for one stream (before fitting to totals)."""
    answered = {r.seq for r in s.by_refl}
    missing = [seq for seq in range(len(buckets)) if seq not in answered]
    known = [(r.refl_seq, r.seq) for r in s.by_refl]  # sorted by refl_seq
    known_refl = [k for k, _ in known]
    downstream: list[int] = []  # indexes into ``missing``
    ptr = 0
    for gap in range(1, max(s.refl_rx, known_refl[-1] if known_refl else 0) + 1):
        i = bisect.bisect_left(known_refl, gap)
        if i < len(known_refl) and known_refl[i] == gap:
            continue
        before = known[i - 1][1] if i > 0 else -1
        ptr = max(ptr, bisect.bisect_right(missing, before))
        if ptr >= len(missing):
            break
        downstream.append(ptr)
        ptr += 1
    # Rate-limited packets also leave gaps; they are neither loss (latest gaps first).
    keep = max(0, len(downstream) - max(0, s.limited))
    limited = set(downstream[keep:])
    down_set = set(downstream[:keep])
    up = [0] * n
    down = [0] * n
    for idx, seq in enumerate(missing):
        if idx in down_set:
            down[buckets[seq]] += 1
        elif idx not in limited:
            up[buckets[seq]] += 1
    return up, down


def build_timeline(
    streams: Sequence[StreamSeries],
    *,
    one_way: bool,
    max_entries: int = MAX_TIMELINE_ENTRIES,
) -> Timeline | None:
    """The per-bucket series of a run, or None when nothing was sent."""
    sends = [s.send_mono_ns for s in streams if s.send_mono_ns]
    if not sends:
        return None
    t0 = min(x[0] for x in sends)
    last = max(x[-1] for x in sends)
    bucket_s = bucket_size(last - t0, max_entries)
    width = bucket_s * NS_PER_S
    n = (last - t0) // width + 1

    sent = [0] * n
    lost_up = [0] * n
    lost_down = [0] * n
    rtt, up_delay, down_delay = _Acc(n), _Acc(n), _Acc(n)
    up_jitter, down_jitter = _Acc(n), _Acc(n)
    for s in streams:
        buckets = [min(n - 1, max(0, (t - t0) // width)) for t in s.send_mono_ns]
        stream_sent = [0] * n
        for b in buckets:
            stream_sent[b] += 1
        usable = [r for r in s.by_refl if 0 <= r.seq < len(buckets)]
        for r in usable:
            b = buckets[r.seq]
            rtt.add(b, ((r.rx_ns - r.send_ns) - (r.refl_tx_ns - r.refl_rx_ns)) / 1e6)
            if one_way:
                up_delay.add(b, (r.refl_rx_ns - r.send_ns) / 1e6)
        arrivals = [r for r in s.arrivals if 0 <= r.seq < len(buckets)]
        if one_way:
            for r in arrivals:
                down_delay.add(buckets[r.seq], (r.rx_ns - r.refl_tx_ns) / 1e6)
        _running_jitter(
            [(buckets[r.seq], (r.refl_rx_ns - r.send_ns) / 1e6) for r in usable], n, up_jitter
        )
        _running_jitter(
            [(buckets[r.seq], (r.rx_ns - r.refl_tx_ns) / 1e6) for r in arrivals], n, down_jitter
        )
        up, down = _losses(s, buckets, n)
        _fit(up, s.up_lost, [c - d for c, d in zip(stream_sent, down, strict=True)])
        _fit(down, s.down_lost, [c - u for c, u in zip(stream_sent, up, strict=True)])
        for b in range(n):
            sent[b] += stream_sent[b]
            lost_up[b] += up[b]
            lost_down[b] += down[b]
    return Timeline(
        bucket_s=bucket_s,
        sent=sent,
        lost_up=lost_up,
        lost_down=lost_down,
        rtt_ms=rtt.means(),
        delay_up_ms=up_delay.means() if one_way else None,
        delay_down_ms=down_delay.means() if one_way else None,
        jitter_up_ms=up_jitter.means(),
        jitter_down_ms=down_jitter.means(),
    )
