"""Status page benchmark (STA-6, STA-1): notifying 10,000 subscribers with one worker, and the
public page under 200 concurrent readers.

1. **Notification**: seeds 10,000 e-mail subscribers of one component, starts one Celery worker
   (one process, threads pool with 4 threads: sending is mostly waiting on SMTP and the database) on
   Redis and an aiosmtpd SMTP sink, opens an incident, and times from the commit of the step
   until the sink has accepted every mail. Target < 30 s.
2. **Public page**: serves the platform with gunicorn and lets 200 readers (asyncio
   connections) load ``/status/`` concurrently — each reads the page and comes back after a
   think time of 0.5–1.5 s — and prints median, p95 and p99 latency. Target p95 < 50 ms (the
   page comes from the cache). It also prints the closed-loop figure (200 readers reloading
   without a pause), which measures the machine's ceiling rather than a reader's experience.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/stimme_bench_status \\
        .venv/bin/python bench/status/run.py [--subscribers 10000] [--readers 200] [--seconds 20]

Needs PostgreSQL (DATABASE_URL; the database is dropped and created) and Redis
(BENCH_REDIS_URL, default redis://127.0.0.1:6379/14).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import logging
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
VAR = tempfile.mkdtemp(prefix="stimme-bench-status-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("STIMME_VAR_DIR", VAR)
os.environ.setdefault("STIMME_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
NOTIFY_TARGET_S = 30.0
PAGE_TARGET_MS = 50.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


class CountingSink:
    def __init__(self) -> None:
        self.first: float | None = None
        self.count = 0
        self.recipients: set[str] = set()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.first is None:
                self.first = time.perf_counter()
            self.count += 1
            self.recipients.update(envelope.rcpt_tos)
        return "250 OK"


def bench_notifications(subscribers: int, database_url: str, threads: int) -> float:
    from aiosmtpd.controller import Controller

    from config.celery import app as celery_app
    from provisioning.models import Account, Role
    from status import services
    from status.models import OutboxMessage, OutboxState, Subscription

    staff = Account.objects.create(username="bench-staff", role=Role.PLATFORM_STAFF)
    component = services.component_create(acting_user=staff, data={"name_de": "Telefonie"})
    started = time.perf_counter()
    rows = [
        Subscription(channel="email", address=f"kunde{n:05d}@bench.example", all_components=False)
        for n in range(subscribers)
    ]
    Subscription.objects.bulk_create(rows, batch_size=2000)
    through = Subscription.components.through
    through.objects.bulk_create(
        [through(subscription_id=row.pk, component_id=component.pk) for row in rows],
        batch_size=5000,
    )
    print(f"seeded {subscribers} subscribers in {time.perf_counter() - started:.1f} s")

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # the sink's per-command log
    sink = CountingSink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": REDIS_URL,
        "STIMME_CELERY_QUEUE": queue,
        "STIMME_EMAIL_HOST": "127.0.0.1",
        "STIMME_EMAIL_PORT": str(port),
        "STIMME_STATUS_EXPORT_DIR": "",
    }
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue),
            *("--pool=threads", f"--concurrency={threads}"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
            *("-l", "warning"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    celery_app.conf.update(broker_url=REDIS_URL, task_always_eager=False, task_default_queue=queue)
    celery_app.__dict__.pop("amqp", None)
    celery_app._pool = None
    try:
        time.sleep(3)  # the worker is up and listening
        started = time.perf_counter()
        services.incident_open(
            acting_user=staff,
            title_de="Bench: Telefonie gestört",
            components=[component],
            message_de="Wir untersuchen.",
        )
        deadline = started + 300
        while sink.count < subscribers and time.perf_counter() < deadline:
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        time.sleep(1)
    finally:
        worker.terminate()
        worker.wait(30)
        controller.stop()
    sent = OutboxMessage.objects.filter(state=OutboxState.SENT).count()
    print(
        f"notified {len(sink.recipients)} of {subscribers} subscribers "
        f"({sink.count} mails accepted by the SMTP sink, {sent} outbox rows sent) "
        f"in {elapsed:.1f} s with one worker ({threads} threads) → "
        f"{subscribers / elapsed:.0f} mails/s; "
        f"target < {NOTIFY_TARGET_S:.0f} s: {'met' if elapsed < NOTIFY_TARGET_S else 'MISSED'} "
        f"(ratio {elapsed / NOTIFY_TARGET_S:.2f}); first mail after "
        f"{(sink.first or started) - started:.1f} s (fan-out)"
    )
    return elapsed


async def _get(port: int, path: str) -> tuple[float, int]:
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n\r\n".encode()
    )
    await writer.drain()
    data = await reader.read()
    writer.close()
    elapsed = time.perf_counter() - started
    status = int(data[9:12]) if len(data) > 12 else 0
    return elapsed, status


async def _readers(
    port: int, readers: int, seconds: float, think: tuple[float, float]
) -> list[float]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def reader() -> None:
        nonlocal errors
        await asyncio.sleep(random.uniform(0, think[1] or 0.2))
        while time.perf_counter() < stop:
            try:
                elapsed, status = await _get(port, "/status/")
            except OSError:
                errors += 1
                continue
            if status != 200:
                errors += 1
            latencies.append(elapsed)
            if think[1]:
                await asyncio.sleep(random.uniform(*think))

    await asyncio.gather(*(reader() for _ in range(readers)))
    if errors:
        print(f"  {errors} failed requests")
    return latencies


def _report(label: str, latencies: list[float], seconds: float, target: bool) -> float:
    ordered = sorted(latencies)
    p95 = ordered[int(len(ordered) * 0.95)] * 1000
    p99 = ordered[int(len(ordered) * 0.99)] * 1000
    median = statistics.median(ordered) * 1000
    verdict = ""
    if target:
        verdict = (
            f"; target p95 < {PAGE_TARGET_MS:.0f} ms: "
            f"{'met' if p95 < PAGE_TARGET_MS else 'MISSED'} (ratio {p95 / PAGE_TARGET_MS:.2f})"
        )
    print(
        f"{label}: {len(latencies)} requests, {len(latencies) / seconds:.0f}/s, "
        f"median {median:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms{verdict}"
    )
    return p95


def bench_page(readers: int, seconds: float, database_url: str, workers: int) -> float:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "STIMME_STATUS_EXPORT_DIR": ""}
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}"),
            *("-w", str(workers), "--backlog", "2048", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", port), 0.2):
                    break
            except OSError:
                time.sleep(0.1)
        # Warm every worker's cache.
        asyncio.run(_readers(port, workers * 4, 2.0, (0.0, 0.0)))
        import urllib.request

        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/status/").read()
        print(
            f"public page: {len(page) / 1024:.0f} KiB ({len(gzip.compress(page)) / 1024:.0f} KiB "
            f"gzip-compressed as sent to browsers), gunicorn with {workers} workers"
        )
        latencies = asyncio.run(_readers(port, readers, seconds, (0.5, 1.5)))
        p95 = _report(f"{readers} readers (think time 0.5–1.5 s)", latencies, seconds, True)
        latencies = asyncio.run(_readers(port, readers, seconds / 2, (0.0, 0.0)))
        _report(f"{readers} readers reloading without pause", latencies, seconds / 2, False)
    finally:
        server.terminate()
        server.wait(30)
    return p95


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads of the Celery worker")
    parser.add_argument("--only", choices=["notify", "page"], help="run one of the two parts")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("set DATABASE_URL=postgres://…/stimme_bench_status (it is dropped and created)")
    _recreate_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if args.only != "page":
        bench_notifications(args.subscribers, database_url, args.threads)
    if args.only != "notify":
        from status.management.commands.seed_demo_status import Command as Seed

        Seed().handle()
        bench_page(args.readers, args.seconds, database_url, args.workers)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
