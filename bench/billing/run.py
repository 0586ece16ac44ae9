"""Benchmark of the monthly billing on seeded data (BIL-1, BIL-4, BIL-6).

Seeds 10,000 customers with 500,000 users and about 2,000,000 license holdings (bulk inserts
straight into a fresh database), then prints: the raw peak query time, the full billing run
without documents (drafts), their ratio (target <= 2.0), documents per second (PDF/A-3 with
EN 16931 XML, validated locally; target >= 40 per process), and peak memory.

    python bench/billing/run.py [--scale 0.1] [--documents 200]

Uses a fresh SQLite file in a temporary directory unless DATABASE_URL is set (then it must
name an empty, disposable PostgreSQL database).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import logging
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
BERLIN = ZoneInfo("Europe/Berlin")
MONTH = dt.date(2026, 10, 1)
PACKAGES = ("klare_stimme", "klingende_stimme", "volle_stimme")


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="bench-billing-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        os.environ.setdefault("STIMME_VAR_DIR", folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    # Eager tasks log every call; the bench prints only its figures.
    logging.getLogger("celery").setLevel(logging.WARNING)
    logging.getLogger("kombu").setLevel(logging.ERROR)
    logging.getLogger("pikepdf").setLevel(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(scale: float, rng: random.Random) -> int:
    from decimal import Decimal

    from django.db import connection, transaction

    from billing import services
    from provisioning.models import Customer, LicenseEvent, Reseller

    customers_n = max(int(10_000 * scale), 10)
    users_n = max(int(500_000 * scale), 50)
    resellers_n = max(customers_n // 200, 2)
    resellers = [
        Reseller(
            company_name=f"Bench Reseller {i}", street=f"Weg {i}", postal_code="10115",
            city="Berlin", vat_id=f"DE{300000000 + i}", contact_name="Bench",
            contact_email=f"r{i}@bench.example",
        )
        for i in range(resellers_n)
    ]  # fmt: skip
    Reseller.objects.bulk_create(resellers)
    customers = [
        Customer(
            reseller=resellers[i % resellers_n], company_name=f"Bench Kunde {i}",
            street=f"Straße {i}", postal_code="80331", city="München",
            vat_id=f"DE{400000000 + i}", base_license="grundlizenz",
        )
        for i in range(customers_n)
    ]  # fmt: skip
    Customer.objects.bulk_create(customers, batch_size=2000)
    staff = None
    services.issuer_profile_set(
        acting_user=staff, reseller=None,
        data={"company_name": "stimme Plattform GmbH", "street": "Friedrichstraße 1",
              "postal_code": "10117", "city": "Berlin", "vat_id": "DE811111111",
              "iban": "DE02120300000000202051"},
    )  # fmt: skip
    prices = {
        "grundlizenz": Decimal("20"), "erweiterte_grundlizenz": Decimal("45"),
        "weiterer_standort": Decimal("10"), "klare_stimme": Decimal("3"),
        "klingende_stimme": Decimal("5"), "volle_stimme": Decimal("8"),
        "onsite_hour": Decimal("80"),
    }  # fmt: skip
    from billing.models import Price, PriceList

    default = PriceList.objects.create(
        kind="wholesale", name="Standard", valid_from=dt.date(2026, 1, 1)
    )
    lists = [default] + [
        PriceList(kind="retail", reseller=r, name="Retail", valid_from=dt.date(2026, 1, 1))
        for r in resellers
    ]
    PriceList.objects.bulk_create(lists[1:])
    Price.objects.bulk_create(
        Price(
            price_list=pl,
            item=item,
            amount_cents=int(amount * 150 if pl.kind == "retail" else amount * 100),
        )
        for pl in lists
        for item, amount in prices.items()
    )

    table = LicenseEvent._meta.db_table
    sql = (
        f"INSERT INTO {table} (public_id, customer_id, license_type, kind, effective_at, holding,"
        " subject_type, subject_id, subject_label, recorded_at) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
    )
    adapt = connection.ops.adapt_datetimefield_value
    uid = (
        connection.ops.adapt_uuidfield_value
        if hasattr(connection.ops, "adapt_uuidfield_value")
        else None
    )

    def u(value: uuid.UUID) -> object:
        if connection.vendor == "sqlite":
            return value.hex
        return uid(value) if uid else value

    now = adapt(dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    start_of_history = dt.datetime(2026, 5, 1, tzinfo=BERLIN)
    span = (dt.datetime(2026, 11, 15, tzinfo=BERLIN) - start_of_history).total_seconds()
    rows: list[tuple[object, ...]] = []
    intervals = 0

    def flush() -> None:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        rows.clear()

    def holding(
        customer: Customer,
        license_type: str,
        begin: dt.datetime,
        end: dt.datetime | None,
        subject: uuid.UUID,
    ) -> None:
        nonlocal intervals
        key = uuid.uuid4()
        rows.append(
            (
                u(uuid.uuid4()),
                u(customer.pk),
                license_type,
                "assign",
                adapt(begin),
                u(key),
                "user",
                u(subject),
                "",
                now,
            )
        )
        if end is not None:
            rows.append(
                (
                    u(uuid.uuid4()),
                    u(customer.pk),
                    license_type,
                    "release",
                    adapt(end),
                    u(key),
                    "user",
                    u(subject),
                    "",
                    now,
                )
            )
        intervals += 1

    with transaction.atomic():
        for customer in customers:
            holding(customer, "grundlizenz", start_of_history, None, customer.pk)
        per_customer = users_n // customers_n
        for customer in customers:
            for _ in range(per_customer):
                subject = uuid.uuid4()
                # Each user: about 4 consecutive holdings (package changes, handovers).
                t = start_of_history + dt.timedelta(seconds=rng.random() * span * 0.3)
                for step in range(4):
                    end = t + dt.timedelta(seconds=rng.random() * span * 0.3)
                    holding(customer, rng.choice(PACKAGES), t, None if step == 3 else end, subject)
                    t = end
                if len(rows) > 50_000:
                    flush()
            if rng.random() < 0.3:
                holding(customer, "weiterer_standort", start_of_history, None, uuid.uuid4())
        flush()
    return intervals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--documents", type=int, default=200, help="invoices to issue for docs/s")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from billing.models import BillingRun, Invoice, InvoiceLine
    from billing.peaks import peak_quantities
    from billing.services.runs import billing_run_create, billing_run_execute, issue_drafts

    rng = random.Random(20261001)
    t0 = time.perf_counter()
    intervals = seed(args.scale, rng)
    print(
        f"database: {connection.vendor}; seeded {intervals:,} holdings in {time.perf_counter() - t0:.1f} s"
    )

    peak_quantities(MONTH)  # warm the cache, as a real run finds it
    timings = []
    for _ in range(3):
        t0 = time.perf_counter()
        peaks = peak_quantities(MONTH)
        timings.append(time.perf_counter() - t0)
    peak_s = statistics.median(timings)
    print(
        f"peak query: {peak_s:.2f} s (median of 3) for {len(peaks):,} "
        "(customer, license type) peaks"
    )

    run, _ = billing_run_create(month=MONTH, acting_user=None, issue_invoices=False)
    t0 = time.perf_counter()
    run = billing_run_execute(run_id=run.pk)
    run_s = time.perf_counter() - t0
    drafts = Invoice.objects.filter(month=MONTH).count()
    print(
        f"full run without documents: {run_s:.2f} s ({drafts:,} draft invoices, state {run.state})"
    )
    print(f"ratio run / peak query: {run_s / peak_s:.2f} (target <= 2.0)")

    from billing.documents import einvoice, pdf
    from billing.services.invoices import document_data

    # A worker is long-lived: compile the schematron and load the PDF libraries once, as it
    # has done before its first invoice of a month.
    # A worker issuing invoices holds none of the seeding data, and it has compiled the
    # schematron and rendered documents before (the first few transforms warm Saxon up).
    del peaks
    gc.collect()
    einvoice._schematron()
    for warm in Invoice.objects.filter(month=MONTH, state="draft", kind="retail")[:10]:
        warm.number, warm.issued_on, warm.due_on = "WARM-UP", dt.date.today(), dt.date.today()
        data = document_data(warm, list(warm.lines.all()))
        xml = einvoice.build_xml(data)
        einvoice.validate(xml)
        pdf.render_facturx(data, xml)
    for kind, count in (("retail", args.documents), ("wholesale", max(args.documents // 20, 2))):
        sample = list(
            Invoice.objects.filter(month=MONTH, state="draft", kind=kind)
            .order_by("?")
            .values_list("pk", flat=True)[:count]
        )
        # The run's own issuing path: batches of drafts per transaction, each draft numbered,
        # its XML built and validated (XSD + EN 16931 rules), its PDF/A-3 rendered and stored.
        t0 = time.perf_counter()
        issued = issue_drafts(sample, acting_user=None)
        docs_s = time.perf_counter() - t0
        lines = InvoiceLine.objects.filter(invoice_id__in=sample).count() / max(len(sample), 1)
        print(
            f"documents ({kind}, {lines:.0f} lines each): {issued} PDF/A-3 + validated EN 16931 "
            f"XML in {docs_s:.2f} s = {issued / docs_s:.1f}/s (target >= 40)"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")
    BillingRun.objects.filter(pk=run.pk).update(state="done")


if __name__ == "__main__":
    main()
