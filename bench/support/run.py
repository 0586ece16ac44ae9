"""Support desk benchmark (SUP-3, SUP-4): the breach scan over 100,000 open tickets, and a
reseller's ticket queue with 10,000 open tickets.

1. **Breach scan**: seeds 100,000 open tickets (bulk_create) over a few resellers and
   customers, ``--due`` of them with a reaction time that ran out a few minutes ago, the rest
   due later. Times one run of the beat task's work, ``services.check_ticket_clocks`` (the
   indexed query for due tickets, then flagging, history, audit and outbox rows for each), and
   a second run that finds nothing left. Sending the mails is the worker's separate task and is
   not part of the scan. Target: < 2 s.
2. **Queue**: 10,000 open tickets of one reseller; times the reseller admin's ticket list API,
   open tickets sorted by time left (``ordering=resolution_due_at``, then ``reaction_due_at``),
   first page, in-process with Django's test client, and the portal queue page
   ``portal:support_ticket_list`` (first page and page 100). Target: median < 150 ms.

    .venv/bin/python bench/support/run.py                       # SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/stimme_bench_support \\
        .venv/bin/python bench/support/run.py                   # the database is dropped and created
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("STIMME_VAR_DIR", tempfile.mkdtemp(prefix="stimme-bench-support-"))
os.environ.setdefault("STIMME_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
SCAN_TARGET_S = 2.0
QUEUE_TARGET_MS = 150.0
OPEN_STATES = ("new", "acknowledged", "in_progress", "waiting_for_customer")


def _recreate_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _tickets(
    count: int, *, due: int, reseller: Any, customers: list[Any], now: dt.datetime, tag: str
) -> list[Any]:
    """``count`` open first-level tickets; the first ``due`` have a reaction time that ran out
    five minutes ago, the others are due between one hour and 90 days from ``now``."""
    from support.models import Ticket

    rows = []
    for n in range(count):
        received = now - dt.timedelta(minutes=30 + n % 600)
        if n < due:
            state, reaction_due = "new", now - dt.timedelta(minutes=5)
            resolution_due = now + dt.timedelta(hours=3)
        else:
            state = OPEN_STATES[n % 4]
            reaction_due = now + dt.timedelta(minutes=60 + n % 1440)
            resolution_due = now + dt.timedelta(hours=1 + n % (90 * 24))
        ack = None if state == "new" else received + dt.timedelta(minutes=10)
        next_check = (
            None
            if state == "waiting_for_customer"
            else min(reaction_due, resolution_due)
            if state == "new"
            else resolution_due
        )
        rows.append(
            Ticket(
                number=f"T-{tag}{n:07d}",
                reseller=reseller,
                customer=customers[n % len(customers)],
                title=f"Störung {n}",
                description="Telefone melden sich nicht an.",
                kind="fault",
                severity=("critical", "major", "minor")[n % 3],
                identified_by="login",
                reporter_name="Erika Muster",
                reporter_email=f"erika{n % 50}@kunde.example",
                state=state,
                received_at=received,
                acknowledged_at=ack,
                reaction_due_at=reaction_due if state == "new" else None,
                resolution_due_at=None if state == "waiting_for_customer" else resolution_due,
                next_check_at=next_check,
            )
        )
    return rows


def _world(
    resellers: int, customers_each: int, tag: str
) -> tuple[Any, list[tuple[Any, list[Any], Any]]]:
    from provisioning import services
    from provisioning.models import Role
    from tests.factories import customer_data, reseller_data

    staff = services.account_create(
        acting_user=None, username=f"bench-staff-{tag}", password=None, role=Role.PLATFORM_STAFF
    )
    made = []
    for r in range(resellers):
        reseller = services.reseller_create(acting_user=staff, data=reseller_data())
        customers = [
            services.customer_create(reseller=reseller, acting_user=staff, data=customer_data())
            for _ in range(customers_each)
        ]
        admin = services.account_create(
            acting_user=None,
            username=f"bench-reseller-{tag}{r}",
            password="bench-password-1",
            role=Role.RESELLER_ADMIN,
            reseller=reseller,
            email=f"support{tag}{r}@reseller.example",
        )
        made.append((reseller, customers, admin))
    return staff, made


def _analyze() -> None:
    """Fresh statistics after the bulk load, as autovacuum keeps them on a running system."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def bench_scan(open_tickets: int, due: int) -> float:
    from django.db import connection, reset_queries
    from django.utils import timezone

    from provisioning.audit import audit_context
    from provisioning.models import Channel
    from support import services, tasks
    from support.models import Ticket, TicketChange, TicketMail

    _staff, world = _world(resellers=4, customers_each=5, tag="scan")
    now = timezone.now()
    started = time.perf_counter()
    share = open_tickets // len(world)
    for index, (reseller, customers, _admin) in enumerate(world):
        count = share if index < len(world) - 1 else open_tickets - share * (len(world) - 1)
        rows = _tickets(
            count,
            due=due // len(world),
            reseller=reseller,
            customers=customers,
            now=now,
            tag=f"S{index}",
        )
        Ticket.objects.bulk_create(rows, batch_size=5000)
    _analyze()
    print(
        f"seeded {Ticket.objects.count()} open tickets "
        f"({Ticket.objects.filter(next_check_at__lt=now).count()} due) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    # Sending is the worker's task after the commit, not part of the scan.
    tasks.send_ticket_mails.delay = lambda ids: None  # type: ignore[method-assign]
    connection.force_debug_cursor = True
    reset_queries()
    started = time.perf_counter()
    with audit_context(channel=Channel.TASK):
        counts = services.check_ticket_clocks(now=now)
    elapsed = time.perf_counter() - started
    queries = len(connection.queries)
    connection.force_debug_cursor = False
    started = time.perf_counter()
    again = services.check_ticket_clocks(now=now)
    idle = time.perf_counter() - started
    print(
        f"scan: {elapsed:.3f} s for {open_tickets} open tickets, {due} due "
        f"({counts}; {queries} queries; "
        f"{TicketChange.objects.count()} history rows, {TicketMail.objects.count()} mails) "
        f"→ {elapsed / SCAN_TARGET_S:.2f} of the {SCAN_TARGET_S:.0f} s target"
    )
    print(
        f"scan again: {idle * 1000:.1f} ms, nothing left ({again or 'no work'}) "
        f"→ {idle / SCAN_TARGET_S:.3f} of the target"
    )
    return elapsed


def _median_ms(client: Any, url: str, params: dict[str, Any], requests: int) -> tuple[float, float]:
    for _ in range(3):  # warm up
        assert client.get(url, params).status_code == 200
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def bench_queue(open_tickets: int, requests: int) -> list[float]:
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from support.models import Ticket

    _staff, world = _world(resellers=1, customers_each=20, tag="queue")
    reseller, customers, admin = world[0]
    now = timezone.now()
    Ticket.objects.bulk_create(
        _tickets(open_tickets, due=0, reseller=reseller, customers=customers, now=now, tag="Q"),
        batch_size=5000,
    )
    _analyze()
    client = Client()
    client.force_login(admin)
    medians = []
    for ordering in ("resolution_due_at", "reaction_due_at"):
        params = {"state": list(OPEN_STATES), "ordering": ordering}
        median, p95 = _median_ms(client, "/api/v1/tickets/", params, requests)
        medians.append(median)
        print(
            f"queue API ({open_tickets} open, ordering={ordering}, first page of 50): "
            f"median {median:.1f} ms, p95 {p95:.1f} ms "
            f"→ {median / QUEUE_TARGET_MS:.2f} of the {QUEUE_TARGET_MS:.0f} ms target"
        )
    page = reverse("portal:support_ticket_list")
    for label, params in (("first page", {}), ("page 100", {"page": 100})):
        median, p95 = _median_ms(client, page, params, requests)
        medians.append(median)
        print(
            f"portal queue page {page} ({label}): median {median:.1f} ms, p95 {p95:.1f} ms "
            f"→ {median / QUEUE_TARGET_MS:.2f} of the {QUEUE_TARGET_MS:.0f} ms target"
        )
    return medians


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000, help="open tickets for the scan")
    parser.add_argument("--due", type=int, default=1_000, help="of them with a breach due")
    parser.add_argument("--queue", type=int, default=10_000, help="open tickets in the queue")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    _recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    scan = bench_scan(args.tickets, args.due)
    # A fresh set of rows for the queue: the scan's resellers stay, the queue's reseller is new.
    medians = bench_queue(args.queue, args.requests)
    ok = scan < SCAN_TARGET_S and all(m < QUEUE_TARGET_MS for m in medians)
    print("result: " + ("within targets" if ok else "OVER TARGET"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
