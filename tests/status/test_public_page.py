"""The public page, its JSON, feeds and static copy (STA-1, STA-3, STA-4, STA-7, STA-8)."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from status import publish, services, steps
from status.models import Event
from tests.factories import World
from tests.status.conftest import Catalogue, night

pytestmark = pytest.mark.django_db


def get(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def incident(world: World, catalogue: Catalogue, **kw: object) -> Event:
    data: dict[str, object] = {
        "acting_user": world.staff,
        "title_de": "Anrufe brechen ab",
        "title_en": "Calls drop",
        "components": [catalogue.calls],
        "message_de": "Wir untersuchen die Ursache.",
        "message_en": "We are looking into it.",
    }
    data.update(kw)
    return services.incident_open(**data)  # type: ignore[arg-type]


def step(
    world: World, event: Event, new: str, at: dt.datetime, de: str = "x", en: str = ""
) -> None:
    services.event_post_update(
        event=event, acting_user=world.staff, step=new, message_de=de, message_en=en, now=at
    )


def test_all_operational_banner_in_german_and_english(world: World, catalogue: Catalogue) -> None:
    html = get("/status/")
    assert '<html lang="de">' in html
    assert "Alle Systeme funktionieren einwandfrei" in html
    assert "<script" not in html  # works without JavaScript
    en = get("/status/en/")
    assert '<html lang="en">' in en and "All systems operational" in en
    assert 'href="en/"' in html and 'href="../"' in en


def test_open_incident_degrades_its_components_coloured_by_step(
    world: World, catalogue: Catalogue
) -> None:
    event = incident(world, catalogue, estimated_fix_at=timezone.now() + dt.timedelta(hours=2))
    html = get("/status/")
    assert "Alle Systeme funktionieren einwandfrei" not in html
    assert f'id="event-{event.pk}"' in html
    assert 'class="card event b-investigating"' in html
    assert "Voraussichtlich behoben" in html  # STA-8
    components = html.split('id="components"')[1].split("</section>")[0]
    assert "Beeinträchtigt" in components and "s-investigating" in components
    step(world, event, steps.IDENTIFIED, timezone.now())
    html = get("/status/")
    assert "s-identified" in html.split('id="components"')[1]
    step(world, event, steps.RESOLVED, timezone.now())
    html = get("/status/")
    assert "Alle Systeme funktionieren einwandfrei" in html
    assert "Voraussichtlich behoben" not in html


def test_group_of_two_or_more_expands_and_collapses(world: World, catalogue: Catalogue) -> None:
    html = get("/status/")
    components = html.split('id="components"')[1].split("</ul>\n</section>")[0]
    assert components.count("<details") == 1  # Telefonanlage; UC-Client and Portal stand alone
    assert "<details open" not in components
    incident(world, catalogue, components=[catalogue.voicemail])
    html = get("/status/")
    assert "<details open" in html  # a group with an affected member opens


def test_upcoming_maintenance_shows_start_duration_and_greyed_components(
    world: World, catalogue: Catalogue
) -> None:
    start = night(30)
    event = services.maintenance_schedule(
        acting_user=world.staff,
        title_de="Update der Vermittlung",
        title_en="Switch update",
        components=[catalogue.calls, catalogue.uc],
        scheduled_start=start,
        scheduled_end=start + dt.timedelta(minutes=90),
        message_de="Kurze Unterbrechungen möglich.",
    )
    html = get("/status/")
    upcoming = html.split('id="upcoming"')[1].split("</section>")[0]
    assert "Update der Vermittlung" in upcoming
    assert "Geplant für" in upcoming and "1 Std. 30 Min." in upcoming
    assert '<ul class="chips"' in upcoming and "<li>UC-Client</li>" in upcoming
    services.maintenance_tick(now=start)
    html = get("/status/")
    assert "Voraussichtliches Ende" in html
    assert "Wartung" in html.split('id="components"')[1].split("</section>")[0]
    assert "Keine Wartungsarbeiten geplant." in html
    summary = json.loads(get("/status/api/v2/summary.json"))
    assert summary["status"]["indicator"] == "maintenance"
    assert summary["scheduled_maintenances"][0]["status"] == "in_progress"
    assert summary["scheduled_maintenances"][0]["id"] == str(event.pk)


def test_history_words_durations_as_sta_4(world: World, catalogue: Catalogue) -> None:
    t0 = timezone.now() - dt.timedelta(days=1)
    resolved = incident(world, catalogue, now=t0)
    step(world, resolved, steps.IDENTIFIED, t0 + dt.timedelta(minutes=58))
    step(
        world,
        resolved,
        steps.RESOLVED,
        t0 + dt.timedelta(minutes=70, seconds=38),
        "Behoben.",
        "Fixed.",
    )
    alarm = incident(world, catalogue, title_de="Portal langsam", title_en="Portal slow", now=t0)
    step(world, alarm, steps.FALSE_ALARM, t0 + dt.timedelta(minutes=16, seconds=43))
    start = night(-1)
    maintenance = services.maintenance_schedule(
        acting_user=None,
        title_de="Telefonbuch-Update",
        components=[catalogue.fax],
        scheduled_start=start,
        scheduled_end=start + dt.timedelta(minutes=15),
        message_de="Neue Version.",
        now=start - dt.timedelta(days=8),
    )
    services.maintenance_tick(now=start)
    services.maintenance_tick(now=start + dt.timedelta(minutes=15, seconds=5))
    html = get("/status/")
    history = html.split('id="history"')[1]
    assert "Dauerte 1 Std. 10 Min." in history
    assert "Nach 16 Min. als Fehlalarm geschlossen." in history
    assert "Geplant, dauerte 15 Min." in history
    assert f'id="event-{maintenance.pk}"' in history
    assert history.index("Behoben.") < history.index("Wir untersuchen die Ursache.")  # newest first
    en = get("/status/en/").split('id="history"')[1]
    assert "Lasted 1 h 10 min." in en
    assert "Closed as false alarm after 16 min." in en
    assert "Planned, lasted 15 min." in en
    assert "Fixed." in en


def test_history_keeps_seven_days(world: World, catalogue: Catalogue) -> None:
    old = timezone.now() - dt.timedelta(days=8)
    event = incident(world, catalogue, title_de="Alte Störung", now=old)
    step(world, event, steps.RESOLVED, old + dt.timedelta(minutes=5))
    assert "Alte Störung" not in get("/status/")


def test_report_link_and_data_breach_note(world: World, catalogue: Catalogue, settings) -> None:  # type: ignore[no-untyped-def]
    html = get("/status/")
    assert 'id="report-link" href="#report"' in html or 'href="#report" id="report-link"' in html
    assert "Datenschutzverletzungen" in html
    assert "not the channel for personal data breach notices" in get("/status/en/")
    settings.STATUS_REPORT_URL = "https://portal.stimme.example/support/"
    services.component_update(component=catalogue.uc, acting_user=world.staff, data={"position": 9})
    assert 'href="https://portal.stimme.example/support/"' in get("/status/")


def test_page_is_served_from_cache_until_something_changes(
    world: World,
    catalogue: Catalogue,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    get("/status/")
    with django_assert_max_num_queries(1):
        get("/status/")
    incident(world, catalogue, title_de="Neue Störung")
    assert "Neue Störung" in get("/status/")


def test_statuspage_documents(world: World, catalogue: Catalogue) -> None:
    event = incident(world, catalogue, impact="critical")
    step(world, event, steps.RECOVERING, timezone.now())
    summary = json.loads(get("/status/api/v2/summary.json"))
    assert set(summary) == {"page", "status", "components", "incidents", "scheduled_maintenances"}
    assert summary["page"]["time_zone"] == "Europe/Berlin"
    assert summary["status"]["indicator"] == "critical"
    rows = {row["name"]: row for row in summary["components"]}
    assert rows["Telefonanlage"]["group"] is True
    assert len(rows["Telefonanlage"]["components"]) == 3
    assert rows["Telefonanlage"]["status"] == "major_outage"
    assert rows["Telefonie"]["status"] == "major_outage"
    assert rows["Telefonie"]["group_id"] == rows["Telefonanlage"]["id"]
    assert rows["Portal"]["status"] == "operational"
    [doc] = summary["incidents"]
    assert doc["status"] == "monitoring" and doc["impact"] == "critical"
    assert [u["status"] for u in doc["incident_updates"]] == ["monitoring", "investigating"]
    assert doc["components"][0]["name"] == "Telefonie"
    status = json.loads(get("/status/api/v2/status.json"))
    assert set(status) == {"page", "status"}
    step(world, event, steps.FALSE_ALARM, timezone.now())
    incidents = json.loads(get("/status/api/v2/incidents.json"))["incidents"]
    assert incidents[0]["status"] == "resolved" and incidents[0]["stimme_step"] == "false_alarm"
    assert json.loads(get("/status/api/v2/incidents/unresolved.json"))["incidents"] == []
    assert json.loads(get("/status/api/v2/status.json"))["status"]["indicator"] == "none"


def test_atom_and_icalendar_feeds(world: World, catalogue: Catalogue) -> None:
    event = incident(world, catalogue)
    start = night(40)
    maintenance = services.maintenance_schedule(
        acting_user=world.staff,
        title_de="Nachtwartung, Teil 1; Vermittlung",
        components=[catalogue.calls],
        scheduled_start=start,
        scheduled_end=start + dt.timedelta(hours=1),
        message_de="Text",
    )
    atom = ET.fromstring(Client().get("/status/feed.atom").content)  # noqa: S314 - our own feed
    ns = {"a": "http://www.w3.org/2005/Atom"}
    ids = [e.findtext("a:id", namespaces=ns) for e in atom.findall("a:entry", ns)]
    assert f"urn:uuid:{event.pk}" in ids and f"urn:uuid:{maintenance.pk}" in ids
    en = ET.fromstring(Client().get("/status/en/feed.atom").content)  # noqa: S314
    titles = [e.findtext("a:title", namespaces=ns) for e in en.findall("a:entry", ns)]
    assert "[Investigating] Incident: Calls drop" in titles
    response = Client().get("/status/maintenance.ics")
    assert response["Content-Type"].startswith("text/calendar")
    ics = response.content.decode()
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    assert f"UID:{maintenance.pk}@status.stimme.example" in ics
    assert f"DTSTART:{start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}" in ics
    assert "SUMMARY:[Geplant] Nachtwartung\\, Teil 1\\; Vermittlung" in ics
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))


def test_static_copy_holds_page_json_and_feeds(
    world: World, catalogue: Catalogue, tmp_path: Path
) -> None:
    incident(world, catalogue, title_de="Störung im Export")
    call_command("status_export", str(tmp_path))
    files = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()}
    assert set(publish.JSON_PATHS.values()) <= files
    assert {"index.html", "en/index.html", "feed.atom", "en/feed.atom", "maintenance.ics"} <= files
    assert "Störung im Export" in (tmp_path / "index.html").read_text()
    assert "Calls drop" in (tmp_path / "en" / "index.html").read_text()
    summary = json.loads((tmp_path / "api/v2/summary.json").read_text())
    assert summary["incidents"][0]["name"] == "Störung im Export"
    assert not [p for p in tmp_path.rglob(".tmp-*")]


def test_every_change_rewrites_the_static_copy(
    world: World,
    catalogue: Catalogue,
    tmp_path: Path,
    settings,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    settings.STATUS_EXPORT_DIR = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        event = incident(world, catalogue, title_de="Gleich im Export")
    assert "Gleich im Export" in (tmp_path / "index.html").read_text()
    with django_capture_on_commit_callbacks(execute=True):
        step(world, event, steps.RESOLVED, timezone.now())
    assert "Alle Systeme funktionieren einwandfrei" in (tmp_path / "index.html").read_text()


def test_browsers_revalidate_and_get_304_while_nothing_changed(
    world: World, catalogue: Catalogue
) -> None:
    client = Client()
    first = client.get("/status/")
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
    same = client.get("/status/", headers={"If-None-Match": first["ETag"]})
    assert same.status_code == 304 and same.content == b""
    incident(world, catalogue)
    changed = client.get("/status/", headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
