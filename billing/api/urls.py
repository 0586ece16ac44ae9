"""Routes of the billing API under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import (
    BillingRunViewSet,
    CreditNoteViewSet,
    ExportView,
    InvoiceViewSet,
    IssuerProfileViewSet,
    OneTimeChargeView,
    PriceListViewSet,
)
from .webhooks import stripe_webhook

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("price-lists", PriceListViewSet, basename="price-list")
router.register("billing-runs", BillingRunViewSet, basename="billing-run")
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("credit-notes", CreditNoteViewSet, basename="credit-note")
router.register("issuer-profiles", IssuerProfileViewSet, basename="issuer-profile")

urlpatterns = [
    path("exports/", ExportView.as_view(), name="billing-export"),
    path("one-time-charges/", OneTimeChargeView.as_view(), name="one-time-charge"),
    path("billing/stripe-webhook/", stripe_webhook, name="stripe-webhook"),
    *router.urls,
]
