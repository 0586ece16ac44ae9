"""Users list latency with 5,000 users in one customer (LIC-4 list pages).

Seeds a fresh database (PostgreSQL when BENCH_DATABASE_URL/DATABASE_URL is a postgres URL,
else a SQLite file), then times the users list API page and the portal users page in-process
with Django's test client, and prints median and p95 per page against the 150 ms target.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/stimme_bench .venv/bin/python bench/provisioning/users_list.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("STIMME_VAR_DIR", tempfile.mkdtemp(prefix="stimme-bench-"))
os.environ.setdefault("STIMME_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
TARGET_MS = 150.0


def _recreate_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()

    _recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from provisioning import services
    from provisioning.models import (
        ExtensionClaim,
        LedgerKind,
        LicenseEvent,
        PhoneNumber,
        Role,
        Subscriber,
    )
    from tests.factories import customer_data, reseller_data, site_data, trunk_data

    staff = services.account_create(
        acting_user=None, username="bench-staff", password=None, role=Role.PLATFORM_STAFF
    )
    reseller = services.reseller_create(acting_user=staff, data=reseller_data())
    customer = services.customer_create(reseller=reseller, acting_user=staff, data=customer_data())
    admin = services.account_create(
        acting_user=None,
        username="bench-admin",
        password="bench-password-1",
        role=Role.CUSTOMER_ADMIN,
        customer=customer,
    )
    services.customer_set_base_license(
        customer=customer, license_type="grundlizenz", acting_user=staff
    )
    site = services.site_create(customer=customer, acting_user=staff, data=site_data())
    trunk = services.trunk_create(site=site, acting_user=staff, data=trunk_data())
    block = services.number_block_create(
        trunk=trunk,
        acting_user=staff,
        base_number="+4930900000",
        first_extension=0,
        last_extension=9999,
    )
    started = time.perf_counter()
    numbers = list(PhoneNumber.objects.filter(block=block).exclude(extension="0")[: args.users])
    now = timezone.now()
    packages = ["klare_stimme", "klingende_stimme", "volle_stimme"]
    users, ledger, claims = [], [], []
    for i, number in enumerate(numbers):
        holding = uuid.uuid4()
        user = Subscriber(
            customer=customer,
            site=site,
            first_name=f"Vorname{i}",
            last_name=f"Nachname{i:05d}",
            email=f"user{i}@bench.example",
            number=number,
            package=packages[i % 3],
            license_holding=holding,
        )
        users.append(user)
        claims.append(
            ExtensionClaim(
                customer=customer, extension=number.extension, owner_kind="user", subscriber=user
            )
        )
        ledger.append(
            LicenseEvent(
                customer=customer,
                license_type=user.package,
                kind=LedgerKind.ASSIGN,
                effective_at=now,
                holding=holding,
                subject_type="subscriber",
                subject_id=user.id,
                subject_label=user.name,
            )
        )
    Subscriber.objects.bulk_create(users, batch_size=1000)
    LicenseEvent.objects.bulk_create(ledger, batch_size=1000)
    ExtensionClaim.objects.bulk_create(claims, batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"database: {connection.vendor}; seeded {len(users)} users in "
        f"{time.perf_counter() - started:.1f} s"
    )

    client = Client()
    client.force_login(admin)
    pages = {
        "API  /api/v1/users/ (page 1)": "/api/v1/users/",
        "API  /api/v1/users/?page=50": "/api/v1/users/?page=50",
        "API  search q=Nachname0421": "/api/v1/users/?q=Nachname0421",
        "portal users page (page 1)": f"/customers/{customer.pk}/users/",
        "portal users page (page 50)": f"/customers/{customer.pk}/users/?page=50",
        "portal users search": f"/customers/{customer.pk}/users/?q=Nachname0421",
    }
    print(f"{'page':<34} {'median ms':>10} {'p95 ms':>8} {'target':>8} {'ratio':>6}")
    for label, url in pages.items():
        first = client.get(url)
        if first.status_code != 200:
            print(f"{label:<34} answered {first.status_code} (page not available)")
            continue
        timings = []
        for _ in range(args.requests):
            t0 = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        median = statistics.median(timings)
        p95 = sorted(timings)[int(len(timings) * 0.95) - 1]
        print(
            f"{label:<34} {median:>10.1f} {p95:>8.1f} {TARGET_MS:>8.0f} {median / TARGET_MS:>6.2f}"
        )


if __name__ == "__main__":
    main()
