"""Pages of the portal, one package per area (see docs/architecture.md). Every pattern with
``<uuid:pk>`` is covered by the isolation matrix in tests/portal/test_isolation.py."""

from django.urls import include, path

app_name = "portal"

urlpatterns = [
    path("", include("portal.shell.urls")),
    path("", include("portal.tenants.urls")),
    path("", include("portal.system.urls")),
    path("", include("portal.netcheck.urls")),
    path("", include("portal.features.urls")),
    path("", include("portal.me.urls")),
    path("", include("portal.finance.urls")),
    path("", include("portal.status.urls")),
    path("", include("portal.support.urls")),
]
