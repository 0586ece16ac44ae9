"""Pages of the call features, included into the ``portal`` namespace. Every pattern with
``<uuid:pk>`` is covered by the isolation matrix in tests/portal/test_isolation.py."""

from django.urls import path

from . import views_features as views

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
]
