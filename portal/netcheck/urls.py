"""Pages of the network readiness check, included into the portal namespace. Every pattern with
an id or token is covered by the isolation matrix in tests/portal/test_isolation.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("network-checks/", views.overview, name="netcheck_overview"),
    path("customers/<uuid:pk>/go-live/", views.golive, name="netcheck_golive"),
    path("sites/<uuid:pk>/network-checks/", views.site_history, name="netcheck_site"),
    path("sites/<uuid:pk>/network-check-token/", views.token_create, name="netcheck_token_create"),
    path(
        "network-check-tokens/<uuid:pk>/revoke/",
        views.token_revoke,
        name="netcheck_token_revoke",
    ),
    path("network-checks/<uuid:pk>/", views.report, name="netcheck_report"),
    path("network-checks/<uuid:pk>/pdf/", views.report_pdf, name="netcheck_report_pdf"),
    path("network-checks/shared/<str:token>/", views.shared_report, name="netcheck_shared"),
    path(
        "network-checks/shared/<str:token>/pdf/",
        views.shared_report_pdf,
        name="netcheck_shared_pdf",
    ),
]
