"""The report of one network check (NET-1, NET-2): charts as server-rendered SVG (and the same
charts in the PDF), the port matrix with each NET-2 rule, and what to fix for every failed item.

Charts are built once as a list of drawing primitives, then written as SVG for the page or as
reportlab shapes for the PDF, so both always show the same picture.
"""

from __future__ import annotations

import io
import math
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from telephony.netcheck.probe import METHOD_ASSUMED_SYNC, METHOD_RTT_ONLY, METHOD_SAME_HOST
from telephony.netcheck.result import NetcheckResult, Stat, Thresholds, Timeline

from .i18n import fill, localized
from .models import NetworkCheck
from .services.netchecks import PORT_OPEN, FirewallRule, evaluate, net2_rule, platform_thresholds
from .telephony_texts import say

# Data of a report -----------------------------------------------------------------------------


def result_of(check: NetworkCheck) -> NetcheckResult:
    """The stored document as dataclasses (it was validated on upload)."""
    return NetcheckResult.from_dict(check.result)


def verdict_of(check: NetworkCheck, metric: str) -> dict[str, Any] | None:
    return next((v for v in check.verdicts if v.get("metric") == metric), None)


def verdict_details(check: NetworkCheck, result: NetcheckResult | None = None) -> dict[str, str]:
    """The details of the stored verdicts per metric, in the language of the request.

    The stored detail is the English text of ``telephony``; evaluating the stored result again
    with the thresholds the check was judged by gives the same verdicts with the code and
    figures of each detail, which are said in the request's words. A verdict that came out
    differently then (an older evaluation) keeps its stored text."""
    result = result or result_of(check)
    delay, jitter, loss = limits(check)
    again = evaluate(result, Thresholds(delay, jitter, loss)).verdicts
    fresh = {v.metric: v for v in again}
    details = {}
    for stored in check.verdicts:
        metric = stored.get("metric", "")
        verdict = fresh.get(metric)
        same = verdict is not None and verdict.status == stored.get("status")
        details[metric] = say(verdict.detail) if same and verdict else str(stored.get("detail", ""))
    return details


def number(value: float) -> str:
    """A figure of the report (``12,5``) in the request's locale, as compact as ``:g``."""
    return fill("{value:g}", {"value": float(value)})


METRIC_LABELS = {
    "one_way_delay": "Verzögerung (Einweg)",
    "jitter": "Jitter",
    "packet_loss": "Paketverlust",
    "ports": "Firewall-Ports (NET-2)",
}
STATUS_LABELS = {
    "pass": "bestanden",
    "fail": "nicht bestanden",
    "inconclusive": "nicht entschieden",
}
PORT_STATUS_LABELS = {
    "open": "offen",
    "refused": "abgewiesen",
    "filtered": "gefiltert (keine Antwort)",
    "closed": "geschlossen (ICMP unerreichbar)",
    "no-reply": "keine Antwort",
    "error": "Fehler",
}


DELAY_METHODS = {
    METHOD_SAME_HOST: gettext_noop("Messprogramm und Reflektor mit derselben Uhr"),
    METHOD_ASSUMED_SYNC: gettext_noop(
        "Uhren als synchron angenommen (z. B. NTP/PTP); die Genauigkeit hängt von ihrem Versatz ab"
    ),
    METHOD_RTT_ONLY: gettext_noop(
        "nicht messbar: nur Umlaufzeit (die Uhren von Messprogramm und Reflektor sind nicht "
        "vergleichbar)"
    ),
}


def delay_method_label(method: str) -> str:
    """How the one-way delay was measured, in the request's words (as the probe wrote it if
    it is a method this platform does not know)."""
    msgid = DELAY_METHODS.get(method)
    return _(msgid) if msgid else method


def metric_label(metric: str) -> str:
    return _(METRIC_LABELS.get(metric, metric))


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


@dataclass(frozen=True)
class PortRow:
    protocol: str
    port: int
    status: str
    status_label: str
    service: str
    rule: FirewallRule | None
    rtt_ms: float | None

    @property
    def is_open(self) -> bool:
        return self.status == PORT_OPEN


def port_rows(result: NetcheckResult) -> list[PortRow]:
    return [
        PortRow(
            protocol=p.protocol.upper(),
            port=p.port,
            status=p.status,
            status_label=_(PORT_STATUS_LABELS.get(p.status, p.status)),
            service=p.service,
            rule=net2_rule(p.protocol, p.port),
            rtt_ms=p.rtt_ms,
        )
        for p in sorted(result.ports, key=lambda p: (p.protocol, p.port))
    ]


# Fix advice -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Advice:
    """What to do about one item: ``level`` is ``fail`` (blocks go-live), ``check`` (measure
    again) or ``hint`` (recommended)."""

    level: str
    item: str
    problem: str
    fix: str


def _port_advice(result: NetcheckResult) -> list[Advice]:
    groups: OrderedDict[tuple[str, FirewallRule], list[str]] = OrderedDict()
    statuses: dict[tuple[str, FirewallRule], set[str]] = {}
    for p in sorted(result.ports, key=lambda p: (p.protocol, p.port)):
        rule = net2_rule(p.protocol, p.port)
        if rule is None or p.status == PORT_OPEN:
            continue
        key = (p.protocol, rule)
        groups.setdefault(key, []).append(str(p.port))
        statuses.setdefault(key, set()).add(_(PORT_STATUS_LABELS.get(p.status, p.status)))
    out = []
    for (protocol, rule), ports in groups.items():
        proto = protocol.upper()
        out.append(
            Advice(
                level="fail" if rule.required else "hint",
                item=f"{proto} {', '.join(ports)}",
                problem=_("%(proto)s %(ports)s zur Plattform: %(status)s.")
                % {
                    "proto": proto,
                    "ports": ", ".join(ports),
                    "status": ", ".join(sorted(statuses[(protocol, rule)])),
                },
                fix=_(
                    "In der Firewall ausgehend %(proto)s %(range)s zur Plattform freigeben "
                    "(%(name)s: %(function)s)."
                )
                % {
                    "proto": proto,
                    "range": rule.ports_text,
                    "name": rule.name,
                    "function": rule.function,
                },
            )
        )
    return out


def fix_advice(check: NetworkCheck, result: NetcheckResult | None = None) -> list[Advice]:
    """For every failed item what to fix, then what to measure again, then recommendations."""
    result = result or result_of(check)
    advice: list[Advice] = []
    thresholds = check.thresholds
    details = verdict_details(check, result)
    delay = verdict_of(check, "one_way_delay")
    jitter = verdict_of(check, "jitter")
    loss = verdict_of(check, "packet_loss")
    ports = verdict_of(check, "ports")
    if delay and delay["status"] == "fail":
        advice.append(
            Advice(
                "fail",
                metric_label("one_way_delay"),
                details["one_way_delay"],
                _(
                    "Sprachverkehr nicht über VPN oder Proxy leiten; Auslastung der Leitung "
                    "prüfen (Warteschlangen im Router: QoS/SQM einschalten); bei dauerhaft hoher "
                    "Laufzeit einen Anschluss mit kürzerem Weg zur Plattform wählen. "
                    "Grenzwert: %(limit)s ms."
                )
                % {"limit": number(thresholds.get("one_way_delay_ms", 150))},
            )
        )
    if jitter and jitter["status"] == "fail":
        advice.append(
            Advice(
                "fail",
                metric_label("jitter"),
                details["jitter"],
                _(
                    "QoS einschalten: Sprachpakete (DSCP EF) im Router vorrangig senden und "
                    "Bandbreite für Sprache reservieren; Telefone per Kabel statt WLAN "
                    "anschließen. Grenzwert: %(limit)s ms."
                )
                % {"limit": number(thresholds.get("jitter_ms", 20))},
            )
        )
    if loss and loss["status"] == "fail":
        advice.append(
            Advice(
                "fail",
                metric_label("packet_loss"),
                details["packet_loss"],
                _(
                    "Router und Leitung auf Überlast und Fehler prüfen, Bandbreite erhöhen oder "
                    "QoS einschalten; WLAN-Störungen ausschließen. Grenzwert: unter %(limit)s %%."
                )
                % {"limit": number(thresholds.get("loss_percent", 1))},
            )
        )
    advice.extend(a for a in _port_advice(result) if a.level == "fail")
    if loss and loss["status"] == "inconclusive" and loss.get("packets_needed"):
        pps = 1000.0 / result.settings.interval_ms * max(1, result.settings.streams)
        seconds = math.ceil(loss["packets_needed"] / pps)
        advice.append(
            Advice(
                "check",
                metric_label("packet_loss"),
                details["packet_loss"],
                _(
                    "Länger messen: mindestens %(packets)s Pakete je Richtung, "
                    "z. B. --duration %(seconds)s."
                )
                % {"packets": loss["packets_needed"], "seconds": seconds},
            )
        )
    if delay and delay["status"] == "inconclusive":
        advice.append(
            Advice(
                "check",
                metric_label("one_way_delay"),
                details["one_way_delay"],
                _(
                    "Die Uhren von Messrechner und Plattform per NTP abgleichen und mit "
                    "--assume-synced-clocks messen, oder die Laufzeit der Leitung senken."
                ),
            )
        )
    if jitter and jitter["status"] == "inconclusive":
        advice.append(
            Advice(
                "check",
                metric_label("jitter"),
                details["jitter"],
                _("Länger messen (mindestens 50 Pakete je Richtung)."),
            )
        )
    if ports and ports["status"] == "inconclusive":
        advice.append(
            Advice(
                "check",
                metric_label("ports"),
                details["ports"],
                _("Die Messung mit --check-ports wiederholen, damit jede NET-2-Regel geprüft ist."),
            )
        )
    advice.extend(a for a in _port_advice(result) if a.level != "fail")
    nat = result.nat
    if nat is not None and nat.status == "no-response":
        advice.append(
            Advice(
                "fail",
                "NAT / STUN",
                _("Der STUN-Server hat nicht geantwortet."),
                _("In der Firewall ausgehend UDP 3478 (STUN/TURN: Medienaushandlung) freigeben."),
            )
        )
    elif nat is not None and nat.mapping == "destination-port-dependent":
        advice.append(
            Advice(
                "hint",
                "NAT",
                _("Die NAT-Zuordnung hängt vom Ziel ab (symmetrisches NAT)."),
                _(
                    "Im Router endpunkt-unabhängiges Mapping einstellen und SIP-ALG "
                    "ausschalten; sonst läuft Sprache über TURN-Relais."
                ),
            )
        )
    if result.upstream.dscp_preserved is False or result.downstream.dscp_preserved is False:
        advice.append(
            Advice(
                "hint",
                "QoS / DSCP",
                _("Die DSCP-Markierung EF kam nicht unverändert an."),
                _(
                    "QoS wird empfohlen (NET-1): DSCP EF (46) für Sprache im Netz "
                    "erhalten und priorisieren."
                ),
            )
        )
    return advice


# Charts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RangeRow:
    """One bar: a whisker ``low``–``high``, an optional box, a dot at ``mark``; ``state`` is
    ``ok``, ``bad`` or ``unsure`` against the threshold."""

    label: str
    low: float
    high: float
    mark: float
    box: tuple[float, float] | None
    state: str


@dataclass(frozen=True)
class RangeChart:
    key: str
    title: str
    unit: str
    rows: list[RangeRow]
    threshold: float | None
    note: str = ""


def _stat_row(label: str, stat: Stat, limit: float, *, rtt: bool = False) -> RangeRow:
    if rtt:
        state = "ok" if stat.mean <= limit else ("bad" if stat.mean > 2 * limit else "unsure")
    else:
        state = "ok" if stat.mean <= limit else "bad"
    return RangeRow(label, stat.min, stat.max, stat.mean, (stat.p50, stat.p95), state)


def limits(check: NetworkCheck) -> tuple[float, float, float]:
    """Delay (ms), jitter (ms) and loss (%) limits the check was judged by: the platform
    thresholds stored with it (settings ``NETCHECK_MAX_*`` at upload), else the current ones."""
    current = platform_thresholds()
    thr = check.thresholds or {}
    return (
        float(thr.get("one_way_delay_ms", current.one_way_delay_ms)),
        float(thr.get("jitter_ms", current.jitter_ms)),
        float(thr.get("loss_percent", current.loss_percent)),
    )


def charts(check: NetworkCheck, result: NetcheckResult | None = None) -> list[RangeChart]:
    """Delay, jitter and loss per direction against the platform's thresholds."""
    result = result or result_of(check)
    delay_limit, jitter_limit, loss_limit = limits(check)
    up, down = result.upstream, result.downstream
    delay_rows = []
    if result.rtt_ms is not None:
        delay_rows.append(_stat_row(_("Umlaufzeit (RTT)"), result.rtt_ms, delay_limit, rtt=True))
    for label, d in ((_("Upstream"), up), (_("Downstream"), down)):
        if d.one_way_delay_ms is not None:
            delay_rows.append(_stat_row(label, d.one_way_delay_ms, delay_limit))
    jitter_rows = [
        RangeRow(
            label,
            d.jitter_ms.mean,
            d.jitter_ms.max,
            d.jitter_ms.mean,
            (d.jitter_ms.mean, d.jitter_ms.p95),
            "ok" if d.jitter_ms.mean <= jitter_limit else "bad",
        )
        for label, d in ((_("Upstream"), up), (_("Downstream"), down))
        if d.jitter_ms is not None
    ]
    loss_rows = []
    for label, d in ((_("Upstream"), up), (_("Downstream"), down)):
        est = d.loss
        if est.ci95_high_percent < loss_limit:
            state = "ok"
        elif est.ci95_low_percent >= loss_limit:
            state = "bad"
        else:
            state = "unsure"
        loss_rows.append(
            RangeRow(label, est.ci95_low_percent, est.ci95_high_percent, est.percent, None, state)
        )
    return [
        RangeChart(
            "delay",
            _("Verzögerung"),
            "ms",
            delay_rows,
            delay_limit,
            _("Balken: Minimum bis Maximum, Kasten: Median bis 95. Perzentil, Punkt: Mittelwert."),
        ),
        RangeChart(
            "jitter",
            _("Jitter (RFC 3550)"),
            "ms",
            jitter_rows,
            jitter_limit,
            _("Punkt: Mittelwert, Kasten bis 95. Perzentil, Balken bis Maximum."),
        ),
        RangeChart(
            "loss",
            _("Paketverlust"),
            "%",
            loss_rows,
            loss_limit,
            _("Punkt: gemessener Verlust, Balken: 95-%-Konfidenzintervall."),
        ),
    ]


@dataclass
class _Canvas:
    """Drawing primitives in pixels, y downwards."""

    width: float
    height: float
    items: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def line(self, x1: float, y1: float, x2: float, y2: float, color: str, **kw: Any) -> None:
        self.items.append(("line", {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "color": color, **kw}))

    def polyline(self, points: list[tuple[float, float]], color: str, **kw: Any) -> None:
        self.items.append(("polyline", {"points": points, "color": color, **kw}))

    def rect(self, x: float, y: float, w: float, h: float, color: str) -> None:
        self.items.append(("rect", {"x": x, "y": y, "w": w, "h": h, "color": color}))

    def circle(self, cx: float, cy: float, r: float, color: str, **kw: Any) -> None:
        self.items.append(("circle", {"cx": cx, "cy": cy, "r": r, "color": color, **kw}))

    def text(self, x: float, y: float, text: str, *, anchor: str = "start", size: int = 11) -> None:
        self.items.append(("text", {"x": x, "y": y, "text": text, "anchor": anchor, "size": size}))


COLORS = {"ok": "#198754", "bad": "#dc3545", "unsure": "#fd7e14"}
GRID = "#ced4da"
INK = "#212529"
WIDTH, LEFT, RIGHT, TOP, ROW = 640.0, 130.0, 24.0, 26.0, 30.0


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return step * exp
    return 10 * exp


def _layout(chart: RangeChart) -> _Canvas:
    rows = chart.rows
    top = max([r.high for r in rows] + [chart.threshold or 0.0] + [0.0])
    scale_max = _nice_max(top * 1.1)
    height = TOP + ROW * max(1, len(rows)) + 8
    canvas = _Canvas(WIDTH, height)
    plot = WIDTH - LEFT - RIGHT

    def x(v: float) -> float:
        return LEFT + plot * max(0.0, min(v, scale_max)) / scale_max

    for i in range(5):
        value = scale_max * i / 4
        canvas.line(x(value), TOP - 6, x(value), height - 8, GRID)
        canvas.text(x(value), TOP - 10, number(value), anchor="middle", size=10)
    canvas.text(WIDTH - 2, 12, chart.unit, anchor="end", size=10)
    if not rows:
        canvas.text(LEFT, TOP + 18, _("keine Messwerte"))
    for i, row in enumerate(rows):
        mid = TOP + ROW * i + ROW / 2
        color = COLORS.get(row.state, INK)
        canvas.text(LEFT - 8, mid + 4, row.label, anchor="end")
        canvas.line(x(row.low), mid, x(row.high), mid, color, width=2)
        if row.box is not None:
            lo, hi = row.box
            canvas.rect(x(lo), mid - 7, max(1.5, x(hi) - x(lo)), 14, color)
        canvas.circle(x(row.mark), mid, 5, color)
    if chart.threshold is not None:
        canvas.line(x(chart.threshold), TOP - 6, x(chart.threshold), height - 8, INK, dash=True)
        canvas.text(
            x(chart.threshold) + 3,
            height - 10,
            _("Grenzwert %(value)s") % {"value": number(chart.threshold)},
            size=9,
        )
    return canvas


def _attrs(a: dict[str, Any]) -> str:
    """Extra attributes of a primitive (``attrs``), escaped."""
    return "".join(
        f' {name}="{escape(str(value), {chr(34): "&quot;"})}"'
        for name, value in a.get("attrs", {}).items()
    )


def _canvas_svg(
    canvas: _Canvas, key: str, title: str, description: str = "", *, element_id: str = ""
) -> str:
    """A canvas as an inline SVG element (escaped, no scripts)."""
    labelled = ""
    head = f"<title>{escape(title)}</title>"
    if element_id:
        labelled = (
            f' aria-labelledby="{element_id}-title{f" {element_id}-desc" if description else ""}"'
        )
        head = f'<title id="{element_id}-title">{escape(title)}</title>'
        if description:
            head += f'<desc id="{element_id}-desc">{escape(description)}</desc>'
    elif description:
        head += f"<desc>{escape(description)}</desc>"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {canvas.width:g} '
        f'{canvas.height:g}" width="100%" role="img" class="netcheck-chart" '
        f'data-chart="{escape(key)}" font-family="system-ui, sans-serif"{labelled}>',
        head,
    ]
    for kind, a in canvas.items:
        if kind == "line":
            dash = ' stroke-dasharray="5 4"' if a.get("dash") else ""
            parts.append(
                f'<line x1="{a["x1"]:.1f}" y1="{a["y1"]:.1f}" x2="{a["x2"]:.1f}" '
                f'y2="{a["y2"]:.1f}" stroke="{a["color"]}" stroke-width="{a.get("width", 1)}"'
                f"{dash}{_attrs(a)}/>"
            )
        elif kind == "polyline":
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in a["points"])
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{a["color"]}" '
                f'stroke-width="{a.get("width", 1)}" stroke-linejoin="round"{_attrs(a)}/>'
            )
        elif kind == "rect":
            parts.append(
                f'<rect x="{a["x"]:.1f}" y="{a["y"]:.1f}" width="{a["w"]:.1f}" '
                f'height="{a["h"]:.1f}" fill="{a["color"]}" fill-opacity="0.35" '
                f'stroke="{a["color"]}"/>'
            )
        elif kind == "circle":
            parts.append(
                f'<circle cx="{a["cx"]:.1f}" cy="{a["cy"]:.1f}" r="{a["r"]}" '
                f'fill="{a["color"]}"{_attrs(a)}/>'
            )
        else:
            parts.append(
                f'<text x="{a["x"]:.1f}" y="{a["y"]:.1f}" font-size="{a["size"]}" '
                f'text-anchor="{a["anchor"]}" fill="{INK}">{escape(a["text"])}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _canvas_drawing(canvas: _Canvas, width: float) -> Any:
    """A canvas as a reportlab Drawing ``width`` points wide."""
    from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
    from reportlab.lib import colors

    k = width / canvas.width
    height = canvas.height * k
    drawing = Drawing(width, height)

    def y(v: float) -> float:
        return height - v * k

    for kind, a in canvas.items:
        if kind == "line":
            drawing.add(
                Line(
                    a["x1"] * k,
                    y(a["y1"]),
                    a["x2"] * k,
                    y(a["y2"]),
                    strokeColor=colors.HexColor(a["color"]),
                    strokeWidth=a.get("width", 1) * k,
                    strokeDashArray=[4, 3] if a.get("dash") else None,
                )
            )
        elif kind == "polyline":
            flat = [c for px, py in a["points"] for c in (px * k, y(py))]
            drawing.add(
                PolyLine(
                    flat,
                    strokeColor=colors.HexColor(a["color"]),
                    strokeWidth=a.get("width", 1) * k,
                    strokeLineJoin=1,
                    fillColor=None,
                )
            )
        elif kind == "rect":
            color = colors.HexColor(a["color"])
            drawing.add(
                Rect(
                    a["x"] * k,
                    y(a["y"] + a["h"]),
                    a["w"] * k,
                    a["h"] * k,
                    fillColor=colors.Color(color.red, color.green, color.blue, alpha=0.35),
                    strokeColor=color,
                    strokeWidth=0.5,
                )
            )
        elif kind == "circle":
            color = colors.HexColor(a["color"])
            drawing.add(
                Circle(a["cx"] * k, y(a["cy"]), a["r"] * k, fillColor=color, strokeColor=color)
            )
        else:
            drawing.add(
                String(
                    a["x"] * k,
                    y(a["y"]),
                    a["text"],
                    fontName="Helvetica",
                    fontSize=a["size"] * k,
                    textAnchor={"start": "start", "middle": "middle", "end": "end"}[a["anchor"]],
                    fillColor=colors.HexColor(INK),
                )
            )
    return drawing


def chart_svg(chart: RangeChart) -> str:
    """The chart as an inline SVG element (escaped, no scripts)."""
    return _canvas_svg(_layout(chart), chart.key, chart.title)


def chart_drawing(chart: RangeChart, width: float) -> Any:
    """The chart as a reportlab Drawing ``width`` points wide."""
    return _canvas_drawing(_layout(chart), width)


# Per-second charts (result schema 2) ----------------------------------------------------------


@dataclass(frozen=True)
class Series:
    key: str  # up | down | rtt
    label: str
    color: str
    values: list[float | None]


@dataclass(frozen=True)
class TimelineChart:
    """One value per bucket of ``bucket_s`` seconds and series, with the threshold line."""

    key: str
    title: str
    unit: str
    quantity: str  # the y axis label, e.g. "Verzögerung (ms)"
    bucket_s: int
    series: list[Series]
    threshold: float
    note: str = ""

    @property
    def entries(self) -> int:
        return max((len(s.values) for s in self.series), default=0)

    @property
    def description(self) -> str:
        """A text equivalent of the chart (the SVG's ``<desc>``)."""
        unit = self.unit
        parts = [
            _("%(n)s Werte, je einer pro %(step)s, Grenzwert %(limit)s %(unit)s.")
            % {
                "n": self.entries,
                "step": _bucket_text(self.bucket_s),
                "limit": _num(self.threshold),
                "unit": unit,
            }
        ]
        for s in self.series:
            present = [(i, v) for i, v in enumerate(s.values) if v is not None]
            if not present:
                parts.append(_("%(label)s: keine Messwerte.") % {"label": s.label})
                continue
            i_max, v_max = max(present, key=lambda p: p[1])
            above = sum(1 for _i, v in present if v > self.threshold)
            parts.append(
                _(
                    "%(label)s: Mittel %(mean)s %(unit)s, höchstens %(max)s %(unit)s "
                    "(bei %(at)s s), über dem Grenzwert in %(above)s von %(n)s Abschnitten."
                )
                % {
                    "label": s.label,
                    "mean": _num(sum(v for _i, v in present) / len(present)),
                    "max": _num(v_max),
                    "at": i_max * self.bucket_s,
                    "above": above,
                    "n": len(present),
                    "unit": unit,
                }
            )
        return " ".join(parts)


SERIES_COLORS = {"up": "#0d6efd", "down": "#6f42c1", "rtt": "#495057"}


def _num(value: float) -> str:
    return fill("{value:.1f}" if abs(value) < 100 else "{value:.0f}", {"value": float(value)})


def _bucket_text(bucket_s: int) -> str:
    return _("Sekunde") if bucket_s == 1 else _("%(n)s Sekunden") % {"n": bucket_s}


def _loss_percent(lost: list[int], base: list[int]) -> list[float | None]:
    return [100.0 * min(lo, b) / b if b > 0 else None for lo, b in zip(lost, base, strict=True)]


def timeline_charts(
    check: NetworkCheck, result: NetcheckResult | None = None
) -> list[TimelineChart]:
    """Delay, jitter and loss per second (or per bucket) against the platform's thresholds;
    empty when the result has no timeline (schema 1): the summary charts stand alone then."""
    result = result or result_of(check)
    t: Timeline | None = result.timeline
    if t is None or len(t) == 0:
        return []
    delay_limit, jitter_limit, loss_limit = limits(check)
    up, down = _("Upstream"), _("Downstream")
    per = _bucket_text(t.bucket_s)
    if t.delay_up_ms is not None and t.delay_down_ms is not None:
        delay_series = [
            Series("up", up, SERIES_COLORS["up"], t.delay_up_ms),
            Series("down", down, SERIES_COLORS["down"], t.delay_down_ms),
        ]
        delay_note = _("Mittlere Einweg-Verzögerung je %(per)s und Richtung.") % {"per": per}
    else:
        delay_series = [Series("rtt", _("Umlaufzeit (RTT)"), SERIES_COLORS["rtt"], t.rtt_ms)]
        delay_note = _(
            "Einweg-Verzögerung nicht messbar (Uhren nicht vergleichbar): mittlere Umlaufzeit "
            "je %(per)s. Der Grenzwert gilt je Richtung; eine Umlaufzeit bis zum Grenzwert "
            "besteht, über dem Doppelten nicht."
        ) % {"per": per}
    # Downstream losses relative to the packets that reached the reflector.
    reached = [max(0, s - lost) for s, lost in zip(t.sent, t.lost_up, strict=True)]
    return [
        TimelineChart(
            "delay-timeline",
            _("Verzögerung im Verlauf"),
            "ms",
            _("Verzögerung (ms)"),
            t.bucket_s,
            delay_series,
            delay_limit,
            delay_note,
        ),
        TimelineChart(
            "jitter-timeline",
            _("Jitter im Verlauf (RFC 3550)"),
            "ms",
            _("Jitter (ms)"),
            t.bucket_s,
            [
                Series("up", up, SERIES_COLORS["up"], t.jitter_up_ms),
                Series("down", down, SERIES_COLORS["down"], t.jitter_down_ms),
            ],
            jitter_limit,
            _("Laufender Jitter J am Ende jeder %(per)s, je Richtung.") % {"per": per},
        ),
        TimelineChart(
            "loss-timeline",
            _("Paketverlust im Verlauf"),
            "%",
            _("Paketverlust (%)"),
            t.bucket_s,
            [
                Series("up", up, SERIES_COLORS["up"], _loss_percent(t.lost_up, t.sent)),
                Series("down", down, SERIES_COLORS["down"], _loss_percent(t.lost_down, reached)),
            ],
            loss_limit,
            _(
                "Anteil verlorener Pakete je %(per)s (nach Sendezeit). Der Grenzwert gilt für "
                "die ganze Messung; einzelne Abschnitte mit wenigen Paketen schwanken stark."
            )
            % {"per": per},
        ),
    ]


T_LEFT, T_RIGHT, T_TOP, T_PLOT, T_BOTTOM = 52.0, 16.0, 30.0, 170.0, 38.0
TIME_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400)


def _nice_step(raw: float) -> float:
    exp = 10 ** math.floor(math.log10(raw))
    return next(m * exp for m in (1, 2, 2.5, 5, 10) if raw <= m * exp)


def _ticks(low: float, high: float) -> list[float]:
    """At most six round values from at or below ``min(low, 0)`` to at or above ``high``."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high - low <= 0:
        high = low + 1.0
    step = _nice_step((high - low) * 1.05 / 4)
    first = math.floor(low / step) * step
    count = math.ceil((high - first) / step - 1e-9)
    return [round(first + i * step, 10) for i in range(max(1, count) + 1)]


def _layout_timeline(chart: TimelineChart) -> _Canvas:
    n = max(1, chart.entries)
    total_s = n * chart.bucket_s
    height = T_TOP + T_PLOT + T_BOTTOM
    canvas = _Canvas(WIDTH, height)
    plot_w = WIDTH - T_LEFT - T_RIGHT
    bottom_px = T_TOP + T_PLOT
    values = [v for s in chart.series for v in s.values if v is not None]
    # headroom above the highest value and the threshold, for its label
    ticks = _ticks(min(values, default=0.0), max([*values, chart.threshold]) * 1.15)
    lo, hi = ticks[0], ticks[-1]

    def x(i: float) -> float:  # bucket index (centre = i + 0.5) to pixels
        return T_LEFT + plot_w * i / n

    def y(v: float) -> float:
        v = max(lo, min(v, hi))
        return bottom_px - T_PLOT * (v - lo) / (hi - lo)

    # y axis: label above, grid and ticks
    canvas.text(4, 14, chart.quantity, size=11)
    for value in ticks:
        canvas.line(T_LEFT, y(value), WIDTH - T_RIGHT, y(value), GRID)
        canvas.text(T_LEFT - 5, y(value) + 3.5, number(value), anchor="end", size=10)
    canvas.line(T_LEFT, T_TOP, T_LEFT, bottom_px, INK)
    canvas.line(T_LEFT, bottom_px, WIDTH - T_RIGHT, bottom_px, INK)
    # x axis: seconds (minutes for long runs) since the first packet
    minutes = total_s >= 180
    step = next(
        (st for st in TIME_STEPS if total_s / st <= 8 and (not minutes or st % 60 == 0)),
        TIME_STEPS[-1],
    )
    tick = 0
    while tick <= total_s:
        px = T_LEFT + plot_w * tick / total_s
        canvas.line(px, bottom_px, px, bottom_px + 4, INK)
        canvas.text(
            px, bottom_px + 15, f"{tick // 60 if minutes else tick:g}", anchor="middle", size=10
        )
        tick += step
    canvas.text(
        T_LEFT + plot_w / 2,
        height - 4,
        _("Minuten seit Beginn der Messung") if minutes else _("Sekunden seit Beginn der Messung"),
        anchor="middle",
        size=10,
    )
    # threshold
    ty = y(chart.threshold)
    canvas.line(
        T_LEFT,
        ty,
        WIDTH - T_RIGHT,
        ty,
        COLORS["bad"],
        dash=True,
        width=1.5,
        attrs={"class": "threshold", "data-threshold": f"{chart.threshold:g}"},
    )
    canvas.text(
        WIDTH - T_RIGHT - 2,
        ty - 4,
        _("Grenzwert %(value)s %(unit)s") % {"value": number(chart.threshold), "unit": chart.unit},
        anchor="end",
        size=9,
    )
    # series: one point per bucket, a gap where a bucket has no value
    for s in chart.series:
        segment: list[tuple[float, float]] = []
        segments: list[list[tuple[float, float]]] = []
        for i, v in enumerate(s.values):
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append((x(i + 0.5), y(v)))
        if segment:
            segments.append(segment)
        attrs = {"data-series": s.key}
        for seg in segments:
            if len(seg) == 1:
                canvas.circle(seg[0][0], seg[0][1], 2, s.color, attrs=attrs)
            else:
                canvas.polyline(seg, s.color, width=1.5, attrs=attrs)
    # legend, top right
    lx = WIDTH - T_RIGHT
    for s in reversed(chart.series):
        canvas.text(lx, 14, s.label, anchor="end", size=10)
        lx -= 6.0 * len(s.label) + 6
        canvas.line(lx - 18, 10, lx - 2, 10, s.color, width=2.5)
        lx -= 30
    return canvas


def timeline_svg(chart: TimelineChart) -> str:
    """A per-second chart as an inline SVG element (escaped, no scripts)."""
    return _canvas_svg(
        _layout_timeline(chart),
        chart.key,
        chart.title,
        chart.description,
        element_id=f"netcheck-{chart.key}",
    )


def timeline_drawing(chart: TimelineChart, width: float) -> Any:
    """A per-second chart as a reportlab Drawing ``width`` points wide."""
    return _canvas_drawing(_layout_timeline(chart), width)


# PDF ------------------------------------------------------------------------------------------


def report_pdf(check: NetworkCheck) -> bytes:
    """The report as an A4 PDF: verdicts, charts, port matrix, NAT and what to fix."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    result = result_of(check)
    details = verdict_details(check, result)
    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=8, leading=10)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{_('Netzwerkprüfung')} {check.site.name}",
        author="stimme",
    )
    width = doc.width

    def p(text: Any, style: Any = body) -> Paragraph:
        return Paragraph(escape(str(text)), style)

    def table(rows: list[list[Any]], widths: list[float]) -> Table:
        t = Table(rows, colWidths=widths, repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                    ("FONTSIZE", (0, 0), (-1, -1), 8),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t

    local = timezone.localtime(check.finished_at)
    measured_class = _("aussagekräftig") if check.is_conclusive else _("Vorabmessung")
    story: list[Any] = [
        p(f"{_('Netzwerkprüfung')}: {check.site.name}", styles["Title"]),
        p(f"{check.customer.company_name} · {check.site.full_address}"),
        p(
            f"{_('Gemessen')}: {localized(local)} · {_('Ergebnis')}: "
            f"{status_label(check.overall)} ({measured_class})"
        ),
        Spacer(1, 4 * mm),
        p(_("Bewertung"), styles["Heading2"]),
        table(
            [[_("Prüfung"), _("Ergebnis"), _("Einzelheiten")]]
            + [
                [
                    p(metric_label(v["metric"]), small),
                    p(status_label(v["status"]), small),
                    p(details.get(v["metric"], v["detail"]), small),
                ]
                for v in check.verdicts
            ],
            [0.22 * width, 0.16 * width, 0.62 * width],
        ),
    ]
    advice = fix_advice(check, result)
    if advice:
        story += [
            p(_("Was zu tun ist"), styles["Heading2"]),
            table(
                [[_("Punkt"), _("Befund"), _("Abhilfe")]]
                + [[p(a.item, small), p(a.problem, small), p(a.fix, small)] for a in advice],
                [0.18 * width, 0.38 * width, 0.44 * width],
            ),
        ]
    timeline = timeline_charts(check, result)
    if timeline:
        story.append(p(_("Verlauf der Messung"), styles["Heading2"]))
        for series_chart in timeline:
            story += [
                p(series_chart.title, styles["Heading3"]),
                timeline_drawing(series_chart, width),
                p(series_chart.note, small),
            ]
        story.append(p(_("Verteilung über die ganze Messung"), styles["Heading2"]))
    for chart in charts(check, result):
        story += [
            p(chart.title, styles["Heading3"]),
            chart_drawing(chart, width),
            p(chart.note, small),
        ]
    rows = port_rows(result)
    story.append(p(_("Port-Matrix (NET-2)"), styles["Heading2"]))
    if rows:
        story.append(
            table(
                [[pgettext("network", "Protokoll"), _("Port"), _("Status"), _("Regel")]]
                + [
                    [
                        r.protocol,
                        str(r.port),
                        p(r.status_label, small),
                        p(
                            f"{r.rule.name} {r.rule.protocols_text} {r.rule.ports_text}: "
                            f"{r.rule.function}"
                            if r.rule
                            else r.service,
                            small,
                        ),
                    ]
                    for r in rows
                ],
                [0.14 * width, 0.12 * width, 0.24 * width, 0.5 * width],
            )
        )
    else:
        story.append(p(_("Nicht geprüft.")))
    story.append(p(_("NAT"), styles["Heading2"]))
    story.append(p(nat_summary(result)))
    story += [
        Spacer(1, 6 * mm),
        p(
            f"{_('Bericht')} {check.pk} · {_('Messwerkzeug')} {check.tool_version} · "
            f"{_('Schema')} {check.schema_version}",
            small,
        ),
    ]
    doc.build(story)
    return buffer.getvalue()


def nat_summary(result: NetcheckResult) -> str:
    nat = result.nat
    if nat is None:
        return _("Nicht geprüft.")
    if nat.status == "no-response":
        return _("STUN-Server %(server)s: keine Antwort.") % {"server": nat.server}
    if nat.status != "ok":  # the probe's own error, as it reported it
        return _("STUN-Server %(server)s: keine Antwort. %(detail)s") % {
            "server": nat.server,
            "detail": nat.detail,
        }
    if not nat.nat_detected:
        found = _("Kein NAT: die Adresse ist öffentlich erreichbar (%(addr)s).") % {
            "addr": nat.mapped_address or "–"
        }
    else:
        found = _("NAT erkannt: %(local)s erscheint als %(mapped)s.") % {
            "local": nat.local_address or "–",
            "mapped": nat.mapped_address or "–",
        }
    mapping = {
        "endpoint-independent": _("Zuordnung unabhängig vom Ziel (gut für Sprache)."),
        "destination-port-dependent": _("Zuordnung abhängig vom Ziel (symmetrisches NAT)."),
    }.get(nat.mapping, _("Zuordnung nicht bestimmt."))
    return f"{found} {mapping}"
