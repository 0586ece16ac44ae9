"""Input validation and output shapes of the call features (FEA-1 … FEA-11). Serializers
validate the shape; the services check references, packages and loops."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from provisioning.models import (
    AudioFile,
    AudioKind,
    CallForwarding,
    Customer,
    DayNightMode,
    Device,
    HotDeskLogin,
    HuntGroup,
    IvrMenu,
    OneTimeFeeEvent,
    OperatorSettings,
    PhonebookEntry,
    PickupGroup,
    Site,
    Subscriber,
    VoicemailBox,
    parse_target,
)
from provisioning.models.features import TARGET_MAX_LENGTH
from provisioning.validators import PIN_MAX_DIGITS, validate_voicemail_pin

from .fields import VisibleRelatedField
from .system_serializers import CustomerOwnedSerializer


class TargetField(serializers.CharField):
    """A routing target: ``"user:<id>"``, ``"hunt_group:<id>"``, ``"ivr:<id>"``,
    ``"voicemail:<user id>"``, ``"external:+4930…"``, ``"operator"``, ``"disconnect"``, or
    ``{"kind": …, "ref": …}``; empty for none."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", TARGET_MAX_LENGTH)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, dict):
            kind, ref = str(data.get("kind", "")), str(data.get("ref", "") or "")
            data = f"{kind}:{ref}" if ref else kind
        value = super().to_internal_value(data)
        if value:
            try:
                parse_target(value)
            except ValueError:
                raise serializers.ValidationError(
                    "Not a routing target (e.g. user:<id>, hunt_group:<id>, ivr:<id>, "
                    "voicemail:<id>, external:+49301234567, operator, disconnect)."
                ) from None
        return value


class HuntGroupSerializer(CustomerOwnedSerializer):
    site = VisibleRelatedField(Site)
    members = VisibleRelatedField(Subscriber, many=True, required=False)
    logged_in = serializers.SerializerMethodField()
    overflow = TargetField()

    class Meta:
        model = HuntGroup
        fields = [
            "id",
            "customer",
            "site",
            "name",
            "extension",
            "strategy",
            "ring_seconds",
            "member_ring_seconds",
            "overflow",
            "members",
            "logged_in",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        validators: list[Any] = []

    def to_representation(self, instance: HuntGroup) -> dict[str, Any]:
        data = super().to_representation(instance)
        rows = sorted(instance.members.all(), key=lambda m: m.position)
        data["members"] = [str(m.subscriber_id) for m in rows]
        return data

    def get_logged_in(self, group: HuntGroup) -> list[str]:
        return [str(m.subscriber_id) for m in group.members.all() if m.logged_in]

    def validate_ring_seconds(self, value: int) -> int:
        if not 5 <= value <= 600:
            raise serializers.ValidationError("Between 5 and 600 seconds.")
        return value

    def validate_member_ring_seconds(self, value: int) -> int:
        if not 5 <= value <= 600:
            raise serializers.ValidationError("Between 5 and 600 seconds.")
        return value


class MemberLoginSerializer(serializers.Serializer):
    user = VisibleRelatedField(Subscriber)


class PickupGroupSerializer(CustomerOwnedSerializer):
    members = VisibleRelatedField(Subscriber, many=True, required=False)

    class Meta:
        model = PickupGroup
        fields = ["id", "customer", "name", "members", "created_at"]
        read_only_fields = ["id", "created_at"]
        validators: list[Any] = []


class IvrOptionSerializer(serializers.Serializer):
    digit = serializers.ChoiceField(choices=list("0123456789*#"))
    target = TargetField(allow_blank=False, required=True)


class IvrMenuSerializer(CustomerOwnedSerializer):
    announcement = VisibleRelatedField(AudioFile, required=False, allow_null=True)
    on_timeout = TargetField()
    on_invalid = TargetField()
    options = IvrOptionSerializer(many=True, required=False)

    class Meta:
        model = IvrMenu
        fields = [
            "id",
            "customer",
            "name",
            "extension",
            "announcement",
            "timeout_seconds",
            "repeat_count",
            "on_timeout",
            "on_invalid",
            "options",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        validators: list[Any] = []

    def to_representation(self, instance: IvrMenu) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["options"] = [
            {"digit": o.digit, "target": o.target}
            for o in sorted(instance.options.all(), key=lambda o: o.digit)
        ]
        return data


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
        "example": "08:00",
    }
)
class ClockTimeField(serializers.TimeField):
    """A time of day written ``HH:MM`` (``HH:MM:SS`` is read too), as the schedule answers."""

    def to_representation(self, value: Any) -> str:
        return f"{value:%H:%M}"


class ScheduleEntrySerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6)
    start = ClockTimeField()
    end = ClockTimeField()


class OperatorSerializer(CustomerOwnedSerializer):
    day_target = TargetField()
    night_target = TargetField()
    announcement = VisibleRelatedField(AudioFile, required=False, allow_null=True)
    night_announcement = VisibleRelatedField(AudioFile, required=False, allow_null=True)
    ivr_menu = VisibleRelatedField(IvrMenu, required=False, allow_null=True)
    schedule = ScheduleEntrySerializer(many=True, required=False)

    class Meta:
        model = OperatorSettings
        fields = [
            "id",
            "customer",
            "day_target",
            "night_target",
            "announcement",
            "night_announcement",
            "ivr_menu",
            "manual_mode",
            "holidays_are_night",
            "ring_seconds",
            "transfer_recall_seconds",
            "schedule",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]
        validators: list[Any] = []

    def to_representation(self, instance: OperatorSettings) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["schedule"] = [
            {"weekday": e.weekday, "start": f"{e.start:%H:%M}", "end": f"{e.end:%H:%M}"}
            for e in sorted(instance.schedule.all(), key=lambda e: (e.weekday, e.start))
        ]
        return data


class ModeSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=DayNightMode.choices)


class _UserOwnedSerializer(serializers.ModelSerializer):
    """``user`` is given on create and fixed afterwards."""

    user = VisibleRelatedField(Subscriber, source="subscriber")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (
            self.instance is not None
            and "subscriber" in attrs
            and attrs.pop("subscriber") != self.instance.subscriber
        ):
            raise serializers.ValidationError({"user": ["This cannot change."]})
        return attrs


class CallForwardingSerializer(_UserOwnedSerializer):
    always = TargetField()
    on_busy = TargetField()
    on_no_answer = TargetField()

    class Meta:
        model = CallForwarding
        fields = ["id", "user", "always", "on_busy", "on_no_answer", "no_answer_seconds"]
        read_only_fields = ["id"]
        validators: list[Any] = []

    def validate_no_answer_seconds(self, value: int) -> int:
        if not 5 <= value <= 120:
            raise serializers.ValidationError("Between 5 and 120 seconds.")
        return value


class VoicemailBoxSerializer(_UserOwnedSerializer):
    enabled = serializers.BooleanField(required=False)
    pin = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=PIN_MAX_DIGITS,
        help_text="4 to 8 digits; not one digit repeated, not a run like 1234, not the user's "
        "extension. Stored hashed; never returned.",
    )
    has_pin = serializers.BooleanField(read_only=True)
    greeting = VisibleRelatedField(AudioFile, required=False, allow_null=True)

    class Meta:
        model = VoicemailBox
        fields = ["id", "user", "enabled", "pin", "has_pin", "greeting", "email"]
        read_only_fields = ["id"]
        validators: list[Any] = []

    def to_representation(self, instance: VoicemailBox) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["enabled"] = instance.subscriber.voicemail_enabled
        return data

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        pin = attrs.get("pin")
        if pin:
            subscriber = attrs.get("subscriber") or getattr(self.instance, "subscriber", None)
            try:
                validate_voicemail_pin(
                    pin, extension=subscriber.extension if subscriber is not None else ""
                )
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"pin": exc.messages}) from None
        return attrs


class HotDeskLoginSerializer(serializers.ModelSerializer):
    device = VisibleRelatedField(Device)
    user = VisibleRelatedField(Subscriber, source="subscriber")

    class Meta:
        model = HotDeskLogin
        fields = ["id", "device", "user", "logged_in_at"]
        read_only_fields = ["id", "logged_in_at"]
        validators: list[Any] = []


class AudioFileSerializer(serializers.ModelSerializer):
    customer = serializers.UUIDField(source="customer_id", read_only=True)
    duration_seconds = serializers.SerializerMethodField()

    class Meta:
        model = AudioFile
        fields = [
            "id",
            "customer",
            "name",
            "kind",
            "original_name",
            "original_format",
            "original_size",
            "duration_seconds",
            "created_at",
        ]
        read_only_fields = fields

    def get_duration_seconds(self, audio: AudioFile) -> float:
        return round(audio.duration_ms / 1000, 1)


class AudioUploadSerializer(serializers.Serializer):
    customer = VisibleRelatedField(Customer, required=False)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=AudioKind.choices)
    file = serializers.FileField()


class PhonebookEntrySerializer(serializers.ModelSerializer):
    customer = serializers.UUIDField(source="customer_id", read_only=True)
    owner = VisibleRelatedField(
        Subscriber,
        source="phonebook.owner",
        required=False,
        allow_null=True,
        help_text="The user of a private phonebook; empty for the shared phonebook.",
    )
    numbers = serializers.ListField(child=serializers.CharField(max_length=30), min_length=1)

    class Meta:
        model = PhonebookEntry
        fields = ["id", "customer", "owner", "name", "company", "numbers", "created_at"]
        read_only_fields = ["id", "created_at"]

    def to_representation(self, instance: PhonebookEntry) -> dict[str, Any]:
        return {
            "id": str(instance.pk),
            "customer": str(instance.customer_id),
            "owner": str(instance.phonebook.owner_id) if instance.phonebook.owner_id else None,
            "name": instance.name,
            "company": instance.company,
            "numbers": [n.e164 for n in instance.numbers.all()],
            "created_at": serializers.DateTimeField().to_representation(instance.created_at),
        }


class PhonebookTargetSerializer(serializers.Serializer):
    """Which phonebook: ``owner`` (a user) for a private one, else the customer's shared one."""

    customer = VisibleRelatedField(Customer, required=False)
    owner = VisibleRelatedField(Subscriber, required=False, allow_null=True)
    file = serializers.FileField(required=False)
    csv = serializers.CharField(required=False, trim_whitespace=False)


class OneTimeFeeSerializer(serializers.ModelSerializer):
    customer = serializers.UUIDField(source="customer_id", read_only=True)

    class Meta:
        model = OneTimeFeeEvent
        fields = ["id", "customer", "fee_type", "quantity", "occurred_at", "reference", "label"]
        read_only_fields = fields


class CallTraceSerializer(serializers.Serializer):
    customer = VisibleRelatedField(Customer, required=False)
    dialled = serializers.CharField(max_length=40)
    caller = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="A user id (internal call) or an E.164 number (external caller).",
    )
    at = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text='ISO 8601, or e.g. "Saturday 10:00" (the next such time, Europe/Berlin).',
    )
    busy = VisibleRelatedField(Subscriber, many=True, required=False)
    seed = serializers.IntegerField(required=False, default=0)
