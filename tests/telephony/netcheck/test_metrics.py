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
