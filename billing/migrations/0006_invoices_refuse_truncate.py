"""On PostgreSQL, invoices and their lines refuse TRUNCATE (BIL-5): the row triggers that keep
final invoices unchanged never fire on TRUNCATE, which cannot tell a draft from a final one."""

from django.db import migrations

from provisioning.dbtriggers import no_truncate


class Migration(migrations.Migration):
    dependencies = [("billing", "0005_german_field_names")]

    operations = [migrations.RunPython(*no_truncate("billing_invoice", "billing_invoiceline"))]
