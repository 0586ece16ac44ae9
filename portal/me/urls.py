"""The end user's own pages. Included into the ``portal`` namespace; every pattern with
``<uuid:pk>`` is covered by the isolation matrix in tests/portal/test_isolation.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("me/phone/", views.my_phone, name="my_phone"),
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
