"""Routes of the status API under /api/v1/status/."""

from rest_framework.routers import DefaultRouter

from .views import ComponentGroupViewSet, ComponentViewSet, IncidentViewSet, MaintenanceViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("status/component-groups", ComponentGroupViewSet, basename="status-component-group")
router.register("status/components", ComponentViewSet, basename="status-component")
router.register("status/incidents", IncidentViewSet, basename="status-incident")
router.register("status/maintenances", MaintenanceViewSet, basename="status-maintenance")

urlpatterns = router.urls
