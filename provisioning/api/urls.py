"""Routes of the tenant API under /api/v1/."""

from rest_framework.routers import DefaultRouter

from .system_views import (
    DeviceViewSet,
    LicenseEventViewSet,
    LicenseViewSet,
    NumberBlockViewSet,
    SiteViewSet,
    TrunkViewSet,
    UserViewSet,
)
from .views import ApiKeyViewSet, AuditEventViewSet, CustomerViewSet, ResellerViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("resellers", ResellerViewSet, basename="reseller")
router.register("customers", CustomerViewSet, basename="customer")
router.register("sites", SiteViewSet, basename="site")
router.register("trunks", TrunkViewSet, basename="trunk")
router.register("number-blocks", NumberBlockViewSet, basename="number-block")
router.register("users", UserViewSet, basename="user")
router.register("devices", DeviceViewSet, basename="device")
router.register("licenses", LicenseViewSet, basename="license")
router.register("license-events", LicenseEventViewSet, basename="license-event")
router.register("api-keys", ApiKeyViewSet, basename="api-key")
router.register("audit-events", AuditEventViewSet, basename="audit-event")

urlpatterns = router.urls
