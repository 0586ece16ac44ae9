"""Shared helpers for the netcheck tests."""

from __future__ import annotations

import os
import shutil
import socket
from dataclasses import dataclass, field

import pytest

from telephony.netcheck.probe import ProbeOptions, run_probe
from telephony.netcheck.reflector import Reflector, ReflectorConfig
from telephony.netcheck.relay import Impairment, ImpairmentRelay
from telephony.netcheck.result import NetcheckResult, Thresholds
from tests.realservices import ci_enabled


def in_ci() -> bool:
    return ci_enabled(os.environ.get("CI"))


def require_tool(name: str, package: str) -> str:
    """Path of an external tool; skip locally if missing, but fail in CI (see realservices)."""
    path = shutil.which(name)
    if path is None:
        msg = f"{name} not installed (Debian package: {package})"
        if in_ci():
            pytest.fail(f"{msg}; CI must provide it")
        pytest.skip(msg)
    return path


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class E2E:
    result: NetcheckResult
    snapshot: dict[str, dict[str, float | None]]
    # per direction and client flow: the delays (ms) the relay applied, in release order
    applied: dict[str, list[list[float]]] = field(default_factory=dict)
    # per direction and client flow: the relay's (send time ns, applied delay ms) per data
    # packet as recorded, so a test can rebuild each packet's receive and send time
    released: dict[str, list[list[tuple[int, float]]]] = field(default_factory=dict)


def run_e2e(
    up: Impairment,
    down: Impairment | None = None,
    *,
    packets: int,
    interval_ms: float,
    streams: int = 1,
    seed: int = 7,
    grace_s: float = 0.4,
    thresholds: Thresholds | None = None,
    jitter_buffer_ms: float = 60.0,
    reflector_host_id: int | None = None,
) -> E2E:
    """probe -> relay -> reflector, all on 127.0.0.1 in this process."""
    with Reflector(ReflectorConfig(udp_ports=[0], rate_pps=1e6, burst=1e6)) as refl:
        if reflector_host_id is not None:  # pretend the reflector runs on another host
            refl.core.host_id = reflector_host_id
        relay = ImpairmentRelay(
            ("127.0.0.1", refl.udp_ports[0]), up, down if down is not None else up, seed=seed
        )
        with relay:
            opts = ProbeOptions(
                target="127.0.0.1",
                port=relay.address[1],
                streams=streams,
                packets=packets,
                interval_ms=interval_ms,
                grace_s=grace_s,
                jitter_buffer_ms=jitter_buffer_ms,
                thresholds=thresholds or Thresholds(),
            )
            result = run_probe(opts, seed=seed)
            snap = relay.snapshot()
        released = {  # read once the relay has stopped
            direction: [list(flow.stats[direction].released) for flow in relay.flows.values()]
            for direction in ("upstream", "downstream")
        }
    applied = {
        direction: [[d for _t, d in sorted(flow)] for flow in flows]
        for direction, flows in released.items()
    }
    return E2E(result, snap, applied, released)


def verdict_of(result: NetcheckResult, metric: str) -> str:
    for v in result.verdicts:
        if v.metric == metric:
            return v.status
    raise KeyError(metric)
