"""Result data model of a network readiness check (versioned, JSON round-trippable)."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

SCHEMA_VERSION = 2
SUPPORTED_SCHEMAS = (1, 2)  # schema 1 = schema 2 without ``timeline``
MAX_TIMELINE_ENTRIES = 3600  # one hour per second; longer runs use coarser buckets

T = TypeVar("T")


@dataclass
class Thresholds:
    """NET-1 limits; callers may override any of them."""

    one_way_delay_ms: float = 150.0
    jitter_ms: float = 20.0
    loss_percent: float = 1.0


@dataclass
class Stat:
    """Summary of a distribution (milliseconds unless stated otherwise)."""

    count: int
    min: float
    mean: float
    p50: float
    p95: float
    p99: float
    max: float


@dataclass
class JitterSummary:
    """RFC 3550 running interarrival jitter J, summarised (ms)."""

    mean: float
    p95: float
    max: float


@dataclass
class LossEstimate:
    sent: int
    lost: int
    percent: float
    ci95_low_percent: float
    ci95_high_percent: float
    method: str = "wilson-95-two-sided"


@dataclass
class DirectionResult:
    direction: str  # "upstream" (site -> platform) or "downstream" (platform -> site)
    packets_sent: int
    packets_received: int
    loss: LossEstimate
    jitter_ms: JitterSummary | None
    one_way_delay_ms: Stat | None
    reordered: int
    duplicates: int
    late: int
    dscp_sent: int
    dscp_received: int | None
    dscp_preserved: bool | None
    r_factor: float | None = None
    mos: float | None = None


@dataclass
class Quality:
    codec: str
    plc: bool
    r_factor: float
    mos: float
    ta_ms: float
    ppl_percent: float
    delay_basis: str
    worst_direction: str


@dataclass
class Verdict:
    metric: str
    status: str  # pass | fail | inconclusive
    measured: float | None
    threshold: float
    unit: str
    detail: str
    packets_needed: int | None = None


@dataclass
class PortCheck:
    protocol: str
    port: int
    service: str
    status: str  # open | refused | filtered | closed | no-reply | error
    detail: str = ""
    rtt_ms: float | None = None


@dataclass
class NatResult:
    status: str  # ok | no-response | error
    server: str
    local_address: str | None = None
    mapped_address: str | None = None
    nat_detected: bool | None = None
    mapping: str = "unknown"  # endpoint-independent | destination-port-dependent | unknown
    detail: str = ""


@dataclass
class StreamResult:
    ssrc: int
    local_port: int
    sent: int
    replies: int
    upstream_lost: int
    downstream_lost: int
    rate_limited: int


@dataclass
class ProbeSettings:
    target: str
    port: int
    streams: int
    packets_per_stream: int
    interval_ms: float
    payload_bytes: int
    tos: int
    jitter_buffer_ms: float
    grace_s: float


@dataclass
class Timeline:
    """Per-bucket series of the run, column-wise (every list has one entry per bucket).

    Entry ``i`` covers the packets *sent* from ``i * bucket_s`` up to ``(i + 1) * bucket_s``
    seconds after the first send. ``bucket_s`` is 1 unless the run was longer than
    ``MAX_TIMELINE_ENTRIES`` seconds. Losses are attributed to the bucket of the lost packet's
    send time; their sums equal ``upstream.loss.lost`` and ``downstream.loss.lost``. Means are
    over the packets of the bucket that were answered (null when none was); jitter is the RFC
    3550 running J after the last packet of the bucket (averaged over the streams). One-way
    delay lists are null when one-way delay is not measurable.
    """

    bucket_s: int
    sent: list[int]
    lost_up: list[int]
    lost_down: list[int]
    rtt_ms: list[float | None]
    delay_up_ms: list[float | None] | None
    delay_down_ms: list[float | None] | None
    jitter_up_ms: list[float | None]
    jitter_down_ms: list[float | None]

    SERIES: ClassVar[tuple[str, ...]] = (
        "sent",
        "lost_up",
        "lost_down",
        "rtt_ms",
        "delay_up_ms",
        "delay_down_ms",
        "jitter_up_ms",
        "jitter_down_ms",
    )

    def __len__(self) -> int:
        return len(self.sent)

    def problems(self) -> list[tuple[str, str]]:
        """Structural problems as (field, message): sizes, bucket length, negative counts."""
        out: list[tuple[str, str]] = []
        if self.bucket_s < 1:
            out.append(("bucket_s", "must be at least 1"))
        n = len(self.sent)
        if n > MAX_TIMELINE_ENTRIES:
            out.append(("sent", f"at most {MAX_TIMELINE_ENTRIES} entries"))
        for name in self.SERIES[1:]:
            values = getattr(self, name)
            if values is not None and len(values) != n:
                out.append((name, f"must have as many entries as sent ({n})"))
        for name in ("sent", "lost_up", "lost_down"):
            if any(v < 0 for v in getattr(self, name)):
                out.append((name, "counts must not be negative"))
        return out


@dataclass
class NetcheckResult:
    tool_version: str
    started_at: str
    finished_at: str
    settings: ProbeSettings
    thresholds: Thresholds
    rtt_ms: Stat | None
    one_way_delay_method: str
    upstream: DirectionResult
    downstream: DirectionResult
    quality: Quality | None
    verdicts: list[Verdict]
    overall: str
    measurement_class: str  # screening | conclusive
    notes: list[str] = field(default_factory=list)
    ports: list[PortCheck] = field(default_factory=list)
    nat: NatResult | None = None
    streams: list[StreamResult] = field(default_factory=list)
    probe_cpu_ratio: float | None = None
    receive_timestamps: str = "unknown"  # kernel | user
    timeline: Timeline | None = None  # schema 2; absent (None) in schema 1
    schema: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        if self.schema == 1:  # a schema 1 document read back stays schema 1
            data.pop("timeline", None)
        return data

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, sort_keys=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NetcheckResult:
        schema = data.get("schema")
        if isinstance(schema, bool) or schema not in SUPPORTED_SCHEMAS:
            raise SchemaError(
                f"unsupported schema version {schema!r}, expected one of "
                f"{', '.join(map(str, SUPPORTED_SCHEMAS))}"
            )
        if schema == 1 and data.get("timeline") is not None:
            raise SchemaError("$.timeline: not part of schema 1 (a timeline needs schema 2)")
        result = from_dict(cls, data)
        if result.timeline is not None:
            problems = result.timeline.problems()
            if problems:
                raise SchemaError(
                    "; ".join(f"$.timeline.{name}: {message}" for name, message in problems)
                )
        return result

    @classmethod
    def from_json(cls, text: str) -> NetcheckResult:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise SchemaError("result must be a JSON object")
        return cls.from_dict(data)


class SchemaError(ValueError):
    """The JSON document does not match the result schema."""


def _convert(tp: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None:
            if type(None) in args:
                return None
            raise SchemaError(f"{path}: null not allowed")
        errors: list[str] = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _convert(arg, value, path)
            except SchemaError as exc:
                errors.append(str(exc))
        raise SchemaError("; ".join(errors))
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        if not isinstance(value, list):
            raise SchemaError(f"{path}: expected list")
        return [_convert(item_tp, v, f"{path}[{i}]") for i, v in enumerate(value)]
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, dict):
            raise SchemaError(f"{path}: expected object")
        return from_dict(tp, value, path)
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SchemaError(f"{path}: expected number")
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SchemaError(f"{path}: expected integer")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise SchemaError(f"{path}: expected boolean")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise SchemaError(f"{path}: expected string")
        return value
    if tp is Any:
        return value
    raise SchemaError(f"{path}: unsupported type {tp!r}")


def from_dict(cls: type[T], data: dict[str, Any], path: str = "$") -> T:
    """Build dataclass ``cls`` from a plain dict, validating types; unknown keys are rejected."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls!r} is not a dataclass")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise SchemaError(f"{path}: unknown field(s) {sorted(unknown)}")
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise SchemaError(f"{path}.{f.name}: missing")
            continue
        kwargs[f.name] = _convert(hints[f.name], data[f.name], f"{path}.{f.name}")
    return cls(**kwargs)
