"""The support area under /support/ (SUP-1 … SUP-6). Included into the ``portal`` namespace;
every pattern with ``<uuid:pk>`` is covered by the isolation matrix in
tests/portal/test_isolation.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("support/", views.ticket_list, name="support_ticket_list"),
    path("support/new/", views.TicketOpenView.as_view(), name="support_ticket_open"),
    path("support/tickets/<uuid:pk>/", views.ticket_detail, name="support_ticket"),
    path(
        "support/tickets/<uuid:pk>/acknowledge/",
        views.AcknowledgeView.as_view(),
        name="support_acknowledge",
    ),
    path(
        "support/tickets/<uuid:pk>/estimate/", views.EstimateView.as_view(), name="support_estimate"
    ),
    path("support/tickets/<uuid:pk>/assign/", views.AssignView.as_view(), name="support_assign"),
    path("support/tickets/<uuid:pk>/state/", views.TransitionView.as_view(), name="support_state"),
    path(
        "support/tickets/<uuid:pk>/escalate/", views.EscalateView.as_view(), name="support_escalate"
    ),
    path("support/tickets/<uuid:pk>/reply/", views.ReplyView.as_view(), name="support_reply"),
    path(
        "support/attachments/<uuid:pk>/",
        views.attachment_download,
        name="support_attachment",
    ),
    path("support/desks/<uuid:pk>/", views.SupportDeskView.as_view(), name="support_desk"),
    path(
        "support/customers/<uuid:pk>/",
        views.CustomerSupportView.as_view(),
        name="support_customer_settings",
    ),
]
