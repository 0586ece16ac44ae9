"""Network readiness checks of a site (NET-1, NET-2): the site check token, recording an uploaded
probe result with the platform's own verdict, and a site's readiness.

The verdict of the probe is never trusted: every result is evaluated again with
``telephony.netcheck.verdict`` against the platform's thresholds (settings
``NETCHECK_MAX_DELAY_MS``, ``NETCHECK_MAX_JITTER_MS``, ``NETCHECK_MAX_LOSS_PERCENT``; NET-1
defaults 150 ms, 20 ms, 1 %), plus a verdict on the NET-2 port matrix.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from telephony.netcheck import texts as netcheck_texts
from telephony.netcheck import verdict as netcheck_verdict
from telephony.netcheck.ports import NET2_ALL
from telephony.netcheck.result import NetcheckResult, PortCheck, Thresholds, Verdict
from telephony.text import join

from .. import audit
from ..models import (
    AuditAction,
    CheckStatus,
    MeasurementClass,
    NetworkCheck,
    Site,
    SiteCheckToken,
)
from ..permissions import can_manage_check_tokens, ensure
from ._common import audited_create, audited_update

if TYPE_CHECKING:
    from ..models import Account

CHECK_TOKEN_PREFIX = "snc_"
SHARE_TOKEN_BYTES = 32

# Rules ----------------------------------------------------------------------------------------


def platform_thresholds() -> Thresholds:
    """The platform's NET-1 limits (settings override the defaults)."""
    return Thresholds(
        one_way_delay_ms=float(getattr(settings, "NETCHECK_MAX_DELAY_MS", 150)),
        jitter_ms=float(getattr(settings, "NETCHECK_MAX_JITTER_MS", 20)),
        loss_percent=float(getattr(settings, "NETCHECK_MAX_LOSS_PERCENT", 1)),
    )


@dataclass(frozen=True)
class FirewallRule:
    """One row of NET-2: what the customer's firewall must let out towards the platform."""

    name: str
    protocols: tuple[str, ...]
    first: int
    last: int
    function: str | Promise
    required: bool = True

    @property
    def ports_text(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"

    @property
    def protocols_text(self) -> str:
        return "+".join(p.upper() for p in self.protocols)

    def covers(self, protocol: str, port: int) -> bool:
        return protocol in self.protocols and self.first <= port <= self.last


NET2_RULES: tuple[FirewallRule, ...] = (
    FirewallRule("HTTPS", ("tcp",), 443, 443, _("UC-Client")),
    FirewallRule("HTTPS", ("tcp",), 8443, 8443, _("Reporting")),
    FirewallRule("HTTPS", ("tcp",), 4443, 4443, _("Update und Backup")),
    FirewallRule("H.323/TLS", ("tcp",), 1300, 1300, _("Geräteanmeldung und Signalisierung")),
    FirewallRule("LDAPS", ("tcp",), 636, 636, _("externes Telefonbuch")),
    FirewallRule("LDAPS", ("tcp",), 8636, 8636, _("internes Telefonbuch")),
    FirewallRule(
        "SIP/SIPS",
        ("tcp", "udp"),
        5060,
        5061,
        _("Signalisierung (nur SIP-Trunk am Standort; der Anbieter entscheidet)"),
        required=False,
    ),
    FirewallRule("STUN/TURN", ("tcp", "udp"), 3478, 3478, _("Medienaushandlung")),
    FirewallRule("RTP", ("udp",), 16384, 32767, pgettext_lazy("media", "Sprache")),
    FirewallRule("Video", ("udp",), 50000, 50100, _("Videotelefonie")),
    FirewallRule("App-Sharing", ("udp",), 60000, 60100, _("Desktop-Freigabe")),
)

PORT_OPEN = "open"


def net2_rule(protocol: str, port: int) -> FirewallRule | None:
    return next((r for r in NET2_RULES if r.covers(protocol, port)), None)


def required_port_samples() -> list[tuple[str, int]]:
    """The (protocol, port) pairs the probe's NET-2 matrix checks that every site needs."""
    out = []
    for spec in NET2_ALL:
        rule = net2_rule(spec.protocol, spec.port)
        if rule is not None and rule.required:
            out.append((spec.protocol, spec.port))
    return out


def ports_verdict(ports: list[PortCheck]) -> Verdict:
    """NET-2: fail when a required port is blocked, pass when every required sample is open,
    otherwise (not checked, or checked only partly) inconclusive."""
    if not ports:
        return Verdict(
            "ports",
            netcheck_verdict.INCONCLUSIVE,
            None,
            0,
            "ports",
            netcheck_texts.t("net_ports_unchecked"),
        )
    by_key = {(p.protocol, p.port): p for p in ports}
    required = required_port_samples()
    blocked = [
        netcheck_texts.t(
            "net_port_status",
            protocol=p.protocol.upper(),
            port=p.port,
            status=netcheck_texts.port_status(p.status),
        )
        for key in required
        if (p := by_key.get(key)) is not None and p.status != PORT_OPEN
    ]
    missing = [
        netcheck_texts.t("net_port", protocol=proto.upper(), port=port)
        for proto, port in required
        if (proto, port) not in by_key
    ]
    if blocked:
        return Verdict(
            "ports",
            netcheck_verdict.FAIL,
            float(len(blocked)),
            0,
            "ports",
            netcheck_texts.t("net_ports_blocked", ports=join(blocked, ", ")),
        )
    if missing:
        return Verdict(
            "ports",
            netcheck_verdict.INCONCLUSIVE,
            0.0,
            0,
            "ports",
            netcheck_texts.t("net_ports_missing", ports=join(missing, ", ")),
        )
    return Verdict(
        "ports", netcheck_verdict.PASS, 0.0, 0, "ports", netcheck_texts.t("net_ports_open")
    )


@dataclass(frozen=True)
class Evaluation:
    verdicts: list[Verdict]
    overall: str
    measurement_class: str


def evaluate(result: NetcheckResult, thresholds: Thresholds) -> Evaluation:
    """The platform's verdict on a probe result: NET-1 delay, jitter and loss recomputed from the
    measured figures with ``thresholds``, and NET-2 from the port matrix."""
    up, down = result.upstream, result.downstream
    packets_per_second = 1000.0 / result.settings.interval_ms * max(1, result.settings.streams)
    verdicts = [
        netcheck_verdict.delay_verdict(
            up.one_way_delay_ms, down.one_way_delay_ms, result.rtt_ms, thresholds
        ),
        netcheck_verdict.jitter_verdict(
            up.jitter_ms,
            down.jitter_ms,
            min(up.packets_received, down.packets_received),
            thresholds,
        ),
        netcheck_verdict.loss_verdict(
            {
                "upstream": netcheck_verdict.loss_estimate(up.loss.sent, up.loss.lost),
                "downstream": netcheck_verdict.loss_estimate(down.loss.sent, down.loss.lost),
            },
            thresholds,
            packets_per_second,
        ),
        ports_verdict(result.ports),
    ]
    overall = netcheck_verdict.overall(verdicts)
    measurement_class = (
        MeasurementClass.SCREENING
        if overall == netcheck_verdict.INCONCLUSIVE
        else MeasurementClass.CONCLUSIVE
    )
    return Evaluation(verdicts, overall, str(measurement_class))


def parse_timestamp(text: str) -> datetime:
    """An ISO 8601 timestamp of the result as an aware datetime (UTC when no offset is given)."""
    value = datetime.fromisoformat(text)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


# Site check tokens ----------------------------------------------------------------------------


def hash_check_token(raw: str) -> str:
    """Tokens carry 256 bits of randomness, so one SHA-256 round is a sufficient hash."""
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def site_check_token_create(*, site: Site, acting_user: Account) -> tuple[SiteCheckToken, str]:
    """A new upload token for ``site``; an active one is revoked (one per site). Returns the
    token row and the raw token, which exists only in this return value."""
    site = Site.objects.select_for_update().select_related("customer__reseller").get(pk=site.pk)
    ensure(can_manage_check_tokens(acting_user, site))
    now = timezone.now()
    for old in SiteCheckToken.objects.filter(site=site, revoked_at__isnull=True):
        audited_update(old, {"revoked_at": now}, actor=acting_user)
    raw = CHECK_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = SiteCheckToken(site=site, prefix=raw[:12], token_hash=hash_check_token(raw))
    audited_create(token, actor=acting_user)
    return token, raw


@transaction.atomic
def site_check_token_revoke(*, token: SiteCheckToken, acting_user: Account) -> SiteCheckToken:
    ensure(can_manage_check_tokens(acting_user, token.site))
    if token.revoked_at is None:
        audited_update(token, {"revoked_at": timezone.now()}, actor=acting_user)
    return token


def site_check_token_authenticate(raw: str) -> SiteCheckToken | None:
    """The active token ``raw`` stands for, or None (unknown and revoked look the same)."""
    if not raw.startswith(CHECK_TOKEN_PREFIX) or len(raw) > 128:
        return None
    token = (
        SiteCheckToken.objects.select_related("site__customer__reseller")
        .filter(token_hash=hash_check_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        SiteCheckToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# Results --------------------------------------------------------------------------------------


def _worst(*values: float | None) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


@transaction.atomic
def network_check_record(
    *, token: SiteCheckToken, result: NetcheckResult, source_ip: str | None = None
) -> NetworkCheck:
    """Store a validated probe result for the token's site with the platform's verdict."""
    site = token.site
    thresholds = platform_thresholds()
    evaluation = evaluate(result, thresholds)
    up, down = result.upstream, result.downstream
    check = NetworkCheck(
        customer=site.customer,
        site=site,
        token=token,
        share_token=secrets.token_urlsafe(SHARE_TOKEN_BYTES),
        started_at=parse_timestamp(result.started_at),
        finished_at=parse_timestamp(result.finished_at),
        schema_version=result.schema,
        tool_version=result.tool_version,
        source_ip=source_ip,
        result=result.to_dict(),
        overall=evaluation.overall,
        measurement_class=evaluation.measurement_class,
        client_overall=result.overall,
        verdicts=[dataclasses.asdict(v) for v in evaluation.verdicts],
        thresholds=dataclasses.asdict(thresholds),
        rtt_mean_ms=result.rtt_ms.mean if result.rtt_ms else None,
        delay_ms=(
            _worst(up.one_way_delay_ms.mean, down.one_way_delay_ms.mean)
            if up.one_way_delay_ms and down.one_way_delay_ms
            else None
        ),
        jitter_ms=_worst(
            up.jitter_ms.mean if up.jitter_ms else None,
            down.jitter_ms.mean if down.jitter_ms else None,
        ),
        loss_percent=max(
            netcheck_verdict.loss_estimate(up.loss.sent, up.loss.lost).percent,
            netcheck_verdict.loss_estimate(down.loss.sent, down.loss.lost).percent,
        ),
        mos=result.quality.mos if result.quality else None,
    )
    check.full_clean()
    check.save()
    # The document itself stays out of the audit log; what was decided goes in.
    audit.record_change(
        actor=None,
        action=AuditAction.CREATE,
        instance=check,
        changes={
            "site": [None, str(site.pk)],
            "token": [None, token.prefix],
            "overall": [None, check.overall],
            "measurement_class": [None, check.measurement_class],
            "client_overall": [None, check.client_overall],
        },
    )
    return check


# Readiness (selectors) ------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteReadiness:
    """A site's readiness is its newest conclusive result; ``newest`` may be a later screening."""

    site: Site
    decided: NetworkCheck | None
    newest: NetworkCheck | None

    @property
    def status(self) -> str:
        if self.decided is None:
            return "unchecked"
        return "ready" if self.decided.overall == CheckStatus.PASS else "not_ready"


def sites_with_readiness(sites: QuerySet[Site]) -> list[SiteReadiness]:
    """Each site with its readiness, in three queries however many sites there are."""
    checks = NetworkCheck.objects.filter(site=OuterRef("pk")).order_by("-received_at", "-id")
    rows = list(
        sites.annotate(
            decided_id=Subquery(
                checks.filter(measurement_class=MeasurementClass.CONCLUSIVE).values("id")[:1]
            ),
            newest_id=Subquery(checks.values("id")[:1]),
        )
    )
    ids = {getattr(s, name) for s in rows for name in ("decided_id", "newest_id")} - {None}
    by_id: dict[Any, NetworkCheck] = NetworkCheck.objects.in_bulk(ids) if ids else {}
    return [
        SiteReadiness(
            site=s,
            decided=by_id.get(getattr(s, "decided_id", None)),
            newest=by_id.get(getattr(s, "newest_id", None)),
        )
        for s in rows
    ]
