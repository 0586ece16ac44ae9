"""The support API (SUP-1 … SUP-5, TEN-3): tickets with their messages, attachments, history
and actions (acknowledge, transition, estimate, assign, escalate), a customer's support
settings and a reseller's service desk.

Every ticket is fetched through the chokepoint before its body is read, so a foreign, an
unknown and a malformed id get the same 404; what a reader sees of a ticket the selectors
decide. Rules live in ``support/permissions.py`` and the services.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import models
from django.http import FileResponse, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from provisioning import access
from provisioning.api.base import ScopedViewSet
from provisioning.api.fields import customer_from_request
from provisioning.api.filters import IdFilterSet
from provisioning.api.parsers import NestingLimitedJSONParser
from provisioning.models import Customer, Reseller
from provisioning.permissions import ensure
from support import outage_pdf, permissions, selectors, services, sla
from support.models import Kind, Severity, State, Ticket

from .serializers import (
    AcknowledgeSerializer,
    AssignSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    CustomerSupportSerializer,
    CustomerTicketSerializer,
    EscalateSerializer,
    EstimateSerializer,
    HistorySerializer,
    MessagePostSerializer,
    MessageSerializer,
    OutageReportInputSerializer,
    OutageReportSerializer,
    SlaReportQuerySerializer,
    SupportDeskSerializer,
    TicketDetailsSerializer,
    TicketOpenSerializer,
    TicketSerializer,
    TransitionSerializer,
)


class TicketFilter(IdFilterSet):
    # No join: rows are unique without DISTINCT (which would sort every matching row).
    state = django_filters.MultipleChoiceFilter(choices=State.choices, distinct=False)
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    level = django_filters.NumberFilter()
    customer = django_filters.UUIDFilter(
        method="filter_customer", help_text="A customer's tickets and their platform tickets."
    )
    assignee = django_filters.NumberFilter(field_name="assignee_id")
    escalation_level = django_filters.NumberFilter()
    breached = django_filters.BooleanFilter(
        method="filter_breached", help_text="Reaction or resolution time ran out."
    )
    q = django_filters.CharFilter(method="filter_q", help_text="Number, title or reference.")

    class Meta:
        model = Ticket
        fields = ["state", "severity", "kind", "level", "escalation_level"]

    def filter_customer(
        self, queryset: models.QuerySet[Ticket], name: str, value: Any
    ) -> models.QuerySet[Ticket]:
        return queryset.filter(models.Q(customer_id=value) | models.Q(parent__customer_id=value))

    def filter_breached(
        self, queryset: models.QuerySet[Ticket], name: str, value: bool
    ) -> models.QuerySet[Ticket]:
        condition = selectors.breached()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_q(
        self, queryset: models.QuerySet[Ticket], name: str, value: str
    ) -> models.QuerySet[Ticket]:
        return queryset.filter(
            models.Q(number__iexact=value)
            | models.Q(title__icontains=value)
            | models.Q(reseller_reference__iexact=value)
        )


class TicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Support tickets. Customers open first-level tickets with their reseller; the reseller
    works them and escalates to the platform with a linked second-level ticket that no
    customer sees. Service-level clocks run in the desk's service hours (SUP-3)."""

    filterset_class = TicketFilter
    ordering_fields = ["received_at", "reaction_due_at", "resolution_due_at", "number", "state"]
    parser_classes = [NestingLimitedJSONParser, MultiPartParser, FormParser]

    def base_queryset(self) -> models.QuerySet[Ticket]:
        return selectors.ticket_base()

    def may_create(self, account: Any) -> bool:
        return permissions.can_open_any_ticket(account)

    def get_serializer_class(self) -> type:
        user = self.request.user
        if getattr(user, "is_authenticated", False) and permissions.is_customer_side(user):  # type: ignore[arg-type]
            return CustomerTicketSerializer
        return TicketSerializer

    def _respond(self, ticket: Ticket, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.ticket_base().get(pk=ticket.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(request=TicketOpenSerializer, responses={201: TicketSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = TicketOpenSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.service_data()
        level = data.pop("level", 1)
        pin = data.pop("support_pin", None)
        data.pop("customer", None)
        if level == 2:
            ticket = services.platform_ticket_open(
                reseller=self.actor.reseller, acting_user=self.actor, data=data
            )
        else:
            ticket = services.ticket_open(
                customer=customer_from_request(request),
                acting_user=self.actor,
                data=data,
                support_pin=pin,
            )
        return self._respond(ticket, status.HTTP_201_CREATED)

    @extend_schema(request=TicketDetailsSerializer, responses=TicketSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Correct or complete the report of an open ticket."""
        ticket = self.get_object()
        body = TicketDetailsSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        services.ticket_update_details(
            ticket=ticket, acting_user=self.actor, data=body.service_data()
        )
        return self._respond(ticket)

    @extend_schema(request=AcknowledgeSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        """The reaction (SUP-4): classification, estimated resolution time, named handler."""
        ticket = self.get_object()
        body = AcknowledgeSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.ticket_acknowledge(
            ticket=ticket,
            acting_user=self.actor,
            kind=data["kind"],
            severity=data.get("severity", ""),
            estimated_resolution_at=data["estimated_resolution_at"],
            assignee=data.get("assignee"),
            message=data.get("message", ""),
        )
        return self._respond(ticket)

    @extend_schema(request=TransitionSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Move the ticket; ``in_progress`` on a resolved or closed ticket reopens it (within
        14 days of its resolution)."""
        ticket = self.get_object()
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.ticket_transition(
            ticket=ticket,
            acting_user=self.actor,
            state=body.validated_data["state"],
            note=body.validated_data.get("note", ""),
        )
        return self._respond(ticket)

    @extend_schema(request=EstimateSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def estimate(self, request: Request, pk: str | None = None) -> Response:
        """A new estimated resolution time, told to the reporter (SUP-4)."""
        ticket = self.get_object()
        body = EstimateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.ticket_set_estimate(
            ticket=ticket,
            acting_user=self.actor,
            estimated_resolution_at=body.validated_data["estimated_resolution_at"],
            note=body.validated_data.get("note", ""),
        )
        return self._respond(ticket)

    @extend_schema(request=AssignSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """Name the person who handles the ticket (someone of the working side)."""
        ticket = self.get_object()
        body = AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.ticket_assign(
            ticket=ticket, acting_user=self.actor, assignee=body.validated_data["assignee"]
        )
        return self._respond(ticket)

    @extend_schema(request=EscalateSerializer, responses={201: TicketSerializer})
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, pk: str | None = None) -> Response:
        """The reseller hands its customer's ticket on to the platform; answers with the new
        second-level ticket (SUP-5)."""
        ticket = self.get_object()
        body = EscalateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        child = services.ticket_escalate(
            ticket=ticket, acting_user=self.actor, note=body.validated_data["note"]
        )
        return self._respond(child, status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=MessageSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=MessagePostSerializer, responses={201: MessageSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def messages(self, request: Request, pk: str | None = None) -> Response:
        """GET: the messages the reader may read, oldest first. POST: a public reply, or an
        internal note of the working side."""
        ticket = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(selectors.messages_for(ticket, self.actor))
            data = MessageSerializer(page, many=True, context={"request": request}).data
            return self.get_paginated_response(data)
        body = MessagePostSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        message = services.message_post(
            ticket=ticket,
            acting_user=self.actor,
            body=body.validated_data["body"],
            internal=body.validated_data["internal"],
        )
        return Response(
            MessageSerializer(message, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(methods=["GET"], responses=AttachmentSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=AttachmentUploadSerializer, responses={201: AttachmentSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def attachments(self, request: Request, pk: str | None = None) -> Response:
        """GET: the attachments the reader may read. POST (multipart ``file``): attach a file
        of an allowed type, at most ``STIMME_SUPPORT_ATTACHMENT_MAX_BYTES``."""
        ticket = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(selectors.attachments_for(ticket, self.actor))
            data = AttachmentSerializer(page, many=True, context={"request": request}).data
            return self.get_paginated_response(data)
        body = AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        attachment = services.attachment_add(
            ticket=ticket,
            acting_user=self.actor,
            filename=upload.name or "",
            data=upload.read(),
            internal=body.validated_data["internal"],
        )
        return Response(
            AttachmentSerializer(attachment, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[OpenApiParameter("attachment_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: OpenApiResponse(description="The attached file")},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>[^/.]+)",
        url_name="attachment-file",
    )
    def attachment_file(
        self, request: Request, pk: str | None = None, attachment_id: str | None = None
    ) -> FileResponse:
        """One attachment's file (as a download)."""
        ticket = self.get_object()
        attachment = selectors.attachment_for(ticket, self.actor, attachment_id)
        response = FileResponse(
            attachment.file.open("rb"),
            content_type=attachment.content_type,
            as_attachment=True,
            filename=attachment.name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(responses=HistorySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str | None = None) -> Response:
        """Every change of the ticket the reader may read, oldest first."""
        ticket = self.get_object()
        page = self.paginate_queryset(selectors.history_for(ticket, self.actor))
        data = HistorySerializer(
            page, many=True, context={"request": request, "ticket": ticket}
        ).data
        return self.get_paginated_response(data)

    @extend_schema(methods=["GET"], responses=OutageReportSerializer)
    @extend_schema(
        methods=["PUT"], request=OutageReportInputSerializer, responses=OutageReportSerializer
    )
    @action(detail=True, methods=["get", "put"], url_path="outage-report", url_name="outage-report")
    def outage_report(self, request: Request, pk: str | None = None) -> Response:
        """GET: the reason-for-outage report of a resolved fault (a customer reads it once its
        reseller shares it; 404 without one). PUT ``{text, shared_with_customer?,
        status_event?}``: write or rewrite it — the side working the ticket or platform staff;
        only the reseller shares it (SUP-5)."""
        ticket = self.get_object()
        if request.method == "PUT":
            body = OutageReportInputSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            data = dict(body.validated_data)
            services.outage_report_save(
                ticket=ticket,
                acting_user=self.actor,
                text=data["text"],
                shared_with_customer=data.get("shared_with_customer"),
                **({"status_event": data["status_event"]} if "status_event" in data else {}),
            )
        report = selectors.outage_report_for(ticket, self.actor)
        return Response(OutageReportSerializer(report, context={"request": request}).data)

    @extend_schema(responses={200: OpenApiResponse(description="The report as PDF")})
    def outage_report_pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The reason-for-outage report as PDF (routed as ``outage-report.pdf``)."""
        ticket = self.get_object()
        report = selectors.outage_report_for(ticket, self.actor)
        writer = selectors.shown_name(
            report.written_by_name, report.writer_side, ticket, self.actor
        )
        response = HttpResponse(
            outage_pdf.render(report, writer=writer), content_type="application/pdf"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="stoerungsbericht-{ticket.number}.pdf"'
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class _SettingsViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    def may_read(self, account: Any) -> bool:
        raise NotImplementedError

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        ensure(self.may_read(request.user))


class CustomerSupportViewSet(_SettingsViewSet):
    """A customer's support settings, keyed by the customer's id: whether it has a support PIN
    (set here, never shown) and whether its end users open tickets themselves."""

    serializer_class = CustomerSupportSerializer

    def base_queryset(self) -> models.QuerySet[Customer]:
        return Customer.objects.select_related("reseller", "support_settings").order_by(
            "company_name", "pk"
        )

    def may_read(self, account: Any) -> bool:
        return permissions.can_read_customer_support(account)

    @extend_schema(request=CustomerSupportSerializer, responses=CustomerSupportSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        customer = self.get_object()
        body = CustomerSupportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.customer_support_update(
            customer=customer, acting_user=self.actor, data=dict(body.validated_data)
        )
        fresh = self.base_queryset().get(pk=customer.pk)
        return Response(CustomerSupportSerializer(fresh).data)


class SupportDeskViewSet(_SettingsViewSet):
    """A reseller's service desk, keyed by the reseller's id: service hours per weekday, the
    federal state whose holidays close it, and its escalation contacts (SUP-3, SUP-4)."""

    serializer_class = SupportDeskSerializer

    def base_queryset(self) -> models.QuerySet[Reseller]:
        return Reseller.objects.select_related("support_desk").order_by("company_name", "pk")

    def may_read(self, account: Any) -> bool:
        return permissions.can_read_support_desks(account)

    @extend_schema(request=SupportDeskSerializer, responses=SupportDeskSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        reseller = self.get_object()
        body = SupportDeskSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.support_desk_update(
            reseller=reseller, acting_user=self.actor, data=dict(body.validated_data)
        )
        fresh = self.base_queryset().get(pk=reseller.pk)
        return Response(SupportDeskSerializer(fresh).data)


class SlaReportView(APIView):
    """``GET /api/v1/support-reports/?month=2026-10[&format=csv]``: the month's service-level
    figures (SUP-3) — tickets per reseller, level and category, reaction and resolution
    targets met, missed and pending, with percentages; platform staff read every reseller, a
    reseller's admins their own."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # ``format`` names the report's format here, not a response renderer.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=[SlaReportQuerySerializer],
        responses={200: OpenApiResponse(description="The report as JSON, or CSV")},
    )
    def get(self, request: Request) -> HttpResponse:
        ensure(permissions.can_read_sla_report(request.user))
        query = SlaReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        month = query.validated_data["month"]
        report = sla.sla_report(month, resellers=access.visible_resellers(request.user))
        if query.validated_data["format"] == "csv":
            response = HttpResponse(sla.as_csv(report), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="service-levels-{month:%Y-%m}.csv"'
            )
            return response
        return Response(sla.as_dict(report))
