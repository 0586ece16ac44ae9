"""Serializers of the support API: input validation and output shapes; rules live in the
services, and what a reader may see of a ticket in the selectors (SUP-1 … SUP-5, TEN-3).

Customers read tickets through ``CustomerTicketSerializer``: no second-level tickets, no
internal fields, and the names of platform staff replaced by their reseller's support team."""

from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from provisioning import access
from provisioning.models import Account
from provisioning.validators import normalize_phone, validate_phone
from status.models import Component, Event
from support import permissions, selectors, states
from support.models import (
    SEVERITY_HELP,
    CustomerSupportSettings,
    Kind,
    OutageReport,
    Severity,
    State,
    SupportDesk,
    Ticket,
    TicketAttachment,
    TicketChange,
    TicketMessage,
)

UNKNOWN_ID = access.UNKNOWN_ID


@extend_schema_field(int)
class AssigneeField(serializers.Field):
    """A person named by the id of their login; the service accepts only someone of the
    ticket's working side and answers any other id like an unknown one."""

    default_error_messages = {"does_not_exist": UNKNOWN_ID}

    def to_internal_value(self, data: Any) -> Account:
        pk = data if isinstance(data, int) and not isinstance(data, bool) else None
        if isinstance(data, str) and data.isdigit():
            pk = int(data)
        found = Account.objects.filter(pk=pk, is_active=True).first() if pk else None
        if found is None:
            self.fail("does_not_exist")
        return found

    def to_representation(self, value: Any) -> Any:
        return value.pk


class StatusObjectField(serializers.PrimaryKeyRelatedField):
    """A status page object named by its id — an affected service (a component), the incident
    of an outage; any other value reads as "Unknown id." like every id in a body. Status page
    objects are platform-wide: no tenant narrows them."""

    default_error_messages = {"does_not_exist": UNKNOWN_ID, "incorrect_type": UNKNOWN_ID}

    def to_internal_value(self, data: Any) -> Any:
        try:
            pk = uuid.UUID(str(data))
        except ValueError:
            self.fail("does_not_exist")
        queryset = self.get_queryset()
        found = queryset.filter(pk=pk).first() if queryset is not None else None
        if found is None:
            self.fail("does_not_exist")
        return found


class _ReportSerializer(serializers.Serializer):
    """The fields a reporter fills in (SUP-1, SUP-2)."""

    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    severity = serializers.ChoiceField(
        choices=Severity.choices, required=False, allow_blank=True, help_text=str(SEVERITY_HELP)
    )
    reporter_name = serializers.CharField(max_length=200, required=False)
    reporter_phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True, validators=[validate_phone]
    )
    reporter_email = serializers.EmailField(required=False, allow_blank=True)
    first_observed_at = serializers.DateTimeField(required=False, allow_null=True)
    all_workstations = serializers.BooleanField(
        required=False, help_text="All workstations are affected (else name them)."
    )
    affected_workstations = serializers.CharField(max_length=500, required=False, allow_blank=True)
    reproducible = serializers.BooleanField(required=False, allow_null=True)
    services = StatusObjectField(
        queryset=Component.objects.all(),
        many=True,
        required=False,
        help_text="Affected services: ids of the status page's components.",
    )
    reseller_reference = serializers.CharField(max_length=100, required=False, allow_blank=True)

    def validate_reporter_phone(self, value: str) -> str:
        return normalize_phone(value)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        if "services" in data:
            data["services"] = list(data["services"])
        return data


class TicketOpenSerializer(_ReportSerializer):
    """Open a ticket. A customer's admin (or end user) opens its own customer's ticket; a
    reseller records one for its customer (``customer``) with the caller's ``support_pin``;
    ``level: 2`` opens a reseller's own ticket with the platform."""

    customer = serializers.CharField(
        required=False, help_text="The customer's id (reseller admins); customers omit it."
    )
    level = serializers.ChoiceField(choices=[1, 2], required=False, default=1)
    support_pin = serializers.CharField(
        required=False, write_only=True, max_length=20, help_text="The caller's support PIN."
    )
    title = serializers.CharField(max_length=200)
    description = serializers.CharField()
    kind = serializers.ChoiceField(choices=Kind.choices)


class TicketDetailsSerializer(_ReportSerializer):
    """Correct or complete an open ticket's report; kind and severity only the working side."""


class AcknowledgeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    severity = serializers.ChoiceField(
        choices=Severity.choices, required=False, allow_blank=True, help_text=str(SEVERITY_HELP)
    )
    estimated_resolution_at = serializers.DateTimeField()
    assignee = AssigneeField(required=False, help_text="Who handles it (default: you).")
    message = serializers.CharField(required=False, allow_blank=True)


class TransitionSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[
            (value, label)
            for value, label in State.choices
            if value not in {states.NEW, states.ACKNOWLEDGED}
        ],
        help_text="in_progress (also reopens a resolved or closed ticket within 14 days), "
        "waiting_for_customer, resolved, closed.",
    )
    note = serializers.CharField(required=False, allow_blank=True)


class EstimateSerializer(serializers.Serializer):
    estimated_resolution_at = serializers.DateTimeField()
    note = serializers.CharField(required=False, allow_blank=True)


class AssignSerializer(serializers.Serializer):
    assignee = AssigneeField()


class EscalateSerializer(serializers.Serializer):
    note = serializers.CharField(help_text="What the platform should know or do.")


class MessagePostSerializer(serializers.Serializer):
    body = serializers.CharField()
    internal = serializers.BooleanField(required=False, default=False)


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    internal = serializers.BooleanField(required=False, default=False)


def _reader(serializer: serializers.Serializer) -> Any:
    return serializer.context["request"].user


class _Shown(serializers.Serializer):
    """Names as the reader may see them."""

    def shown(self, name: str, side: str, ticket: Ticket) -> str:
        return selectors.shown_name(name, side, ticket, _reader(self))

    def shown_side(self, side: str) -> str:
        if side == "platform" and not permissions.sees_platform_names(_reader(self)):
            return "reseller"
        return side


class MessageSerializer(_Shown, serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()
    author_side = serializers.SerializerMethodField()

    class Meta:
        model = TicketMessage
        fields = ["id", "internal", "body", "author_name", "author_side", "created_at"]

    def get_author_name(self, message: TicketMessage) -> str:
        return self.shown(message.author_name, message.author_side, message.ticket)

    def get_author_side(self, message: TicketMessage) -> str:
        return self.shown_side(message.author_side)


class AttachmentSerializer(_Shown, serializers.ModelSerializer):
    uploaded_by_name = serializers.SerializerMethodField()

    class Meta:
        model = TicketAttachment
        fields = [
            "id",
            "name",
            "content_type",
            "size",
            "internal",
            "uploaded_by_name",
            "created_at",
        ]

    def get_uploaded_by_name(self, attachment: TicketAttachment) -> str:
        return self.shown(attachment.uploaded_by_name, attachment.uploader_side, attachment.ticket)


class HistorySerializer(_Shown, serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = TicketChange
        fields = ["kind", "from_state", "to_state", "data", "note", "internal", "actor_name", "at"]

    def get_actor_name(self, change: TicketChange) -> str:
        return self.shown(change.actor_name, change.actor_side, self.context["ticket"])


CUSTOMER_FIELDS = [
    "id",
    "number",
    "customer",
    "company",
    "title",
    "description",
    "kind",
    "severity",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "identified_by",
    "first_observed_at",
    "all_workstations",
    "affected_workstations",
    "reproducible",
    "services",
    "state",
    "assignee_name",
    "received_at",
    "acknowledged_at",
    "estimated_resolution_at",
    "escalation_level",
    "resolved_at",
    "closed_at",
    "reaction_due_at",
    "resolution_due_at",
    "clock_stopped",
    "breached",
    "created_at",
    "updated_at",
]


class CustomerTicketSerializer(_Shown, serializers.ModelSerializer):
    """A first-level ticket as its customer reads it."""

    customer = serializers.UUIDField(source="customer_id", read_only=True)
    company = serializers.SerializerMethodField()
    services: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    assignee_name = serializers.SerializerMethodField()
    clock_stopped = serializers.SerializerMethodField(
        help_text="The service-level clocks stand still (waiting for the customer)."
    )
    breached = serializers.SerializerMethodField(
        help_text="The reaction or resolution time ran out."
    )

    class Meta:
        model = Ticket
        fields = CUSTOMER_FIELDS
        read_only_fields = CUSTOMER_FIELDS

    def get_company(self, ticket: Ticket) -> str:
        return (ticket.customer or ticket.reseller).company_name

    def get_assignee_name(self, ticket: Ticket) -> str:
        if ticket.assignee is None:
            return ""
        side = permissions.side_of(ticket.assignee)
        name = ticket.assignee.get_full_name() or ticket.assignee.get_username()
        return self.shown(name, side, ticket)

    def get_clock_stopped(self, ticket: Ticket) -> bool:
        return ticket.state in states.STOPPED

    def get_breached(self, ticket: Ticket) -> bool:
        return selectors.is_breached(ticket)


class EscalationRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.CharField()
    state = serializers.CharField()


class TicketSerializer(CustomerTicketSerializer):
    """A ticket as the side that works it (and platform staff) reads it."""

    reseller = serializers.UUIDField(source="reseller_id", read_only=True)
    parent = serializers.UUIDField(  # type: ignore[assignment]
        source="parent_id", read_only=True, allow_null=True
    )
    parent_number = serializers.SerializerMethodField()
    escalations = serializers.SerializerMethodField()
    assignee = serializers.IntegerField(source="assignee_id", read_only=True, allow_null=True)

    class Meta:
        model = Ticket
        fields = [
            *CUSTOMER_FIELDS,
            "level",
            "reseller",
            "parent",
            "parent_number",
            "escalations",
            "reseller_reference",
            "assignee",
            "estimate_missed_at",
            "reaction_breached_at",
            "resolution_breached_at",
        ]
        read_only_fields = fields

    def get_parent_number(self, ticket: Ticket) -> str:
        return ticket.parent.number if ticket.parent else ""

    @extend_schema_field(EscalationRefSerializer(many=True))
    def get_escalations(self, ticket: Ticket) -> list[dict[str, Any]]:
        return [
            {"id": str(child.pk), "number": child.number, "state": child.state}
            for child in ticket.escalations.all()
        ]


class CustomerSupportSerializer(serializers.Serializer):
    """A customer's support settings (keyed by the customer's id)."""

    id = serializers.UUIDField(source="pk", read_only=True, help_text="The customer's id.")
    has_support_pin = serializers.BooleanField(read_only=True)
    support_pin = serializers.CharField(
        write_only=True, required=False, allow_blank=True, help_text="4–8 digits; empty removes it."
    )
    end_users_may_open_tickets = serializers.BooleanField(required=False)

    def to_representation(self, customer: Any) -> dict[str, Any]:
        row: CustomerSupportSettings | None = getattr(customer, "support_settings", None)
        return {
            "id": str(customer.pk),
            "has_support_pin": bool(row and row.has_pin),
            "end_users_may_open_tickets": bool(row and row.end_users_may_open_tickets),
        }


class SupportDeskSerializer(serializers.Serializer):
    """A reseller's service desk (keyed by the reseller's id); without one, the platform's
    hours apply."""

    id = serializers.UUIDField(source="pk", read_only=True, help_text="The reseller's id.")
    hours = serializers.JSONField(
        required=False,
        help_text='Per weekday (0 = Monday) its periods, e.g. {"0": [["08:00", "17:00"]]}.',
    )
    federal_state = serializers.CharField(required=False, allow_blank=True, max_length=2)
    escalation_emails = serializers.ListField(child=serializers.EmailField(), required=False)
    management_emails = serializers.ListField(child=serializers.EmailField(), required=False)

    def to_representation(self, reseller: Any) -> dict[str, Any]:
        from support.models import default_service_hours

        desk: SupportDesk | None = getattr(reseller, "support_desk", None)
        return {
            "id": str(reseller.pk),
            "hours": desk.hours if desk else default_service_hours(),
            "federal_state": desk.federal_state if desk else "",
            "escalation_emails": list(desk.escalation_emails) if desk else [],
            "management_emails": list(desk.management_emails) if desk else [],
        }


class OutageReportInputSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="What happened, why, and what was done.")
    shared_with_customer = serializers.BooleanField(
        required=False, help_text="Only the reseller shares the report with its customer."
    )
    status_event = StatusObjectField(
        queryset=Event.objects.all(),
        required=False,
        allow_null=True,
        help_text="The status page incident of the outage.",
    )


class OutageReportSerializer(_Shown, serializers.ModelSerializer):
    """The reason-for-outage report of a resolved fault (SUP-5)."""

    ticket = serializers.UUIDField(source="ticket_id", read_only=True)
    status_event = serializers.UUIDField(source="status_event_id", read_only=True, allow_null=True)
    status_event_title = serializers.SerializerMethodField()
    written_by_name = serializers.SerializerMethodField()
    pdf = serializers.SerializerMethodField()

    class Meta:
        model = OutageReport
        fields = [
            "id",
            "ticket",
            "text",
            "shared_with_customer",
            "status_event",
            "status_event_title",
            "written_by_name",
            "created_at",
            "updated_at",
            "pdf",
        ]
        read_only_fields = fields

    def get_status_event_title(self, report: OutageReport) -> str:
        return report.status_event.title_de if report.status_event else ""

    def get_written_by_name(self, report: OutageReport) -> str:
        return self.shown(report.written_by_name, report.writer_side, report.ticket)

    def get_pdf(self, report: OutageReport) -> str:
        return f"/api/v1/tickets/{report.ticket_id}/outage-report.pdf"


class SlaReportQuerySerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    format = serializers.ChoiceField(choices=["json", "csv"], required=False, default="json")

    def validate_month(self, value: str) -> Any:
        from support.sla import parse_month

        try:
            return parse_month(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None
