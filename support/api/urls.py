"""Routes of the support API under /api/v1/."""

from django.urls import re_path
from rest_framework.routers import DefaultRouter

from .views import CustomerSupportViewSet, SlaReportView, SupportDeskViewSet, TicketViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("tickets", TicketViewSet, basename="ticket")
router.register("customer-support", CustomerSupportViewSet, basename="customer-support")
router.register("support-desks", SupportDeskViewSet, basename="support-desk")

urlpatterns = [
    # A file's address ends in its suffix, without the router's trailing slash.
    re_path(
        r"^tickets/(?P<pk>[^/.]+)/outage-report\.pdf$",
        TicketViewSet.as_view({"get": "outage_report_pdf"}, detail=True, basename="ticket"),
        name="ticket-outage-report-pdf",
    ),
    re_path(r"^support-reports/$", SlaReportView.as_view(), name="support-reports"),
    *router.urls,
]
