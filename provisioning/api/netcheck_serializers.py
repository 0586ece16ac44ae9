"""Input validation and output shapes of network checks (NET-1, NET-2).

An upload is the probe's JSON result (``telephony.netcheck.result``, schema 2 with the per-second
``timeline``, or schema 1 without it, from older probes). It is checked for
size, JSON syntax, schema version, structure and types (``NetcheckResult.from_dict``), then for
plausible values; every problem is reported under the dotted path of its field
(``upstream.loss.percent``), and nothing is stored unless all checks pass.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Mapping
from datetime import timedelta
from typing import IO, Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers
from rest_framework.parsers import BaseParser

from provisioning.models import NetworkCheck, Site, SiteCheckToken
from provisioning.services.netchecks import parse_timestamp
from telephony.netcheck.result import (
    SUPPORTED_SCHEMAS,
    DirectionResult,
    NetcheckResult,
    SchemaError,
    Stat,
    Timeline,
)

from .fields import VisibleRelatedField

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_MS = 60_000.0  # one minute: beyond any delay a network check can measure
MAX_DURATION = timedelta(hours=24)
MAX_FUTURE = timedelta(hours=1)
STATUSES = {"pass", "fail", "inconclusive"}
PORT_STATUSES = {"open", "refused", "filtered", "closed", "no-reply", "error"}


def _body_error(message: str) -> serializers.ValidationError:
    return serializers.ValidationError({"body": [message]})


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


class NetcheckResultParser(BaseParser):
    """JSON of at most 1 MB; larger bodies are refused before they are read in full."""

    media_type = "application/json"

    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        request = (parser_context or {}).get("request")
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        too_large = f"The result is larger than {MAX_UPLOAD_BYTES} bytes (1 MB)."
        try:
            if length and int(length) > MAX_UPLOAD_BYTES:
                raise _body_error(too_large)
        except ValueError:
            raise _body_error("Invalid Content-Length.") from None
        raw = stream.read(MAX_UPLOAD_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_UPLOAD_BYTES:
            raise _body_error(too_large)
        try:
            return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError) as exc:
            raise _body_error(f"Not valid JSON: {exc}") from None


_SCHEMA_PATH = re.compile(r"^\$(?P<path>[^:]*): (?P<message>.*)$")
_UNKNOWN = re.compile(r"^unknown field\(s\) \[(?P<names>.*)\]$")


def schema_error_fields(exc: SchemaError) -> dict[str, list[str]]:
    """``SchemaError("$.upstream.loss.percent: expected number")`` as
    ``{"upstream.loss.percent": ["expected number"]}``."""
    fields: dict[str, list[str]] = {}
    for part in str(exc).split("; "):
        match = _SCHEMA_PATH.match(part)
        if not match:
            fields.setdefault("non_field_errors", []).append(part)
            continue
        path = match["path"].lstrip(".")
        message = match["message"]
        unknown = _UNKNOWN.match(message)
        if unknown:
            for name in re.findall(r"'([^']*)'", unknown["names"]):
                fields.setdefault(f"{path}.{name}" if path else name, []).append("unknown field")
            continue
        if message == "missing":
            message = "This field is required."
        fields.setdefault(path or "non_field_errors", []).append(message)
    return fields


class _Plausibility:
    """Collects every implausible value of a structurally valid result, by field path."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def number(self, path: str, value: float | None, low: float, high: float) -> None:
        if value is None:
            return
        if not math.isfinite(value) or not low <= value <= high:
            self.add(path, f"must be between {low:g} and {high:g}")

    def text(self, path: str, value: str, limit: int) -> None:
        if len(value) > limit:
            self.add(path, f"at most {limit} characters")

    def choice(self, path: str, value: str, allowed: set[str]) -> None:
        if value not in allowed:
            self.add(path, f"must be one of {', '.join(sorted(allowed))}")

    def stat(self, path: str, stat: Stat | None, low: float) -> None:
        if stat is None:
            return
        for name in ("min", "mean", "p50", "p95", "p99", "max"):
            self.number(f"{path}.{name}", getattr(stat, name), low, MAX_MS)
        self.number(f"{path}.count", stat.count, 0, 10**8)
        tolerance = 1e-6 * max(1.0, abs(stat.max))
        ordered = [stat.min, stat.p50, stat.p95, stat.p99, stat.max]
        if any(a > b + tolerance for a, b in itertools.pairwise(ordered)) or not (
            stat.min - tolerance <= stat.mean <= stat.max + tolerance
        ):
            self.add(path, "min ≤ p50 ≤ p95 ≤ p99 ≤ max and min ≤ mean ≤ max must hold")

    def series(self, path: str, values: list[Any] | None, low: float, high: float) -> None:
        """Every entry (null allowed) within ``low``..``high``; names the first one that is not."""
        if values is None:
            return
        bad = [
            i
            for i, v in enumerate(values)
            if v is not None
            and ((isinstance(v, float) and not math.isfinite(v)) or not low <= v <= high)
        ]
        if bad:
            more = f" ({len(bad)} entries)" if len(bad) > 1 else ""
            self.add(f"{path}[{bad[0]}]", f"must be between {low:g} and {high:g}{more}")

    def timeline(self, t: Timeline, r: NetcheckResult, span: timedelta | None) -> None:
        """Bounds of the per-second series and agreement with the run's totals."""
        if not 1 <= t.bucket_s <= MAX_DURATION.total_seconds():
            self.add("timeline.bucket_s", f"must be between 1 and {MAX_DURATION.total_seconds():g}")
        if len(t) == 0:
            self.add("timeline.sent", "at least one entry")
            return
        covered = (len(t) - 1) * t.bucket_s
        if span is not None and covered > span.total_seconds() + 2:
            self.add(
                "timeline.sent",
                f"{len(t)} entries of {t.bucket_s} s do not fit between started_at and finished_at",
            )
        for name in ("sent", "lost_up", "lost_down"):
            self.series(f"timeline.{name}", getattr(t, name), 0, 10**8)
        self.series("timeline.rtt_ms", t.rtt_ms, 0, MAX_MS)
        self.series("timeline.delay_up_ms", t.delay_up_ms, -MAX_MS, MAX_MS)
        self.series("timeline.delay_down_ms", t.delay_down_ms, -MAX_MS, MAX_MS)
        self.series("timeline.jitter_up_ms", t.jitter_up_ms, 0, MAX_MS)
        self.series("timeline.jitter_down_ms", t.jitter_down_ms, 0, MAX_MS)
        for name, total, label in (
            ("sent", r.upstream.packets_sent, "upstream.packets_sent"),
            ("lost_up", r.upstream.loss.lost, "upstream.loss.lost"),
            ("lost_down", r.downstream.loss.lost, "downstream.loss.lost"),
        ):
            if sum(getattr(t, name)) != total:
                self.add(f"timeline.{name}", f"must add up to {label} ({total})")

    def direction(self, path: str, d: DirectionResult, expected: str) -> None:
        if d.direction != expected:
            self.add(f"{path}.direction", f"must be {expected!r}")
        for name in ("packets_sent", "packets_received", "reordered", "duplicates", "late"):
            self.number(f"{path}.{name}", getattr(d, name), 0, 10**9)
        loss = d.loss
        self.number(f"{path}.loss.sent", loss.sent, 0, 10**9)
        if not 0 <= loss.lost <= max(0, loss.sent):
            self.add(f"{path}.loss.lost", "must be between 0 and loss.sent")
        for name in ("percent", "ci95_low_percent", "ci95_high_percent"):
            self.number(f"{path}.loss.{name}", getattr(loss, name), 0, 100)
        self.text(f"{path}.loss.method", loss.method, 100)
        if d.jitter_ms is not None:
            for name in ("mean", "p95", "max"):
                self.number(f"{path}.jitter_ms.{name}", getattr(d.jitter_ms, name), 0, MAX_MS)
        self.stat(f"{path}.one_way_delay_ms", d.one_way_delay_ms, -MAX_MS)
        self.number(f"{path}.dscp_sent", d.dscp_sent, 0, 63)
        self.number(f"{path}.dscp_received", d.dscp_received, 0, 63)
        self.number(f"{path}.r_factor", d.r_factor, -100, 150)
        self.number(f"{path}.mos", d.mos, 1, 5)

    def check(self, r: NetcheckResult) -> dict[str, list[str]]:
        self.text("tool_version", r.tool_version, 32)
        now = timezone.now()
        times = {}
        for name in ("started_at", "finished_at"):
            try:
                times[name] = parse_timestamp(getattr(r, name))
            except ValueError:
                self.add(name, "not an ISO 8601 timestamp")
                continue
            if times[name] > now + MAX_FUTURE:
                self.add(name, "lies in the future")
        span: timedelta | None = None
        if len(times) == 2:
            span = times["finished_at"] - times["started_at"]
            if span < timedelta(0):
                self.add("finished_at", "must not be before started_at")
            elif span > MAX_DURATION:
                self.add("finished_at", "a check lasts at most 24 hours")
        s = r.settings
        self.text("settings.target", s.target, 255)
        self.number("settings.port", s.port, 1, 65535)
        self.number("settings.streams", s.streams, 1, 1000)
        self.number("settings.packets_per_stream", s.packets_per_stream, 1, 10**8)
        self.number("settings.interval_ms", s.interval_ms, 0.01, 10_000)
        self.number("settings.payload_bytes", s.payload_bytes, 1, 65_507)
        self.number("settings.tos", s.tos, 0, 255)
        self.number("settings.jitter_buffer_ms", s.jitter_buffer_ms, 0, MAX_MS)
        self.number("settings.grace_s", s.grace_s, 0, 3600)
        for name in ("one_way_delay_ms", "jitter_ms", "loss_percent"):
            self.number(f"thresholds.{name}", getattr(r.thresholds, name), 0, MAX_MS)
        self.stat("rtt_ms", r.rtt_ms, 0)
        self.text("one_way_delay_method", r.one_way_delay_method, 200)
        self.direction("upstream", r.upstream, "upstream")
        self.direction("downstream", r.downstream, "downstream")
        if r.quality is not None:
            q = r.quality
            self.number("quality.r_factor", q.r_factor, -100, 150)
            self.number("quality.mos", q.mos, 1, 5)
            self.number("quality.ta_ms", q.ta_ms, -MAX_MS, 10 * MAX_MS)
            self.number("quality.ppl_percent", q.ppl_percent, 0, 100)
            for name in ("codec", "delay_basis", "worst_direction"):
                self.text(f"quality.{name}", getattr(q, name), 200)
        if len(r.verdicts) > 20:
            self.add("verdicts", "at most 20 entries")
        for i, v in enumerate(r.verdicts[:20]):
            self.choice(f"verdicts[{i}].status", v.status, STATUSES)
            self.text(f"verdicts[{i}].metric", v.metric, 50)
            self.text(f"verdicts[{i}].detail", v.detail, 2000)
            self.text(f"verdicts[{i}].unit", v.unit, 20)
        self.choice("overall", r.overall, STATUSES)
        self.choice("measurement_class", r.measurement_class, {"screening", "conclusive"})
        if len(r.notes) > 100:
            self.add("notes", "at most 100 entries")
        for i, note in enumerate(r.notes[:100]):
            self.text(f"notes[{i}]", note, 1000)
        if len(r.ports) > 2200:
            self.add("ports", "at most 2200 entries")
        for i, p in enumerate(r.ports[:2200]):
            self.choice(f"ports[{i}].protocol", p.protocol, {"tcp", "udp"})
            self.number(f"ports[{i}].port", p.port, 0, 65535)
            self.choice(f"ports[{i}].status", p.status, PORT_STATUSES)
            self.text(f"ports[{i}].service", p.service, 200)
            self.text(f"ports[{i}].detail", p.detail, 500)
            self.number(f"ports[{i}].rtt_ms", p.rtt_ms, 0, MAX_MS)
        if r.nat is not None:
            self.choice("nat.status", r.nat.status, {"ok", "no-response", "error"})
            self.choice(
                "nat.mapping",
                r.nat.mapping,
                {"endpoint-independent", "destination-port-dependent", "unknown"},
            )
            for name in ("server", "local_address", "mapped_address"):
                self.text(f"nat.{name}", getattr(r.nat, name) or "", 300)
            self.text("nat.detail", r.nat.detail, 1000)
        if len(r.streams) > 1000:
            self.add("streams", "at most 1000 entries")
        for i, st in enumerate(r.streams[:1000]):
            self.number(f"streams[{i}].ssrc", st.ssrc, 0, 2**32 - 1)
            self.number(f"streams[{i}].local_port", st.local_port, 0, 65535)
            for name in ("sent", "replies", "upstream_lost", "downstream_lost", "rate_limited"):
                self.number(f"streams[{i}].{name}", getattr(st, name), 0, 10**9)
        self.number("probe_cpu_ratio", r.probe_cpu_ratio, 0, 1000)
        self.choice("receive_timestamps", r.receive_timestamps, {"kernel", "user", "unknown"})
        if r.timeline is not None:
            self.timeline(r.timeline, r, span)
        return self.errors


class NetworkCheckUploadSerializer(serializers.Serializer):
    """The whole request body is the probe's result document."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise _body_error("The result must be a JSON object.")
        if "schema" not in data:
            raise serializers.ValidationError({"schema": ["This field is required."]})
        schema = data["schema"]
        if isinstance(schema, bool) or schema not in SUPPORTED_SCHEMAS:
            raise serializers.ValidationError(
                {
                    "schema": [
                        f"Unsupported schema version {schema!r}; this platform accepts "
                        f"{' and '.join(map(str, SUPPORTED_SCHEMAS))}."
                    ]
                }
            )
        try:
            result = NetcheckResult.from_dict(data)
        except SchemaError as exc:
            raise serializers.ValidationError(schema_error_fields(exc)) from None
        except (TypeError, ValueError) as exc:  # e.g. an integer too large for the type
            raise _body_error(f"Invalid result: {exc}") from None
        errors = _Plausibility().check(result)
        if errors:
            raise serializers.ValidationError(errors)
        return {"result": result}

    def to_representation(self, instance: Any) -> Any:
        return NetworkCheckSerializer(instance, context=self.context).data


def share_url(check: NetworkCheck) -> str:
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    return base + reverse("portal:netcheck_shared", args=[check.share_token])


class NetworkCheckSerializer(serializers.ModelSerializer):
    site_name = serializers.CharField(source="site.name", read_only=True)
    share_url = serializers.SerializerMethodField()

    class Meta:
        model = NetworkCheck
        fields = [
            "id",
            "customer",
            "site",
            "site_name",
            "received_at",
            "started_at",
            "finished_at",
            "overall",
            "measurement_class",
            "client_overall",
            "verdicts",
            "thresholds",
            "rtt_mean_ms",
            "delay_ms",
            "jitter_ms",
            "loss_percent",
            "mos",
            "schema_version",
            "tool_version",
            "share_url",
        ]
        read_only_fields = fields

    def get_share_url(self, check: NetworkCheck) -> str:
        return share_url(check)


class NetworkCheckDetailSerializer(NetworkCheckSerializer):
    class Meta(NetworkCheckSerializer.Meta):
        fields = [*NetworkCheckSerializer.Meta.fields, "result"]
        read_only_fields = fields


class SiteCheckTokenSerializer(serializers.ModelSerializer):
    site = VisibleRelatedField(Site)
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = SiteCheckToken
        fields = ["id", "site", "prefix", "is_active", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = ["id", "prefix", "created_at", "last_used_at", "revoked_at"]
        validators: list[Any] = []


class SiteCheckTokenCreatedSerializer(SiteCheckTokenSerializer):
    token = serializers.CharField(
        read_only=True,
        help_text="The token itself; shown only this once. The probe sends it as "
        "'Authorization: Bearer <token>'.",
    )

    class Meta(SiteCheckTokenSerializer.Meta):
        fields = [*SiteCheckTokenSerializer.Meta.fields, "token"]
