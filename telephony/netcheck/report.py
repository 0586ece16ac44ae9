"""Human-readable output: result table and progress bar."""

from __future__ import annotations

from typing import TextIO

from .result import DirectionResult, NetcheckResult, Stat


def _f(value: float | None, unit: str = "", digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}{unit}"


def _stat(s: Stat | None) -> str:
    if s is None:
        return "-"
    return f"min {s.min:.2f} / avg {s.mean:.2f} / p95 {s.p95:.2f} / max {s.max:.2f} ms"


def _dir_rows(d: DirectionResult) -> list[tuple[str, str]]:
    jit = d.jitter_ms
    dscp = (
        "-" if d.dscp_preserved is None else ("preserved" if d.dscp_preserved else "NOT preserved")
    )
    return [
        (f"{d.direction} one-way delay", _stat(d.one_way_delay_ms)),
        (
            f"{d.direction} jitter (RFC 3550)",
            "-" if jit is None else f"mean {jit.mean:.2f} / p95 {jit.p95:.2f} ms",
        ),
        (
            f"{d.direction} loss",
            f"{d.loss.lost}/{d.loss.sent} = {d.loss.percent:.2f} % "
            f"(95 % CI {d.loss.ci95_low_percent:.2f}-{d.loss.ci95_high_percent:.2f} %)",
        ),
        (
            f"{d.direction} reordered/dup/late",
            f"{d.reordered} / {d.duplicates} / {d.late}",
        ),
        (f"{d.direction} DSCP", f"sent {d.dscp_sent}, received {d.dscp_received} ({dscp})"),
        (f"{d.direction} R / MOS", f"{_f(d.r_factor, '', 1)} / {_f(d.mos)}"),
    ]


def render(result: NetcheckResult) -> str:
    rows: list[tuple[str, str]] = [
        (
            "target",
            f"{result.settings.target}:{result.settings.port}, {result.settings.streams} stream(s) "
            f"x {result.settings.packets_per_stream} packets @ {result.settings.interval_ms:g} ms",
        ),
        ("round-trip time", _stat(result.rtt_ms)),
        ("one-way delay method", result.one_way_delay_method),
    ]
    rows += _dir_rows(result.upstream) + _dir_rows(result.downstream)
    if result.quality is not None:
        q = result.quality
        rows.append(
            (
                "call quality (worst direction)",
                f"R {q.r_factor:.1f}, MOS {q.mos:.2f} ({q.codec}, PLC, Ta {q.ta_ms:.0f} ms, "
                f"{q.delay_basis})",
            )
        )
    width = max(len(k) for k, _ in rows)
    lines = [f"{k.ljust(width)}  {v}" for k, v in rows]
    lines.append("")
    lines.append("Verdicts (NET-1):")
    for v in result.verdicts:
        lines.append(f"  {v.metric:<14} {v.status.upper():<13} {v.detail}")
    lines.append(f"  {'overall':<14} {result.overall.upper()} ({result.measurement_class})")
    if result.ports:
        lines.append("")
        lines.append("Ports (NET-2):")
        for p in result.ports:
            lines.append(f"  {p.protocol.upper():<4}{p.port:>6}  {p.status:<9} {p.service}")
    if result.nat is not None:
        n = result.nat
        nat = "unknown" if n.nat_detected is None else ("yes" if n.nat_detected else "no")
        lines.append("")
        lines.append(
            f"NAT: {nat} (local {n.local_address}, mapped {n.mapped_address}, "
            f"mapping {n.mapping}; {n.detail})"
        )
    for note in result.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)


class ProgressBar:
    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width

    def __call__(self, fraction: float, sent: int, received: int) -> None:
        filled = int(self.width * max(0.0, min(1.0, fraction)))
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {fraction * 100:5.1f} %  sent {sent}  replies {received}")
        if fraction >= 1.0:
            self.stream.write("\n")
        self.stream.flush()
