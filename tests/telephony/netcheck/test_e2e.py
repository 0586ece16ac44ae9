"""probe -> impairment relay -> reflector on loopback, measured against what was injected.

Tolerances: mean one-way delay within 0.5 ms of the delay the relay actually applied
(kernel receive stamp to send), RFC 3550 jitter within 5 % of the same estimator run on
the applied delays, loss counted exactly. Packet spacing is shortened where many packets
are needed; the relay delays each packet independently of the spacing.
"""

from __future__ import annotations

import statistics

import pytest

from telephony.netcheck.probe import METHOD_RTT_ONLY, METHOD_SAME_HOST
from telephony.netcheck.relay import Impairment

from .helpers import run_e2e, verdict_of

DOWN = "downstream"
UP = "upstream"


def _ref(snap: dict[str, dict[str, float | None]], direction: str, key: str) -> float:
    value = snap[direction][key]
    assert value is not None
    return value


@pytest.mark.parametrize(("delay", "expected"), [(140.0, "pass"), (160.0, "fail")])
def test_delay_verdict_both_sides(delay: float, expected: str) -> None:
    e = run_e2e(Impairment(delay_ms=delay), packets=200, interval_ms=5)
    r = e.result
    assert r.one_way_delay_method == METHOD_SAME_HOST
    for name in (UP, DOWN):
        owd = getattr(r, name).one_way_delay_ms
        assert owd is not None
        assert owd.mean == pytest.approx(_ref(e.snapshot, name, "mean_delay_ms"), abs=0.5)
        # The relay's own scheduling adds to the nominal delay, more on a loaded machine;
        # accuracy is asserted against the applied delay just above.
        assert delay <= owd.mean <= delay + 8.0
    assert r.rtt_ms is not None and 2 * delay <= r.rtt_ms.mean <= 2 * delay + 16.0
    assert verdict_of(r, "one_way_delay") == expected
    assert verdict_of(r, "packet_loss") == "inconclusive"  # 200 packets without loss < 268
    assert r.upstream.loss.lost == 0 and r.downstream.loss.lost == 0


@pytest.mark.parametrize(
    ("half_width", "target", "expected"), [(21.0, 15.0, "pass"), (35.0, 25.0, "fail")]
)
def test_jitter_verdict_both_sides(half_width: float, target: float, expected: str) -> None:
    imp = Impairment(delay_ms=60, jitter_ms=half_width, preserve_order=False)
    e = run_e2e(imp, packets=300, interval_ms=10, jitter_buffer_ms=200)
    r = e.result
    for name in (UP, DOWN):
        jit = getattr(r, name).jitter_ms
        ref = _ref(e.snapshot, name, "jitter_mean_ms")
        assert jit is not None
        assert jit.mean == pytest.approx(ref, rel=0.05)
        assert ref == pytest.approx(target, abs=3.0)
    assert verdict_of(r, "jitter") == expected


def _rfc3550_by_hand(flows: list[list[tuple[int, float]]]) -> tuple[float, float]:
    """Mean and p95 of the running RFC 3550 jitter, computed here from the relay's own stamps.

    For each flow, in the order the relay sent the packets on: R = relay send time,
    S = relay receive time (send time minus the applied delay), D = (Rj - Ri) - (Sj - Si),
    J += (|D| - J) / 16. The first 16 values of J are its warm-up and are left out when a flow
    has more than 64; the flows are then pooled (NET-1, notes on the network check)."""
    pooled: list[float] = []
    for records in flows:
        previous: tuple[float, float] | None = None
        j = 0.0
        running: list[float] = []
        for sent_ns, applied_ms in sorted(records):
            r = sent_ns / 1e6
            s = r - applied_ms
            if previous is not None:
                d = (r - previous[0]) - (s - previous[1])
                j += (abs(d) - j) / 16
                running.append(j)
            previous = (r, s)
        pooled.extend(running[16:] if len(running) > 64 else running)
    return sum(pooled) / len(pooled), statistics.quantiles(pooled, n=100, method="inclusive")[94]


def test_jitter_matches_rfc3550_computed_from_the_relay_stamps() -> None:
    """Pins the probe's RFC 3550 jitter end to end (per-stream running J, warm-up left out,
    streams pooled, mean and p95) against values computed in this test from the relay's
    per-packet receive and send times, not by ``metrics.pooled_jitter`` that both the probe
    and the relay's reference use. Two streams of 100 packets, reordered by the jitter."""
    imp = Impairment(delay_ms=40, jitter_ms=15, preserve_order=False)
    e = run_e2e(imp, packets=100, interval_ms=10, streams=2, seed=3, jitter_buffer_ms=200)
    for name in (UP, DOWN):
        jit = getattr(e.result, name).jitter_ms
        assert jit is not None
        assert len(e.released[name]) == 2
        mean, p95 = _rfc3550_by_hand(e.released[name])
        # Only the loopback legs outside the relay differ: well under 1 % on an idle machine.
        assert jit.mean == pytest.approx(mean, rel=0.03), name
        assert jit.p95 == pytest.approx(p95, rel=0.03), name
    assert verdict_of(e.result, "jitter") == "pass"


def test_loss_two_percent_fails_conclusively() -> None:
    # 2 % needs about 270 packets for a conclusive fail; 1000 at 2 ms spacing.
    e = run_e2e(Impairment(loss=0.02), Impairment(), packets=1000, interval_ms=2, seed=11)
    r = e.result
    assert r.upstream.loss.lost == _ref(e.snapshot, UP, "dropped")
    assert r.downstream.loss.lost == 0
    assert 1.0 < r.upstream.loss.percent < 3.5
    assert verdict_of(r, "packet_loss") == "fail"


def test_loss_half_percent_passes_conclusively() -> None:
    # 0.5 % needs about 1100 packets to prove < 1 % (one-sided 95 %); 3000 at 1 ms spacing.
    e = run_e2e(Impairment(loss=0.005), Impairment(), packets=3000, interval_ms=1, seed=5)
    r = e.result
    dropped = _ref(e.snapshot, UP, "dropped")
    assert dropped > 0
    assert r.upstream.loss.lost == dropped
    assert r.downstream.loss.lost == 0
    assert verdict_of(r, "packet_loss") == "pass"


def test_loss_counted_per_direction_and_stream() -> None:
    e = run_e2e(Impairment(loss=0.03), Impairment(loss=0.05), packets=150, interval_ms=4, streams=4)
    r = e.result
    assert len(r.streams) == 4
    assert r.upstream.packets_sent == 600
    assert r.upstream.loss.lost == _ref(e.snapshot, UP, "dropped")
    assert r.downstream.loss.lost == _ref(e.snapshot, DOWN, "dropped")
    assert sum(s.upstream_lost for s in r.streams) == r.upstream.loss.lost


def test_reordering_counted() -> None:
    # Held packets are overtaken by about six others, so scheduling noise cannot undo them.
    imp = Impairment(reorder=0.05, reorder_gap_ms=30)
    e = run_e2e(imp, Impairment(), packets=300, interval_ms=5)
    r = e.result
    held = _ref(e.snapshot, UP, "data_reordered")
    assert held > 0
    # A packet held back near the end of the stream may be overtaken by nothing left to send,
    # so the probe can see one reordering fewer than the relay caused, never more.
    assert held - 1 <= r.upstream.reordered <= held
    assert r.downstream.reordered == 0
    assert r.upstream.duplicates == 0 and r.downstream.duplicates == 0


def test_late_packets_against_jitter_buffer() -> None:
    imp = Impairment(reorder=0.05, reorder_gap_ms=40)
    e = run_e2e(imp, Impairment(), packets=300, interval_ms=3, jitter_buffer_ms=20)
    assert e.result.upstream.late == _ref(e.snapshot, UP, "data_reordered")


def test_dscp_bleached_downstream_is_reported() -> None:
    e = run_e2e(Impairment(), Impairment(set_tos=0), packets=60, interval_ms=5)
    r = e.result
    assert r.upstream.dscp_sent == 46 and r.upstream.dscp_received == 46
    assert r.upstream.dscp_preserved is True
    assert r.downstream.dscp_received == 0 and r.downstream.dscp_preserved is False
    assert any("DSCP" in n for n in r.notes)


def test_other_host_reports_rtt_only_and_bounds_verdict() -> None:
    e = run_e2e(Impairment(delay_ms=100), packets=80, interval_ms=5, reflector_host_id=42)
    r = e.result
    assert r.one_way_delay_method == METHOD_RTT_ONLY
    assert r.upstream.one_way_delay_ms is None and r.downstream.one_way_delay_ms is None
    v = next(v for v in r.verdicts if v.metric == "one_way_delay")
    assert v.status == "inconclusive" and v.measured is None  # RTT ~200 ms in (150, 300]
    assert r.quality is not None and "RTT/2" in r.quality.delay_basis


def test_result_json_round_trip_from_real_run() -> None:
    from telephony.netcheck.result import NetcheckResult

    e = run_e2e(Impairment(delay_ms=5), packets=50, interval_ms=5)
    again = NetcheckResult.from_json(e.result.to_json())
    assert again == e.result
