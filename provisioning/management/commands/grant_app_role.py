"""Give the PostgreSQL role the application runs as the rights it needs, and no more
(AUD-1, LIC-6, BIL-5).

Run by the role that owns the tables (the one ``migrate`` runs as), after ``migrate``:

    python manage.py grant_app_role stimme_app

The application role may read and write rows (SELECT, INSERT, UPDATE, DELETE on every table,
USAGE on every sequence) of the current schema, and nothing else: it owns nothing, so it can
neither TRUNCATE, ALTER, DROP nor disable a trigger, and as no superuser it cannot switch
triggers off with ``session_replication_role``. The history tables' triggers therefore hold for
everything the application does. Default privileges give it the same rights on every table and
sequence the owner creates later, so a new migration needs no new grant; running the command
again is harmless.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

TABLE_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"
SEQUENCE_RIGHTS = "USAGE"


class Command(BaseCommand):
    help = "Grant the application's database role row access only (run as the table owner)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="the role the web and worker processes log in as")
        parser.add_argument(
            "--create",
            action="store_true",
            help="create the role (LOGIN, no other attribute) if it does not exist",
        )
        parser.add_argument(
            "--password-env",
            metavar="VARIABLE",
            help="set the role's password from this environment variable",
        )

    def handle(
        self, *args: Any, role: str, create: bool, password_env: str | None, **options: Any
    ) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role needs PostgreSQL (DATABASE_URL=postgres://…).")
        password = None
        if password_env:
            password = os.environ.get(password_env)
            if not password:
                raise CommandError(f"{password_env} is not set or empty.")
        quoted = connection.ops.quote_name(role)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_schema(), current_database()")
            owner, schema, database = cursor.fetchone()
            if role == owner:
                raise CommandError(
                    f"{role} is the role running this command, the owner: the application "
                    "must log in as another role."
                )
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                if not create:
                    raise CommandError(f"The role {role} does not exist (use --create).")
                cursor.execute(
                    f"CREATE ROLE {quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                    "NOREPLICATION NOBYPASSRLS"
                )
            self._refuse_powerful(cursor, role, owner, schema)
            if password is not None:
                cursor.execute(f"ALTER ROLE {quoted} PASSWORD %s", [password])
            schema_q = connection.ops.quote_name(schema)
            owner_q = connection.ops.quote_name(owner)
            for statement in (
                f"REVOKE ALL ON DATABASE {connection.ops.quote_name(database)} FROM {quoted}",
                f"GRANT CONNECT ON DATABASE {connection.ops.quote_name(database)} TO {quoted}",
                f"REVOKE ALL ON SCHEMA {schema_q} FROM {quoted}",
                f"GRANT USAGE ON SCHEMA {schema_q} TO {quoted}",
                f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema_q} FROM {quoted}",
                f"GRANT {TABLE_RIGHTS} ON ALL TABLES IN SCHEMA {schema_q} TO {quoted}",
                f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema_q} FROM {quoted}",
                f"GRANT {SEQUENCE_RIGHTS} ON ALL SEQUENCES IN SCHEMA {schema_q} TO {quoted}",
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_q} IN SCHEMA {schema_q} "
                f"GRANT {TABLE_RIGHTS} ON TABLES TO {quoted}",
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_q} IN SCHEMA {schema_q} "
                f"GRANT {SEQUENCE_RIGHTS} ON SEQUENCES TO {quoted}",
            ):
                cursor.execute(statement)
        self.stdout.write(
            f"{role}: {TABLE_RIGHTS} on the tables and {SEQUENCE_RIGHTS} on the sequences of "
            f"{database}.{schema}, also on those {owner} creates later."
        )

    @staticmethod
    def _refuse_powerful(cursor: Any, role: str, owner: str, schema: str) -> None:
        """The role must be unable to change the schema or switch triggers off."""
        cursor.execute(
            "SELECT rolsuper, rolbypassrls, rolcreaterole, rolreplication FROM pg_roles "
            "WHERE rolname = %s",
            [role],
        )
        superuser, bypassrls, createrole, replication = cursor.fetchone()
        if superuser or bypassrls or createrole or replication:
            raise CommandError(
                f"{role} is a superuser or may create roles, bypass row security or replicate: "
                "the application must run as a plain role."
            )
        cursor.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [role, owner])
        if cursor.fetchone()[0]:
            raise CommandError(f"{role} is a member of the owner {owner}: it would own the tables.")
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND pg_get_userbyid(c.relowner) = %s",
            [schema, role],
        )
        if cursor.fetchone()[0]:
            raise CommandError(f"{role} owns tables in {schema}: it must own nothing.")
