"""REST resources of the tenant tree: resellers, customers, API keys, audit events."""

from __future__ import annotations

from typing import Any

from django.db import connection, models
from django.http import HttpRequest, JsonResponse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from provisioning import services
from provisioning.models import ApiKey, AuditEvent, Customer, CustomerState, Reseller
from provisioning.permissions import (
    PermissionDeniedError,
    can_create_customers,
    can_manage_api_keys,
    can_manage_resellers,
    can_read_audit_log,
    can_read_customer_record,
)

from .base import ScopedViewSet
from .filters import AuditEventFilter, CustomerFilter, ResellerFilter
from .serializers import (
    ApiKeyCreatedSerializer,
    ApiKeySerializer,
    AuditEventSerializer,
    CustomerSerializer,
    CustomerStateSerializer,
    ResellerSerializer,
)
from .system_serializers import BaseLicenseSerializer


class ResellerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Resellers: platform staff manage them; finance reads; a reseller admin sees its own."""

    serializer_class = ResellerSerializer

    def may_create(self, account: Any) -> bool:
        return can_manage_resellers(account)

    filterset_class = ResellerFilter
    ordering_fields = ["company_name", "created_at"]

    def base_queryset(self) -> models.QuerySet[Reseller]:
        return Reseller.objects.all()

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.reseller_create(
            acting_user=self.actor,
            data=serializer.validated_data,
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.reseller_update(
            reseller=serializer.instance,
            acting_user=self.actor,
            data=serializer.validated_data,
        )


class CustomerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Customers of a reseller. Customers are suspended, never deleted (invoices refer to them)."""

    serializer_class = CustomerSerializer

    def may_create(self, account: Any) -> bool:
        return can_create_customers(account)

    filterset_class = CustomerFilter
    ordering_fields = ["company_name", "created_at", "state"]

    def base_queryset(self) -> models.QuerySet[Customer]:
        # End users see their own user, not their customer's master data (404 like a foreign id).
        if not can_read_customer_record(self.actor):
            return Customer.objects.none()
        return Customer.objects.all()

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        reseller = data.pop("reseller")
        serializer.instance = services.customer_create(
            reseller=reseller,
            acting_user=self.actor,
            data=data,
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.customer_update(
            customer=serializer.instance,
            acting_user=self.actor,
            data=serializer.validated_data,
        )

    def _set_state(self, state: str) -> Response:
        customer = services.customer_set_state(
            customer=self.get_object(),
            acting_user=self.actor,
            state=state,
        )
        return Response(CustomerSerializer(customer, context=self.get_serializer_context()).data)

    @extend_schema(request=CustomerStateSerializer, responses=CustomerSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, pk: str | None = None) -> Response:
        """Suspend the customer: its admins can still read but change nothing."""
        return self._set_state(CustomerState.SUSPENDED)

    @extend_schema(request=BaseLicenseSerializer, responses=CustomerSerializer)
    @action(detail=True, methods=["post"], url_path="base-license")
    def base_license(self, request: Request, pk: str | None = None) -> Response:
        """Assign or change the base license (LIC-1); the demo license is for staff only."""
        body = BaseLicenseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        customer = services.customer_set_base_license(
            customer=self.get_object(),
            license_type=body.validated_data["license_type"],
            acting_user=self.actor,
        )
        return Response(CustomerSerializer(customer, context=self.get_serializer_context()).data)

    @extend_schema(request=CustomerStateSerializer, responses=CustomerSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        """Reactivate a suspended customer."""
        return self._set_state(CustomerState.ACTIVE)


class ApiKeyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """API keys. The key is in the creation response only; DELETE revokes (the row stays)."""

    serializer_class = ApiKeySerializer

    def may_create(self, account: Any) -> bool:
        return can_manage_api_keys(account)

    ordering_fields = ["created_at", "name"]
    filterset_fields = ["name"]

    def base_queryset(self) -> models.QuerySet[ApiKey]:
        return ApiKey.objects.select_related("account")

    @extend_schema(responses={201: ApiKeyCreatedSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key, raw = services.api_key_create(
            acting_user=self.actor,
            name=serializer.validated_data["name"],
        )
        key.key = raw  # type: ignore[attr-defined]
        return Response(ApiKeyCreatedSerializer(key).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: ApiKey) -> None:
        services.api_key_revoke(api_key=instance, acting_user=self.actor)


class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The audit log, read-only: a customer admin reads its customer's, a reseller its subtree's."""

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    ordering_fields = ["occurred_at"]

    def base_queryset(self) -> models.QuerySet[AuditEvent]:
        return AuditEvent.objects.all()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not can_read_audit_log(request.user):  # type: ignore[arg-type]
            raise PermissionDeniedError("Your role does not read the audit log.")


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return JsonResponse({"status": "unavailable", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
