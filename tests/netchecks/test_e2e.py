"""End to end on loopback: the real probe command (``python -m telephony.netcheck probe
--upload … --token …``) measures against a reflector on 127.0.0.1 and uploads to the running
platform; the result appears for the token's site with the platform's verdict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from provisioning import netcheck_report, services
from provisioning.models import NetworkCheck, Site
from telephony.netcheck.reflector import Reflector, ReflectorConfig
from tests.factories import World

ROOT = Path(__file__).resolve().parents[2]


def test_probe_uploads_to_the_platform(live_server: object, world: World, site_a1: Site) -> None:
    _, token = services.site_check_token_create(site=site_a1, acting_user=world.reseller_admin_a)
    upload_url = f"{live_server.url}/api/v1/network-checks/"  # type: ignore[attr-defined]
    with Reflector(ReflectorConfig(bind="127.0.0.1", udp_ports=[0], rate_pps=1e5)) as reflector:
        probe = subprocess.run(
            [
                sys.executable,
                "-m",
                "telephony.netcheck",
                "probe",
                "--target",
                "127.0.0.1",
                "--port",
                str(reflector.udp_ports[0]),
                "--packets",
                "150",
                "--interval-ms",
                "5",
                "--grace",
                "0.3",
                "--upload",
                upload_url,
                "--token",
                token,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert "uploaded (HTTP 201)" in probe.stdout, probe.stdout + probe.stderr
    check = NetworkCheck.objects.get(site=site_a1)
    assert check.customer_id == world.customer_a1.pk
    assert check.result["settings"]["packets_per_stream"] == 150
    assert check.result["upstream"]["packets_sent"] == 150
    assert check.schema_version == 2
    assert sum(check.result["timeline"]["sent"]) == 150  # 0.75 s of sending: one bucket
    assert [c.entries for c in netcheck_report.timeline_charts(check)] == [1, 1, 1]
    verdicts = {v["metric"]: v["status"] for v in check.verdicts}
    assert verdicts["one_way_delay"] == "pass"  # loopback, same host clock
    assert verdicts["ports"] == "inconclusive"  # the port matrix was not run
    assert check.measurement_class == "screening"  # 150 packets cannot prove loss < 1 %
    rows = services.sites_with_readiness(Site.objects.filter(pk=site_a1.pk))
    assert rows[0].newest == check and rows[0].status == "unchecked"

    revoked = NetworkCheck.objects.count()
    services.site_check_token_revoke(token=check.token, acting_user=world.reseller_admin_a)  # type: ignore[arg-type]
    again = subprocess.run(
        [sys.executable, "-m", "telephony.netcheck", "probe", "--target", "127.0.0.1",
         "--port", "9", "--packets", "5", "--interval-ms", "5", "--grace", "0.1", "--quiet",
         "--upload", upload_url, "--token", token],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert again.returncode == 3 and "HTTP 401" in again.stderr
    assert NetworkCheck.objects.count() == revoked
