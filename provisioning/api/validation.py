"""Serializer-level use of the shared rules in ``provisioning.validators`` for rules that
span two fields, so an API refusal names the field like a form does."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from rest_framework import serializers

from provisioning.validators import validate_postal_code, validate_postal_code_for_country


class PostalCodeMatchesCountry:
    """A serializer validator: the postcode fits the country (German: five digits), taking
    whichever of the two the body leaves out from the object being changed."""

    requires_context = True

    def __init__(
        self,
        postal_field: str = "postal_code",
        country_field: str = "country",
        default_country: str = "DE",
    ) -> None:
        self.postal_field = postal_field
        self.country_field = country_field
        self.default_country = default_country

    def __call__(self, attrs: dict[str, Any], serializer: serializers.Serializer) -> None:
        instance = getattr(serializer, "instance", None)
        value = attrs.get(self.postal_field, getattr(instance, self.postal_field, "") or "")
        country = attrs.get(self.country_field) or getattr(instance, self.country_field, "")
        if not value:
            return
        try:
            validate_postal_code(value)
            validate_postal_code_for_country(value, country or self.default_country)
        except ValidationError as exc:
            raise serializers.ValidationError({self.postal_field: exc.messages}) from None
