from __future__ import annotations

from telephony.netcheck import verdict
from telephony.netcheck.result import JitterSummary, Stat, Thresholds


def _stat(mean: float) -> Stat:
    return Stat(count=100, min=mean, mean=mean, p50=mean, p95=mean, p99=mean, max=mean)


def _loss(sent: int, lost: int) -> dict[str, verdict.LossEstimate]:
    return {
        "upstream": verdict.loss_estimate(sent, lost),
        "downstream": verdict.loss_estimate(sent, 0),
    }


def test_thresholds_defaults_are_net1() -> None:
    t = Thresholds()
    assert (t.one_way_delay_ms, t.jitter_ms, t.loss_percent) == (150.0, 20.0, 1.0)


def test_delay_pass_fail_one_way() -> None:
    t = Thresholds()
    assert verdict.delay_verdict(_stat(140), _stat(100), _stat(240), t).status == "pass"
    assert verdict.delay_verdict(_stat(160), _stat(100), _stat(260), t).status == "fail"
    assert verdict.delay_verdict(_stat(150), _stat(150), _stat(300), t).status == "pass"


def test_delay_rtt_only_uses_bounds_never_half_rtt() -> None:
    t = Thresholds()
    assert verdict.delay_verdict(None, None, _stat(120), t).status == "pass"
    v = verdict.delay_verdict(None, None, _stat(200), t)
    assert v.status == "inconclusive" and v.measured is None
    assert verdict.delay_verdict(None, None, _stat(301), t).status == "fail"
    assert verdict.delay_verdict(None, None, None, t).status == "inconclusive"


def test_delay_threshold_override() -> None:
    t = Thresholds(one_way_delay_ms=100)
    assert verdict.delay_verdict(_stat(120), _stat(90), _stat(210), t).status == "fail"


def test_jitter() -> None:
    t = Thresholds()
    j15 = JitterSummary(15, 18, 22)
    j25 = JitterSummary(25, 30, 35)
    assert verdict.jitter_verdict(j15, j15, 500, t).status == "pass"
    assert verdict.jitter_verdict(j15, j25, 500, t).status == "fail"
    assert verdict.jitter_verdict(j15, j15, 10, t).status == "inconclusive"
    assert verdict.jitter_verdict(j25, j25, 500, Thresholds(jitter_ms=30)).status == "pass"


def test_loss_clear_pass_and_fail() -> None:
    t = Thresholds()
    assert verdict.loss_verdict(_loss(3000, 0), t, 50).status == "pass"
    assert verdict.loss_verdict(_loss(3000, 15), t, 50).status == "pass"  # 0.5 %
    assert verdict.loss_verdict(_loss(1000, 20), t, 50).status == "fail"  # 2 %


def test_loss_near_threshold_is_inconclusive_and_says_how_long() -> None:
    v = verdict.loss_verdict(_loss(1500, 12), Thresholds(), 50)  # 0.8 % screening run
    assert v.status == "inconclusive"
    assert v.packets_needed is not None and v.packets_needed > 1500
    assert "measure at least" in v.detail and "min" in v.detail


def test_loss_few_packets_inconclusive() -> None:
    v = verdict.loss_verdict(_loss(100, 0), Thresholds(), 50)
    assert v.status == "inconclusive" and v.packets_needed == 268


def test_loss_exactly_at_threshold_cannot_be_decided() -> None:
    v = verdict.loss_verdict(_loss(1000, 10), Thresholds(), 50)
    assert v.status == "inconclusive" and v.packets_needed is None


def test_loss_verdict_uses_the_one_sided_95_bound() -> None:
    """Pins NET-1 "loss < 1 %" decided on the one-sided 95 % Wilson bound, not the two-sided
    interval that is reported: at 0 of 300 lost the one-sided upper bound is 0.89 % (pass)
    while the two-sided one is 1.26 %; at 6 of 300 lost the one-sided lower bound is 1.04 %
    (fail) while the two-sided one is 0.92 %. A two-sided verdict calls both inconclusive."""
    t = Thresholds()
    clean = verdict.loss_verdict(_loss(300, 0), t, 50)
    assert clean.status == "pass" and clean.packets_needed is None
    lossy = verdict.loss_verdict(_loss(300, 6), t, 50)  # 2 %
    assert lossy.status == "fail" and lossy.packets_needed is None
    # The report still shows the two-sided interval; only the decision is one-sided.
    assert "95 % CI 0.00-1.26 %" in clean.detail
    assert "95 % CI 0.92-4.29 %" in lossy.detail


def test_loss_one_sided_bound_edges() -> None:
    """Pins the two comparisons against the threshold at the packet counts where the
    one-sided bound crosses 1 %: 268 clean packets prove < 1 %, 267 do not."""
    t = Thresholds()
    assert verdict.loss_verdict(_loss(267, 0), t, 50).status == "inconclusive"
    assert verdict.loss_verdict(_loss(268, 0), t, 50).status == "pass"


def test_loss_worst_direction_counts() -> None:
    est = {
        "upstream": verdict.loss_estimate(3000, 0),
        "downstream": verdict.loss_estimate(3000, 90),
    }
    v = verdict.loss_verdict(est, Thresholds(), 50)
    assert v.status == "fail" and v.measured == 3.0


def test_overall() -> None:
    t = Thresholds()
    p = verdict.jitter_verdict(JitterSummary(1, 1, 1), JitterSummary(1, 1, 1), 500, t)
    i = verdict.loss_verdict(_loss(100, 0), t, 50)
    f = verdict.delay_verdict(_stat(400), _stat(400), _stat(800), t)
    assert verdict.overall([p]) == "pass"
    assert verdict.overall([p, i]) == "inconclusive"
    assert verdict.overall([p, i, f]) == "fail"


# --- edges of each verdict (NET-1): the exact boundary, the fields a report shows ----------

Verdict = verdict.Verdict


def test_delay_verdict_one_way_fields() -> None:
    """Pins the one-way delay verdict as a report shows it: metric, measured worst direction,
    threshold, unit and the text."""
    v = verdict.delay_verdict(_stat(140), _stat(100), _stat(240), Thresholds())
    assert v == Verdict(
        "one_way_delay",
        "pass",
        140,
        150.0,
        "ms",
        "mean one-way delay upstream 140.00 ms, downstream 100.00 ms",
    )


def test_delay_verdict_needs_both_directions_for_one_way() -> None:
    """Pins "one-way only when both directions are measured": one direction alone falls back
    to the RTT bounds."""
    v = verdict.delay_verdict(_stat(200), None, _stat(120), Thresholds())
    assert v.status == "pass" and v.measured is None and v.detail.startswith("RTT only")


def test_delay_verdict_rtt_bounds_are_inclusive_and_exclusive() -> None:
    """Pins the RTT-only edges: RTT equal to the limit still proves both directions within
    it (<=); RTT of exactly twice the limit does not prove a fail (>)."""
    t = Thresholds()
    assert verdict.delay_verdict(None, None, _stat(150), t) == Verdict(
        "one_way_delay",
        "pass",
        None,
        150.0,
        "ms",
        "RTT only: mean RTT 150.00 ms; round trip already within the one-way limit",
    )
    assert verdict.delay_verdict(None, None, _stat(300), t) == Verdict(
        "one_way_delay",
        "inconclusive",
        None,
        150.0,
        "ms",
        "RTT only: mean RTT 300.00 ms; one-way delay not measurable without synchronised "
        "clocks; round trip is between one and two times the limit",
    )
    assert verdict.delay_verdict(None, None, _stat(300.01), t).detail == (
        "RTT only: mean RTT 300.01 ms; round trip exceeds twice the one-way limit"
    )
    assert verdict.delay_verdict(None, None, None, t) == Verdict(
        "one_way_delay", "inconclusive", None, 150.0, "ms", "no replies received"
    )


def test_jitter_verdict_edges_and_fields() -> None:
    """Pins the jitter edges: exactly the limit passes (<=), exactly 50 samples decide (<),
    a missing direction is inconclusive (either, not both); and the fields a report shows."""
    t = Thresholds()
    j20 = JitterSummary(20, 25, 30)
    assert verdict.jitter_verdict(j20, JitterSummary(3, 4, 5), 50, t) == Verdict(
        "jitter",
        "pass",
        20,
        20.0,
        "ms",
        "RFC 3550 mean jitter upstream 20.00 ms, downstream 3.00 ms",
    )
    missing = Verdict(
        "jitter", "inconclusive", None, 20.0, "ms", "fewer than 50 packets received per direction"
    )
    assert verdict.jitter_verdict(j20, None, 500, t) == missing
    assert verdict.jitter_verdict(None, j20, 500, t) == missing
    assert verdict.jitter_verdict(j20, j20, 49, t) == missing


def test_loss_estimate_without_packets() -> None:
    """Pins the empty direction: 0 sent is 0 % (not a division by zero), interval 0-100 %."""
    est = verdict.loss_estimate(0, 0)
    assert (est.percent, est.ci95_low_percent, est.ci95_high_percent) == (0.0, 0.0, 100.0)


def test_loss_direction_without_packets_is_inconclusive_and_others_still_count() -> None:
    """Pins the per-direction loop: a direction with no packets is inconclusive and says so,
    and the next direction is still judged (a fail there fails the whole verdict)."""
    t = Thresholds()
    empty_then_clean = {
        "upstream": verdict.loss_estimate(0, 0),
        "downstream": verdict.loss_estimate(3000, 0),
    }
    v = verdict.loss_verdict(empty_then_clean, t, 50)
    assert v.status == "inconclusive" and v.measured == 0.0
    assert v.detail.startswith("upstream: no packets; downstream 0.00 % of 3000")
    empty_then_lossy = {
        "upstream": verdict.loss_estimate(0, 0),
        "downstream": verdict.loss_estimate(1000, 20),
    }
    assert verdict.loss_verdict(empty_then_lossy, t, 50).status == "fail"


def test_loss_verdict_fields_and_texts() -> None:
    """Pins what the loss verdict reports: metric, worst percentage, threshold, unit, the
    per-direction text joined by "; ", and packets_needed only while inconclusive."""
    t = Thresholds()
    fail = verdict.loss_verdict(_loss(1000, 20), t, 50)
    assert fail == Verdict(
        "packet_loss",
        "fail",
        2.0,
        1.0,
        "%",
        "upstream 2.00 % of 1000 (95 % CI 1.30-3.07 %); downstream 0.00 % of 1000 "
        "(95 % CI 0.00-0.38 %)",
    )
    at_threshold = verdict.loss_verdict(_loss(1000, 10), t, 50)
    assert at_threshold.detail.endswith(
        "(95 % CI 0.00-0.38 %); observed loss is at the threshold, no measurement length can decide"
    )
    short = verdict.loss_verdict(_loss(100, 0), t, 50)
    assert short.detail.startswith("upstream 0.00 % of 100 (95 % CI 0.00-3.70 %); downstream")
    assert short.detail.endswith(
        "; too few packets for a decision near 1 %: measure at least 268 packets per "
        "direction (about 6 s at 50 packets/s)"
    )
    # One direction undecided, the other failing: the verdict fails and asks for nothing.
    mixed = {
        "upstream": verdict.loss_estimate(100, 0),
        "downstream": verdict.loss_estimate(1000, 20),
    }
    v = verdict.loss_verdict(mixed, t, 50)
    assert v.status == "fail" and v.packets_needed is None


def test_measuring_time_text() -> None:
    """Pins how long a measurement takes in words: seconds below two minutes, then whole
    minutes rounded up."""
    assert verdict._duration_text(268, 50) == "6 s"
    assert verdict._duration_text(5950, 50) == "119 s"
    assert verdict._duration_text(6000, 50) == "2 min"
    assert verdict._duration_text(6001, 50) == "3 min"
