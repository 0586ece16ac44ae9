"""The status area: the public page under /status/ (no login) and the staff and reseller pages
under /service-status/. Included into the ``portal`` namespace; every pattern with ``<uuid:pk>``
is covered by the isolation matrix in tests/portal/test_isolation.py."""

from django.urls import path, re_path

from . import public, views

urlpatterns = [
    # Public page, feeds and Statuspage-shaped JSON (the static copy has the same layout).
    path("status/", public.page, name="status_public"),
    path("status/en/", public.page, {"lang": "en"}, name="status_public_en"),
    path("status/feed.atom", public.feed, name="status_feed"),
    path("status/en/feed.atom", public.feed, {"lang": "en"}, name="status_feed_en"),
    path("status/maintenance.ics", public.calendar, name="status_calendar"),
    path(
        "status/api/v2/summary.json",
        public.statuspage_json,
        {"name": "summary"},
        name="status_json_summary",
    ),
    path("status/api/v2/status.json", public.statuspage_json, {"name": "status"}),
    path("status/api/v2/components.json", public.statuspage_json, {"name": "components"}),
    path("status/api/v2/incidents.json", public.statuspage_json, {"name": "incidents"}),
    path(
        "status/api/v2/incidents/unresolved.json",
        public.statuspage_json,
        {"name": "unresolved"},
        name="status_json_unresolved",
    ),
    path(
        "status/api/v2/scheduled-maintenances.json",
        public.statuspage_json,
        {"name": "maintenances"},
    ),
    path(
        "status/api/v2/scheduled-maintenances/upcoming.json",
        public.statuspage_json,
        {"name": "upcoming"},
    ),
    path(
        "status/api/v2/scheduled-maintenances/active.json",
        public.statuspage_json,
        {"name": "active"},
    ),
    re_path(
        r"^status/(?:(?P<lang>en)/)?subscribe/(?P<channel>email|sms)/$",
        public.subscribe,
        name="status_subscribe",
    ),
    path("status/unsubscribe/<str:token>/", public.unsubscribe, name="status_unsubscribe"),
]

urlpatterns += [
    # Staff run the page; reseller admins read it and pass maintenance notices on (OPS-5).
    path("service-status/", views.overview, name="status_overview"),
    path("service-status/incidents/new/", views.incident_create, name="status_incident_create"),
    path(
        "service-status/maintenance/new/",
        views.maintenance_create,
        name="status_maintenance_create",
    ),
    path("service-status/events/<uuid:pk>/", views.event_detail, name="status_event"),
    path(
        "service-status/events/<uuid:pk>/notice/",
        views.notice_pass_on,
        name="status_notice_pass_on",
    ),
    path("service-status/components/new/", views.component_create, name="status_component_create"),
    path(
        "service-status/components/<uuid:pk>/",
        views.component_edit,
        name="status_component_edit",
    ),
    path("service-status/groups/new/", views.group_create, name="status_group_create"),
    path("service-status/groups/<uuid:pk>/", views.group_edit, name="status_group_edit"),
    path("service-status/availability/", views.availability, name="status_availability"),
]
