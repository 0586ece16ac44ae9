from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telephony.netcheck import metrics


def test_jitter_constant_transit_is_zero() -> None:
    assert metrics.rfc3550_jitter([5.0] * 100) == [0.0] * 99


def test_jitter_follows_rfc3550_recursion() -> None:
    # D(i,j) = (Rj - Ri) - (Sj - Si); J += (|D| - J)/16
    send = [0.0, 20.0, 40.0, 60.0]
    recv = [100.0, 124.0, 138.0, 166.0]
    transit = [r - s for r, s in zip(recv, send, strict=True)]
    j = 0.0
    expected = []
    for i in range(1, 4):
        d = (recv[i] - recv[i - 1]) - (send[i] - send[i - 1])
        j += (abs(d) - j) / 16
        expected.append(j)
    assert metrics.rfc3550_jitter(transit) == pytest.approx(expected)


def test_jitter_converges_to_mean_abs_difference() -> None:
    # alternating +/-a transit: |D| = 2a always, J -> 2a
    transit = [10.0 if i % 2 else 0.0 for i in range(2000)]
    assert metrics.rfc3550_jitter(transit)[-1] == pytest.approx(10.0, rel=1e-6)


def test_jitter_independent_of_clock_offset() -> None:
    rng = random.Random(1)
    transit = [rng.uniform(0, 30) for _ in range(500)]
    shifted = [t + 12345.678 for t in transit]
    assert metrics.rfc3550_jitter(shifted) == pytest.approx(metrics.rfc3550_jitter(transit))


def test_jitter_summary_skips_warmup() -> None:
    transit = [10.0 if i % 2 else 0.0 for i in range(1000)]
    mean, p95, mx = metrics.jitter_summary(metrics.rfc3550_jitter(transit)) or (0, 0, 0)
    assert 9.0 < mean <= 10.0 and p95 <= mx <= 10.0


def test_percentile_linear() -> None:
    assert metrics.percentile([1, 2, 3, 4], 50) == 2.5
    assert metrics.percentile([7], 95) == 7
    with pytest.raises(ValueError):
        metrics.percentile([], 50)


def test_wilson_known_values() -> None:
    low, high = metrics.wilson_interval(0, 100)
    assert low == 0.0 and high == pytest.approx(0.03699, abs=1e-4)
    low, high = metrics.wilson_interval(10, 100)
    assert low == pytest.approx(0.05523, abs=1e-4) and high == pytest.approx(0.17437, abs=1e-4)
    assert metrics.wilson_interval(0, 0) == (0.0, 1.0)


@given(st.integers(min_value=1, max_value=100_000), st.floats(min_value=0, max_value=1))
def test_wilson_contains_estimate(n: int, frac: float) -> None:
    k = math.floor(frac * n)
    low, high = metrics.wilson_interval(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0


@pytest.mark.parametrize(
    ("rate", "expected"),
    [(0.0, 268), (0.005, 1072), (0.0075, 4286), (0.009, 26785), (0.02, 268)],
)
def test_packets_needed_one_sided_95(rate: float, expected: int) -> None:
    assert metrics.packets_needed(rate, 0.01) == expected


def test_packets_needed_at_threshold_is_none() -> None:
    assert metrics.packets_needed(0.01, 0.01) is None


@pytest.mark.parametrize(
    ("r", "mos"), [(93.2, 4.409), (80, 4.024), (70, 3.597), (60, 3.100), (50, 2.575)]
)
def test_mos_reference_values(r: float, mos: float) -> None:
    assert round(metrics.mos_from_r(r), 3) == pytest.approx(mos, abs=5e-4)


def test_mos_clamps() -> None:
    assert metrics.mos_from_r(-5) == 1.0
    assert metrics.mos_from_r(120) == 4.5


@pytest.mark.parametrize(("ta", "idd"), [(100, 0.0), (150, 0.16), (200, 3.04), (300, 14.76)])
def test_delay_impairment_reference(ta: float, idd: float) -> None:
    assert round(metrics.delay_impairment(ta), 2) == pytest.approx(idd, abs=1e-9)


@pytest.mark.parametrize(
    ("loss", "plc", "r"),
    [(1.0, False, 75.28), (1.0, True, 89.56), (2.0, False, 63.04), (2.0, True, 86.19)],
)
def test_r_factor_loss_reference(loss: float, plc: bool, r: float) -> None:
    assert round(metrics.r_factor(0.0, loss, plc=plc), 2) == pytest.approx(r, abs=1e-9)


def test_r_factor_no_impairment() -> None:
    assert metrics.r_factor(50.0, 0.0) == pytest.approx(93.2)


# --- edges found unpinned by mutation testing (NET-1, notes on the network check) ----------


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def test_jitter_warmup_is_skipped_only_above_64_values() -> None:
    """Pins the warm-up rule of the jitter summaries: the first 16 running values are left out
    only when there are more than 64, in one stream and in pooled streams."""
    assert metrics.jitter_summary([0.0] * 16 + [1.0] * 48) == (0.75, 1.0, 1.0)
    assert metrics.jitter_summary([0.0] * 16 + [1.0] * 49) == (1.0, 1.0, 1.0)
    for length in (65, 66):  # 64 and 65 running values
        transit = [10.0 if i % 2 else 0.0 for i in range(length)]
        running = metrics.rfc3550_jitter(transit)
        kept = running[16:] if length == 66 else running
        pooled = metrics.pooled_jitter([transit, transit])
        assert pooled is not None
        assert pooled[0] == pytest.approx(_mean(kept))
        assert pooled[1] == pytest.approx(metrics.percentile(kept + kept, 95))


def test_jitter_summaries_report_the_95th_percentile() -> None:
    """Pins p95 (not a neighbour) in both summaries."""
    running = [float(i) for i in range(101)]
    assert metrics.jitter_summary(running) == (58.0, pytest.approx(95.8), 100.0)
    transit = [float(i % 7) * (i % 3) for i in range(200)]
    series = metrics.rfc3550_jitter(transit)[16:]
    pooled = metrics.pooled_jitter([transit])
    assert pooled is not None
    assert pooled[1] == pytest.approx(metrics.percentile(series, 95))


def test_percentile_edges() -> None:
    """Pins interpolation between two values, the top end and the upper index."""
    assert metrics.percentile([1, 3], 50) == 2
    assert metrics.percentile([1, 2, 3], 100) == 3
    assert metrics.percentile([1, 2, 3], 75) == 2.5
    with pytest.raises(ValueError, match=r"^percentile of empty sequence$"):
        metrics.percentile([], 50)


def test_summarize_fields() -> None:
    """Pins count, min, mean, p50, p95, p99 and max of a summary."""
    assert metrics.summarize([1, 2, 3, 4]) == (4, 1.0, 2.5, 2.5, pytest.approx(3.85), 3.97, 4.0)
    with pytest.raises(ValueError, match=r"^summarize of empty sequence$"):
        metrics.summarize([])


def test_wilson_edges() -> None:
    """Pins the interval for a single packet, one loss in ten, and all lost."""
    assert metrics.wilson_interval(0, 1) == (0.0, pytest.approx(0.79345, abs=1e-5))
    low, high = metrics.wilson_interval(1, 10)
    assert low == pytest.approx(0.017876, abs=1e-6) and high == pytest.approx(0.40415, abs=1e-5)
    low, high = metrics.wilson_interval(5, 5)
    assert low == pytest.approx(0.56552, abs=1e-5) and high == 1.0


def test_packets_needed_refuses_thresholds_outside_0_and_1() -> None:
    """Pins the guard of ``packets_needed``: a threshold of 0, 1 or more has no answer."""
    assert metrics.packets_needed(0.01, 0.0) is None
    assert metrics.packets_needed(0.5, 1.0) is None
    assert metrics.packets_needed(0.005, 1.5) is None
    assert metrics.packets_needed(-0.1, 0.01) is None


def test_packets_needed_can_be_a_single_packet() -> None:
    """Pins the lower end of the search: a rate far above the threshold is decided by 1."""
    assert metrics.packets_needed(0.9, 0.01) == 1


def test_delay_impairment_starts_just_above_100_ms() -> None:
    """Pins Idd = 0 up to 100 ms and positive right above it (G.107)."""
    assert metrics.delay_impairment(100) == 0.0
    assert metrics.delay_impairment(101) > 0.0


def test_effective_equipment_impairment_formula() -> None:
    """Pins Ie,eff = Ie + (95 - Ie) * Ppl / (Ppl / BurstR + Bpl) with every term, and the
    defaults (G.711 with PLC, random loss)."""
    assert metrics.effective_equipment_impairment(2.0, ie=10, bpl=25.1, burst_r=2.0) == (
        pytest.approx(10 + 85 * 2.0 / (1.0 + 25.1))
    )
    assert metrics.effective_equipment_impairment(1.0) == pytest.approx(95 / 26.1)


def test_r_factor_terms_and_defaults() -> None:
    """Pins R = R0 - Idd - Ie,eff: delay subtracts, Ie and BurstR reach Ie,eff, PLC is the
    default."""
    assert metrics.r_factor(200.0, 0.0) == pytest.approx(93.2 - metrics.delay_impairment(200.0))
    assert metrics.r_factor(0.0, 0.0, ie=10.0) == pytest.approx(83.2)
    assert metrics.r_factor(0.0, 2.0, burst_r=2.0) == pytest.approx(93.2 - 95 * 2 / (1 + 25.1))
    assert round(metrics.r_factor(0.0, 1.0), 2) == 89.56


def test_mos_formula_near_its_clamps() -> None:
    """Pins where the clamps start: R 0.5 uses the formula (just below 1), R 100.5 is 4.5."""
    assert metrics.mos_from_r(0.5) == pytest.approx(0.996779125)
    assert metrics.mos_from_r(100.5) == 4.5
