"""PostgreSQL triggers that make a table append-only (audit log, license ledger) and keep
history tables from being emptied with TRUNCATE.

Used by migrations; plain SQL builders with no model imports, so old migrations stay valid.
"""

from __future__ import annotations

from typing import Any


def _refusal_sql(table: str, *, name: str, event: str, level: str, message: str) -> tuple[str, str]:
    """A trigger ``{table}_{name}`` whose function raises ``message`` (``%`` placeholders get the
    table's name and the operation) before ``event``; and the SQL that drops both again."""
    function = f"{table}_refuse_{'truncate' if event == 'TRUNCATE' else 'change'}"
    trigger = f"{table}_{name}"
    create = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{message}', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS {trigger} ON {table};
CREATE TRIGGER {trigger}
    BEFORE {event} ON {table}
    FOR EACH {level} EXECUTE FUNCTION {function}();
"""
    drop = f"DROP TRIGGER IF EXISTS {trigger} ON {table}; DROP FUNCTION IF EXISTS {function}();"
    return create, drop


def _on_postgresql(statements: list[tuple[str, str]]) -> tuple[Any, Any]:
    """Forward and backward functions for ``migrations.RunPython``; no-ops off PostgreSQL."""

    def forward(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for create, _drop in statements:
                schema_editor.execute(create, params=None)

    def backward(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for _create, drop in statements:
                schema_editor.execute(drop, params=None)

    return forward, backward


def append_only(table: str) -> tuple[Any, Any]:
    """Refuse every UPDATE and DELETE of a row of ``table``."""
    return _on_postgresql(
        [
            _refusal_sql(
                table,
                name="append_only",
                event="UPDATE OR DELETE",
                level="ROW",
                message="the table % is append-only: % refused",
            )
        ]
    )


def no_truncate(*tables: str) -> tuple[Any, Any]:
    """Refuse TRUNCATE on each table — also one reached through ``TRUNCATE … CASCADE`` of a
    table it refers to. Row triggers never fire on TRUNCATE, so the append-only tables need
    these too."""
    return _on_postgresql(
        [
            _refusal_sql(
                table,
                name="no_truncate",
                event="TRUNCATE",
                level="STATEMENT",
                message="the table % keeps history: % refused",
            )
            for table in tables
        ]
    )
