"""REST resources of the call features (FEA-1 … FEA-11) and the call trace. Every object comes
through the tenancy chokepoint (``ScopedViewSet``); every write calls a service."""

from __future__ import annotations

import uuid
from typing import Any

import django_filters
from django.db import models
from django.http import FileResponse, HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from provisioning import access, services
from provisioning.api.parsers import NestingLimitedJSONParser
from provisioning.downloads import csv_attachment
from provisioning.features_snapshot import parse_trace_time, trace_call
from provisioning.models import (
    AudioFile,
    CallForwarding,
    Customer,
    HotDeskLogin,
    HuntGroup,
    IvrMenu,
    OneTimeFeeEvent,
    OperatorSettings,
    PhonebookEntry,
    PickupGroup,
    Subscriber,
    VoicemailBox,
)
from provisioning.permissions import can_configure_features
from provisioning.services.feature_checks import normalize_e164

from .base import CrudViewSet, CustomerServiceViewSet, ScopedViewSet
from .errors import import_refused
from .feature_serializers import (
    AudioFileSerializer,
    AudioUploadSerializer,
    CallForwardingSerializer,
    CallTraceSerializer,
    HotDeskLoginSerializer,
    HuntGroupSerializer,
    IvrMenuSerializer,
    MemberLoginSerializer,
    ModeSerializer,
    OneTimeFeeSerializer,
    OperatorSerializer,
    PhonebookEntrySerializer,
    PhonebookTargetSerializer,
    PickupGroupSerializer,
    VoicemailBoxSerializer,
)
from .fields import customer_from_request
from .filters import IdFilterSet


class _CrudViewSet(CrudViewSet):
    def may_create(self, account: Any) -> bool:
        return can_configure_features(account)


class _FeatureServiceViewSet(CustomerServiceViewSet):
    def may_create(self, account: Any) -> bool:
        return can_configure_features(account)


# Hunt groups -----------------------------------------------------------------------------------


class HuntGroupViewSet(_FeatureServiceViewSet):
    """Hunt groups (FEA-1). The first group is included; each further one is a one-time fee."""

    serializer_class = HuntGroupSerializer
    instance_kwarg = "group"
    create_service = staticmethod(services.hunt_group_create)
    update_service = staticmethod(services.hunt_group_update)
    delete_service = staticmethod(services.hunt_group_delete)
    filterset_fields = ["customer", "site", "strategy"]
    ordering_fields = ["name", "created_at"]

    def base_queryset(self) -> models.QuerySet[HuntGroup]:
        return HuntGroup.objects.prefetch_related("members")

    def _login(self, request: Request, logged_in: bool) -> Response:
        group = self.get_object()
        body = MemberLoginSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        services.hunt_group_member_set_login(
            group=group,
            subscriber=body.validated_data["user"],
            acting_user=self.actor,
            logged_in=logged_in,
        )
        group = self.base_queryset().get(pk=group.pk)
        return Response(self.get_serializer(group).data)

    @extend_schema(request=MemberLoginSerializer, responses=HuntGroupSerializer)
    @action(detail=True, methods=["post"])
    def login(self, request: Request, pk: str | None = None) -> Response:
        """A member logs in to the group."""
        return self._login(request, True)

    @extend_schema(request=MemberLoginSerializer, responses=HuntGroupSerializer)
    @action(detail=True, methods=["post"])
    def logout(self, request: Request, pk: str | None = None) -> Response:
        """A member logs out of the group (stays a member)."""
        return self._login(request, False)


class PickupGroupViewSet(_FeatureServiceViewSet):
    """Pickup groups (FEA-2)."""

    serializer_class = PickupGroupSerializer
    instance_kwarg = "group"
    create_service = staticmethod(services.pickup_group_create)
    update_service = staticmethod(services.pickup_group_update)
    delete_service = staticmethod(services.pickup_group_delete)
    filterset_fields = ["customer"]
    ordering_fields = ["name", "created_at"]

    def base_queryset(self) -> models.QuerySet[PickupGroup]:
        return PickupGroup.objects.prefetch_related("members")


class IvrMenuViewSet(_FeatureServiceViewSet):
    """IVR menus (FEA-3). A change that would loop answers 409 ``configuration_loop``."""

    serializer_class = IvrMenuSerializer
    instance_kwarg = "menu"
    create_service = staticmethod(services.ivr_menu_create)
    update_service = staticmethod(services.ivr_menu_update)
    delete_service = staticmethod(services.ivr_menu_delete)
    filterset_fields = ["customer"]
    ordering_fields = ["name", "created_at"]

    def base_queryset(self) -> models.QuerySet[IvrMenu]:
        return IvrMenu.objects.prefetch_related("options")


class OperatorViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """The operator of a customer (FEA-4), one per customer: POST creates or replaces it."""

    serializer_class = OperatorSerializer
    filterset_fields = ["customer"]

    def base_queryset(self) -> models.QuerySet[OperatorSettings]:
        return OperatorSettings.objects.prefetch_related("schedule").order_by(
            "customer__company_name", "pk"
        )

    def may_create(self, account: Any) -> bool:
        return can_configure_features(account)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        customer = data.pop("customer")
        serializer.instance = services.operator_update(
            customer=customer, acting_user=self.actor, data=data
        )

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("customer", None)
        serializer.instance = services.operator_update(
            customer=serializer.instance.customer, acting_user=self.actor, data=data
        )

    @extend_schema(request=ModeSerializer, responses=OperatorSerializer)
    @action(detail=True, methods=["post"])
    def switch(self, request: Request, pk: str | None = None) -> Response:
        """The manual day/night switch: ``auto``, ``day`` or ``night``."""
        settings = self.get_object()
        body = ModeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        settings = services.operator_set_mode(
            customer=settings.customer, acting_user=self.actor, mode=body.validated_data["mode"]
        )
        return Response(self.get_serializer(settings).data)


# Per user --------------------------------------------------------------------------------------


class _PerUserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """One settings object per user: POST with ``user`` creates or replaces it."""

    def write(self, subscriber: Subscriber, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = self.write(data.pop("subscriber"), data)

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("subscriber", None)
        serializer.instance = self.write(serializer.instance.subscriber, data)


class CallForwardingViewSet(_PerUserViewSet):
    """Call forwarding of a user (FEA-8): always, busy, no answer after N seconds."""

    serializer_class = CallForwardingSerializer
    filterset_fields = ["subscriber"]

    def base_queryset(self) -> models.QuerySet[CallForwarding]:
        return CallForwarding.objects.select_related("subscriber").order_by(
            "subscriber__last_name", "pk"
        )

    def write(self, subscriber: Subscriber, data: dict[str, Any]) -> Any:
        return services.forwarding_update(subscriber=subscriber, acting_user=self.actor, data=data)


class VoicemailBoxViewSet(_PerUserViewSet):
    """Voicemail of a user (FEA-9, Klingende stimme or higher). The PIN is write-only."""

    serializer_class = VoicemailBoxSerializer
    filterset_fields = ["subscriber"]

    def base_queryset(self) -> models.QuerySet[VoicemailBox]:
        return VoicemailBox.objects.select_related("subscriber").order_by(
            "subscriber__last_name", "pk"
        )

    def write(self, subscriber: Subscriber, data: dict[str, Any]) -> Any:
        box = services.voicemail_update(subscriber=subscriber, acting_user=self.actor, data=data)
        box.subscriber.refresh_from_db()
        return box


class HotDeskLoginViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """Hot-desk logins (FEA-7): POST logs a user in at a phone, DELETE logs them out."""

    serializer_class = HotDeskLoginSerializer
    filterset_fields = ["device", "subscriber"]

    def base_queryset(self) -> models.QuerySet[HotDeskLogin]:
        return HotDeskLogin.objects.select_related("device", "subscriber")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = services.hotdesk_login(
            device=data["device"], subscriber=data["subscriber"], acting_user=self.actor
        )

    def perform_destroy(self, instance: HotDeskLogin) -> None:
        services.hotdesk_logout(login=instance, acting_user=self.actor)


# Audio -----------------------------------------------------------------------------------------


class AudioFileViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """Music on hold and announcements (FEA-5): upload MP3 or WAV (multipart ``file``), at most
    20 MB and 10 minutes; each upload is a one-time fee."""

    serializer_class = AudioFileSerializer
    filterset_fields = ["customer", "kind"]
    ordering_fields = ["name", "created_at"]
    parser_classes = [MultiPartParser, FormParser, NestingLimitedJSONParser]

    def base_queryset(self) -> models.QuerySet[AudioFile]:
        return AudioFile.objects.all()

    def may_create(self, account: Any) -> bool:
        return can_configure_features(account)

    @extend_schema(request=AudioUploadSerializer, responses={201: AudioFileSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = AudioUploadSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        customer = customer_from_request(request)
        upload = body.validated_data["file"]
        audio = services.audio_upload(
            customer=customer,
            acting_user=self.actor,
            name=body.validated_data.get("name", ""),
            kind=body.validated_data["kind"],
            filename=upload.name or "",
            data=upload.read(),
        )
        return Response(self.get_serializer(audio).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: AudioFile) -> None:
        services.audio_delete(audio=instance, acting_user=self.actor)

    def _file(self, which: str) -> FileResponse:
        audio = self.get_object()
        stored = audio.original if which == "original" else audio.telephony
        content_type = "audio/mpeg" if stored.name.endswith(".mp3") else "audio/wav"
        return FileResponse(stored.open("rb"), content_type=content_type)

    @extend_schema(responses={200: OpenApiResponse(description="The uploaded file")})
    @action(detail=True, methods=["get"])
    def original(self, request: Request, pk: str | None = None) -> FileResponse:
        return self._file("original")

    @extend_schema(responses={200: OpenApiResponse(description="WAV, 8 kHz mono")})
    @action(detail=True, methods=["get"])
    def telephony(self, request: Request, pk: str | None = None) -> FileResponse:
        return self._file("telephony")


# Phonebooks ------------------------------------------------------------------------------------


class PhonebookEntryFilter(IdFilterSet):
    q = django_filters.CharFilter(method="filter_prefix")
    owner = django_filters.UUIDFilter(field_name="phonebook__owner_id")
    shared = django_filters.BooleanFilter(field_name="phonebook__owner", lookup_expr="isnull")

    class Meta:
        model = PhonebookEntry
        fields = ["customer"]

    def filter_prefix(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(
            models.Q(name__istartswith=value) | models.Q(company__istartswith=value)
        )


class PhonebookEntryViewSet(_CrudViewSet):
    """Phonebook entries (FEA-6): the shared phonebook, or a user's private one (``owner``).
    ``q`` searches by name prefix."""

    serializer_class = PhonebookEntrySerializer
    filterset_class = PhonebookEntryFilter
    ordering_fields = ["name", "company"]
    parser_classes = [NestingLimitedJSONParser, MultiPartParser, FormParser]

    def base_queryset(self) -> models.QuerySet[PhonebookEntry]:
        return PhonebookEntry.objects.select_related("phonebook").prefetch_related("numbers")

    def may_create(self, account: Any) -> bool:
        return True  # end users add to their private phonebook; the service checks the rest

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        owner = (data.pop("phonebook", None) or {}).get("owner")
        customer = owner.customer if owner is not None else customer_from_request(self.request)
        book = services.phonebook_for(customer=customer, owner=owner)
        serializer.instance = services.phonebook_entry_create(
            phonebook=book, acting_user=self.actor, data=data
        )

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        phonebook = data.pop("phonebook", None)
        if phonebook is not None and phonebook.get("owner") != serializer.instance.phonebook.owner:
            raise serializers.ValidationError({"owner": ["This cannot change."]})
        serializer.instance = services.phonebook_entry_update(
            entry=serializer.instance, acting_user=self.actor, data=data
        )

    def perform_destroy(self, instance: PhonebookEntry) -> None:
        services.phonebook_entry_delete(entry=instance, acting_user=self.actor)

    def _book(self, request: Request, data: Any) -> Any:
        body = PhonebookTargetSerializer(data=data, context={"request": request})
        body.is_valid(raise_exception=True)
        owner = body.validated_data.get("owner")
        customer = owner.customer if owner is not None else customer_from_request(request)
        return services.phonebook_for(customer=customer, owner=owner), body.validated_data

    @extend_schema(
        request=PhonebookTargetSerializer,
        responses={201: OpenApiResponse(description="Imported"), 400: OpenApiResponse()},
    )
    @action(detail=False, methods=["post"], url_path="import")
    def import_csv(self, request: Request) -> Response:
        """Import CSV (``name;company;numbers``); any bad row imports nothing."""
        book, body = self._book(request, request.data)
        upload = body.get("file")
        text = upload.read().decode("utf-8-sig") if upload else body.get("csv", "")
        report = services.phonebook_import_csv(phonebook=book, acting_user=self.actor, text=text)
        if not report.ok:
            return import_refused(report.errors)
        return Response({"created": report.created}, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: OpenApiResponse(description="CSV of the phonebook")})
    @action(detail=False, methods=["get"], url_path="export")
    def export_csv(self, request: Request) -> HttpResponse:
        book, _body = self._book(request, request.query_params)
        text = services.phonebook_export_csv(phonebook=book)
        return csv_attachment(text, filename="telefonbuch.csv", bom=False)

    @extend_schema(responses={200: OpenApiResponse(description="Caller name or null")})
    @action(detail=False, methods=["get"], url_path="reverse-lookup")
    def reverse_lookup(self, request: Request) -> Response:
        """Who is ``number``? Private phonebook of ``owner`` first, then shared, then users."""
        _book, body = self._book(request, request.query_params)
        owner = body.get("owner")
        customer = owner.customer if owner is not None else customer_from_request(request)
        found = services.reverse_lookup(
            customer=customer, number=request.query_params.get("number", ""), owner=owner
        )
        if found is None:
            return Response({"match": None})
        return Response(
            {
                "match": {
                    "name": found.name,
                    "company": found.company,
                    "source": found.source,
                    "entry": found.entry_id,
                }
            }
        )


# Fees and call trace ---------------------------------------------------------------------------


class OneTimeFeeViewSet(mixins.ListModelMixin, ScopedViewSet):
    """One-time fees caused by call features (read-only, append-only), for billing."""

    serializer_class = OneTimeFeeSerializer
    filterset_fields = ["customer", "fee_type"]
    ordering_fields = ["occurred_at"]

    def base_queryset(self) -> models.QuerySet[OneTimeFeeEvent]:
        return OneTimeFeeEvent.objects.all()


def resolve_caller(customer: Customer, account: Any, caller: str) -> tuple[Any, str | None]:
    """A user id → (user, None); anything else → (None, E.164 number)."""
    caller = (caller or "").strip()
    if not caller:
        return None, None
    try:
        uuid.UUID(caller)
    except ValueError:
        return None, normalize_e164(caller, "caller")
    user = access.resolve_reference(Subscriber, account, caller, field="caller")
    access.require_same_customer(user, customer, "caller")
    return user, None


class CallTraceViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """The call trace: how a call would be routed now or at a given time, step by step with
    the reason for each step."""

    serializer_class = CallTraceSerializer
    filter_backends: list[Any] = []  # an action, not a list: nothing to filter or order

    def base_queryset(self) -> models.QuerySet[Customer]:
        return Customer.objects.all()

    def may_create(self, account: Any) -> bool:
        return can_configure_features(account)

    @extend_schema(
        request=CallTraceSerializer,
        responses={200: OpenApiResponse(description="The ring plan with reasons")},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = CallTraceSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        customer = customer_from_request(request)
        data = body.validated_data
        try:
            at = parse_trace_time(data.get("at") or "")
        except ValueError:
            if data.get("at"):
                raise serializers.ValidationError(
                    {"at": ['ISO 8601 or a weekday and time, e.g. "Saturday 10:00".']}
                ) from None
            from django.utils import timezone

            at = timezone.now()
        for busy in data.get("busy", []):
            access.require_same_customer(busy, customer, "busy")
        user, number = resolve_caller(customer, request.user, data.get("caller", ""))
        trace = trace_call(
            customer=customer,
            dialled=data["dialled"],
            caller_user=user,
            caller_number=number,
            at=at,
            busy_users=[str(u.pk) for u in data.get("busy", [])],
            seed=data.get("seed", 0),
        )
        return Response(trace.as_dict())
