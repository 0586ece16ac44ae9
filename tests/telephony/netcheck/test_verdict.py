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
