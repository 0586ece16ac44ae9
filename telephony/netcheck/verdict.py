"""Verdicts against NET-1 thresholds: pass / fail / inconclusive."""

from __future__ import annotations

import math

from telephony.text import Text, join

from .metrics import Z95_ONE_SIDED, packets_needed, wilson_interval
from .result import JitterSummary, LossEstimate, Stat, Thresholds, Verdict
from .texts import ENGLISH, t

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


def _duration_text(packets: int, pps: float) -> Text:
    seconds = packets / pps
    if seconds < 120:
        return t("net_seconds", count=math.ceil(seconds))
    return t("net_minutes", count=math.ceil(seconds / 60))


def _direction(name: str) -> str:
    code = f"net_{name}"
    return t(code) if code in ENGLISH else name


def loss_verdict(
    directions: dict[str, LossEstimate], thresholds: Thresholds, packets_per_second: float
) -> Verdict:
    """Loss must be below the threshold with one-sided 95 % confidence, in every direction."""
    thr = thresholds.loss_percent / 100.0
    statuses: list[str] = []
    parts: list[Text] = []
    needed: int | None = None
    worst = 0.0
    for name, est in directions.items():
        worst = max(worst, est.percent)
        if est.sent == 0:
            statuses.append(INCONCLUSIVE)
            parts.append(t("net_no_packets", direction=_direction(name)))
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
            t(
                "net_loss_direction",
                direction=_direction(name),
                percent=est.percent,
                sent=est.sent,
                low=est.ci95_low_percent,
                high=est.ci95_high_percent,
            )
        )
    status = _combine(statuses)
    if status == INCONCLUSIVE:
        if needed is not None:
            parts.append(
                t(
                    "net_loss_too_few",
                    threshold=thresholds.loss_percent,
                    packets=needed,
                    duration=_duration_text(needed, packets_per_second),
                    rate=packets_per_second,
                )
            )
        else:
            parts.append(t("net_loss_undecidable"))
    detail = join(parts, "; ")
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
            detail=t("net_delay", up=upstream.mean, down=downstream.mean),
        )
    if rtt is None:
        return Verdict("one_way_delay", INCONCLUSIVE, None, thr, "ms", t("net_no_replies"))
    # Each direction is positive and both add up to the RTT: RTT <= thr proves both
    # directions <= thr; RTT > 2*thr proves at least one direction > thr.
    if rtt.mean <= thr:
        status, why = PASS, t("net_rtt_within")
    elif rtt.mean > 2 * thr:
        status, why = FAIL, t("net_rtt_exceeds")
    else:
        status, why = INCONCLUSIVE, t("net_rtt_between")
    return Verdict(
        metric="one_way_delay",
        status=status,
        measured=None,
        threshold=thr,
        unit="ms",
        detail=t("net_rtt_only", rtt=rtt.mean, why=why),
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
            t("net_jitter_few", count=MIN_JITTER_SAMPLES),
        )
    worst = max(upstream.mean, downstream.mean)
    return Verdict(
        metric="jitter",
        status=PASS if worst <= thr else FAIL,
        measured=worst,
        threshold=thr,
        unit="ms",
        detail=t("net_jitter", up=upstream.mean, down=downstream.mean),
    )


def _combine(statuses: list[str]) -> str:
    if FAIL in statuses:
        return FAIL
    if INCONCLUSIVE in statuses or not statuses:
        return INCONCLUSIVE
    return PASS


def overall(verdicts: list[Verdict]) -> str:
    return _combine([v.status for v in verdicts])
