from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from telephony.netcheck.result import SCHEMA_VERSION, NetcheckResult, SchemaError

ROOT = Path(__file__).resolve().parents[3]


def _run_cli(args: list[str], tmp_path: Path) -> dict[str, object]:
    out = tmp_path / "result.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "telephony.netcheck", *args, "--json", str(out), "--quiet"],
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode in (0, 10, 11), proc.stderr.decode()
    data: dict[str, object] = json.loads(out.read_text())
    return data


@pytest.fixture
def reflector_and_relay(tmp_path: Path) -> object:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs: list[subprocess.Popen[str]] = []

    def start(args: list[str]) -> dict[str, object]:
        p = subprocess.Popen(
            [sys.executable, "-m", "telephony.netcheck", *args, "--max-seconds", "60"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        procs.append(p)
        assert p.stdout is not None
        info: dict[str, object] = json.loads(p.stdout.readline())
        return info

    refl = start(["reflector", "--bind", "127.0.0.1", "--udp-ports", "0"])
    udp_ports = refl["udp_ports"]
    assert isinstance(udp_ports, list)
    stats = tmp_path / "relay.json"
    relay = start(
        [
            "relay", "--target", f"127.0.0.1:{udp_ports[0]}", "--up-delay-ms", "20",
            "--down-delay-ms", "10", "--up-loss", "0.05", "--stats-json", str(stats),
        ]
    )  # fmt: skip
    yield str(relay["listen"]), stats, procs
    for p in procs:
        p.terminate()
        p.wait(timeout=10)


def test_cli_probe_through_relay_subprocesses(
    reflector_and_relay: tuple[str, Path, list[subprocess.Popen[str]]], tmp_path: Path
) -> None:
    listen, stats, procs = reflector_and_relay
    host, port = listen.rsplit(":", 1)
    data = _run_cli(
        ["probe", "--target", host, "--port", port, "--packets", "200", "--interval-ms", "5",
         "--grace", "0.3", "--streams", "2"],
        tmp_path,
    )  # fmt: skip
    result = NetcheckResult.from_dict(data)
    assert result.schema == SCHEMA_VERSION == 2
    assert result.upstream.packets_sent == 400
    assert result.timeline is not None and sum(result.timeline.sent) == 400
    assert sum(result.timeline.lost_up) == result.upstream.loss.lost
    procs[1].terminate()
    procs[1].wait(timeout=10)
    relay_stats = json.loads(stats.read_text())
    assert result.upstream.loss.lost == relay_stats["upstream"]["dropped"]
    # Compared with the delay the relay actually applied (its own scheduling adds to the
    # nominal 20/10 ms, more so on a busy machine).
    assert result.upstream.one_way_delay_ms is not None
    applied_up = relay_stats["upstream"]["mean_delay_ms"]
    assert applied_up >= 20
    assert result.upstream.one_way_delay_ms.mean == pytest.approx(applied_up, abs=1.5)
    assert result.downstream.one_way_delay_ms is not None
    applied_down = relay_stats["downstream"]["mean_delay_ms"]
    assert applied_down >= 10
    assert result.downstream.one_way_delay_ms.mean == pytest.approx(applied_down, abs=1.5)


def test_schema_version_and_unknown_fields_rejected() -> None:
    with pytest.raises(SchemaError):
        NetcheckResult.from_dict({"schema": 3})
    with pytest.raises(SchemaError):
        NetcheckResult.from_dict({"schema": True})
    with pytest.raises(SchemaError):
        NetcheckResult.from_json("[]")


def test_from_dict_validates_types(tmp_path: Path) -> None:
    from telephony.netcheck.relay import Impairment

    from .helpers import run_e2e

    data = run_e2e(Impairment(), packets=30, interval_ms=5).result.to_dict()
    assert NetcheckResult.from_dict(json.loads(json.dumps(data))).to_dict() == data
    bad = json.loads(json.dumps(data))
    bad["upstream"]["loss"]["lost"] = "3"
    with pytest.raises(SchemaError, match="lost"):
        NetcheckResult.from_dict(bad)
    extra = json.loads(json.dumps(data))
    extra["surprise"] = 1
    with pytest.raises(SchemaError, match="surprise"):
        NetcheckResult.from_dict(extra)
