"""PostgreSQL triggers that make a table append-only (audit log, license ledger) and keep
history tables from being emptied with TRUNCATE.

Used by migrations; plain SQL builders with no model imports, so old migrations stay valid.
"""

from __future__ import annotations

from typing import Any


def _sql(table: str) -> tuple[str, str]:
    function = f"{table}_refuse_change"
    trigger = f"{table}_append_only"
    create = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS {trigger} ON {table};
CREATE TRIGGER {trigger}
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
"""
    drop = f"DROP TRIGGER IF EXISTS {trigger} ON {table}; DROP FUNCTION IF EXISTS {function}();"
    return create, drop


def append_only(table: str) -> tuple[Any, Any]:
    """Forward and backward functions for ``migrations.RunPython``; no-ops off PostgreSQL."""
    create, drop = _sql(table)

    def forward(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create, params=None)

    def backward(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop, params=None)

    return forward, backward


def _truncate_sql(table: str) -> tuple[str, str]:
    function = f"{table}_refuse_truncate"
    trigger = f"{table}_no_truncate"
    create = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the table % keeps history: TRUNCATE refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS {trigger} ON {table};
CREATE TRIGGER {trigger}
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""
    drop = f"DROP TRIGGER IF EXISTS {trigger} ON {table}; DROP FUNCTION IF EXISTS {function}();"
    return create, drop


def no_truncate(*tables: str) -> tuple[Any, Any]:
    """Forward and backward functions for ``migrations.RunPython`` that refuse TRUNCATE on each
    table — also one reached through ``TRUNCATE … CASCADE`` of a table it refers to; no-ops off
    PostgreSQL. Row triggers never fire on TRUNCATE, so the append-only tables need these too."""
    statements = [_truncate_sql(table) for table in tables]

    def forward(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for create, _drop in statements:
                schema_editor.execute(create, params=None)

    def backward(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for _create, drop in statements:
                schema_editor.execute(drop, params=None)

    return forward, backward
