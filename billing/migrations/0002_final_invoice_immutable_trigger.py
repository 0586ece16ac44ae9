from django.db import migrations

from billing import dbtriggers


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_price_lists_invoices_runs_payments")]

    operations = [migrations.RunPython(dbtriggers.forward, dbtriggers.backward)]
