"""One step reaches every subscriber exactly once through Redis and real Celery workers, even
when the worker is killed in the middle of a batch (STA-6).

The SMTP sink holds one message of the second batch unanswered; while it waits, the worker
process is killed (SIGKILL), so that message was never accepted and the rows after it were
claimed but not sent. A new worker takes the remaining batches from Redis, and the sweep (what
Celery beat runs every minute) hands it the dead worker's rows once their lease has expired.
"""

from __future__ import annotations

import collections
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from config.celery import app as celery_app
from status import services
from status.models import OutboxMessage, OutboxState
from status.tasks import outbox_sweep
from tests.factories import build_world
from tests.realservices import require_redis

ROOT = Path(__file__).resolve().parents[2]
SUBSCRIBERS = 40
BATCH = 10
HOLD_AT = 15  # the fifth message of the second batch
LEASE_SECONDS = 2


class HoldingInbox:
    """Accepts every message except number ``hold_at``, which it keeps unanswered until told,
    then refuses with a temporary error (it was never accepted)."""

    def __init__(self, hold_at: int) -> None:
        self.hold_at = hold_at
        self.arrived = 0
        self.accepted: list[Any] = []
        self.holding = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.arrived += 1
            number = self.arrived
        if number == self.hold_at:
            self.holding.set()
            while not self.release.is_set():
                time.sleep(0.01)
            return "451 4.3.0 not accepted"
        with self.lock:
            self.accepted.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _forget_broker_state() -> None:
    celery_app.__dict__.pop("amqp", None)
    celery_app._pool = None


def _start_worker(env: dict[str, str], queue: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "--pool=solo"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def _wait(condition: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.realservice
def test_worker_killed_mid_batch_every_subscriber_gets_exactly_one_mail(
    transactional_db: None, tmp_path: Path
) -> None:
    redis_url = require_redis().rsplit("/", 1)[0] + "/14"
    queue = f"status-test-{uuid.uuid4().hex[:8]}"
    inbox = HoldingInbox(HOLD_AT)
    port = _free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": redis_url,
        "STIMME_CELERY_QUEUE": queue,
        "STIMME_EMAIL_HOST": "127.0.0.1",
        "STIMME_EMAIL_PORT": str(port),
        "STIMME_VAR_DIR": str(tmp_path),
        "STIMME_STATUS_OUTBOX_BATCH": str(BATCH),
        "STIMME_STATUS_OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
        "STIMME_STATUS_EXPORT_DIR": "",
    }
    log = tmp_path / "worker.log"
    world = build_world()
    calls = services.component_create(acting_user=world.staff, data={"name_de": "Telefonie"})
    addresses = [f"kunde{n:02d}@example.org" for n in range(SUBSCRIBERS)]
    for address in addresses:
        services.subscription_subscribe(
            channel="email", address=address, components=[calls], client_ip=address
        )
    saved = {
        k: celery_app.conf[k] for k in ("broker_url", "task_always_eager", "task_default_queue")
    }
    first = _start_worker(env, queue, log)
    second = None
    try:
        celery_app.conf.update(
            broker_url=redis_url, task_always_eager=False, task_default_queue=queue
        )
        _forget_broker_state()
        services.incident_open(
            acting_user=world.staff,
            title_de="Telefonie gestört",
            components=[calls],
            message_de="Wir untersuchen.",
        )
        assert inbox.holding.wait(60), log.read_text()
        first.kill()  # SIGKILL: no cleanup, no acknowledgement, mid-batch
        first.wait(10)
        inbox.release.set()
        sent_before_restart = OutboxMessage.objects.filter(state=OutboxState.SENT).count()
        stuck = OutboxMessage.objects.filter(state=OutboxState.SENDING).count()
        assert sent_before_restart == HOLD_AT - 1
        assert stuck == BATCH - (HOLD_AT - 1 - BATCH)  # the held one and the rest of its batch

        second = _start_worker(env, queue, log)
        time.sleep(LEASE_SECONDS + 0.5)
        outbox_sweep.delay()  # what beat does every minute
        assert _wait(lambda: len(inbox.accepted) >= SUBSCRIBERS, 60), log.read_text()
        time.sleep(1.0)  # anything sent twice would arrive now
    finally:
        celery_app.conf.update(saved)
        _forget_broker_state()
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait(20)
        smtp.stop()
    received = collections.Counter(
        rcpt for envelope in inbox.accepted for rcpt in envelope.rcpt_tos
    )
    assert set(received) == set(addresses)
    assert set(received.values()) == {1}, received.most_common(3)
    assert (
        OutboxMessage.objects.filter(update__isnull=False, state=OutboxState.SENT).count()
        == SUBSCRIBERS
    )
    assert inbox.arrived == SUBSCRIBERS + 1  # the held message was the only one offered twice
