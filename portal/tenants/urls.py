"""Resellers and customers. Included into the ``portal`` namespace; every pattern with ``<uuid:pk>``
is covered by the isolation matrix in tests/portal/test_isolation.py."""

from django.urls import path

from . import views

urlpatterns = [
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
]
