"""The per-second timeline of a result (schema 2).

End to end through the relay, each second is compared with what the relay applied to the
packets sent in that second (its release records, matched to packets by order, which holds
for one stream without loss and with FIFO delay), never with wall-clock durations. Loss
attribution is checked exactly on synthetic streams, where the truth is known.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from telephony.netcheck import metrics
from telephony.netcheck.relay import Impairment
from telephony.netcheck.result import (
    MAX_TIMELINE_ENTRIES,
    SCHEMA_VERSION,
    NetcheckResult,
    SchemaError,
)
from telephony.netcheck.timeline import StreamSeries, bucket_size, build_timeline

from .helpers import run_e2e

UP = "upstream"
DOWN = "downstream"


def _buckets_of(sent: list[int], values: list[float]) -> list[list[float]]:
    """Split per-packet ``values`` (in send order) into the timeline's buckets."""
    out, start = [], 0
    for count in sent:
        out.append(values[start : start + count])
        start += count
    return out


def test_per_second_delay_and_jitter_follow_what_the_relay_applied() -> None:
    # 3 s of one call; FIFO delay with jitter, no loss: the relay's k-th release per
    # direction is the probe's packet k.
    imp = Impairment(delay_ms=60, jitter_ms=8)
    e = run_e2e(imp, packets=150, interval_ms=20, grace_s=0.5)
    r = e.result
    t = r.timeline
    assert t is not None and r.schema == SCHEMA_VERSION
    assert t.bucket_s == 1
    assert len(t) == 3
    assert sum(t.sent) == r.upstream.packets_sent == 150
    assert t.lost_up == [0, 0, 0] and t.lost_down == [0, 0, 0]
    assert t.delay_up_ms is not None and t.delay_down_ms is not None
    for direction, measured, jitter in (
        (UP, t.delay_up_ms, t.jitter_up_ms),
        (DOWN, t.delay_down_ms, t.jitter_down_ms),
    ):
        (applied,) = e.applied[direction]
        assert len(applied) == 150
        running = [0.0, *metrics.rfc3550_jitter(applied)]  # J after each packet
        end = 0
        for b, per_packet in enumerate(_buckets_of(t.sent, applied)):
            end += len(per_packet)
            mean_applied = sum(per_packet) / len(per_packet)
            assert mean_applied >= imp.delay_ms - imp.jitter_ms
            value = measured[b]
            assert value is not None
            assert value == pytest.approx(mean_applied, abs=1.0), (direction, b)
            j = jitter[b]
            assert j is not None
            assert j == pytest.approx(running[end - 1], rel=0.15, abs=0.3), (direction, b)
        # the whole-run summary is the same figure the timeline is built from
        owd = getattr(r, direction).one_way_delay_ms
        assert owd is not None
        pairs = [(v, n) for v, n in zip(measured, t.sent, strict=True) if v is not None]
        weighted = sum(v * n for v, n in pairs) / sum(n for _v, n in pairs)  # no loss here
        assert weighted == pytest.approx(owd.mean, abs=0.01)
    rtts = [v for v in t.rtt_ms if v is not None]
    assert len(rtts) == 3
    for b, rtt in enumerate(rtts):
        assert rtt == pytest.approx(t.delay_up_ms[b] + t.delay_down_ms[b], abs=0.5)  # type: ignore[operator]


def test_per_second_loss_adds_up_to_the_totals_and_the_relay_drops() -> None:
    e = run_e2e(
        Impairment(loss=0.04), Impairment(loss=0.06), packets=200, interval_ms=15, streams=2
    )
    r = e.result
    t = r.timeline
    assert t is not None
    assert len(t) == 3  # 200 packets 15 ms apart per stream: 2.985 s
    assert sum(t.sent) == r.upstream.packets_sent == 400
    assert sum(t.lost_up) == r.upstream.loss.lost == e.snapshot[UP]["dropped"]
    assert sum(t.lost_down) == r.downstream.loss.lost == e.snapshot[DOWN]["dropped"]
    assert r.upstream.loss.lost > 0 and r.downstream.loss.lost > 0
    for sent, up, down in zip(t.sent, t.lost_up, t.lost_down, strict=True):
        assert 0 <= up + down <= sent


def test_rtt_only_run_has_no_one_way_series() -> None:
    e = run_e2e(Impairment(delay_ms=10), packets=60, interval_ms=20, reflector_host_id=42)
    t = e.result.timeline
    assert t is not None
    assert t.delay_up_ms is None and t.delay_down_ms is None
    assert all(v is not None for v in t.rtt_ms)


# --- synthetic streams: exact attribution -----------------------------------------------------


@dataclass
class _R:
    seq: int
    refl_seq: int
    send_ns: int
    refl_rx_ns: int
    refl_tx_ns: int
    rx_ns: int


def _stream(
    packets: int, interval_ms: float, lost_up: set[int], lost_down: set[int], limited: int = 0
) -> StreamSeries:
    """A stream with known fates: 10 ms up, 5 ms down, reflector numbering without gaps for
    upstream losses."""
    send = [int(i * interval_ms * 1e6) for i in range(packets)]
    replies = []
    refl = 0
    for seq in range(packets):
        if seq in lost_up:
            continue
        refl += 1
        if seq in lost_down:
            continue
        s = 1_000_000_000 + send[seq]
        replies.append(_R(seq, refl, s, s + 10_000_000, s + 10_000_000, s + 15_000_000))
    reflected = refl - limited
    return StreamSeries(
        send_mono_ns=send,
        by_refl=replies,
        arrivals=replies,
        refl_rx=refl,
        limited=limited,
        up_lost=packets - refl,
        down_lost=reflected - len(replies),
    )


def test_loss_is_attributed_to_the_second_and_direction_it_happened() -> None:
    # 300 packets, 10 ms apart: seconds 0, 1, 2.
    lost_up = {5, 6, 150, 151, 152, 299}
    lost_down = {7, 120, 153, 250, 251}
    t = build_timeline([_stream(300, 10, lost_up, lost_down)], one_way=True)
    assert t is not None
    assert t.sent == [100, 100, 100]
    assert t.lost_up == [2, 3, 1]
    assert t.lost_down == [1, 2, 2]
    assert t.delay_up_ms == [10.0, 10.0, 10.0] and t.delay_down_ms == [5.0, 5.0, 5.0]
    assert t.rtt_ms == [15.0, 15.0, 15.0]
    assert t.jitter_up_ms == [0.0, 0.0, 0.0]


def test_rate_limited_packets_count_as_neither_direction() -> None:
    s = _stream(200, 10, {3}, {50, 60, 199}, limited=1)
    t = build_timeline([s], one_way=False)
    assert t is not None
    assert sum(t.lost_up) == s.up_lost == 1
    assert sum(t.lost_down) == s.down_lost == 2
    assert t.delay_up_ms is None


def test_long_runs_use_coarser_buckets() -> None:
    assert bucket_size(0) == 1
    assert bucket_size(3_599_999_999_999) == 1  # 3600 s of sending: 3600 buckets
    assert bucket_size(3_600 * 10**9) == 2
    assert bucket_size(4 * 3_600 * 10**9) == 5
    # two hours at one packet per second
    s = _stream(7200, 1000, {10, 7000}, set())
    t = build_timeline([s], one_way=True)
    assert t is not None
    assert t.bucket_s == 2 and len(t) == 3600 <= MAX_TIMELINE_ENTRIES
    assert set(t.sent) == {2} and sum(t.lost_up) == 2 and t.lost_up[5] == 1


# --- schema --------------------------------------------------------------------------------


def _real_result() -> NetcheckResult:
    return run_e2e(Impairment(delay_ms=5), packets=60, interval_ms=20).result


def test_schema_1_results_without_timeline_still_parse() -> None:
    data = _real_result().to_dict()
    old = json.loads(json.dumps(data))
    del old["timeline"]
    old["schema"] = 1
    parsed = NetcheckResult.from_dict(old)
    assert parsed.schema == 1 and parsed.timeline is None
    assert parsed.to_dict() == old  # written back as schema 1, without the new field
    with_timeline = dict(old, timeline=data["timeline"])
    with pytest.raises(SchemaError, match="timeline"):
        NetcheckResult.from_dict(with_timeline)
    assert NetcheckResult.from_dict(dict(old, timeline=None)).timeline is None
    # schema 2 without a timeline (nothing sent) is valid as well
    assert NetcheckResult.from_dict(dict(data, timeline=None)).timeline is None


def test_timeline_structure_is_validated() -> None:
    data = json.loads(_real_result().to_json())
    too_long = json.loads(json.dumps(data))
    n = MAX_TIMELINE_ENTRIES + 1
    for name in ("sent", "lost_up", "lost_down"):
        too_long["timeline"][name] = [1] * n
    for name in ("rtt_ms", "delay_up_ms", "delay_down_ms", "jitter_up_ms", "jitter_down_ms"):
        too_long["timeline"][name] = [1.0] * n
    with pytest.raises(SchemaError, match=r"timeline\.sent: at most 3600"):
        NetcheckResult.from_dict(too_long)
    ragged = json.loads(json.dumps(data))
    ragged["timeline"]["jitter_up_ms"].append(1.0)
    with pytest.raises(SchemaError, match=r"timeline\.jitter_up_ms"):
        NetcheckResult.from_dict(ragged)
    wrong_type = json.loads(json.dumps(data))
    wrong_type["timeline"]["sent"][0] = 1.5
    with pytest.raises(SchemaError, match=r"timeline\.sent\[0\]"):
        NetcheckResult.from_dict(wrong_type)
    negative = json.loads(json.dumps(data))
    negative["timeline"]["lost_up"][0] = -1
    with pytest.raises(SchemaError, match=r"timeline\.lost_up"):
        NetcheckResult.from_dict(negative)
