"""On PostgreSQL, a trigger refuses every UPDATE and DELETE of event updates (STA-2)."""

from django.db import migrations

from provisioning.dbtriggers import append_only


class Migration(migrations.Migration):
    dependencies = [("status", "0001_components_events_subscriptions_outbox")]

    operations = [migrations.RunPython(*append_only("status_eventupdate"))]
