"""A long fuzzing run of the REST API against its published schema (schemathesis, in process).

Seeds a fresh database (a SQLite file unless DATABASE_URL names PostgreSQL), creates an API key
for platform staff and one for a reseller admin, sends generated requests (valid ones and, for a
quarter, ones that break the schema) for every operation, and prints per key and in total the
requests sent, the server errors (5xx) and the answers that break the schema, with the first
findings.

    .venv/bin/python bench/fuzz/run.py                 # 25,000 requests, half per key
    .venv/bin/python bench/fuzz/run.py --requests 50000 --seed 7
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("STIMME_VAR_DIR", tempfile.mkdtemp(prefix="stimme-fuzz-"))
os.environ.setdefault("STIMME_ALLOWED_HOSTS", "*")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=25_000, help="in total, over both keys")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.test.utils import override_settings

    from provisioning import services
    from tests.fuzzing import Report, fuzz, seed

    call_command("migrate", verbosity=0)
    with override_settings(
        ALLOWED_HOSTS=["*"],
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    ):
        world = seed()
        app = WSGIHandler()
        total = Report()
        started = time.monotonic()
        for actor in ("staff", "reseller_admin_a"):
            _, key = services.api_key_create(acting_user=getattr(world, actor), name="fuzz")
            report = fuzz(app, key, requests=args.requests // 2, seed=args.seed)
            print(f"[{actor}] {report.summary()}", flush=True)
            total.merge(report)
        seconds = time.monotonic() - started
    print(
        f"total: requests={total.requests} 5xx={len(total.server_errors)} "
        f"schema_violations={len(total.schema_violations)} "
        f"seconds={seconds:.0f} requests_per_second={total.requests / seconds:.1f}"
    )
    return 1 if total.findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
