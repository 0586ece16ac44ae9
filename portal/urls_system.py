"""Pages of a customer's telephone system, included into the ``portal`` namespace. Every pattern
with ``<uuid:pk>`` is covered by the isolation matrix in tests/portal/test_isolation.py."""

from django.urls import path

from . import views_system as views

urlpatterns = [
    # The system of one customer
    path("customers/<uuid:pk>/system/", views.system_overview, name="system_overview"),
    path("customers/<uuid:pk>/setup/", views.setup_start, name="setup_start"),
    path("customers/<uuid:pk>/setup/license/", views.setup_license, name="setup_license"),
    path("customers/<uuid:pk>/setup/sites/", views.setup_sites, name="setup_sites"),
    path("customers/<uuid:pk>/setup/trunks/", views.setup_trunks, name="setup_trunks"),
    path("customers/<uuid:pk>/setup/numbers/", views.setup_numbers, name="setup_numbers"),
    path("customers/<uuid:pk>/setup/users/", views.setup_users, name="setup_users"),
    path("customers/<uuid:pk>/sites/", views.site_list, name="site_list"),
    path("customers/<uuid:pk>/sites/new/", views.site_create, name="site_create"),
    path("customers/<uuid:pk>/licenses/", views.license_overview, name="license_overview"),
    path("customers/<uuid:pk>/licenses/ledger/", views.license_ledger, name="license_ledger"),
    path("customers/<uuid:pk>/users/", views.user_list, name="user_list"),
    path("customers/<uuid:pk>/users/new/", views.user_create, name="user_create"),
    path("customers/<uuid:pk>/users/extensions/", views.user_extensions, name="user_extensions"),
    path("customers/<uuid:pk>/users/import/", views.user_import, name="user_import"),
    path("customers/<uuid:pk>/users/export/", views.user_export, name="user_export"),
    path(
        "customers/<uuid:pk>/emergency-notices/",
        views.emergency_notices,
        name="emergency_notices",
    ),
    path(
        "customers/<uuid:pk>/emergency-notices/banner/",
        views.emergency_banner,
        name="emergency_banner",
    ),
    path("customers/<uuid:pk>/devices/", views.device_list, name="device_list"),
    path("customers/<uuid:pk>/devices/new/", views.device_create, name="device_create"),
    # Single objects of a system
    path("system/sites/<uuid:pk>/", views.site_detail, name="site_detail"),
    path("system/sites/<uuid:pk>/edit/", views.site_edit, name="site_edit"),
    path("system/sites/<uuid:pk>/delete/", views.site_delete, name="site_delete"),
    path("system/sites/<uuid:pk>/trunk/new/", views.trunk_create, name="trunk_create"),
    path("system/trunks/<uuid:pk>/edit/", views.trunk_edit, name="trunk_edit"),
    path("system/trunks/<uuid:pk>/delete/", views.trunk_delete, name="trunk_delete"),
    path("system/trunks/<uuid:pk>/blocks/new/", views.block_create, name="block_create"),
    path("system/blocks/<uuid:pk>/delete/", views.block_delete, name="block_delete"),
    path("system/users/<uuid:pk>/", views.user_detail, name="user_detail"),
    path("system/users/<uuid:pk>/edit/", views.user_edit, name="user_edit"),
    path("system/users/<uuid:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("system/users/<uuid:pk>/activate/", views.user_activate, name="user_activate"),
    path("system/users/<uuid:pk>/delete/", views.user_delete, name="user_delete"),
    path("system/users/<uuid:pk>/invite/", views.user_invite, name="user_invite"),
    path(
        "system/users/<uuid:pk>/confirm-emergency-notice/",
        views.user_confirm_notice,
        name="user_confirm_notice",
    ),
    path("system/devices/<uuid:pk>/edit/", views.device_edit, name="device_edit"),
    path("system/devices/<uuid:pk>/delete/", views.device_delete, name="device_delete"),
    # The end user's own phone
    path("me/phone/", views.my_phone, name="my_phone"),
]
