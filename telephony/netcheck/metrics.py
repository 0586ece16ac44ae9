"""Pure measurement functions: RFC 3550 jitter, loss confidence, E-model, statistics."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

Z95 = 1.959963984540054  # two-sided 95 % normal quantile (reported interval)
Z95_ONE_SIDED = 1.6448536269514722  # one-sided 95 % bound (used for "< threshold" verdicts)
JITTER_WARMUP = 16  # running-J updates skipped before summarising (estimator time constant)


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of a non-empty sequence."""
    if not values:
        raise ValueError("percentile of empty sequence")
    data = sorted(values)
    if len(data) == 1:
        return float(data[0])
    pos = (len(data) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(data) - 1)
    frac = pos - lo
    return float(data[lo] + (data[hi] - data[lo]) * frac)


def rfc3550_jitter(transit: Iterable[float]) -> list[float]:
    """Running RFC 3550 interarrival jitter.

    ``transit`` is, in arrival order, the relative transit time of each packet
    (receive time minus send time, any constant clock offset is irrelevant).
    D(i,j) = (Rj - Ri) - (Sj - Si) = transit_j - transit_i and J += (|D| - J)/16.
    Returns J after each packet starting with the second one.
    """
    out: list[float] = []
    prev: float | None = None
    j = 0.0
    for t in transit:
        if prev is not None:
            d = abs(t - prev)
            j += (d - j) / 16.0
            out.append(j)
        prev = t
    return out


def jitter_summary(running: Sequence[float]) -> tuple[float, float, float] | None:
    """Mean, p95 and max of a running-J series, skipping the estimator warm-up when possible."""
    if not running:
        return None
    series = running[JITTER_WARMUP:] if len(running) > 4 * JITTER_WARMUP else running
    return (sum(series) / len(series), percentile(series, 95), max(series))


def pooled_jitter(transits: Iterable[Sequence[float]]) -> tuple[float, float, float] | None:
    """Jitter summary over several streams: each stream's running J (after warm-up), pooled."""
    pooled: list[float] = []
    for transit in transits:
        series = rfc3550_jitter(transit)
        pooled.extend(series[JITTER_WARMUP:] if len(series) > 4 * JITTER_WARMUP else series)
    if not pooled:
        return None
    return (sum(pooled) / len(pooled), percentile(pooled, 95), max(pooled))


def wilson_interval(lost: float, total: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion (defaults to 95 % two-sided)."""
    if total <= 0:
        return (0.0, 1.0)
    p = lost / total
    z2 = z * z
    denom = 1.0 + z2 / total
    centre = (p + z2 / (2.0 * total)) / denom
    half = (z / denom) * math.sqrt(max(p * (1.0 - p) / total + z2 / (4.0 * total * total), 0.0))
    low = 0.0 if lost <= 0 else max(0.0, min(p, centre - half))
    high = 1.0 if lost >= total else min(1.0, max(p, centre + half))
    return (low, high)


def packets_needed(
    rate: float, threshold: float, z: float = Z95_ONE_SIDED, limit: int = 10_000_000
) -> int | None:
    """Packets needed so the one-sided 95 % Wilson bound at ``rate`` clears ``threshold``.

    Returns None when the rate equals the threshold (no sample size can decide it)
    or more than ``limit`` packets would be needed.
    """
    if not 0.0 < threshold < 1.0 or rate < 0.0 or math.isclose(rate, threshold, rel_tol=1e-9):
        return None

    def decided(n: int) -> bool:
        low, high = wilson_interval(rate * n, n, z)
        return high < threshold if rate < threshold else low > threshold

    if not decided(limit):
        return None
    lo, hi = 1, limit
    while lo < hi:
        mid = (lo + hi) // 2
        if decided(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


# --- ITU-T G.107 E-model (simplified, G.711) ---------------------------------

R0_DEFAULT = 93.2
G711_IE = 0.0
G711_BPL_NO_PLC = 4.3
G711_BPL_PLC = 25.1


def delay_impairment(ta_ms: float) -> float:
    """Idd for absolute one-way delay Ta (ms)."""
    if ta_ms <= 100.0:
        return 0.0
    x = math.log2(ta_ms / 100.0)
    return 25.0 * ((1.0 + x**6) ** (1.0 / 6.0) - 3.0 * (1.0 + (x / 3.0) ** 6) ** (1.0 / 6.0) + 2.0)


def effective_equipment_impairment(
    ppl_percent: float, ie: float = G711_IE, bpl: float = G711_BPL_PLC, burst_r: float = 1.0
) -> float:
    """Ie,eff = Ie + (95 - Ie) * Ppl / (Ppl/BurstR + Bpl), Ppl in percent."""
    ppl = max(0.0, ppl_percent)
    return ie + (95.0 - ie) * ppl / (ppl / burst_r + bpl)


def r_factor(
    ta_ms: float,
    ppl_percent: float,
    *,
    plc: bool = True,
    ie: float = G711_IE,
    burst_r: float = 1.0,
) -> float:
    bpl = G711_BPL_PLC if plc else G711_BPL_NO_PLC
    return (
        R0_DEFAULT
        - delay_impairment(ta_ms)
        - effective_equipment_impairment(ppl_percent, ie=ie, bpl=bpl, burst_r=burst_r)
    )


def mos_from_r(r: float) -> float:
    if r <= 0.0:
        return 1.0
    if r >= 100.0:
        return 4.5
    return 1.0 + 0.035 * r + r * (r - 60.0) * (100.0 - r) * 7e-6


def summarize(values: Sequence[float]) -> tuple[int, float, float, float, float, float, float]:
    """count, min, mean, p50, p95, p99, max."""
    if not values:
        raise ValueError("summarize of empty sequence")
    return (
        len(values),
        float(min(values)),
        float(sum(values) / len(values)),
        percentile(values, 50),
        percentile(values, 95),
        percentile(values, 99),
        float(max(values)),
    )
