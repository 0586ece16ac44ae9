"""On PostgreSQL, the published updates of incidents and maintenance refuse TRUNCATE (STA-2),
which their row trigger against UPDATE and DELETE never sees."""

from django.db import migrations

from provisioning.dbtriggers import no_truncate


class Migration(migrations.Migration):
    dependencies = [("status", "0003_german_field_names")]

    operations = [migrations.RunPython(*no_truncate("status_eventupdate"))]
