"""Pages of the portal. Every pattern with ``<uuid:pk>`` is covered by the isolation matrix
in tests/portal/test_isolation.py."""

from django.urls import include, path

from . import views, views_password

app_name = "portal"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views_password.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        views_password.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views_password.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        views_password.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("profile/", views.profile, name="profile"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("customers/", views.customer_list, name="customer_list"),
    path("customers/new/", views.customer_create, name="customer_create"),
    path("customers/<uuid:pk>/", views.customer_detail, name="customer_detail"),
    path("customers/<uuid:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("customers/<uuid:pk>/suspend/", views.customer_suspend, name="customer_suspend"),
    path("customers/<uuid:pk>/activate/", views.customer_activate, name="customer_activate"),
    path("resellers/", views.reseller_list, name="reseller_list"),
    path("resellers/new/", views.reseller_create, name="reseller_create"),
    path("resellers/<uuid:pk>/", views.reseller_detail, name="reseller_detail"),
    path("resellers/<uuid:pk>/edit/", views.reseller_edit, name="reseller_edit"),
    path("api-keys/", views.api_key_list, name="api_key_list"),
    path("api-keys/new/", views.api_key_create, name="api_key_create"),
    path("api-keys/<uuid:pk>/revoke/", views.api_key_revoke, name="api_key_revoke"),
    path("audit/", views.audit_list, name="audit_list"),
    path("", include("portal.urls_system")),
    path("", include("portal.urls_netcheck")),
    path("", include("portal.urls_features")),
    path("", include("portal.urls_features_more")),
    path("", include("portal.urls_finance")),
]
