"""Finance: billing runs, invoices, credit notes, exports, price lists, invoicing data, fees and
payment methods. Included into the ``portal`` namespace; every pattern with ``<uuid:pk>`` is
covered by the isolation matrix in tests/portal/test_isolation.py."""

from django.urls import path

from . import pricing, runs, views

urlpatterns = [
    path("finance/", views.finance_dashboard, name="finance_dashboard"),
    path("finance/runs/", runs.run_list, name="finance_run_list"),
    path("finance/runs/<uuid:pk>/", runs.run_detail, name="finance_run_detail"),
    path("finance/runs/<uuid:pk>/progress/", runs.run_progress, name="finance_run_progress"),
    path("finance/invoices/", views.invoice_list_view, name="finance_invoice_list"),
    path("finance/invoices/<uuid:pk>/", views.invoice_detail, name="finance_invoice_detail"),
    path("finance/invoices/<uuid:pk>/pdf/", views.invoice_pdf, name="finance_invoice_pdf"),
    path("finance/invoices/<uuid:pk>/xml/", views.invoice_xml, name="finance_invoice_xml"),
    path(
        "finance/invoices/<uuid:pk>/finalize/",
        views.invoice_finalize,
        name="finance_invoice_finalize",
    ),
    path(
        "finance/invoices/<uuid:pk>/credit-note/",
        views.credit_note_create,
        name="finance_credit_note_create",
    ),
    path("finance/credit-notes/", views.credit_note_list, name="finance_credit_note_list"),
    path("finance/exports/", views.export, name="finance_export"),
    path("finance/price-lists/", pricing.price_list_list_view, name="finance_price_list_list"),
    path("finance/price-lists/new/", pricing.price_list_create, name="finance_price_list_create"),
    path("finance/price-lists/<uuid:pk>/", pricing.price_list_edit, name="finance_price_list_edit"),
    path("finance/charges/", pricing.charges, name="finance_charges"),
    path("finance/payments/", pricing.payment_accounts, name="finance_payment_accounts"),
    path("finance/issuer/", pricing.issuer_profile, name="finance_issuer_profile"),
    path(
        "finance/issuer/resellers/",
        pricing.reseller_issuer_list,
        name="finance_reseller_issuer_list",
    ),
    path(
        "finance/issuer/resellers/<uuid:pk>/",
        pricing.reseller_issuer,
        name="finance_reseller_issuer",
    ),
]
