"""Status services: incidents and their steps, maintenance rules and its automatic steps,
components, and the audit trail (STA-1, STA-2, STA-3, STA-8, OPS-2, AUD-1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.utils import timezone

from provisioning.errors import ApplicationError
from provisioning.models import AuditEvent
from provisioning.permissions import PermissionDeniedError
from status import services, steps
from status.maintenance_rules import MaintenanceWindowError
from status.models import Event, EventUpdate, OutboxMessage, PageRevision
from tests.factories import World
from tests.realservices import require_postgresql
from tests.status.conftest import Catalogue, berlin

pytestmark = pytest.mark.django_db


def open_incident(world: World, catalogue: Catalogue, **kwargs: object) -> Event:
    data: dict[str, object] = {
        "acting_user": world.staff,
        "title_de": "Anrufe brechen ab",
        "title_en": "Calls drop",
        "components": [catalogue.calls, catalogue.voicemail],
        "message_de": "Wir untersuchen.",
        "message_en": "We are investigating.",
    }
    data.update(kwargs)
    return services.incident_open(**data)  # type: ignore[arg-type]


def test_incident_opens_with_its_first_step_and_is_audited(
    world: World, catalogue: Catalogue
) -> None:
    before = PageRevision.objects.filter(pk=1).values_list("revision", flat=True).first() or 0
    event = open_incident(world, catalogue)
    assert event.step == steps.INVESTIGATING
    assert event.started_at is not None and event.ended_at is None
    update = event.updates.get()
    assert (update.sequence, update.step, update.author) == (
        1,
        steps.INVESTIGATING,
        world.staff.username,
    )
    entry = AuditEvent.objects.get(object_type="status.event", object_id=str(event.pk))
    assert entry.action == "create"
    assert entry.changes["components"] == [None, ["Telefonie", "Voicemail"]]
    assert entry.actor_id == world.staff.pk
    assert PageRevision.objects.get(pk=1).revision > before


def test_every_step_through_to_resolved(world: World, catalogue: Catalogue) -> None:
    t0 = timezone.now()
    event = open_incident(world, catalogue, now=t0)
    for minutes, step in [(5, steps.IDENTIFIED), (9, steps.RECOVERING), (70, steps.RESOLVED)]:
        services.event_post_update(
            event=event,
            acting_user=world.staff,
            step=step,
            message_de=f"Schritt {step}",
            now=t0 + dt.timedelta(minutes=minutes),
        )
    event.refresh_from_db()
    assert event.step == steps.RESOLVED
    assert (event.ended_at - event.started_at) == dt.timedelta(minutes=70)  # type: ignore[operator]
    assert list(event.updates.values_list("step", flat=True)) == [
        steps.INVESTIGATING,
        steps.IDENTIFIED,
        steps.RECOVERING,
        steps.RESOLVED,
    ]
    assert AuditEvent.objects.filter(object_type="status.eventupdate").count() == 3


def test_a_further_message_in_the_same_step_is_allowed(world: World, catalogue: Catalogue) -> None:
    event = open_incident(world, catalogue)
    services.event_post_update(
        event=event, acting_user=world.staff, step=steps.INVESTIGATING, message_de="Noch dran."
    )
    assert event.updates.count() == 2


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([steps.IDENTIFIED], steps.INVESTIGATING),
        ([steps.RECOVERING], steps.IDENTIFIED),
        ([steps.RESOLVED], steps.RECOVERING),
        ([steps.FALSE_ALARM], steps.INVESTIGATING),
        ([steps.RESOLVED], steps.FALSE_ALARM),
    ],
)
def test_refused_steps_leave_the_history_untouched(
    world: World, catalogue: Catalogue, path: list[str], refused: str
) -> None:
    event = open_incident(world, catalogue)
    for step in path:
        services.event_post_update(event=event, acting_user=world.staff, step=step, message_de="x")
    count = event.updates.count()
    with pytest.raises(ApplicationError) as raised:
        services.event_post_update(
            event=event, acting_user=world.staff, step=refused, message_de="y"
        )
    assert raised.value.code in {"step_backwards", "event_closed"}
    assert raised.value.status == 409
    assert event.updates.count() == count
    event.refresh_from_db()
    assert event.step == path[-1]


def test_false_alarm_from_any_open_step(world: World, catalogue: Catalogue) -> None:
    for path in ([], [steps.IDENTIFIED], [steps.IDENTIFIED, steps.RECOVERING]):
        event = open_incident(world, catalogue)
        for step in path:
            services.event_post_update(
                event=event, acting_user=world.staff, step=step, message_de="x"
            )
        services.event_post_update(
            event=event, acting_user=world.staff, step=steps.FALSE_ALARM, message_de="Fehlalarm"
        )
        event.refresh_from_db()
        assert event.step == steps.FALSE_ALARM and event.ended_at is not None


def test_history_cannot_be_edited_or_deleted(world: World, catalogue: Catalogue) -> None:
    update = open_incident(world, catalogue).updates.get()
    update.message_de = "umgeschrieben"
    with pytest.raises(ApplicationError):
        update.save()
    with pytest.raises(ApplicationError):
        update.delete()
    with pytest.raises(ApplicationError):
        EventUpdate.objects.filter(pk=update.pk).update(message_de="x")
    with pytest.raises(ApplicationError):
        EventUpdate.objects.all().delete()


@pytest.mark.postgresql
def test_database_refuses_changing_history_on_postgresql(
    world: World, catalogue: Catalogue
) -> None:
    require_postgresql(connection.vendor)
    from django.db import DatabaseError

    update = open_incident(world, catalogue).updates.get()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE status_eventupdate SET message_de = 'x' WHERE id = %s", [update.pk])


def test_only_staff_run_the_status_page(world: World, catalogue: Catalogue) -> None:
    for actor in (world.reseller_admin_a, world.customer_admin_a1, world.finance):
        with pytest.raises(PermissionDeniedError):
            open_incident(world, catalogue, acting_user=actor)
        with pytest.raises(PermissionDeniedError):
            services.component_create(acting_user=actor, data={"name_de": "X"})
    assert not Event.objects.exists()


def test_estimated_fix_time_is_set_with_a_step_and_must_lie_ahead(
    world: World, catalogue: Catalogue
) -> None:
    now = timezone.now()
    event = open_incident(world, catalogue, estimated_fix_at=now + dt.timedelta(hours=2))
    assert event.estimated_fix_at is not None
    with pytest.raises(ApplicationError) as raised:
        services.event_post_update(
            event=event,
            acting_user=world.staff,
            step=steps.IDENTIFIED,
            message_de="x",
            estimated_fix_at=now - dt.timedelta(minutes=1),
        )
    assert raised.value.code == "estimate_in_past"
    assert "estimated_fix_at" in raised.value.fields
    later = now + dt.timedelta(hours=3)
    services.event_post_update(
        event=event,
        acting_user=world.staff,
        step=steps.IDENTIFIED,
        message_de="x",
        estimated_fix_at=later,
    )
    event.refresh_from_db()
    assert event.estimated_fix_at == later
    services.event_post_update(
        event=event, acting_user=world.staff, step=steps.RECOVERING, message_de="y"
    )
    event.refresh_from_db()
    assert event.estimated_fix_at == later  # kept when the step says nothing about it


def test_incident_needs_components_and_a_german_text(world: World, catalogue: Catalogue) -> None:
    with pytest.raises(ApplicationError) as raised:
        open_incident(world, catalogue, components=[])
    assert raised.value.code == "components_required"
    with pytest.raises(ApplicationError) as raised:
        open_incident(world, catalogue, message_de="  ")
    assert raised.value.fields == {"message_de": ["A German message is required."]}


def test_details_of_an_open_event_change_with_an_audit_entry(
    world: World, catalogue: Catalogue
) -> None:
    event = open_incident(world, catalogue)
    services.event_update_details(
        event=event, acting_user=world.staff, data={"components": [catalogue.calls, catalogue.uc]}
    )
    assert set(event.components.all()) == {catalogue.calls, catalogue.uc}
    entry = AuditEvent.objects.filter(object_type="status.event", action="update").latest(
        "occurred_at"
    )
    assert entry.changes["components"] == [["Telefonie", "Voicemail"], ["Telefonie", "UC-Client"]]


# Maintenance ----------------------------------------------------------------------------------

NOW = berlin(2027, 1, 4, 10, 0)  # Monday morning


def schedule(
    world: World, catalogue: Catalogue, start: dt.datetime, end: dt.datetime, **kw: object
) -> Event:
    data: dict[str, object] = {
        "acting_user": world.staff,
        "title_de": "Update der Vermittlung",
        "components": [catalogue.calls],
        "scheduled_start": start,
        "scheduled_end": end,
        "message_de": "Wir aktualisieren.",
        "now": NOW,
    }
    data.update(kw)
    return services.maintenance_schedule(**data)  # type: ignore[arg-type]


def test_maintenance_breaking_a_rule_is_refused_with_the_rule_named(
    world: World, catalogue: Catalogue
) -> None:
    with pytest.raises(MaintenanceWindowError) as raised:
        schedule(world, catalogue, berlin(2027, 1, 15, 16, 59), berlin(2027, 1, 15, 19, 0))
    assert raised.value.code == "maintenance_in_service_hours"
    assert list(raised.value.fields) == ["scheduled_start"]
    assert not Event.objects.exists()


def test_scheduling_mails_every_reseller_admin_at_once(
    world: World,
    catalogue: Catalogue,
    mailoutbox,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        event = schedule(world, catalogue, berlin(2027, 1, 15, 17, 0), berlin(2027, 1, 15, 19, 0))
    assert event.step == steps.SCHEDULED
    recipients = sorted(m.to[0] for m in mailoutbox if "Wartungsankündigung" in m.subject)
    assert recipients == sorted([world.reseller_admin_a.email, world.reseller_admin_b.email])
    body = next(m.body for m in mailoutbox if "Wartungsankündigung" in m.subject)
    assert f"/service-status/events/{event.pk}/" in body
    assert "Fr. 15.01.2027 17:00 MEZ" in body
    # Running the announcement again sends nothing new.
    from status.delivery import announce_maintenance

    announce_maintenance(event_id=event.pk)
    assert OutboxMessage.objects.filter(key__startswith="announce:").count() == 2


def test_urgent_maintenance_with_an_hour_of_notice(world: World, catalogue: Catalogue) -> None:
    now = berlin(2027, 1, 15, 20, 0)
    event = schedule(
        world,
        catalogue,
        now + dt.timedelta(hours=1),
        now + dt.timedelta(hours=2),
        now=now,
        urgent=True,
        urgent_reason="security",
        urgent_explanation="Sicherheitslücke im SIP-Stack",
    )
    assert event.urgent and event.urgent_reason == "security"
    with pytest.raises(MaintenanceWindowError) as raised:
        schedule(
            world,
            catalogue,
            now + dt.timedelta(minutes=59),
            now + dt.timedelta(hours=2),
            now=now,
            urgent=True,
            urgent_reason="fault",
            urgent_explanation="Platte defekt",
        )
    assert raised.value.code == "maintenance_notice_too_short"


def test_beat_moves_maintenance_at_its_start_and_end(world: World, catalogue: Catalogue) -> None:
    start, end = berlin(2027, 1, 15, 22, 0), berlin(2027, 1, 15, 22, 15)
    event = schedule(world, catalogue, start, end)
    assert services.maintenance_tick(now=start - dt.timedelta(seconds=1)) == []
    posted = services.maintenance_tick(now=start)
    assert [u.step for u in posted] == [steps.IN_PROGRESS]
    assert services.maintenance_tick(now=start + dt.timedelta(minutes=1)) == []
    posted = services.maintenance_tick(now=end + dt.timedelta(seconds=5))
    assert [u.step for u in posted] == [steps.COMPLETED]
    event.refresh_from_db()
    assert event.step == steps.COMPLETED
    assert event.started_at == start
    assert (event.ended_at - event.started_at).total_seconds() == 15 * 60 + 5  # type: ignore[operator]
    assert [u.author for u in event.updates.all()] == [world.staff.username, "system", "system"]
    assert services.maintenance_tick(now=end + dt.timedelta(hours=1)) == []


def test_tick_after_a_whole_missed_window_posts_both_steps(
    world: World, catalogue: Catalogue
) -> None:
    start, end = berlin(2027, 1, 15, 22, 0), berlin(2027, 1, 15, 23, 0)
    schedule(world, catalogue, start, end)
    posted = services.maintenance_tick(now=end + dt.timedelta(minutes=3))
    assert [u.step for u in posted] == [steps.IN_PROGRESS, steps.COMPLETED]


def test_maintenance_cannot_start_before_its_window(world: World, catalogue: Catalogue) -> None:
    start, end = berlin(2027, 1, 15, 22, 0), berlin(2027, 1, 15, 23, 0)
    event = schedule(world, catalogue, start, end)
    with pytest.raises(ApplicationError) as raised:
        services.event_post_update(
            event=event,
            acting_user=world.staff,
            step=steps.IN_PROGRESS,
            message_de="los",
            now=start - dt.timedelta(minutes=5),
        )
    assert raised.value.code == "maintenance_not_started"
    services.event_post_update(
        event=event, acting_user=world.staff, step=steps.IN_PROGRESS, message_de="los", now=start
    )
    services.event_post_update(
        event=event,
        acting_user=world.staff,
        step=steps.COMPLETED,
        message_de="früher fertig",
        now=start + dt.timedelta(minutes=20),
    )
    assert services.maintenance_tick(now=end) == []


# Components -----------------------------------------------------------------------------------


def test_component_named_by_an_event_is_hidden_not_deleted(
    world: World, catalogue: Catalogue
) -> None:
    open_incident(world, catalogue, components=[catalogue.fax])
    with pytest.raises(ApplicationError) as raised:
        services.component_delete(component=catalogue.fax, acting_user=world.staff)
    assert raised.value.code == "component_in_use"
    services.component_update(
        component=catalogue.fax, acting_user=world.staff, data={"is_visible": False}
    )
    services.component_delete(component=catalogue.portal, acting_user=world.staff)
    assert AuditEvent.objects.filter(object_type="status.component", action="delete").count() == 1


def test_component_names_are_unique(world: World, catalogue: Catalogue) -> None:
    with pytest.raises(ApplicationError) as raised:
        services.component_create(acting_user=world.staff, data={"name_de": "telefonie"})
    assert raised.value.code == "status_name_taken"
    with pytest.raises(ApplicationError) as raised:
        services.component_group_delete(group=catalogue.telephony, acting_user=world.staff)
    assert raised.value.code == "group_in_use"
