"""Per-second charts of a result with a timeline (schema 2): one point per second and series on
the report page, the platform's threshold line, the PDF; schema-1 results keep the summary
charts; the upload bounds the timeline and names the offending field."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from provisioning import netcheck_report
from provisioning.models import NetworkCheck, Site
from telephony.netcheck.result import MAX_TIMELINE_ENTRIES
from tests.factories import World

from .helpers import new_token, result_doc

Upload = Callable[..., Any]


def _store(world: World, site: Site, upload: Upload, doc: dict[str, Any]) -> NetworkCheck:
    response = upload(new_token(site, world.reseller_admin_a), doc)
    assert response.status_code == 201, response.json()
    return NetworkCheck.objects.get(pk=response.json()["id"])


def _svg(html: str, key: str) -> str:
    match = re.search(rf'<svg[^>]*data-chart="{key}".*?</svg>', html, re.S)
    assert match is not None, key
    return match.group(0)


def _points(svg: str, series: str) -> list[tuple[float, float]]:
    out = []
    for poly in re.findall(rf'<polyline points="([^"]*)"[^>]*data-series="{series}"', svg):
        out += [tuple(map(float, p.split(","))) for p in poly.split()]
    out += [
        (float(x), float(y))
        for x, y in re.findall(
            rf'<circle cx="([\d.]+)" cy="([\d.]+)"[^>]*data-series="{series}"', svg
        )
    ]
    return out  # type: ignore[return-value]


def _threshold(svg: str) -> float:
    match = re.search(r'<line [^>]*class="threshold" data-threshold="([\d.]+)"', svg)
    assert match is not None
    return float(match.group(1))


def test_report_page_draws_one_point_per_second_and_the_thresholds(
    world: World, site_a1: Site, upload: Upload
) -> None:
    check = _store(world, site_a1, upload, result_doc(timeline=True, lost=6))
    html = Client()
    html.force_login(world.customer_admin_a1)
    page = html.get(reverse("portal:netcheck_report", args=[check.pk])).content.decode()
    assert page.count("<svg") == 6  # three per-second charts and the three summary charts
    expected = {"delay-timeline": 150, "jitter-timeline": 20, "loss-timeline": 1}
    for key, limit in expected.items():
        svg = _svg(page, key)
        assert _threshold(svg) == limit
        assert re.search(r'<title id="[^"]+">[^<]+</title><desc id="[^"]+">[^<]+</desc>', svg)
        assert 'role="img"' in svg and "aria-labelledby" in svg
        assert "Sekunden seit Beginn der Messung" in svg  # x axis label
        for series in ("up", "down"):
            points = _points(svg, series)
            assert len(points) == 30  # one per second
            xs = [x for x, _y in points]
            assert xs == sorted(xs) and len(set(xs)) == 30
    # the y axis names the quantity and unit
    assert "Verzögerung (ms)" in _svg(page, "delay-timeline")
    assert "Paketverlust (%)" in _svg(page, "loss-timeline")
    # delay values cycle 20..24 ms: the highest points lie above the lowest ones
    ys = [y for _x, y in _points(_svg(page, "delay-timeline"), "up")]
    assert ys[4] < ys[0] and ys[5] == ys[0]


def test_threshold_line_follows_the_platform_settings(
    world: World, site_a1: Site, upload: Upload, settings: Any
) -> None:
    settings.NETCHECK_MAX_DELAY_MS = 120
    settings.NETCHECK_MAX_JITTER_MS = 15
    settings.NETCHECK_MAX_LOSS_PERCENT = 0.5
    check = _store(world, site_a1, upload, result_doc(timeline=True))
    charts = {c.key: c for c in netcheck_report.timeline_charts(check)}
    assert charts["delay-timeline"].threshold == 120
    assert charts["jitter-timeline"].threshold == 15
    assert charts["loss-timeline"].threshold == 0.5
    svg = netcheck_report.timeline_svg(charts["delay-timeline"])
    assert _threshold(svg) == 120
    assert "Grenzwert 120 ms" in svg


def test_schema_1_result_keeps_the_summary_charts(
    world: World, site_a1: Site, upload: Upload
) -> None:
    doc = result_doc()
    doc["schema"] = 1
    del doc["timeline"]
    check = _store(world, site_a1, upload, doc)
    assert check.schema_version == 1 and "timeline" not in check.result
    assert netcheck_report.timeline_charts(check) == []
    client = Client()
    client.force_login(world.customer_admin_a1)
    page = client.get(reverse("portal:netcheck_report", args=[check.pk])).content.decode()
    assert page.count("<svg") == 3 and "timeline" not in page
    assert netcheck_report.report_pdf(check).startswith(b"%PDF")


def test_pdf_draws_the_per_second_charts(world: World, site_a1: Site, upload: Upload) -> None:
    from reportlab.graphics.shapes import PolyLine

    check = _store(world, site_a1, upload, result_doc(timeline=True, lost=3))
    pdf = Client().get(reverse("portal:netcheck_shared_pdf", args=[check.share_token]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert len(pdf.content) > len(netcheck_report.report_pdf(_schema1(world, site_a1, upload)))
    for chart in netcheck_report.timeline_charts(check):
        drawing = netcheck_report.timeline_drawing(chart, 480)
        lines = [s for s in drawing.contents if isinstance(s, PolyLine)]
        assert sum(len(line.points) // 2 for line in lines) == 30 * len(chart.series)


def _schema1(world: World, site: Site, upload: Upload) -> NetworkCheck:
    doc = result_doc(lost=3)
    doc["schema"] = 1
    del doc["timeline"]
    return _store(world, site, upload, doc)


def test_long_run_uses_coarser_buckets_and_minutes(
    world: World, site_a1: Site, upload: Upload
) -> None:
    # two hours at 50 packets/s: 3600 buckets of 2 s, still well under the 1 MB upload limit
    doc = result_doc(timeline=True, seconds=7200, bucket_s=2, packets=360_000, lost=700)
    check = _store(world, site_a1, upload, doc)
    (delay, *_rest) = netcheck_report.timeline_charts(check)
    assert delay.bucket_s == 2 and delay.entries == MAX_TIMELINE_ENTRIES
    svg = netcheck_report.timeline_svg(delay)
    assert len(_points(svg, "up")) == MAX_TIMELINE_ENTRIES
    assert "Minuten seit Beginn der Messung" in svg
    assert netcheck_report.report_pdf(check).startswith(b"%PDF")


def test_gaps_in_a_series_are_not_joined(world: World, site_a1: Site, upload: Upload) -> None:
    doc = result_doc(timeline=True)
    for name in ("delay_up_ms", "rtt_ms", "jitter_up_ms"):
        doc["timeline"][name][10] = None  # a second without replies
    doc["timeline"]["delay_up_ms"][12] = None
    check = _store(world, site_a1, upload, doc)
    svg = netcheck_report.timeline_svg(netcheck_report.timeline_charts(check)[0])
    assert len(re.findall(r'<polyline [^>]*data-series="up"', svg)) == 2  # 0-9 and 13-29
    assert len(re.findall(r'<circle [^>]*data-series="up"', svg)) == 1  # second 11 alone
    assert len(_points(svg, "up")) == 28


# --- upload validation ------------------------------------------------------------------------


def _timeline_doc(**changes: Any) -> dict[str, Any]:
    doc = result_doc(timeline=True, lost=6)
    doc["timeline"].update(changes)
    return doc


def _refused(world: World, site: Site, upload: Upload, doc: dict[str, Any], field: str) -> str:
    response = upload(new_token(site, world.reseller_admin_a), doc)
    assert response.status_code == 400, response.json()
    body = response.json()
    assert field in body["fields"], body
    assert not NetworkCheck.objects.exists()
    return " ".join(body["fields"][field])


def test_oversized_timeline_is_refused(world: World, site_a1: Site, upload: Upload) -> None:
    n = MAX_TIMELINE_ENTRIES + 1
    doc = result_doc(timeline=True, seconds=2 * n, packets=n)
    for name in ("lost_up", "lost_down"):
        doc["timeline"][name] = [0] * n
    doc["timeline"]["sent"] = [1] * n
    for name in ("rtt_ms", "delay_up_ms", "delay_down_ms", "jitter_up_ms", "jitter_down_ms"):
        doc["timeline"][name] = [1.0] * n
    message = _refused(world, site_a1, upload, doc, "timeline.sent")
    assert "at most 3600" in message


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"rtt_ms": [40.0] * 7 + [1e9] + [40.0] * 22}, "timeline.rtt_ms[7]", "between 0 and"),
        ({"jitter_down_ms": [-1.0] * 30}, "timeline.jitter_down_ms[0]", "30 entries"),
        ({"sent": [10**9] + [50] * 29}, "timeline.sent[0]", "between 0 and"),
        ({"sent": [50] * 29 + [49]}, "timeline.sent", "upstream.packets_sent"),
        ({"lost_up": [1] * 30}, "timeline.lost_up", "upstream.loss.lost"),
        ({"lost_down": [-1] + [0] * 29}, "timeline.lost_down", "negative"),
        ({"jitter_up_ms": [2.0] * 31}, "timeline.jitter_up_ms", "as many entries"),
        ({"bucket_s": 0}, "timeline.bucket_s", "at least 1"),
        ({"delay_up_ms": "fast"}, "timeline.delay_up_ms", "expected list"),
        ({"surprise": []}, "timeline.surprise", "unknown field"),
    ],
)
def test_absurd_timelines_are_refused_with_the_field_named(
    world: World,
    site_a1: Site,
    upload: Upload,
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    assert message in _refused(world, site_a1, upload, _timeline_doc(**changes), field)


def test_timeline_longer_than_the_run_is_refused(
    world: World, site_a1: Site, upload: Upload
) -> None:
    doc = result_doc(timeline=True, seconds=120)  # 120 one-second entries ...
    doc["started_at"] = doc["finished_at"]  # ... for a run of no time at all
    assert "do not fit" in _refused(world, site_a1, upload, doc, "timeline.sent")


def test_schema_1_with_a_timeline_is_refused(world: World, site_a1: Site, upload: Upload) -> None:
    doc = result_doc(timeline=True)
    doc["schema"] = 1
    assert "schema 2" in _refused(world, site_a1, upload, doc, "timeline")
