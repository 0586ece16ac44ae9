"""Routes of the tenant API under /api/v1/."""

from rest_framework.routers import DefaultRouter

from .views import ApiKeyViewSet, AuditEventViewSet, CustomerViewSet, ResellerViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("resellers", ResellerViewSet, basename="reseller")
router.register("customers", CustomerViewSet, basename="customer")
router.register("api-keys", ApiKeyViewSet, basename="api-key")
router.register("audit-events", AuditEventViewSet, basename="audit-event")

urlpatterns = router.urls
