"""Serializers of the status API: shapes and input validation only; rules live in the
services (STA-1, STA-2, STA-3, STA-8)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from status import steps
from status.models import (
    Component,
    ComponentGroup,
    Event,
    EventUpdate,
    Impact,
    Step,
    UrgentReason,
)


class ComponentGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = ComponentGroup
        fields = ["id", "name_de", "name_en", "position", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class ComponentSerializer(serializers.ModelSerializer):
    group = serializers.PrimaryKeyRelatedField(
        queryset=ComponentGroup.objects.all(), allow_null=True, required=False
    )
    status = serializers.SerializerMethodField(
        help_text="operational, degraded (an open incident) or maintenance (running)."
    )

    class Meta:
        model = Component
        fields = [
            "id",
            "name_de",
            "name_en",
            "description_de",
            "description_en",
            "group",
            "position",
            "is_visible",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "created_at", "updated_at"]
        # Uniqueness is the service's rule (answered as 409 status_name_taken).
        extra_kwargs: dict[str, Any] = {"name_de": {"validators": []}}

    def get_status(self, component: Component) -> str:
        states = self.context.get("states") or {}
        state = states.get(component.pk)
        return state.state if state is not None else "operational"


class EventUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = EventUpdate
        fields = ["id", "sequence", "step", "message_de", "message_en", "posted_at", "author"]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    components: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    updates = EventUpdateSerializer(many=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "title_de",
            "title_en",
            "step",
            "impact",
            "components",
            "started_at",
            "ended_at",
            "estimated_fix_at",
            "scheduled_start",
            "scheduled_end",
            "urgent",
            "urgent_reason",
            "urgent_explanation",
            "created_at",
            "updated_at",
            "updates",
        ]
        read_only_fields = fields


class IncidentSerializer(EventSerializer):
    class Meta(EventSerializer.Meta):
        fields = [
            f
            for f in EventSerializer.Meta.fields
            if f
            not in {
                "scheduled_start",
                "scheduled_end",
                "urgent",
                "urgent_reason",
                "urgent_explanation",
            }
        ]
        read_only_fields = fields


class MaintenanceSerializer(EventSerializer):
    class Meta(EventSerializer.Meta):
        fields = [f for f in EventSerializer.Meta.fields if f not in {"impact", "estimated_fix_at"}]
        read_only_fields = fields


def _components_field() -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=Component.objects.all(), many=True, allow_empty=False
    )


class IncidentOpenSerializer(serializers.Serializer):
    title_de = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    components = _components_field()
    impact = serializers.ChoiceField(choices=Impact.choices, default=Impact.MAJOR)
    step = serializers.ChoiceField(
        choices=Step.choices,
        default=steps.INVESTIGATING,
        help_text="investigating, identified or recovering.",
    )
    message_de = serializers.CharField()
    message_en = serializers.CharField(required=False, allow_blank=True, default="")
    estimated_fix_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class IncidentDetailsSerializer(serializers.Serializer):
    title_de = serializers.CharField(max_length=200, required=False)
    title_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    components = _components_field()
    components.required = False
    impact = serializers.ChoiceField(choices=Impact.choices, required=False)
    estimated_fix_at = serializers.DateTimeField(required=False, allow_null=True)


class MaintenanceScheduleSerializer(serializers.Serializer):
    title_de = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    components = _components_field()
    scheduled_start = serializers.DateTimeField()
    scheduled_end = serializers.DateTimeField()
    message_de = serializers.CharField()
    message_en = serializers.CharField(required=False, allow_blank=True, default="")
    urgent = serializers.BooleanField(default=False)
    urgent_reason = serializers.ChoiceField(
        choices=UrgentReason.choices, required=False, allow_blank=True, default=""
    )
    urgent_explanation = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )


class MaintenanceDetailsSerializer(serializers.Serializer):
    title_de = serializers.CharField(max_length=200, required=False)
    title_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    components = _components_field()
    components.required = False


class StepPostSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=Step.choices)
    message_de = serializers.CharField()
    message_en = serializers.CharField(required=False, allow_blank=True, default="")
    estimated_fix_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="Incidents only: set (or null to clear) the estimated fix time; "
        "leave out to keep it.",
    )

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        if "estimated_fix_at" not in self.initial_data:
            data.pop("estimated_fix_at", None)
        return data
