"""Input validation and output shapes for sites, trunks, number blocks, users, devices and the
license ledger. Serializers validate; services write."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from provisioning.models import (
    BASE_LICENSES,
    Customer,
    Device,
    LicenseEvent,
    NumberBlock,
    Site,
    Subscriber,
    Trunk,
)
from provisioning.validators import normalize_phone, validate_base_number
from telephony.entitlements import entitlements

from .fields import VisibleRelatedField
from .validation import PostalCodeMatchesCountry


class CustomerOwnedSerializer(serializers.ModelSerializer):
    """Adds ``customer``: required for reseller admins and staff on create, implied for
    customer admins, fixed afterwards."""

    customer = VisibleRelatedField(Customer, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = self.context["request"].user
        if self.instance is None:
            if "customer" not in attrs:
                if user.customer_id:
                    attrs["customer"] = user.customer
                else:
                    raise serializers.ValidationError({"customer": ["This field is required."]})
        elif "customer" in attrs and attrs.pop("customer") != self.instance.customer:
            raise serializers.ValidationError({"customer": ["This cannot change."]})
        return attrs


ADDRESS = ["street", "postal_code", "city", "country"]


class SiteSerializer(CustomerOwnedSerializer):
    extra_site_license = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Confirms the billed 'Weiterer Standort' license of a site beyond the first.",
    )
    has_extra_site_license = serializers.SerializerMethodField()

    class Meta:
        model = Site
        fields = [
            "id",
            "customer",
            "name",
            *ADDRESS,
            "extra_site_license",
            "has_extra_site_license",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        validators = [PostalCodeMatchesCountry()]

    def get_has_extra_site_license(self, site: Site) -> bool:
        return site.extra_license_holding is not None


class TrunkSerializer(serializers.ModelSerializer):
    site = VisibleRelatedField(Site)
    customer = serializers.UUIDField(source="customer_id", read_only=True)
    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=200,
        style={"input_type": "password"},
        help_text="Stored encrypted; never returned. Omit it on update to keep the stored one.",
    )
    has_password = serializers.BooleanField(read_only=True)
    emergency_street = serializers.CharField(required=False, allow_blank=True, max_length=200)
    emergency_postal_code = serializers.CharField(required=False, allow_blank=True, max_length=10)
    emergency_city = serializers.CharField(required=False, allow_blank=True, max_length=100)
    emergency_country = serializers.CharField(required=False, allow_blank=True, max_length=2)

    class Meta:
        model = Trunk
        fields = [
            "id",
            "customer",
            "site",
            "provider",
            "provider_name",
            "connection_type",
            "isdn_mode",
            "registrar_host",
            "username",
            "password",
            "has_password",
            "contract_reference",
            "state",
            "emergency_street",
            "emergency_postal_code",
            "emergency_city",
            "emergency_country",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        validators = [PostalCodeMatchesCountry("emergency_postal_code", "emergency_country")]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and "site" in attrs and attrs["site"] != self.instance.site:
            raise serializers.ValidationError({"site": ["A trunk cannot move to another site."]})
        return attrs


class NumberBlockSerializer(serializers.ModelSerializer):
    trunk = VisibleRelatedField(Trunk)
    customer = serializers.UUIDField(source="customer_id", read_only=True)
    size = serializers.IntegerField(read_only=True)
    main_number = serializers.SerializerMethodField()

    class Meta:
        model = NumberBlock
        fields = [
            "id",
            "customer",
            "trunk",
            "base_number",
            "first_extension",
            "last_extension",
            "size",
            "main_number",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def get_main_number(self, block: NumberBlock) -> str | None:
        return f"{block.base_number}0" if block.first_extension == 0 else None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The base number with the first and the last extension are valid numbers; a refusal
        speaks of what was typed (the service turns it into E.164)."""
        try:
            validate_base_number(
                attrs["base_number"], attrs.get("first_extension", 0), attrs["last_extension"]
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"base_number": exc.messages}) from None
        return attrs


class SubscriberSerializer(CustomerOwnedSerializer):
    site = VisibleRelatedField(Site)
    extension = serializers.CharField(
        max_length=10, help_text="Direct extension in the site's block."
    )
    number = serializers.CharField(source="number.e164", read_only=True)
    fax_extension = serializers.CharField(max_length=10, required=False, allow_blank=True)
    fax_number = serializers.SerializerMethodField(help_text="E.164, or null without a fax.")
    entitlements = serializers.SerializerMethodField()
    needs_emergency_notice = serializers.BooleanField(read_only=True)
    has_login = serializers.SerializerMethodField()

    def get_fax_number(self, subscriber: Subscriber) -> str | None:
        return subscriber.fax_number.e164 if subscriber.fax_number else None

    class Meta:
        model = Subscriber
        fields = [
            "id",
            "customer",
            "site",
            "first_name",
            "last_name",
            "display_name",
            "email",
            "extension",
            "number",
            "package",
            "entitlements",
            "is_active",
            "has_login",
            "works_at",
            "needs_emergency_notice",
            "emergency_notice_confirmed_at",
            "emergency_notice_confirmed_by",
            "voicemail_enabled",
            "mobility_number",
            "fax_extension",
            "fax_number",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "is_active",
            "emergency_notice_confirmed_at",
            "emergency_notice_confirmed_by",
            "created_at",
        ]

    def get_has_login(self, subscriber: Subscriber) -> bool:
        return subscriber.account_id is not None

    def get_entitlements(self, subscriber: Subscriber) -> dict[str, bool]:
        return entitlements(subscriber.package)

    def validate_extension(self, value: str) -> str:
        if not value.isdigit():
            raise serializers.ValidationError("An extension consists of digits only.")
        return value

    def validate_fax_extension(self, value: str) -> str:
        if value and not value.isdigit():
            raise serializers.ValidationError("An extension consists of digits only.")
        return value

    def validate_mobility_number(self, value: str) -> str:
        return normalize_phone(value)


class OwnProfileSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=200, allow_blank=True)


class DeviceSerializer(CustomerOwnedSerializer):
    site = VisibleRelatedField(Site)
    subscriber = VisibleRelatedField(Subscriber, required=False, allow_null=True)
    mac_address = serializers.CharField(max_length=17)

    class Meta:
        model = Device
        fields = [
            "id",
            "customer",
            "site",
            "model",
            "mac_address",
            "label",
            "subscriber",
            "rented",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def validate_mac_address(self, value: str) -> str:
        from django.core.exceptions import ValidationError

        from provisioning.models.system import normalize_mac, validate_mac

        try:
            validate_mac(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return normalize_mac(value)


class BaseLicenseSerializer(serializers.Serializer):
    license_type = serializers.ChoiceField(choices=[str(t) for t in BASE_LICENSES])


class LicenseEventSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    customer = serializers.UUIDField(source="customer_id", read_only=True)

    class Meta:
        model = LicenseEvent
        fields = [
            "id",
            "customer",
            "license_type",
            "kind",
            "effective_at",
            "holding",
            "subject_type",
            "subject_id",
            "subject_label",
        ]
        read_only_fields = fields


class LicenseSerializer(serializers.ModelSerializer):
    """A license held now: an assignment not yet released."""

    id = serializers.UUIDField(source="holding", read_only=True)
    customer = serializers.UUIDField(source="customer_id", read_only=True)
    assigned_at = serializers.DateTimeField(source="effective_at", read_only=True)

    class Meta:
        model = LicenseEvent
        fields = [
            "id",
            "customer",
            "license_type",
            "assigned_at",
            "subject_type",
            "subject_id",
            "subject_label",
        ]
        read_only_fields = fields
