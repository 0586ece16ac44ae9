"""How billing's services hand work to a worker: after the transaction commits, by task name.

The services never import :mod:`billing.tasks` when they are loaded; the tasks import the
services they call. This function is the one place that reaches a task, and only lazily, so the
dependency points one way (tasks → services) and a rolled-back change enqueues nothing.
Without a broker (the embedded default) the task runs eagerly at commit.
"""

from __future__ import annotations

from typing import Literal

from django.db import transaction

TaskName = Literal["execute_billing_run", "collect_payment"]


def enqueue(task: TaskName, *args: str) -> None:
    """Send ``task(*args)`` to a worker once the current transaction commits (at once outside
    a transaction)."""

    def send() -> None:
        from . import tasks

        getattr(tasks, task).delay(*args)

    transaction.on_commit(send)
