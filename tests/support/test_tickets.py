"""SUP-1, SUP-2, SUP-5, SUP-6, TEN-3: who opens a ticket and how the reporter is identified,
what a ticket records, its states with the 14-day reopen window, every change in the history
and the audit log, attachments, assignment and the escalation to the platform."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core import mail
from django.db import DatabaseError, connection, transaction

from provisioning import access
from provisioning.errors import ApplicationError
from provisioning.models import AuditEvent
from provisioning.permissions import PermissionDeniedError
from support import services
from support.models import ChangeKind, IdentifiedBy, Ticket, TicketAttachment, TicketChange
from tests.factories import World
from tests.realservices import require_postgresql

from .conftest import Capture, OpenTicket, Services, acknowledge, berlin, check, report

MONDAY_9 = berlin(2026, 9, 7, 9, 0)
MINUTE = dt.timedelta(minutes=1)
FOURTEEN_DAYS = dt.timedelta(days=14)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _code(error: pytest.ExceptionInfo[ApplicationError]) -> str:
    return error.value.code


def test_a_customer_admin_opens_a_ticket_with_everything_sup_1_asks_for(
    world: World,
    components: Services,
    open_ticket: OpenTicket,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(
            MONDAY_9,
            first_observed_at=berlin(2026, 9, 7, 7, 45),
            all_workstations=False,
            affected_workstations="Empfang, Buchhaltung",
            services=[components.telephony, components.portal],
        )
    assert re.fullmatch(r"T-1\d{5}", ticket.number)
    assert ticket.customer == world.customer_a1 and ticket.reseller == world.reseller_a
    assert ticket.identified_by == IdentifiedBy.LOGIN
    assert ticket.reporter_account == world.customer_admin_a1
    assert ticket.reporter_name == world.customer_admin_a1.username
    assert ticket.reporter_email == world.customer_admin_a1.email
    assert ticket.reporter_phone == "+49301234567"
    assert ticket.affected_workstations == "Empfang, Buchhaltung"
    assert set(ticket.services.all()) == {components.telephony, components.portal}
    assert ticket.state == "new" and ticket.received_at == MONDAY_9
    # Receipt is acknowledged automatically, the ticket number in the subject (SUP-1).
    receipt, urgent = sorted(mail.outbox, key=lambda m: "Eingang" not in m.subject)
    assert receipt.to == [world.customer_admin_a1.email]
    # A critical fault is mailed to the reseller's escalation contacts at once (SUP-6).
    assert urgent.to == [world.reseller_a.contact_email]
    assert "kritische Störung" in urgent.subject
    assert receipt.subject == f"[#{ticket.number}] Eingangsbestätigung: {ticket.title}"
    assert receipt.extra_headers["Message-ID"] == f"<ticket-{ticket.number}@stimme.example>"
    created = AuditEvent.objects.get(object_id=str(ticket.pk), action="create")
    assert created.customer_id == world.customer_a1.pk
    assert created.changes["services"] == [None, ["Portal", "Telefonie"]]


def test_ticket_numbers_are_unique(open_ticket: OpenTicket) -> None:
    numbers = {open_ticket(MONDAY_9).number for _ in range(5)}
    assert len(numbers) == 5


def test_a_fault_names_its_severity_and_a_request_has_none(open_ticket: OpenTicket) -> None:
    with pytest.raises(ApplicationError) as missing:
        open_ticket(MONDAY_9, severity="")
    assert _code(missing) == "severity_required"
    with pytest.raises(ApplicationError) as extra:
        open_ticket(MONDAY_9, kind="service_request", severity="minor")
    assert _code(extra) == "severity_only_for_faults"


def test_end_users_open_tickets_only_where_their_admin_allows_it(
    world: World, open_ticket: OpenTicket
) -> None:
    with pytest.raises(PermissionDeniedError):
        open_ticket(MONDAY_9, actor=world.end_user_a1)
    with pytest.raises(PermissionDeniedError):  # the reseller cannot decide it for them
        services.customer_support_update(
            customer=world.customer_a1,
            acting_user=world.reseller_admin_a,
            data={"end_users_may_open_tickets": True},
        )
    services.customer_support_update(
        customer=world.customer_a1,
        acting_user=world.customer_admin_a1,
        data={"end_users_may_open_tickets": True},
    )
    own = open_ticket(MONDAY_9, actor=world.end_user_a1)
    admins = open_ticket(MONDAY_9)
    visible = set(access.restrict(Ticket.objects.all(), world.end_user_a1))
    assert visible == {own}
    assert admins in set(access.restrict(Ticket.objects.all(), world.customer_admin_a1))


def test_a_reseller_records_a_call_identified_by_the_support_pin(world: World) -> None:
    def record(pin: str | None) -> Ticket:
        return services.ticket_open(
            customer=world.customer_a1,
            acting_user=world.reseller_admin_a,
            data=report(reporter_name="Erika Anruferin", reseller_reference="RS-4711"),
            support_pin=pin,
            now=MONDAY_9,
        )

    with pytest.raises(ApplicationError) as no_pin_set:
        record("1234")
    assert _code(no_pin_set) == "support_pin_wrong"
    services.customer_support_update(
        customer=world.customer_a1,
        acting_user=world.customer_admin_a1,
        data={"support_pin": "482913"},
    )
    for wrong in ("1234", "", None):
        with pytest.raises(ApplicationError) as refused:
            record(wrong)
        assert _code(refused) == "support_pin_wrong"
    ticket = record("482913")
    assert ticket.identified_by == IdentifiedBy.PIN
    assert ticket.reporter_account is None and ticket.reporter_name == "Erika Anruferin"
    assert ticket.reseller_reference == "RS-4711"
    # The PIN is stored as a hash and masked in the audit log.
    settings_row = world.customer_a1.support_settings
    assert "482913" not in settings_row.support_pin
    entry = AuditEvent.objects.get(object_id=str(settings_row.pk), action="create")
    assert entry.changes["support_pin"] == [None, "••••••"]


def test_another_resellers_admin_cannot_open_a_ticket_for_the_customer(world: World) -> None:
    with pytest.raises(PermissionDeniedError):
        services.ticket_open(
            customer=world.customer_a1,
            acting_user=world.reseller_admin_b,
            data=report(reporter_name="X"),
            support_pin="1234",
        )


def test_the_life_of_a_ticket_is_recorded_in_its_history_and_the_audit_log(
    world: World, open_ticket: OpenTicket
) -> None:
    reseller = world.reseller_admin_a
    ticket = open_ticket(MONDAY_9, severity="minor")
    with pytest.raises(ApplicationError) as early:
        services.ticket_transition(ticket=ticket, acting_user=reseller, state="in_progress")
    assert _code(early) == "acknowledge_first"
    acknowledge(ticket, reseller, MONDAY_9 + MINUTE, berlin(2026, 9, 10, 12), message="Wir prüfen.")
    for state in ("in_progress", "waiting_for_customer", "in_progress", "resolved"):
        services.ticket_transition(
            ticket=ticket, acting_user=reseller, state=state, now=MONDAY_9 + 5 * MINUTE
        )
    with pytest.raises(ApplicationError) as backwards:
        services.ticket_transition(
            ticket=ticket, acting_user=reseller, state="waiting_for_customer"
        )
    assert _code(backwards) == "invalid_ticket_transition"
    ticket.refresh_from_db()
    assert ticket.assignee == reseller  # the acknowledging person handles it (SUP-1)
    moves = list(ticket.changes.exclude(to_state="").values_list("kind", "from_state", "to_state"))
    assert moves == [
        ("created", "", "new"),
        ("acknowledged", "new", "acknowledged"),
        ("state", "acknowledged", "in_progress"),
        ("state", "in_progress", "waiting_for_customer"),
        ("state", "waiting_for_customer", "in_progress"),
        ("state", "in_progress", "resolved"),
    ]
    audited = [
        event.changes["state"]
        for event in AuditEvent.objects.filter(object_id=str(ticket.pk), action="update").order_by(
            "occurred_at"
        )
        if "state" in event.changes
    ]
    assert audited == [[a, b] for _kind, a, b in moves[1:]]
    with pytest.raises(ApplicationError) as append_only:
        TicketChange.objects.filter(ticket=ticket).update(note="x")
    assert _code(append_only) == "ticket_history_append_only"


@pytest.fixture
def resolved(world: World, open_ticket: OpenTicket) -> Ticket:
    ticket = open_ticket(MONDAY_9, severity="minor")
    acknowledge(ticket, world.reseller_admin_a, MONDAY_9 + MINUTE, berlin(2026, 9, 10, 12))
    return services.ticket_transition(
        ticket=ticket,
        acting_user=world.reseller_admin_a,
        state="resolved",
        now=MONDAY_9 + 2 * MINUTE,
    )


def test_the_customer_reopens_within_14_days_of_the_resolution(
    world: World, resolved: Ticket
) -> None:
    at = resolved.resolved_at + FOURTEEN_DAYS - MINUTE  # type: ignore[operator]
    ticket = services.ticket_transition(
        ticket=resolved, acting_user=world.customer_admin_a1, state="in_progress", now=at
    )
    assert ticket.state == "in_progress" and ticket.resolved_at is None
    assert ticket.changes.filter(kind=ChangeKind.REOPENED).count() == 1
    # The days it stood resolved do not count against the resolution target.
    assert ticket.resolution_due_at is not None and ticket.resolution_due_at > at


def test_reopening_is_refused_after_14_days(world: World, resolved: Ticket) -> None:
    at = resolved.resolved_at + FOURTEEN_DAYS + MINUTE  # type: ignore[operator]
    with pytest.raises(ApplicationError) as late:
        services.ticket_transition(
            ticket=resolved, acting_user=world.customer_admin_a1, state="in_progress", now=at
        )
    assert _code(late) == "reopen_window_over"


def test_a_resolved_ticket_closes_itself_after_14_days(resolved: Ticket) -> None:
    end = resolved.resolved_at + FOURTEEN_DAYS  # type: ignore[operator]
    assert check(end - MINUTE) == {}
    assert check(end + MINUTE) == {"closed": 1}
    resolved.refresh_from_db()
    assert resolved.state == "closed" and resolved.next_check_at is None


def test_a_closed_ticket_reopens_within_the_window(world: World, resolved: Ticket) -> None:
    customer = world.customer_admin_a1
    services.ticket_transition(
        ticket=resolved, acting_user=customer, state="closed", now=MONDAY_9 + dt.timedelta(days=1)
    )
    with pytest.raises(ApplicationError) as closed:
        services.message_post(ticket=resolved, acting_user=customer, body="Noch da?")
    assert _code(closed) == "ticket_closed"
    ticket = services.ticket_transition(
        ticket=resolved,
        acting_user=customer,
        state="in_progress",
        now=MONDAY_9 + dt.timedelta(days=2),
    )
    assert ticket.state == "in_progress"


def test_the_customer_may_not_work_its_own_ticket(world: World, open_ticket: OpenTicket) -> None:
    ticket = open_ticket(MONDAY_9)
    with pytest.raises(PermissionDeniedError):
        acknowledge(ticket, world.customer_admin_a1, MONDAY_9, MONDAY_9 + FOURTEEN_DAYS)
    with pytest.raises(PermissionDeniedError):
        services.message_post(
            ticket=ticket, acting_user=world.customer_admin_a1, body="intern", internal=True
        )
    with pytest.raises(PermissionDeniedError):  # the platform does not talk to the customer
        services.message_post(ticket=ticket, acting_user=world.staff, body="Hallo")


def test_only_a_person_of_the_working_side_is_assigned(
    world: World, open_ticket: OpenTicket
) -> None:
    ticket = open_ticket(MONDAY_9)
    for outsider in (world.customer_admin_a1, world.reseller_admin_b, world.staff):
        with pytest.raises(ApplicationError) as refused:
            services.ticket_assign(
                ticket=ticket, acting_user=world.reseller_admin_a, assignee=outsider
            )
        assert refused.value.fields == {"assignee": [access.UNKNOWN_ID]}
    services.ticket_assign(
        ticket=ticket, acting_user=world.reseller_admin_a, assignee=world.reseller_admin_a
    )
    ticket.refresh_from_db()
    assert ticket.assignee == world.reseller_admin_a
    assert ticket.changes.filter(kind=ChangeKind.ASSIGNED).count() == 1


def test_escalating_links_a_second_level_ticket_the_customer_never_sees(
    world: World, components: Services, open_ticket: OpenTicket
) -> None:
    ticket = open_ticket(MONDAY_9, services=[components.telephony])
    platform = services.ticket_escalate(
        ticket=ticket, acting_user=world.reseller_admin_a, note="Trunk-Registrierung scheitert."
    )
    assert platform.level == 2 and platform.parent == ticket and platform.customer is None
    assert platform.reseller_reference == ticket.number
    assert list(platform.services.all()) == [components.telephony]
    assert platform.messages.get().body == "Trunk-Registrierung scheitert."
    with pytest.raises(ApplicationError) as twice:
        services.ticket_escalate(ticket=ticket, acting_user=world.reseller_admin_a, note="Nochmal")
    assert _code(twice) == "already_escalated"
    for customer_side in (world.customer_admin_a1, world.end_user_a1):
        assert platform not in set(access.restrict(Ticket.objects.all(), customer_side))
    assert platform in set(access.restrict(Ticket.objects.all(), world.reseller_admin_a))
    assert platform not in set(access.restrict(Ticket.objects.all(), world.reseller_admin_b))
    # The escalation shows on the customer's ticket only internally; its audit entries carry
    # no customer, so the customer's audit log does not show them.
    assert ticket.changes.get(kind=ChangeKind.ESCALATED_TO_PLATFORM).internal
    assert not AuditEvent.objects.filter(
        object_id=str(platform.pk), customer_id__isnull=False
    ).exists()
    with pytest.raises(PermissionDeniedError):
        services.ticket_escalate(ticket=platform, acting_user=world.reseller_admin_a, note="x")


def test_attachments_are_checked_and_stored_under_media_root(
    world: World, open_ticket: OpenTicket, media: Path, settings: object
) -> None:
    ticket = open_ticket(MONDAY_9)
    customer = world.customer_admin_a1
    attachment = services.attachment_add(
        ticket=ticket, acting_user=customer, filename="C:\\Bilder\\fehler.png", data=PNG
    )
    assert attachment.name == "fehler.png" and attachment.content_type == "image/png"
    assert Path(attachment.file.path).read_bytes() == PNG
    assert str(Path(attachment.file.path)).startswith(str(media / "support" / str(ticket.pk)))

    settings.SUPPORT_ATTACHMENT_MAX_BYTES = 32  # type: ignore[attr-defined]
    refusals = {
        "big.png": (PNG, "attachment_too_large"),
        "empty.txt": (b"", "attachment_empty"),
        "programm.exe": (b"MZ\x90\x00", "attachment_type_not_allowed"),
        "bild.png": (b"MZ\x90\x00", "attachment_content_mismatch"),
    }
    for name, (data, code) in refusals.items():
        with pytest.raises(ApplicationError) as refused:
            services.attachment_add(ticket=ticket, acting_user=customer, filename=name, data=data)
        assert _code(refused) == code, name
    assert TicketAttachment.objects.count() == 1
    assert len(list((media / "support").rglob("*.*"))) == 1


@pytest.mark.postgresql
def test_database_refuses_changing_ticket_history_on_postgresql(
    open_ticket: OpenTicket,
) -> None:
    require_postgresql(connection.vendor)
    ticket = open_ticket(MONDAY_9)
    for sql in (
        "UPDATE support_ticketchange SET note = 'forged'",
        "DELETE FROM support_ticketchange",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
    assert ticket.changes.count() == 1
