"""On PostgreSQL, a trigger refuses every UPDATE and DELETE on the audit table (AUD-1)."""

from django.db import migrations

from provisioning.dbtriggers import append_only


class Migration(migrations.Migration):
    dependencies = [("provisioning", "0001_tenant_tree_accounts_audit")]

    operations = [migrations.RunPython(*append_only("provisioning_auditevent"))]
