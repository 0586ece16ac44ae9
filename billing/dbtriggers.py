"""PostgreSQL triggers that keep issued invoices immutable (BIL-5), used by a migration.

Plain SQL builders with no model imports, so the migration stays valid as models evolve.
"""

from __future__ import annotations

from typing import Any

IMMUTABLE_COLUMNS = [
    "document_type",
    "kind",
    "issuer_key",
    "issuer_reseller_id",
    "buyer_reseller_id",
    "buyer_customer_id",
    "month",
    "period_start",
    "period_end",
    "number",
    "sequence",
    "issued_on",
    "due_on",
    "seller",
    "buyer",
    "currency",
    "net_cents",
    "tax_cents",
    "gross_cents",
    "reverse_charge",
    "corrects_id",
    "reason",
    "xml",
    "pdf",
    "state",
]

CREATE = """
CREATE OR REPLACE FUNCTION billing_invoice_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.state = 'final' THEN
            RAISE EXCEPTION 'final invoice % cannot be deleted', OLD.number
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.state = 'final' AND ({changed}) THEN
        RAISE EXCEPTION 'final invoice % cannot be changed', OLD.number
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS billing_invoice_final_guard ON billing_invoice;
CREATE TRIGGER billing_invoice_final_guard
    BEFORE UPDATE OR DELETE ON billing_invoice
    FOR EACH ROW EXECUTE FUNCTION billing_invoice_guard();

CREATE OR REPLACE FUNCTION billing_invoiceline_guard() RETURNS trigger AS $$
DECLARE
    parent_state text;
BEGIN
    SELECT state INTO parent_state FROM billing_invoice
        WHERE id = (CASE WHEN TG_OP = 'INSERT' THEN NEW.invoice_id ELSE OLD.invoice_id END);
    IF parent_state = 'final' THEN
        RAISE EXCEPTION 'lines of a final invoice cannot be changed'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS billing_invoiceline_final_guard ON billing_invoiceline;
CREATE TRIGGER billing_invoiceline_final_guard
    BEFORE INSERT OR UPDATE OR DELETE ON billing_invoiceline
    FOR EACH ROW EXECUTE FUNCTION billing_invoiceline_guard();
""".replace(
    "{changed}",
    " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in IMMUTABLE_COLUMNS),
)

DROP = """
DROP TRIGGER IF EXISTS billing_invoice_final_guard ON billing_invoice;
DROP FUNCTION IF EXISTS billing_invoice_guard();
DROP TRIGGER IF EXISTS billing_invoiceline_final_guard ON billing_invoiceline;
DROP FUNCTION IF EXISTS billing_invoiceline_guard();
"""


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)
