"""REST resources of a customer's telephone system: sites, trunks, number blocks, users,
devices, current licenses and the license ledger."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import models
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from provisioning import selectors, services, throttle
from provisioning.api.parsers import NestingLimitedJSONParser
from provisioning.downloads import users_csv
from provisioning.models import (
    Customer,
    Device,
    LicenseEvent,
    NumberBlock,
    Site,
    Subscriber,
    Trunk,
)
from provisioning.permissions import can_manage_users_at_all, can_set_up_systems, is_end_user

from .base import CrudViewSet, CustomerServiceViewSet, ScopedViewSet
from .errors import import_refused
from .fields import VisibleRelatedField, customer_from_request
from .filters import IdFilterSet, MomentFilter, SubscriberFilter, search_filter
from .system_serializers import (
    DeviceSerializer,
    LicenseEventSerializer,
    LicenseSerializer,
    NumberBlockSerializer,
    OwnProfileSerializer,
    SiteSerializer,
    SubscriberSerializer,
    TrunkSerializer,
)

# Sites -----------------------------------------------------------------------------------------


class SiteFilter(IdFilterSet):
    q = django_filters.CharFilter(method=search_filter(["name", "city", "street"]))

    class Meta:
        model = Site
        fields = ["customer"]


class SiteViewSet(CrudViewSet):
    """Sites of a customer. Every site beyond the first needs ``extra_site_license: true``."""

    serializer_class = SiteSerializer
    filterset_class = SiteFilter
    ordering_fields = ["name", "created_at"]

    def base_queryset(self) -> models.QuerySet[Site]:
        return Site.objects.select_related("customer")

    def may_create(self, account: Any) -> bool:
        return can_set_up_systems(account)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        customer = data.pop("customer")
        extra = data.pop("extra_site_license", False)
        serializer.instance = services.site_create(
            customer=customer, acting_user=self.actor, data=data, extra_site_license=extra
        )

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("extra_site_license", None)
        serializer.instance = services.site_update(
            site=serializer.instance, acting_user=self.actor, data=data
        )

    def perform_destroy(self, instance: Site) -> None:
        services.site_delete(site=instance, acting_user=self.actor)

    @extend_schema(responses={200: OpenApiResponse(description="Free numbers of the site")})
    @action(detail=True, methods=["get"], url_path="free-numbers")
    def free_numbers(self, request: Request, pk: str | None = None) -> Response:
        """Unassigned numbers of the site's trunk, to choose a new user's extension."""
        site = self.get_object()
        numbers = selectors.free_numbers(site=site, limit=100)
        return Response(
            {"results": [{"extension": n.extension, "number": n.e164} for n in numbers]}
        )


# Trunks ----------------------------------------------------------------------------------------


class TrunkViewSet(CrudViewSet):
    """SIP trunks, one per site. The password is write-only and stored encrypted."""

    serializer_class = TrunkSerializer
    filterset_fields = ["customer", "site", "provider", "connection_type", "state"]
    ordering_fields = ["created_at"]

    def base_queryset(self) -> models.QuerySet[Trunk]:
        return Trunk.objects.select_related("site", "customer")

    def may_create(self, account: Any) -> bool:
        return can_set_up_systems(account)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        site = data.pop("site")
        password = data.pop("password", "")
        serializer.instance = services.trunk_create(
            site=site, acting_user=self.actor, data=data, password=password
        )

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("site", None)
        password = data.pop("password", None)
        serializer.instance = services.trunk_update(
            trunk=serializer.instance, acting_user=self.actor, data=data, password=password
        )

    def perform_destroy(self, instance: Trunk) -> None:
        services.trunk_delete(trunk=instance, acting_user=self.actor)


# Number blocks ---------------------------------------------------------------------------------


class NumberBlockViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """E.164 number blocks of a trunk. Numbers are unique on the whole platform."""

    serializer_class = NumberBlockSerializer
    filterset_fields = ["customer", "trunk"]
    ordering_fields = ["base_number", "created_at"]

    def base_queryset(self) -> models.QuerySet[NumberBlock]:
        return NumberBlock.objects.all()

    def may_create(self, account: Any) -> bool:
        return can_set_up_systems(account)

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = services.number_block_create(
            trunk=data["trunk"],
            acting_user=self.actor,
            base_number=data["base_number"],
            first_extension=data.get("first_extension", 0),
            last_extension=data["last_extension"],
        )

    def perform_destroy(self, instance: NumberBlock) -> None:
        services.number_block_delete(block=instance, acting_user=self.actor)


# Users -----------------------------------------------------------------------------------------


class CsvImportSerializer(serializers.Serializer):
    customer = VisibleRelatedField(Customer, required=False)
    file = serializers.FileField(required=False)
    csv = serializers.CharField(required=False, trim_whitespace=False)


class UserViewSet(CustomerServiceViewSet):
    """Users of the telephone system: a direct extension at a site and one package."""

    serializer_class = SubscriberSerializer
    instance_kwarg = "subscriber"
    create_service = staticmethod(services.user_create)
    update_service = staticmethod(services.user_update)
    delete_service = staticmethod(services.user_delete)
    filterset_class = SubscriberFilter
    ordering_fields = ["last_name", "first_name", "created_at", "number__e164"]
    parser_classes = [NestingLimitedJSONParser, MultiPartParser, FormParser]

    def base_queryset(self) -> models.QuerySet[Subscriber]:
        return Subscriber.objects.select_related("site", "number", "fax_number")

    def may_create(self, account: Any) -> bool:
        return can_manage_users_at_all(account)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        subscriber = self.get_object()
        user = request.user
        if is_end_user(user):  # type: ignore[arg-type]
            own = OwnProfileSerializer(data=request.data)
            own.is_valid(raise_exception=True)
            services.user_update_own_profile(
                subscriber=subscriber,
                acting_user=user,  # type: ignore[arg-type]
                display_name=own.validated_data["display_name"],
            )
            return Response(self.get_serializer(subscriber).data)
        return super().update(request, *args, **kwargs)

    def _set_active(self, active: bool) -> Response:
        subscriber = services.user_set_active(
            subscriber=self.get_object(),
            acting_user=self.actor,
            active=active,
        )
        return Response(self.get_serializer(subscriber).data)

    @extend_schema(request=None, responses=SubscriberSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str | None = None) -> Response:
        """Deactivate: keeps number and license (billed) until deleted; the login is blocked."""
        return self._set_active(False)

    @extend_schema(request=None, responses=SubscriberSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        return self._set_active(True)

    @extend_schema(request=None, responses=SubscriberSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-emergency-notice")
    def confirm_emergency_notice(self, request: Request, pk: str | None = None) -> Response:
        """Record that the user was told to make emergency calls by other means (TRK-4)."""
        subscriber = services.user_confirm_emergency_notice(
            subscriber=self.get_object(),
            acting_user=self.actor,
        )
        return Response(self.get_serializer(subscriber).data)

    @extend_schema(request=None, responses=SubscriberSerializer)
    @action(detail=True, methods=["post"])
    def invite(self, request: Request, pk: str | None = None) -> Response:
        """Give the user an end-user login and mail a link to set its password. Limited per
        address and per client IP (429 with ``Retry-After``)."""
        subscriber = self.get_object()
        seconds = throttle.invite_wait(subscriber.email, throttle.client_ip(request))
        if seconds:
            raise exceptions.Throttled(wait=seconds)
        services.user_invite(subscriber=subscriber, acting_user=self.actor)
        subscriber.refresh_from_db()
        return Response(self.get_serializer(subscriber).data)

    @extend_schema(responses={200: OpenApiResponse(description="Trunk and address used")})
    @action(detail=True, methods=["get"], url_path="emergency-route")
    def emergency_route(self, request: Request, pk: str | None = None) -> Response:
        """Which trunk and which address an emergency call from this user would use (TRK-3)."""
        route = selectors.emergency_route(subscriber=self.get_object())
        return Response(
            {
                "site": str(route.site.pk),
                "site_name": route.site.name,
                "trunk": str(route.trunk.pk) if route.trunk else None,
                "address": route.address,
                "problem": route.problem,
            }
        )

    @extend_schema(
        request=CsvImportSerializer,
        responses={201: OpenApiResponse(description="Imported"), 400: OpenApiResponse()},
    )
    @action(detail=False, methods=["post"], url_path="import")
    def import_csv(self, request: Request) -> Response:
        """Import users from CSV (``file`` upload or ``csv`` text). All rows are validated first;
        any error imports nothing and answers the errors per row."""
        customer = customer_from_request(request)
        data: Any = request.data
        upload = request.FILES.get("file")
        text = upload.read().decode("utf-8-sig") if upload else data.get("csv", "")
        if not text.strip():
            raise serializers.ValidationError({"file": ["Send a CSV file or csv text."]})
        report = services.users_import_csv(customer=customer, acting_user=self.actor, text=text)
        if not report.ok:
            return import_refused(report.errors)
        return Response({"created": report.created}, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: OpenApiResponse(description="CSV of the users")})
    @action(detail=False, methods=["get"], url_path="export")
    def export_csv(self, request: Request) -> HttpResponse:
        """All visible users (after filters) as CSV, in the import format."""
        queryset = self.filter_queryset(self.get_queryset()).order_by("last_name", "first_name")
        return users_csv(queryset.iterator(chunk_size=1000))


# Devices ---------------------------------------------------------------------------------------


class DeviceFilter(IdFilterSet):
    q = django_filters.CharFilter(method=search_filter(["mac_address", "label"]))

    class Meta:
        model = Device
        fields = ["customer", "site", "model", "subscriber"]


class DeviceViewSet(CustomerServiceViewSet):
    """Phones, handsets, gateways and ports, registered by MAC address."""

    serializer_class = DeviceSerializer
    instance_kwarg = "device"
    create_service = staticmethod(services.device_create)
    update_service = staticmethod(services.device_update)
    delete_service = staticmethod(services.device_delete)
    filterset_class = DeviceFilter
    ordering_fields = ["mac_address", "created_at"]

    def base_queryset(self) -> models.QuerySet[Device]:
        return Device.objects.select_related("site", "subscriber")

    def may_create(self, account: Any) -> bool:
        return can_manage_users_at_all(account)


# Licenses and ledger ---------------------------------------------------------------------------


class LedgerFilter(IdFilterSet):
    since = MomentFilter(field_name="effective_at", lookup_expr="gte")
    until = MomentFilter(field_name="effective_at", lookup_expr="lt")

    class Meta:
        model = LicenseEvent
        fields = ["customer", "license_type", "kind", "subject_id"]


class LicenseViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Licenses held now (read-only): assignments of the ledger not yet released."""

    serializer_class = LicenseSerializer
    filterset_fields = ["customer", "license_type", "subject_type"]
    ordering_fields = ["effective_at"]

    def base_queryset(self) -> models.QuerySet[LicenseEvent]:
        return selectors.current_holdings(LicenseEvent.objects.all())


class LicenseEventViewSet(mixins.ListModelMixin, ScopedViewSet):
    """The license ledger (read-only, append-only), filterable by customer and time."""

    serializer_class = LicenseEventSerializer
    filterset_class = LedgerFilter
    ordering_fields = ["effective_at"]

    def base_queryset(self) -> models.QuerySet[LicenseEvent]:
        return LicenseEvent.objects.all()
