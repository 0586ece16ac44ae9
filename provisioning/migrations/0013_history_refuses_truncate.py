"""On PostgreSQL, the audit log, the license ledger and the one-time fees refuse TRUNCATE too
(AUD-1, LIC-6): their row triggers refuse UPDATE and DELETE, which TRUNCATE never fires."""

from django.db import migrations

from provisioning.dbtriggers import no_truncate


class Migration(migrations.Migration):
    dependencies = [("provisioning", "0012_extension_claim_field_names")]

    operations = [
        migrations.RunPython(
            *no_truncate(
                "provisioning_auditevent",
                "provisioning_licenseevent",
                "provisioning_onetimefeeevent",
            )
        )
    ]
