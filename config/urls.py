"""URL map: portal at /, REST API at /api/v1/, schema and docs, admin, health check."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from provisioning.api.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("provisioning.api.urls")),
    path("api/v1/", include("billing.api.urls")),
    path("api/v1/", include("status.api.urls")),
    path("api/v1/", include("support.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Its start-up script is a file of its own (?script), not inline: see portal/csp.py.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Staff log in through the portal's login, which counts failed attempts (provisioning.throttle).
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="portal:login", query_string=True),
        name="admin-login",
    ),
    path("admin/", admin.site.urls),
    path("", include("portal.urls")),
]

handler404 = "portal.shell.views.not_found"
