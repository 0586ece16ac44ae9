"""On PostgreSQL, a trigger refuses every UPDATE and DELETE on the audit table (AUD-1)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION provisioning_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS provisioning_auditevent_append_only ON provisioning_auditevent;
CREATE TRIGGER provisioning_auditevent_append_only
    BEFORE UPDATE OR DELETE ON provisioning_auditevent
    FOR EACH ROW EXECUTE FUNCTION provisioning_auditevent_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS provisioning_auditevent_append_only ON provisioning_auditevent;
DROP FUNCTION IF EXISTS provisioning_auditevent_refuse_change();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("provisioning", "0001_tenant_tree_accounts_audit")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
