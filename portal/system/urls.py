"""A customer's telephone system: guided set-up, sites, trunks, number blocks, licenses, users and
devices. Included into the ``portal`` namespace; every pattern with ``<uuid:pk>`` is covered by
the isolation matrix in tests/portal/test_isolation.py."""

from django.urls import path

from . import devices, setup, users, views

urlpatterns = [
    path("customers/<uuid:pk>/system/", views.system_overview, name="system_overview"),
    path("customers/<uuid:pk>/setup/", setup.setup_start, name="setup_start"),
    path("customers/<uuid:pk>/setup/license/", setup.setup_license, name="setup_license"),
    path("customers/<uuid:pk>/setup/sites/", setup.setup_sites, name="setup_sites"),
    path("customers/<uuid:pk>/setup/trunks/", setup.setup_trunks, name="setup_trunks"),
    path("customers/<uuid:pk>/setup/numbers/", setup.setup_numbers, name="setup_numbers"),
    path("customers/<uuid:pk>/setup/users/", setup.setup_users, name="setup_users"),
    path("customers/<uuid:pk>/sites/", views.site_list, name="site_list"),
    path("customers/<uuid:pk>/sites/new/", views.site_create, name="site_create"),
    path("customers/<uuid:pk>/licenses/", views.license_overview, name="license_overview"),
    path("customers/<uuid:pk>/licenses/ledger/", views.license_ledger, name="license_ledger"),
    path("customers/<uuid:pk>/users/", users.user_list, name="user_list"),
    path("customers/<uuid:pk>/users/new/", users.user_create, name="user_create"),
    path("customers/<uuid:pk>/users/extensions/", users.user_extensions, name="user_extensions"),
    path("customers/<uuid:pk>/users/import/", users.user_import, name="user_import"),
    path("customers/<uuid:pk>/users/export/", users.user_export, name="user_export"),
    path(
        "customers/<uuid:pk>/emergency-notices/",
        users.emergency_notices,
        name="emergency_notices",
    ),
    path(
        "customers/<uuid:pk>/emergency-notices/banner/",
        users.emergency_banner,
        name="emergency_banner",
    ),
    path("customers/<uuid:pk>/devices/", devices.device_list, name="device_list"),
    path("customers/<uuid:pk>/devices/new/", devices.device_create, name="device_create"),
    path("system/sites/<uuid:pk>/", views.site_detail, name="site_detail"),
    path("system/sites/<uuid:pk>/edit/", views.site_edit, name="site_edit"),
    path("system/sites/<uuid:pk>/delete/", views.site_delete, name="site_delete"),
    path("system/sites/<uuid:pk>/trunk/new/", views.trunk_create, name="trunk_create"),
    path("system/trunks/<uuid:pk>/edit/", views.trunk_edit, name="trunk_edit"),
    path("system/trunks/<uuid:pk>/delete/", views.trunk_delete, name="trunk_delete"),
    path("system/trunks/<uuid:pk>/blocks/new/", views.block_create, name="block_create"),
    path("system/blocks/<uuid:pk>/delete/", views.block_delete, name="block_delete"),
    path("system/users/<uuid:pk>/", users.user_detail, name="user_detail"),
    path("system/users/<uuid:pk>/edit/", users.user_edit, name="user_edit"),
    path("system/users/<uuid:pk>/deactivate/", users.user_deactivate, name="user_deactivate"),
    path("system/users/<uuid:pk>/activate/", users.user_activate, name="user_activate"),
    path("system/users/<uuid:pk>/delete/", users.user_delete, name="user_delete"),
    path("system/users/<uuid:pk>/invite/", users.user_invite, name="user_invite"),
    path(
        "system/users/<uuid:pk>/confirm-emergency-notice/",
        users.user_confirm_notice,
        name="user_confirm_notice",
    ),
    path("system/devices/<uuid:pk>/edit/", devices.device_edit, name="device_edit"),
    path("system/devices/<uuid:pk>/delete/", devices.device_delete, name="device_delete"),
]
