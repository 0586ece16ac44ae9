"""History cannot be erased on PostgreSQL (AUD-1, LIC-6, BIL-5, STA-2): the history tables
refuse TRUNCATE even from their owner, and the application runs as a role that may only read and
write rows — it can neither TRUNCATE, disable a trigger nor switch triggers off."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from tests.realservices import require_postgresql

HISTORY_TABLES = [
    "provisioning_auditevent",
    "provisioning_licenseevent",
    "provisioning_onetimefeeevent",
    "billing_invoice",
    "billing_invoiceline",
    "status_eventupdate",
]


@pytest.mark.postgresql
@pytest.mark.django_db
@pytest.mark.parametrize("table", HISTORY_TABLES)
def test_owner_cannot_truncate_a_history_table(table: str) -> None:
    require_postgresql(connection.vendor)
    with pytest.raises(DatabaseError, match="TRUNCATE refused"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table} CASCADE")


@pytest.mark.postgresql
@pytest.mark.django_db
def test_owner_cannot_truncate_a_history_table_through_cascade() -> None:
    """Emptying the accounts with CASCADE would reach the tables that refer to them."""
    require_postgresql(connection.vendor)
    with pytest.raises(DatabaseError, match="TRUNCATE refused"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE provisioning_customer CASCADE")


@pytest.mark.postgresql
@pytest.mark.django_db
def test_the_application_role_must_not_be_the_owner_or_a_superuser() -> None:
    require_postgresql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    powerful = f"stimme_test_powerful_{uuid.uuid4().hex[:8]}"
    with pytest.raises(CommandError, match="owner"):
        call_command("grant_app_role", owner)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE ROLE {powerful} SUPERUSER")
        with pytest.raises(CommandError, match="superuser"):
            call_command("grant_app_role", powerful)
        transaction.set_rollback(True)
    with pytest.raises(CommandError, match="does not exist"):
        call_command("grant_app_role", "stimme_test_nobody")


@contextlib.contextmanager
def _app_role() -> Iterator[str]:
    """A fresh login role set up by ``grant_app_role``, dropped again afterwards."""
    role = f"stimme_test_app_{uuid.uuid4().hex[:8]}"
    call_command("grant_app_role", role, "--create")
    try:
        yield role
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


def _connect_as(role: str) -> psycopg.Connection[Any]:
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=role,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    )


def _refused(app: psycopg.Connection[Any], sql: str, params: list[Any] | None = None) -> str:
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as refusal:
        app.execute(sql, params)
    return str(refusal.value)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_application_role_reads_and_writes_rows_and_cannot_erase_history() -> None:
    require_postgresql(connection.vendor)
    with _app_role() as role, _connect_as(role) as app:
        for table in HISTORY_TABLES:
            assert "permission denied" in _refused(app, f"TRUNCATE {table}")
            assert "must be owner" in _refused(app, f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        assert "permission denied" in _refused(app, "SET session_replication_role = replica")
        assert "permission denied" in _refused(app, "CREATE TABLE stimme_probe (id int)")
        assert "must be owner" in _refused(app, "DROP TABLE provisioning_auditevent")

        # Rows: an audit entry is written and read; changing it is still refused.
        event_id = uuid.uuid4()
        app.execute(
            "INSERT INTO provisioning_auditevent (id, occurred_at, actor_label, actor_role, "
            "channel, action, object_type, object_id, object_repr, changes) "
            "VALUES (%s, now(), 'probe', '', 'system', 'create', 'probe', '1', 'probe', '{}')",
            [event_id],
        )
        row = app.execute(
            "SELECT actor_label FROM provisioning_auditevent WHERE id = %s", [event_id]
        ).fetchone()
        assert row == ("probe",)
        assert "append-only" in _refused(
            app, "DELETE FROM provisioning_auditevent WHERE id = %s", [event_id]
        )


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_application_role_may_use_tables_the_owner_creates_later() -> None:
    """Default privileges: a table from a later migration needs no new grant."""
    require_postgresql(connection.vendor)
    with _app_role() as role:
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE stimme_later (id bigserial PRIMARY KEY, note text)")
        try:
            with _connect_as(role) as app:
                app.execute("INSERT INTO stimme_later (note) VALUES ('new')")
                assert app.execute("SELECT note FROM stimme_later").fetchall() == [("new",)]
                assert "permission denied" in _refused(app, "TRUNCATE stimme_later")
        finally:
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE stimme_later")
