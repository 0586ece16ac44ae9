"""Result documents for the network check tests: built from the probe's own dataclasses, so
they always match the schema the probe writes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from provisioning import services
from provisioning.models import Account, Site
from telephony.netcheck import verdict
from telephony.netcheck.ports import NET2_ALL
from telephony.netcheck.result import (
    DirectionResult,
    JitterSummary,
    NatResult,
    NetcheckResult,
    PortCheck,
    ProbeSettings,
    Quality,
    Stat,
    StreamResult,
    Thresholds,
    Timeline,
)

UPLOAD_URL = "/api/v1/network-checks/"


def _stat(mean: float, count: int) -> Stat:
    return Stat(
        count=count,
        min=mean * 0.9,
        mean=mean,
        p50=mean,
        p95=mean * 1.1,
        p99=mean * 1.2,
        max=mean * 1.3,
    )


def result_doc(
    *,
    delay_ms: float = 20.0,
    jitter_ms: float = 2.0,
    lost: int = 0,
    packets: int = 1500,
    blocked: Iterable[tuple[str, int]] = (),
    check_ports: bool = True,
    client_overall: str = "pass",
    seconds: int = 30,
    timeline: bool = False,
    bucket_s: int = 1,
) -> dict[str, Any]:
    """A result of one call of ``seconds`` (30 s); by default every NET-1 and NET-2 check
    passes. Schema 2; with ``timeline`` it carries a consistent per-bucket series, without it
    the document is also what a schema-1 probe sends (apart from the version number)."""
    blocked = set(blocked)
    loss = verdict.loss_estimate(packets, lost)

    def direction(name: str) -> DirectionResult:
        return DirectionResult(
            direction=name,
            packets_sent=packets,
            packets_received=packets - lost,
            loss=loss,
            jitter_ms=JitterSummary(jitter_ms, jitter_ms * 1.5, jitter_ms * 2),
            one_way_delay_ms=_stat(delay_ms, packets - lost),
            reordered=0,
            duplicates=0,
            late=0,
            dscp_sent=46,
            dscp_received=46,
            dscp_preserved=True,
            r_factor=90.0,
            mos=4.3,
        )

    finished = datetime.now(UTC).replace(microsecond=0)
    ports = (
        [
            PortCheck(
                s.protocol,
                s.port,
                s.service,
                "filtered" if (s.protocol, s.port) in blocked else "open",
            )
            for s in NET2_ALL
        ]
        if check_ports
        else []
    )
    result = NetcheckResult(
        tool_version="1.0.0",
        started_at=(finished - timedelta(seconds=seconds)).isoformat(),
        finished_at=finished.isoformat(),
        settings=ProbeSettings("reflector.test", 16384, 1, packets, 20.0, 172, 0xB8, 60.0, 1.0),
        thresholds=Thresholds(),
        rtt_ms=_stat(2 * delay_ms, packets - lost),
        one_way_delay_method="same host clock",
        upstream=direction("upstream"),
        downstream=direction("downstream"),
        quality=Quality("G.711", True, 90.0, 4.3, delay_ms + 80, 0.0, "measured", "upstream"),
        verdicts=[],
        overall=client_overall,
        measurement_class="conclusive",
        ports=ports,
        nat=NatResult(
            "ok",
            "stun.test:3478",
            "10.0.0.2:40000",
            "203.0.113.5:61000",
            True,
            "endpoint-independent",
        ),
        streams=[StreamResult(0x1234, 40000, packets, packets - lost, lost, 0, 0)],
        probe_cpu_ratio=0.02,
        receive_timestamps="kernel",
        timeline=make_timeline(
            packets, lost, -(-seconds // bucket_s), delay_ms, jitter_ms, bucket_s
        )
        if timeline
        else None,
    )
    return result.to_dict()


def _spread(total: int, n: int) -> list[int]:
    return [total // n + (1 if i < total % n else 0) for i in range(n)]


def make_timeline(
    packets: int, lost: int, n: int, delay_ms: float, jitter_ms: float, bucket_s: int = 1
) -> Timeline:
    """``n`` buckets whose counts add up to ``packets`` sent and ``lost`` per direction; the
    delay cycles through ``delay_ms`` + 0..4 ms."""
    return Timeline(
        bucket_s=bucket_s,
        sent=_spread(packets, n),
        lost_up=_spread(lost, n),
        lost_down=_spread(lost, n),
        rtt_ms=[2 * delay_ms + 2 * (i % 5) for i in range(n)],
        delay_up_ms=[delay_ms + (i % 5) for i in range(n)],
        delay_down_ms=[delay_ms + (i % 5) for i in range(n)],
        jitter_up_ms=[jitter_ms for _ in range(n)],
        jitter_down_ms=[jitter_ms for _ in range(n)],
    )


def new_token(site: Site, actor: Account) -> str:
    _, raw = services.site_check_token_create(site=site, acting_user=actor)
    return raw


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
