"""Verdicts against NET-1 thresholds: pass / fail / inconclusive."""

from __future__ import annotations

import math

from .metrics import Z95_ONE_SIDED, packets_needed, wilson_interval
from .result import JitterSummary, LossEstimate, Stat, Thresholds, Verdict

PASS = "pass"
FAIL = "fail"
INCONCLUSIVE = "inconclusive"
MIN_JITTER_SAMPLES = 50
VOICE_PACKETS_PER_SECOND = 50.0


def loss_estimate(sent: int, lost: int) -> LossEstimate:
    lost = max(0, min(lost, sent))
    low, high = wilson_interval(lost, sent)
    pct = 100.0 * lost / sent if sent else 0.0
    return LossEstimate(
        sent=sent,
        lost=lost,
        percent=pct,
        ci95_low_percent=100.0 * low,
        ci95_high_percent=100.0 * high,
    )


def _duration_text(packets: int, pps: float) -> str:
    seconds = packets / pps
    if seconds < 120:
        return f"{math.ceil(seconds)} s"
    return f"{math.ceil(seconds / 60)} min"


def loss_verdict(
    directions: dict[str, LossEstimate], thresholds: Thresholds, packets_per_second: float
) -> Verdict:
    """Loss must be below the threshold with one-sided 95 % confidence, in every direction."""
    thr = thresholds.loss_percent / 100.0
    statuses: list[str] = []
    parts: list[str] = []
    needed: int | None = None
    worst = 0.0
    for name, est in directions.items():
        worst = max(worst, est.percent)
        if est.sent == 0:
            statuses.append(INCONCLUSIVE)
            parts.append(f"{name}: no packets")
            continue
        low, high = wilson_interval(est.lost, est.sent, Z95_ONE_SIDED)
        if high < thr:
            statuses.append(PASS)
        elif low >= thr:
            statuses.append(FAIL)
        else:
            statuses.append(INCONCLUSIVE)
            n = packets_needed(est.lost / est.sent, thr)
            if n is not None:
                needed = max(needed or 0, n)
        parts.append(
            f"{name} {est.percent:.2f} % of {est.sent} "
            f"(95 % CI {est.ci95_low_percent:.2f}-{est.ci95_high_percent:.2f} %)"
        )
    status = _combine(statuses)
    detail = "; ".join(parts)
    if status == INCONCLUSIVE:
        if needed is not None:
            detail += (
                f"; too few packets for a decision near {thresholds.loss_percent:g} %: "
                f"measure at least {needed} packets per direction "
                f"(about {_duration_text(needed, packets_per_second)} at "
                f"{packets_per_second:g} packets/s)"
            )
        else:
            detail += "; observed loss is at the threshold, no measurement length can decide"
    return Verdict(
        metric="packet_loss",
        status=status,
        measured=worst,
        threshold=thresholds.loss_percent,
        unit="%",
        detail=detail,
        packets_needed=needed if status == INCONCLUSIVE else None,
    )


def delay_verdict(
    upstream: Stat | None, downstream: Stat | None, rtt: Stat | None, thresholds: Thresholds
) -> Verdict:
    """Mean one-way delay per direction; without comparable clocks only RTT bounds are used."""
    thr = thresholds.one_way_delay_ms
    if upstream is not None and downstream is not None:
        worst = max(upstream.mean, downstream.mean)
        return Verdict(
            metric="one_way_delay",
            status=PASS if worst <= thr else FAIL,
            measured=worst,
            threshold=thr,
            unit="ms",
            detail=f"mean one-way delay upstream {upstream.mean:.2f} ms, "
            f"downstream {downstream.mean:.2f} ms",
        )
    if rtt is None:
        return Verdict("one_way_delay", INCONCLUSIVE, None, thr, "ms", "no replies received")
    # Each direction is positive and both add up to the RTT: RTT <= thr proves both
    # directions <= thr; RTT > 2*thr proves at least one direction > thr.
    if rtt.mean <= thr:
        status, why = PASS, "round trip already within the one-way limit"
    elif rtt.mean > 2 * thr:
        status, why = FAIL, "round trip exceeds twice the one-way limit"
    else:
        status, why = (
            INCONCLUSIVE,
            "one-way delay not measurable without synchronised clocks; round trip is between "
            "one and two times the limit",
        )
    return Verdict(
        metric="one_way_delay",
        status=status,
        measured=None,
        threshold=thr,
        unit="ms",
        detail=f"RTT only: mean RTT {rtt.mean:.2f} ms; {why}",
    )


def jitter_verdict(
    upstream: JitterSummary | None,
    downstream: JitterSummary | None,
    samples: int,
    thresholds: Thresholds,
) -> Verdict:
    thr = thresholds.jitter_ms
    if upstream is None or downstream is None or samples < MIN_JITTER_SAMPLES:
        return Verdict(
            "jitter",
            INCONCLUSIVE,
            None,
            thr,
            "ms",
            f"fewer than {MIN_JITTER_SAMPLES} packets received per direction",
        )
    worst = max(upstream.mean, downstream.mean)
    return Verdict(
        metric="jitter",
        status=PASS if worst <= thr else FAIL,
        measured=worst,
        threshold=thr,
        unit="ms",
        detail=f"RFC 3550 mean jitter upstream {upstream.mean:.2f} ms, "
        f"downstream {downstream.mean:.2f} ms",
    )


def _combine(statuses: list[str]) -> str:
    if FAIL in statuses:
        return FAIL
    if INCONCLUSIVE in statuses or not statuses:
        return INCONCLUSIVE
    return PASS


def overall(verdicts: list[Verdict]) -> str:
    return _combine([v.status for v in verdicts])
