"""Fuzzing the REST API against its own OpenAPI schema (schemathesis, in process).

The published schema (``/api/schema/``) is loaded from the Django WSGI application itself;
every operation gets generated requests — valid ones and, for a share of the budget, ones that
break the schema — sent with an API key, no server in between. A request fails when the answer
is a server error (5xx) or does not match the schema's description of that answer.
Operations with an id in their path are sent an id the key can see where one exists (deletes
last), so they reach more than the 404 of an unknown id.

Used by ``tests/provisioning/test_api_fuzz.py`` (a bounded run in every test run) and
``bench/fuzz/run.py`` (a long run printing the figures).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

SCHEMA_PATH = "/api/schema/"
KEYS_PATH = "/api/v1/api-keys/"
NEGATIVE_SHARE = 0.25
"""The share of each operation's requests that deliberately break the schema."""


@dataclass
class Finding:
    kind: str  # "5xx" or "schema"
    operation: str
    status: int
    detail: str


@dataclass
class Report:
    requests: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def server_errors(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "5xx"]

    @property
    def schema_violations(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "schema"]

    def merge(self, other: Report) -> None:
        self.requests += other.requests
        self.findings += other.findings

    def summary(self, limit: int = 20) -> str:
        lines = [
            f"requests={self.requests} 5xx={len(self.server_errors)} "
            f"schema_violations={len(self.schema_violations)}"
        ]
        seen: set[tuple[str, str, str]] = set()
        for finding in self.findings:
            key = (finding.kind, finding.operation, finding.detail[:200])
            if key in seen:
                continue
            seen.add(key)
            lines.append(f"  {finding.kind} {finding.operation} {finding.status}: {finding.detail}")
            if len(seen) >= limit:
                break
        return "\n".join(lines)


def _known_ids(app: Any, headers: dict[str, str], paths: list[str]) -> dict[str, str]:
    """An id the key can see per collection path (``/api/v1/sites/`` → a site's id)."""
    from django.test import Client

    client = Client()
    ids: dict[str, str] = {}
    for path in paths:
        response = client.get(path, headers=headers)
        if response.status_code != 200:
            continue
        body = response.json()
        rows = body.get("results", []) if isinstance(body, dict) else body
        if rows and isinstance(rows[0], dict) and "id" in rows[0]:
            ids[path] = str(rows[0]["id"])
    return ids


def _collection(path: str) -> str | None:
    match = re.match(r"^(.*/)\{[^}]+\}/", path)
    return match.group(1) if match else None


def fuzz(app: Any, key: str, *, requests: int, seed: int = 0) -> Report:
    """About ``requests`` generated requests over every operation of the schema, sent with
    the API key ``key``."""
    headers = {"Authorization": f"Bearer {key}"}
    schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, app, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(key=lambda op: (op.method.upper() == "DELETE", op.path))
    collections = sorted({c for op in operations if (c := _collection(op.path))})
    known = _known_ids(app, {"authorization": headers["Authorization"]}, collections)
    known.pop(KEYS_PATH, None)  # revoking the key in use would end the run
    per_operation = max(2, requests // max(1, len(operations)))
    report = Report()
    for operation in operations:
        report.merge(_fuzz_operation(operation, headers, known, per_operation, seed))
    return report


def _fuzz_operation(
    operation: Any, headers: dict[str, str], known: dict[str, str], count: int, seed: int
) -> Report:
    report = Report()
    label = f"{operation.method.upper()} {operation.path}"
    collection = _collection(operation.path)
    path_parameters = None
    if collection in known:
        names = re.findall(r"\{([^}]+)\}", operation.path)
        path_parameters = {names[0]: known[collection]}
    negative = int(count * NEGATIVE_SHARE)
    for mode, examples in (
        (GenerationMode.POSITIVE, count - negative),
        (GenerationMode.NEGATIVE, negative),
    ):
        if examples <= 0:
            continue
        strategies = [operation.as_strategy(generation_mode=mode)]
        if path_parameters:
            strategies.append(
                operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
            )
        strategy = st.one_of(strategies)

        @hypothesis.settings(
            max_examples=examples,
            database=None,
            deadline=None,
            derandomize=False,
            suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.generate],
            verbosity=hypothesis.Verbosity.quiet,
        )
        @hypothesis.seed(seed)
        @hypothesis.given(case=strategy)
        def run(case: Any) -> None:
            response = case.call(headers=headers)
            report.requests += 1
            try:
                case.validate_response(
                    response, checks=[not_a_server_error, response_schema_conformance]
                )
            except Failure as failure:
                report.findings.append(_finding(label, response, failure))
            except BaseExceptionGroup as group:
                for failure in group.exceptions:
                    report.findings.append(_finding(label, response, failure))

        try:
            run()
        except hypothesis.errors.Unsatisfiable:
            continue
    return report


def _finding(label: str, response: Any, failure: BaseException) -> Finding:
    status = int(getattr(response, "status_code", 0))
    kind = "5xx" if status >= 500 else "schema"
    title = getattr(failure, "title", "") or type(failure).__name__
    message = getattr(failure, "message", "") or str(failure)
    detail = f"{title}: {' '.join(str(message).split())[:300]}"
    if status >= 500:
        with contextlib.suppress(Exception):  # the body of a server error may be anything
            detail += " " + json.dumps(response.json())[:200]
    return Finding(kind, label, status, detail)


def seed() -> Any:
    """The tenants of ``tests.factories.build_world`` with customer A1's telephone system, a
    hunt group and an operator with a weekly schedule, so reads and changes reach real rows."""
    from provisioning import services
    from tests.factories import build_system, build_world

    world = build_world()
    system = build_system(world.customer_a1, world.reseller_admin_a)
    group = services.hunt_group_create(
        customer=system.customer,
        acting_user=world.reseller_admin_a,
        data={"name": "Zentrale", "site": system.site, "members": [system.user]},
    )
    services.operator_update(
        customer=system.customer,
        acting_user=world.reseller_admin_a,
        data={
            "day_target": f"hunt_group:{group.pk}",
            "schedule": [{"weekday": 0, "start": "08:00", "end": "17:00"}],
        },
    )
    return world


@contextlib.contextmanager
def wsgi_app() -> Iterator[Any]:
    """The Django WSGI application for requests inside a test's transaction: like Django's
    test client, it leaves the database connection open between requests."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call_and_check(app: Any, key: str, method: str, path: str, **case: Any) -> Any:
    """Send one request (``path_parameters``, ``query``, ``body``) to an operation of the
    schema with the API key ``key``; its response, after checking it is no server error and
    matches the schema (a schemathesis ``Failure`` otherwise)."""
    headers = {"Authorization": f"Bearer {key}"}
    schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, app, headers=headers)
    made = schema[path][method.upper()].Case(**case)
    response = made.call(headers=headers)
    made.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    return response
