"""The status API for staff and monitoring scripts (API key): components and their groups,
incidents and maintenance with their step updates (STA-1, STA-2, STA-3, STA-8, OPS-2).

Status objects are platform-wide: every logged-in account and key reads them; only platform
staff change them (403 for others, checked before the input is validated). Subscriptions are
not here: they belong to the public page. History is never deleted: events have no DELETE.
"""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.db import models
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response

from provisioning.models import Account
from provisioning.permissions import PermissionDeniedError
from status import services, steps
from status.models import Component, ComponentGroup, Event, EventKind
from status.permissions import can_manage_status
from status.selectors import component_states, events_with_details, open_events

from .serializers import (
    ComponentGroupSerializer,
    ComponentSerializer,
    EventUpdateSerializer,
    IncidentDetailsSerializer,
    IncidentOpenSerializer,
    IncidentSerializer,
    MaintenanceDetailsSerializer,
    MaintenanceScheduleSerializer,
    MaintenanceSerializer,
    StepPostSerializer,
)


class StatusViewSet(viewsets.GenericViewSet):
    """Read for every authenticated account; writes for platform staff only."""

    lookup_value_regex = "[0-9a-fA-F-]{36}"

    @property
    def actor(self) -> Account:
        return cast(Account, self.request.user)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method not in SAFE_METHODS and not can_manage_status(request.user):
            raise PermissionDeniedError()

    def get_object(self) -> Any:
        try:
            return super().get_object()
        except (ValueError, models.ObjectDoesNotExist):
            raise Http404 from None


class ComponentGroupViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    StatusViewSet,
):
    """Groups of components; a group of two or more expands and collapses on the page."""

    serializer_class = ComponentGroupSerializer
    queryset = ComponentGroup.objects.order_by("position", "name_de")
    ordering_fields = ["position", "name_de"]

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.component_group_create(
            acting_user=self.actor, data=serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.component_group_update(
            group=serializer.instance, acting_user=self.actor, data=serializer.validated_data
        )

    def perform_destroy(self, instance: ComponentGroup) -> None:
        services.component_group_delete(group=instance, acting_user=self.actor)


class ComponentFilter(django_filters.FilterSet):
    group = django_filters.UUIDFilter(field_name="group_id")

    class Meta:
        model = Component
        fields = ["is_visible"]


class ComponentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    StatusViewSet,
):
    """Components with their current status (operational, degraded, maintenance)."""

    serializer_class = ComponentSerializer
    queryset = Component.objects.order_by("position", "name_de")
    filterset_class = ComponentFilter
    ordering_fields = ["position", "name_de"]

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if self.request.method in SAFE_METHODS:
            components = list(Component.objects.all())
            context["states"] = component_states(components, open_events())
        return context

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.component_create(
            acting_user=self.actor, data=serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.component_update(
            component=serializer.instance, acting_user=self.actor, data=serializer.validated_data
        )

    def perform_destroy(self, instance: Component) -> None:
        services.component_delete(component=instance, acting_user=self.actor)


class EventFilter(django_filters.FilterSet):
    open = django_filters.BooleanFilter(method="filter_open", label="open")
    component = django_filters.UUIDFilter(field_name="components__id")

    class Meta:
        model = Event
        fields = ["step"]

    def filter_open(
        self, queryset: models.QuerySet[Event], name: str, value: bool
    ) -> models.QuerySet[Event]:
        condition = models.Q(step__in=steps.FINAL_STEPS)
        return queryset.exclude(condition) if value else queryset.filter(condition)


class _EventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StatusViewSet):
    kind: str
    details_serializer: type
    filterset_class = EventFilter
    ordering_fields = ["created_at", "started_at", "scheduled_start"]

    def get_queryset(self) -> models.QuerySet[Event]:
        return events_with_details().filter(kind=self.kind).order_by("-created_at", "pk")

    def _respond(self, event: Event, code: int = status.HTTP_200_OK) -> Response:
        fresh = events_with_details().get(pk=event.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change title, components (and for incidents impact and estimated fix time) of an
        open event; its updates stay as posted."""
        event = self.get_object()
        body = self.details_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "components" in data:
            data["components"] = list(data["components"])
        services.event_update_details(event=event, acting_user=self.actor, data=data)
        return self._respond(event)

    @extend_schema(request=StepPostSerializer, responses=EventUpdateSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def updates(self, request: Request, pk: str | None = None) -> Response:
        """GET: every step message, oldest first. POST: the next step (forward only)."""
        event = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(list(event.updates.all()))
            return self.get_paginated_response(EventUpdateSerializer(page, many=True).data)
        body = StepPostSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        update = services.event_post_update(
            event=event, acting_user=self.actor, **body.service_kwargs()
        )
        return Response(EventUpdateSerializer(update).data, status=status.HTTP_201_CREATED)


class IncidentViewSet(_EventViewSet):
    """Incidents: open one with its first step, post further steps under ``updates/``."""

    kind = EventKind.INCIDENT
    serializer_class = IncidentSerializer
    details_serializer = IncidentDetailsSerializer

    @extend_schema(request=IncidentOpenSerializer, responses=IncidentSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = IncidentOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data["components"] = list(data["components"])
        event = services.incident_open(acting_user=self.actor, **data)
        return self._respond(event, status.HTTP_201_CREATED)

    @extend_schema(request=IncidentDetailsSerializer, responses=IncidentSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().partial_update(request, *args, **kwargs)


class MaintenanceViewSet(_EventViewSet):
    """Maintenance windows: scheduled under the rules of OPS-2 (a refusal names the rule and
    the field), moved to in progress and completed by the platform at start and end."""

    kind = EventKind.MAINTENANCE
    serializer_class = MaintenanceSerializer
    details_serializer = MaintenanceDetailsSerializer

    @extend_schema(request=MaintenanceScheduleSerializer, responses=MaintenanceSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = MaintenanceScheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data["components"] = list(data["components"])
        event = services.maintenance_schedule(acting_user=self.actor, **data)
        return self._respond(event, status.HTTP_201_CREATED)

    @extend_schema(request=MaintenanceDetailsSerializer, responses=MaintenanceSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().partial_update(request, *args, **kwargs)
