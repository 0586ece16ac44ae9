"""Call features of a customer: hunt and pickup groups, IVR menus, operator, audio, phonebook, call
trace, forwarding, voicemail and hot desks. Included into the ``portal`` namespace; every
pattern with ``<uuid:pk>`` is covered by the isolation matrix in tests/portal/test_isolation.py."""

from django.urls import path

from . import people, views

urlpatterns = [
    path("customers/<uuid:pk>/features/", views.feature_overview, name="feature_overview"),
    path(
        "customers/<uuid:pk>/features/hunt-groups/new/",
        views.hunt_group_create,
        name="feature_hunt_group_create",
    ),
    path("hunt-groups/<uuid:pk>/", views.hunt_group_edit, name="feature_hunt_group_edit"),
    path(
        "customers/<uuid:pk>/features/ivr-menus/new/",
        views.ivr_menu_create,
        name="feature_ivr_create",
    ),
    path("ivr-menus/<uuid:pk>/", views.ivr_menu_edit, name="feature_ivr_edit"),
    path("customers/<uuid:pk>/features/operator/", views.operator_edit, name="feature_operator"),
    path("customers/<uuid:pk>/features/audio/", views.audio_list, name="feature_audio"),
    path("audio/<uuid:pk>/play/", views.audio_play, name="feature_audio_play"),
    path("customers/<uuid:pk>/features/phonebook/", views.phonebook, name="feature_phonebook"),
    path("customers/<uuid:pk>/features/trace/", views.call_trace, name="feature_trace"),
    path(
        "customers/<uuid:pk>/features/pickup-groups/",
        people.pickup_list,
        name="feature_pickup_list",
    ),
    path(
        "customers/<uuid:pk>/features/pickup-groups/new/",
        people.pickup_create,
        name="feature_pickup_create",
    ),
    path("pickup-groups/<uuid:pk>/", people.pickup_edit, name="feature_pickup_edit"),
    path("pickup-groups/<uuid:pk>/delete/", people.pickup_delete, name="feature_pickup_delete"),
    path("users/<uuid:pk>/calls/", people.user_calls, name="feature_user_calls"),
    path("customers/<uuid:pk>/features/hotdesk/", people.hotdesk_overview, name="feature_hotdesk"),
    path(
        "hotdesk-logins/<uuid:pk>/logout/",
        people.hotdesk_logout,
        name="feature_hotdesk_logout",
    ),
]
