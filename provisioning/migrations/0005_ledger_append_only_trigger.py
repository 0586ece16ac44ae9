"""On PostgreSQL, a trigger refuses every UPDATE and DELETE on the license ledger (LIC-6)."""

from django.db import migrations

from provisioning.dbtriggers import append_only


class Migration(migrations.Migration):
    dependencies = [("provisioning", "0004_licenses_sites_users_trunks_numbers_devices")]

    operations = [migrations.RunPython(*append_only("provisioning_licenseevent"))]
