"""Routes of the support API under /api/v1/."""

from rest_framework.routers import DefaultRouter

from .views import CustomerSupportViewSet, SupportDeskViewSet, TicketViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("tickets", TicketViewSet, basename="ticket")
router.register("customer-support", CustomerSupportViewSet, basename="customer-support")
router.register("support-desks", SupportDeskViewSet, basename="support-desk")

urlpatterns = router.urls
