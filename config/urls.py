"""URL map: portal at /, REST API at /api/v1/, schema and docs, admin, health check."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from provisioning.api.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("provisioning.api.urls")),
    path("api/v1/", include("billing.api.urls")),
    path("api/v1/", include("status.api.urls")),
    path("api/v1/", include("support.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("", include("portal.urls")),
]

handler404 = "portal.shell.views.not_found"
