"""SUP-3: the monthly service-level report — tickets per reseller, level and category, reaction
and resolution targets met; the platform reads every reseller, a reseller its own; as CSV
safe from formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from provisioning.models import Account
from support import services, sla
from support.models import Ticket
from tests.factories import World

from .conftest import OpenTicket, acknowledge, berlin, check

Api = Callable[[Account | None], APIClient]
MONDAY_9 = berlin(2026, 9, 7, 9, 0)
LATER = berlin(2026, 9, 14, 9, 0)


def resolve(ticket: Ticket, actor: Account, at: object) -> Ticket:
    return services.ticket_transition(
        ticket=ticket,
        acting_user=actor,
        state="resolved",
        now=at,  # type: ignore[arg-type]
    )


@pytest.fixture
def september(world: World, open_ticket: OpenTicket) -> dict[str, Ticket]:
    """Reseller A: a critical fault reacted and resolved in time, a critical fault reacted
    late and resolved late, a major fault acknowledged in time and still open, a service
    request acknowledged in time, a change request; reseller B: one minor fault never
    acknowledged; and one ticket of October (not counted)."""
    admin = world.reseller_admin_a
    good = open_ticket(MONDAY_9)
    acknowledge(good, admin, berlin(2026, 9, 7, 9, 30), berlin(2026, 9, 7, 12))
    resolve(good, admin, berlin(2026, 9, 7, 11, 0))
    late = open_ticket(MONDAY_9)
    check(berlin(2026, 9, 7, 10, 30))  # flags the reaction breach
    acknowledge(late, admin, berlin(2026, 9, 7, 10, 45), berlin(2026, 9, 7, 16))
    resolve(late, admin, berlin(2026, 9, 7, 15, 0))  # due 13:00 (4 service hours)
    running = open_ticket(MONDAY_9, severity="major")
    acknowledge(running, admin, berlin(2026, 9, 7, 9, 10), berlin(2026, 9, 20))
    request = open_ticket(MONDAY_9, kind="service_request")
    acknowledge(request, admin, berlin(2026, 9, 7, 10), berlin(2026, 9, 9), kind="service_request")
    change = open_ticket(MONDAY_9, kind="change_request")
    forgotten = open_ticket(
        MONDAY_9,
        severity="minor",
        customer=world.customer_b1,
        actor=world.customer_admin_b1,
    )
    open_ticket(berlin(2026, 10, 1, 9, 0))
    return {
        "good": good,
        "late": late,
        "running": running,
        "request": request,
        "change": change,
        "forgotten": forgotten,
    }


def test_the_months_figures_per_reseller_and_category(
    world: World, september: dict[str, Ticket]
) -> None:
    from provisioning.models import Reseller

    report = sla.sla_report(sla.parse_month("2026-09"), resellers=Reseller.objects.all(), now=LATER)
    by_reseller = {(row.reseller_id, row.level): row for row in report.rows}
    a = by_reseller[(world.reseller_a.pk, 1)]
    critical = a.by_category["critical"]
    assert critical.tickets == 2
    assert (critical.reaction_met, critical.reaction_missed) == (1, 1)
    assert (critical.resolution_met, critical.resolution_missed) == (1, 1)
    assert critical.reaction_met_percent == Decimal("50.0")
    major = a.by_category["major"]
    assert (major.reaction_met, major.resolution_pending) == (1, 1)
    assert major.resolution_met_percent is None
    service = a.by_category["service_request"]
    assert (service.reaction_met, service.resolution_met, service.resolution_missed) == (1, 0, 0)
    change = a.by_category["change_request"]
    assert change.tickets == 1 and change.reaction_met + change.reaction_missed == 0
    assert a.total.tickets == 5
    assert a.total.reaction_met_percent == Decimal("75.0")  # 3 of 4
    b = by_reseller[(world.reseller_b.pk, 1)]
    minor = b.by_category["minor"]
    assert (minor.reaction_missed, minor.resolution_pending) == (1, 1)
    assert report.total.tickets == 6


def test_the_api_gives_the_platform_all_and_a_reseller_its_own(
    world: World, api: Api, september: dict[str, Ticket]
) -> None:
    everything = api(world.staff).get("/api/v1/support-reports/", {"month": "2026-09"})
    assert everything.status_code == 200
    assert {row["reseller"] for row in everything.json()["rows"]} == {
        str(world.reseller_a.pk),
        str(world.reseller_b.pk),
    }
    own = api(world.reseller_admin_b).get("/api/v1/support-reports/", {"month": "2026-09"})
    rows = own.json()["rows"]
    assert [row["reseller"] for row in rows] == [str(world.reseller_b.pk)]
    assert rows[0]["by_category"]["minor"]["reaction_missed"] == 1
    assert own.json()["total"]["tickets"] == 1
    for outsider in ("customer_admin_a1", "end_user_a1", "finance"):
        answer = api(getattr(world, outsider)).get("/api/v1/support-reports/", {"month": "2026-09"})
        assert answer.status_code == 403
    assert api(None).get("/api/v1/support-reports/", {"month": "2026-09"}).status_code in (
        401,
        403,
    )
    bad = api(world.staff).get("/api/v1/support-reports/", {"month": "09/2026"})
    assert bad.status_code == 400


def test_csv_export_neutralises_formulas(
    world: World, api: Api, september: dict[str, Ticket]
) -> None:
    from provisioning.models import Reseller

    Reseller.objects.filter(pk=world.reseller_b.pk).update(company_name="=HYPERLINK(1)")
    answer = api(world.staff).get("/api/v1/support-reports/", {"month": "2026-09", "format": "csv"})
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode()), delimiter=";"))
    names = {row["reseller"] for row in rows}
    assert "'=HYPERLINK(1)" in names and "=HYPERLINK(1)" not in names
    total_a = next(
        row
        for row in rows
        if row["reseller_id"] == str(world.reseller_a.pk) and row["category"] == "total"
    )
    assert total_a["tickets"] == "5" and total_a["reaction_met_percent"] == "75.0"
    # A reseller's CSV holds only its own lines.
    own = api(world.reseller_admin_a).get(
        "/api/v1/support-reports/", {"month": "2026-09", "format": "csv"}
    )
    own_rows = list(csv.DictReader(io.StringIO(own.content.decode()), delimiter=";"))
    assert {row["reseller_id"] for row in own_rows} == {str(world.reseller_a.pk)}


@pytest.mark.parametrize("value", ["=1+1", "+49", "-3", "@SUM(A1)", "\tx"])
def test_csv_cells_that_would_start_a_formula_are_quoted(value: str) -> None:
    assert sla.csv_cell(value) == f"'{value}"
    assert sla.csv_cell("Muster GmbH") == "Muster GmbH"
