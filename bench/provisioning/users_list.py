"""Users list latency with 5,000 users in one customer (LIC-4 list pages), for every role.

Seeds a fresh database (PostgreSQL when BENCH_DATABASE_URL/DATABASE_URL is a postgres URL,
else a SQLite file), then times the users list API page and the portal users page in-process
with Django's test client as the customer admin, the reseller admin and platform staff (whose
reads are audited, AUD-1). Each page is timed side by side with a bare Django page that answers
the same rows with ``.values()`` through the same middleware (``bare_users`` below); the ratio
page ÷ bare must stay within 2. Prints median and p95 per page and role, the 150 ms target and
the ratio to the bare page.

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
BARE_LIMIT = 2.0
PAGE_SIZE = 50


def bare_users(request, pk):  # type: ignore[no-untyped-def]
    """The yardstick: the same 50 rows as ``.values()`` and the count, nothing else."""
    from django.db.models import Q
    from django.http import JsonResponse

    from portal.system.users import LIST_COLUMNS  # the columns a row of the page shows
    from provisioning.models import Subscriber

    request.user.is_authenticated  # noqa: B018 - load the account like every page does
    rows = Subscriber.objects.filter(customer_id=pk)
    query = request.GET.get("q", "")
    if query:  # the same columns the users search looks at
        rows = rows.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(display_name__icontains=query)
            | Q(email__icontains=query)
            | Q(number__e164__contains=query)
        )
    page = int(request.GET.get("page", "1"))
    start = (page - 1) * PAGE_SIZE
    ordered = rows.order_by("last_name", "first_name", "pk").values("id", *LIST_COLUMNS)
    return JsonResponse(
        {"count": rows.count(), "results": list(ordered[start : start + PAGE_SIZE])},
        json_dumps_params={"default": str},
    )


urlpatterns: list[object] = []
"""This module is the bench's URLconf: the project's URLs plus the bare page."""


def _install_urls() -> None:
    from django.urls import include, path

    urlpatterns.extend(
        [path("bench/bare/<uuid:pk>/", bare_users), path("", include("config.urls"))]
    )


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
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = __name__
    _install_urls()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from provisioning import services
    from provisioning.models import (
        AuditEvent,
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

    reseller_admin = services.account_create(
        acting_user=None,
        username="bench-reseller",
        password="bench-password-1",
        role=Role.RESELLER_ADMIN,
        reseller=reseller,
    )
    roles = {"customer admin": admin, "reseller admin": reseller_admin, "platform staff": staff}
    pages = {
        "API  /api/v1/users/ (page 1)": ("/api/v1/users/", ""),
        "API  /api/v1/users/?page=50": ("/api/v1/users/?page=50", "?page=50"),
        "API  search q=Nachname0421": ("/api/v1/users/?q=Nachname0421", "?q=Nachname0421"),
        "portal users page (page 1)": (f"/customers/{customer.pk}/users/", ""),
        "portal users page (page 50)": (f"/customers/{customer.pk}/users/?page=50", "?page=50"),
        "portal users search": (
            f"/customers/{customer.pk}/users/?q=Nachname0421",
            "?q=Nachname0421",
        ),
    }
    bare = f"/bench/bare/{customer.pk}/"
    print(
        f"{'page':<30} {'role':<15} {'median ms':>9} {'p95 ms':>7} {'bare ms':>7} "
        f"{'÷bare':>6} {'÷150ms':>6}"
    )
    misses = []
    for role, account in roles.items():
        client = Client()
        client.force_login(account)
        for label, (url, bare_query) in pages.items():
            first = client.get(url)
            if first.status_code != 200:
                print(f"{label:<30} {role:<15} answered {first.status_code} (not available)")
                continue
            client.get(bare + bare_query)
            timings, bare_timings = [], []
            for _ in range(args.requests):
                t0 = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
                t0 = time.perf_counter()
                response = client.get(bare + bare_query)
                bare_timings.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            median = statistics.median(timings)
            p95 = sorted(timings)[int(len(timings) * 0.95) - 1]
            bare_median = statistics.median(bare_timings)
            ratio = median / bare_median
            if ratio > BARE_LIMIT:
                misses.append(f"{label} as {role}")
            print(
                f"{label:<30} {role:<15} {median:>9.1f} {p95:>7.1f} {bare_median:>7.1f} "
                f"{ratio:>6.2f} {median / TARGET_MS:>6.2f}"
            )
    audit_rows = AuditEvent.objects.filter(action="access").count()
    print(f"access entries written by the staff pages: {audit_rows}")
    print(
        f"pages over {BARE_LIMIT:.0f} × the bare page: " + (", ".join(misses) if misses else "none")
    )


if __name__ == "__main__":
    main()
