"""A task travels through Redis to a real Celery worker process, which sends real SMTP mail."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from config.celery import app as celery_app
from provisioning import services
from tests.factories import build_world
from tests.realservices import require_redis

ROOT = Path(__file__).resolve().parents[2]


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


def _forget_broker_state() -> None:
    """Drop the app's cached router, queues and connection pool, so a changed broker and
    default queue take effect in this process."""
    celery_app.__dict__.pop("amqp", None)
    celery_app._pool = None


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


@pytest.mark.realservice
def test_api_key_notice_is_sent_by_a_celery_worker_over_redis(
    transactional_db: None, tmp_path: Path
) -> None:
    redis_url = require_redis()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    inbox = _Inbox()
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
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "--pool=solo"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    saved = {
        k: celery_app.conf[k] for k in ("broker_url", "task_always_eager", "task_default_queue")
    }
    try:
        celery_app.conf.update(
            broker_url=redis_url, task_always_eager=False, task_default_queue=queue
        )
        _forget_broker_state()
        world = build_world()
        key, _ = services.api_key_create(acting_user=world.reseller_admin_a, name="Worker-Test")
        deadline = time.monotonic() + 30
        while not inbox.messages and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.1)
    finally:
        celery_app.conf.update(saved)
        _forget_broker_state()
        worker.terminate()
        output = worker.communicate(timeout=20)[0]
        smtp.stop()
    assert inbox.messages, f"no mail arrived; worker said:\n{output}"
    message = inbox.messages[0]
    assert set(message.rcpt_tos) == {world.reseller_admin_a.email, world.reseller_a.contact_email}
    body = message.content.decode()
    assert "Worker-Test" in body or "=?utf-8?" in body
    assert key.prefix in body
