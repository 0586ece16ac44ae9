"""Accuracy and CPU benchmark of the network readiness probe (loopback only).

probe (subprocess, as a customer runs it) -> impairment relay -> reflector (threads here).
Prints injected vs measured one-way delay, RFC 3550 jitter and loss per direction, and the
probe's CPU use (process CPU time / wall time) for 1 and 10 parallel streams.

    python bench/netcheck/run.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from telephony.netcheck.reflector import Reflector, ReflectorConfig  # noqa: E402
from telephony.netcheck.relay import Impairment, ImpairmentRelay  # noqa: E402
from telephony.netcheck.result import NetcheckResult  # noqa: E402


@dataclass
class Setting:
    name: str
    up: Impairment
    down: Impairment


SETTINGS = [
    Setting("clean 20 ms", Impairment(delay_ms=20), Impairment(delay_ms=20)),
    Setting(
        "80 ms, U+/-10",
        Impairment(delay_ms=80, jitter_ms=10, preserve_order=False),
        Impairment(delay_ms=80, jitter_ms=10, preserve_order=False),
    ),
    Setting(
        "140 ms, N(8), FIFO",
        Impairment(delay_ms=140, jitter_ms=8, distribution="normal"),
        Impairment(delay_ms=140, jitter_ms=8, distribution="normal"),
    ),
    Setting(
        "40 ms, U+/-20, 1 % loss",
        Impairment(delay_ms=40, jitter_ms=20, loss=0.01, preserve_order=False),
        Impairment(delay_ms=40, jitter_ms=20, loss=0.01, preserve_order=False),
    ),
    Setting(
        "160/60 ms, 2 % loss, reorder",
        Impairment(delay_ms=160, jitter_ms=5, loss=0.02, reorder=0.01, reorder_gap_ms=30),
        Impairment(delay_ms=60, jitter_ms=5, loss=0.02),
    ),
    Setting(
        "100 ms, N(15), 0.5 % down",
        Impairment(delay_ms=100, jitter_ms=15, distribution="normal", preserve_order=False),
        Impairment(
            delay_ms=100, jitter_ms=15, distribution="normal", loss=0.005, preserve_order=False
        ),
    ),
]


def run_probe_subprocess(
    port: int, packets: int, streams: int, interval_ms: float
) -> NetcheckResult:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.json"
        cmd = [
            sys.executable, "-m", "telephony.netcheck", "probe", "--target", "127.0.0.1",
            "--port", str(port), "--packets", str(packets), "--streams", str(streams),
            "--interval-ms", str(interval_ms), "--grace", "0.6", "--json", str(out), "--quiet",
        ]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.run(cmd, env=env, capture_output=True, timeout=600, check=False)
        if proc.returncode not in (0, 10, 11):
            raise RuntimeError(proc.stderr.decode())
        return NetcheckResult.from_json(out.read_text())


def measure(
    setting: Setting, packets: int, streams: int = 1, seed: int = 1
) -> tuple[NetcheckResult, dict[str, dict[str, float | None]]]:
    with Reflector(ReflectorConfig(udp_ports=[0], rate_pps=1e6, burst=1e6)) as refl:
        relay = ImpairmentRelay(
            ("127.0.0.1", refl.udp_ports[0]), setting.up, setting.down, seed=seed
        )
        with relay:
            result = run_probe_subprocess(relay.address[1], packets, streams, 20.0)
            snap = relay.snapshot()
    return result, snap


def fmt(v: float | None, d: int = 2) -> str:
    return "-" if v is None else f"{v:.{d}f}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="3 s per setting instead of 10 s")
    args = parser.parse_args()
    sys.setswitchinterval(0.0005)
    seconds = 3 if args.quick else 10
    packets = seconds * 50
    header = (
        f"{'setting':<30}{'dir':<5}{'inj.delay':>10}{'meas':>9}{'err ms':>8}"
        f"{'inj.J':>8}{'meas J':>8}{'err %':>7}{'dropped':>9}{'lost':>6}  exact"
    )
    print(f"G.711 stream, 20 ms spacing, {packets} packets per setting, loopback\n")
    print(header)
    print("-" * len(header))
    worst_delay = 0.0
    worst_jitter = 0.0
    all_exact = True
    for s in SETTINGS:
        result, snap = measure(s, packets)
        for name, short in (("upstream", "up"), ("downstream", "down")):
            d = getattr(result, name)
            ref = snap[name]
            owd = d.one_way_delay_ms.mean if d.one_way_delay_ms else None
            inj = ref["mean_delay_ms"]
            derr = abs(owd - inj) if owd is not None and inj is not None else None
            jm = d.jitter_ms.mean if d.jitter_ms else None
            jr = ref["jitter_mean_ms"]
            jerr = (
                100.0 * abs(jm - jr) / jr
                if jm is not None and jr is not None and jr > 0.05
                else None
            )
            dropped = int(ref["dropped"] or 0)
            exact = dropped == d.loss.lost
            all_exact &= exact
            worst_delay = max(worst_delay, derr or 0.0)
            worst_jitter = max(worst_jitter, jerr or 0.0)
            print(
                f"{s.name:<30}{short:<5}{fmt(inj):>10}{fmt(owd):>9}{fmt(derr, 3):>8}"
                f"{fmt(jr):>8}{fmt(jm):>8}{fmt(jerr, 1):>7}{dropped:>9}{d.loss.lost:>6}  "
                f"{'yes' if exact else 'NO'}"
            )
    print()
    print(
        f"worst mean-delay error {worst_delay:.3f} ms (target <= 1 ms); "
        f"worst jitter error {worst_jitter:.1f} % (target <= 10 %; jitter below 0.05 ms "
        f"not compared); loss counted exactly: {'yes' if all_exact else 'NO'}"
    )
    print()
    print("probe CPU use (process CPU time / wall time), 20 ms spacing:")
    clean = SETTINGS[0]
    cpu: dict[int, float | None] = {}
    for streams in (1, 10):
        result, _snap = measure(clean, packets, streams=streams)
        cpu[streams] = result.probe_cpu_ratio
        print(
            f"  {streams:>2} stream(s): {100.0 * (result.probe_cpu_ratio or 0.0):.1f} % of one core"
        )
    print()
    print(json.dumps({"worst_delay_error_ms": worst_delay, "worst_jitter_error_pct": worst_jitter,
                      "loss_exact": all_exact, "cpu": cpu}))  # fmt: skip
    return 0 if worst_delay <= 1.0 and worst_jitter <= 10.0 and all_exact else 1


if __name__ == "__main__":
    raise SystemExit(main())
