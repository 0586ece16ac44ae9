"""Command line: ``python -m telephony.netcheck {probe,reflector,relay}``."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from . import ports as ports_mod
from . import report, stun, upload
from .probe import EF_TOS, ProbeOptions, run_probe
from .reflector import Reflector, ReflectorConfig
from .relay import Impairment, ImpairmentRelay
from .result import Thresholds


def _ports(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            lo, hi = (int(x) for x in part.split("-", 1))
            if hi - lo > 1000:
                raise argparse.ArgumentTypeError("port ranges are limited to 1000 ports")
            out.extend(range(lo, hi + 1))
        else:
            out.append(int(part))
    for p in out:
        if not 0 <= p <= 65535:
            raise argparse.ArgumentTypeError(f"invalid port {p}")
    return out


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m telephony.netcheck")
    sub = parser.add_subparsers(dest="cmd", required=True)

    r = sub.add_parser("reflector", help="platform-side reflector")
    r.add_argument("--bind", default="127.0.0.1")
    r.add_argument("--udp-ports", type=_ports, default=[0])
    r.add_argument("--tcp-ports", type=_ports, default=[])
    r.add_argument("--rate-pps", type=float, default=2500.0, help="per source address")
    r.add_argument("--max-seconds", type=float, default=None)

    p = sub.add_parser("probe", help="customer-side measurement")
    p.add_argument("--target", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--streams", type=int, default=1, help="parallel calls to emulate")
    p.add_argument("--duration", type=float, default=30.0, help="seconds")
    p.add_argument("--packets", type=int, default=None, help="packets per stream (overrides)")
    p.add_argument("--interval-ms", type=float, default=20.0)
    p.add_argument("--size", type=int, default=172, help="UDP payload bytes")
    p.add_argument("--tos", type=lambda s: int(s, 0), default=EF_TOS)
    p.add_argument("--jitter-buffer-ms", type=float, default=60.0)
    p.add_argument("--grace", type=float, default=1.0, help="seconds to wait for last replies")
    p.add_argument("--assume-synced-clocks", action="store_true")
    p.add_argument("--max-delay-ms", type=float, default=150.0)
    p.add_argument("--max-jitter-ms", type=float, default=20.0)
    p.add_argument("--max-loss-percent", type=float, default=1.0)
    p.add_argument("--check-ports", action="store_true", help="NET-2 port matrix")
    p.add_argument("--ports-target", default=None, help="host for the port matrix")
    p.add_argument("--tcp-ports", type=_ports, default=None, help="override NET-2 TCP list")
    p.add_argument("--udp-ports", type=_ports, default=None, help="override NET-2 UDP sample")
    p.add_argument("--port-timeout", type=float, default=3.0)
    p.add_argument("--stun", default=None, help="STUN server host")
    p.add_argument("--stun-ports", type=_ports, default=[3478])
    p.add_argument("--json", dest="json_file", default=None)
    p.add_argument("--upload", default=None, help="URL to POST the JSON result to")
    p.add_argument("--token", default=None)
    p.add_argument("--progress", action="store_true", help="force the progress bar")
    p.add_argument("--quiet", action="store_true")

    y = sub.add_parser("relay", help="user-space impairment relay (testing)")
    y.add_argument("--listen", default="127.0.0.1:0")
    y.add_argument("--target", required=True, help="HOST:PORT of the reflector")
    y.add_argument("--seed", type=int, default=1)
    y.add_argument("--max-seconds", type=float, default=None)
    for d in ("up", "down"):
        y.add_argument(f"--{d}-delay-ms", type=float, default=0.0)
        y.add_argument(f"--{d}-jitter-ms", type=float, default=0.0)
        y.add_argument(f"--{d}-dist", choices=("uniform", "normal"), default="uniform")
        y.add_argument(f"--{d}-loss", type=float, default=0.0, help="probability 0..1")
        y.add_argument(f"--{d}-reorder", type=float, default=0.0, help="probability 0..1")
        y.add_argument(f"--{d}-set-tos", type=lambda s: int(s, 0), default=None)
    y.add_argument("--stats-json", default=None, help="write counters on exit")
    return parser


def _hostport(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


def _wait_for_signal(max_seconds: float | None) -> None:
    done = threading.Event()

    def handler(_sig: int, _frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    done.wait(timeout=max_seconds)


def _cmd_reflector(args: argparse.Namespace) -> int:
    refl = Reflector(
        ReflectorConfig(
            bind=args.bind,
            udp_ports=args.udp_ports,
            tcp_ports=args.tcp_ports,
            rate_pps=args.rate_pps,
        )
    )
    refl.start()
    print(
        json.dumps({"udp_ports": refl.udp_ports, "tcp_ports": refl.tcp_ports, "bind": args.bind}),
        flush=True,
    )
    try:
        _wait_for_signal(args.max_seconds)
    finally:
        refl.stop()
    return 0


def _cmd_relay(args: argparse.Namespace) -> int:
    def imp(d: str) -> Impairment:
        return Impairment(
            delay_ms=getattr(args, f"{d}_delay_ms"),
            jitter_ms=getattr(args, f"{d}_jitter_ms"),
            distribution=getattr(args, f"{d}_dist"),
            loss=getattr(args, f"{d}_loss"),
            reorder=getattr(args, f"{d}_reorder"),
            set_tos=getattr(args, f"{d}_set_tos"),
        )

    relay = ImpairmentRelay(
        _hostport(args.target),
        imp("up"),
        imp("down"),
        listen=_hostport(args.listen),
        seed=args.seed,
    )
    relay.start()
    host, port = relay.address
    print(json.dumps({"listen": f"{host}:{port}"}), flush=True)
    try:
        _wait_for_signal(args.max_seconds)
    finally:
        snap = relay.snapshot()
        relay.stop()
        if args.stats_json:
            with open(args.stats_json, "w", encoding="utf-8") as fh:
                json.dump(snap, fh, indent=2)
    return 0


def _cmd_probe(args: argparse.Namespace) -> int:
    if args.upload and not args.token:
        print("--upload needs --token", file=sys.stderr)
        return 2
    opts = ProbeOptions(
        target=args.target,
        port=args.port,
        streams=args.streams,
        duration_s=args.duration,
        interval_ms=args.interval_ms,
        packets=args.packets,
        payload_bytes=args.size,
        tos=args.tos,
        jitter_buffer_ms=args.jitter_buffer_ms,
        grace_s=args.grace,
        assume_synced_clocks=args.assume_synced_clocks,
        thresholds=Thresholds(
            one_way_delay_ms=args.max_delay_ms,
            jitter_ms=args.max_jitter_ms,
            loss_percent=args.max_loss_percent,
        ),
    )
    show_progress = args.progress or (sys.stderr.isatty() and not args.quiet)
    progress = report.ProgressBar(sys.stderr) if show_progress else None
    result = run_probe(opts, progress=progress)
    if args.check_ports:
        specs: list[ports_mod.PortSpec] = []
        tcp = args.tcp_ports
        udp = args.udp_ports
        specs += (
            [ports_mod.PortSpec("tcp", p, "custom") for p in tcp]
            if tcp is not None
            else list(ports_mod.NET2_TCP)
        )
        specs += (
            [ports_mod.PortSpec("udp", p, "custom") for p in udp]
            if udp is not None
            else list(ports_mod.NET2_UDP)
        )
        result.ports = ports_mod.check_ports(
            args.ports_target or args.target, specs, tcp_timeout=args.port_timeout
        )
    if args.stun:
        result.nat = stun.detect_nat(args.stun, args.stun_ports)
    if not args.quiet:
        print(report.render(result))
    if args.json_file:
        with open(args.json_file, "w", encoding="utf-8") as fh:
            fh.write(result.to_json())
    if args.upload:
        try:
            status = upload.upload_result(args.upload, args.token, result.to_dict())
        except upload.UploadError as exc:
            print(f"upload failed: {exc}", file=sys.stderr)
            return 3
        if not args.quiet:
            print(f"uploaded (HTTP {status})")
    return {"pass": 0, "inconclusive": 10, "fail": 11}.get(result.overall, 1)


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    if args.cmd == "reflector":
        return _cmd_reflector(args)
    if args.cmd == "relay":
        return _cmd_relay(args)
    return _cmd_probe(args)
