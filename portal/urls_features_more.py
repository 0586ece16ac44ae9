"""Pages of pickup groups, forwarding, voicemail and hot-desk logins, and the end users' own
settings and private phonebook; included into the ``portal`` namespace. Every pattern with
``<uuid:pk>`` is covered by the isolation matrix in tests/portal/test_isolation.py."""

from django.urls import path

from . import views_features_more as views

urlpatterns = [
    path(
        "customers/<uuid:pk>/features/pickup-groups/",
        views.pickup_list,
        name="feature_pickup_list",
    ),
    path(
        "customers/<uuid:pk>/features/pickup-groups/new/",
        views.pickup_create,
        name="feature_pickup_create",
    ),
    path("pickup-groups/<uuid:pk>/", views.pickup_edit, name="feature_pickup_edit"),
    path("pickup-groups/<uuid:pk>/delete/", views.pickup_delete, name="feature_pickup_delete"),
    path("users/<uuid:pk>/calls/", views.user_calls, name="feature_user_calls"),
    path("customers/<uuid:pk>/features/hotdesk/", views.hotdesk_overview, name="feature_hotdesk"),
    path(
        "hotdesk-logins/<uuid:pk>/logout/",
        views.hotdesk_logout,
        name="feature_hotdesk_logout",
    ),
    path("me/calls/", views.my_calls, name="my_calls"),
    path("me/calls/hotdesk/", views.my_hotdesk, name="my_hotdesk"),
    path(
        "me/calls/hotdesk/<uuid:pk>/logout/",
        views.my_hotdesk_logout,
        name="my_hotdesk_logout",
    ),
    path("me/calls/phonebook/", views.my_phonebook, name="my_phonebook"),
    path("me/calls/phonebook/export/", views.my_phonebook_export, name="my_phonebook_export"),
    path("me/calls/phonebook/import/", views.my_phonebook_import, name="my_phonebook_import"),
    path(
        "me/calls/phonebook/<uuid:pk>/",
        views.my_phonebook_entry_edit,
        name="my_phonebook_entry_edit",
    ),
    path(
        "me/calls/phonebook/<uuid:pk>/delete/",
        views.my_phonebook_entry_delete,
        name="my_phonebook_entry_delete",
    ),
]
