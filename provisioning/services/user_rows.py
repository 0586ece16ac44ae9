"""The field rules of one row of a users CSV import (LIC-4): the same rules for the API and the
portal, so a file that one accepts the other accepts too."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..models import Subscriber


class SubscriberCsvRowSerializer(serializers.ModelSerializer):
    """One row of a users CSV import: the same field rules as the API's user body."""

    extension = serializers.CharField(max_length=10)

    class Meta:
        model = Subscriber
        fields = ["first_name", "last_name", "email", "extension", "package", "works_at"]

    def validate_extension(self, value: str) -> str:
        if not value.isdigit():
            raise serializers.ValidationError("An extension consists of digits only.")
        return value


def validate_csv_row(row: dict[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """``(data, {})`` for a valid row, ``({}, errors by column)`` otherwise."""
    serializer = SubscriberCsvRowSerializer(data=row)
    if serializer.is_valid():
        return dict(serializer.validated_data), {}
    return {}, {k: [str(m) for m in v] for k, v in serializer.errors.items()}
