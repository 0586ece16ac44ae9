"""Input validation and output shapes of the tenant API. Serializers validate; services write."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from provisioning.models import ApiKey, AuditEvent, Customer, Reseller
from provisioning.validators import normalize_phone

from .fields import VisibleRelatedField
from .validation import PostalCodeMatchesCountry

ADDRESS_FIELDS = ["street", "postal_code", "city", "country"]


class _PhoneNormalizing(serializers.ModelSerializer):
    def validate_contact_phone(self, value: str) -> str:
        return normalize_phone(value)


class ResellerSerializer(_PhoneNormalizing):
    class Meta:
        model = Reseller
        fields = [
            "id",
            "company_name",
            *ADDRESS_FIELDS,
            "vat_id",
            "contact_name",
            "contact_email",
            "contact_phone",
            "admins_need_second_factor",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators = [PostalCodeMatchesCountry()]


class CustomerSerializer(_PhoneNormalizing):
    reseller = VisibleRelatedField(Reseller, required=False)
    base_license = serializers.ChoiceField(
        choices=Customer._meta.get_field("base_license").choices or [],
        allow_blank=True,
        read_only=True,
        help_text="Empty until the customer's first base license is booked.",
    )

    class Meta:
        model = Customer
        fields = [
            "id",
            "reseller",
            "company_name",
            *ADDRESS_FIELDS,
            "vat_id",
            "federal_state",
            "contact_name",
            "contact_email",
            "contact_phone",
            "state",
            "base_license",
            "demo_expires_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "state",
            "base_license",
            "demo_expires_at",
            "created_at",
            "updated_at",
        ]
        # Uniqueness per reseller is a service rule (answered 409), not a serializer one.
        validators = [PostalCodeMatchesCountry()]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = self.context["request"].user
        if self.instance is None and "reseller" not in attrs:
            if user.reseller_id:
                attrs["reseller"] = user.reseller
            else:
                raise serializers.ValidationError({"reseller": ["This field is required."]})
        if self.instance is not None and "reseller" in attrs:
            if attrs["reseller"] != self.instance.reseller:
                raise serializers.ValidationError(
                    {"reseller": ["A customer cannot move to another reseller."]}
                )
            attrs.pop("reseller")
        return attrs


class CustomerStateSerializer(serializers.Serializer):
    """Body of no fields; the action names the state."""


class ApiKeySerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="account.username", read_only=True)
    role = serializers.CharField(source="account.role", read_only=True)
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "prefix",
            "owner",
            "role",
            "is_active",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]
        read_only_fields = ["id", "prefix", "created_at", "last_used_at", "revoked_at"]
        validators: list[Any] = []


class ApiKeyCreatedSerializer(ApiKeySerializer):
    key = serializers.CharField(read_only=True, help_text="The key itself; shown only this once.")

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "actor_label",
            "actor_role",
            "channel",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "reseller_id",
            "customer_id",
            "ip_address",
        ]
        read_only_fields = fields
