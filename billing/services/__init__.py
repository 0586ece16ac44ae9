"""Write services of billing; the API, commands, tasks and the portal call these."""

from .invoices import (
    credit_note_create,
    invoice_delete_draft,
    invoice_finalize,
    issuer_profile_set,
)
from .prices import one_time_charge_create, price_list_create, price_list_update
from .runs import (
    billing_preview,
    billing_run_create,
    billing_run_execute,
    billing_run_open,
    billing_run_start,
)

__all__ = [
    "billing_preview",
    "billing_run_create",
    "billing_run_execute",
    "billing_run_open",
    "billing_run_start",
    "credit_note_create",
    "invoice_delete_draft",
    "invoice_finalize",
    "issuer_profile_set",
    "one_time_charge_create",
    "price_list_create",
    "price_list_update",
]
