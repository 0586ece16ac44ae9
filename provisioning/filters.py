"""Filters of lists that the API and the portal share: the API's FilterSets are the portal's
search forms' backends too, so a search finds the same rows on both."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey, Q, QuerySet

from provisioning import selectors
from provisioning.models import Subscriber


class IdFilterSet(django_filters.FilterSet):
    """Filters related objects by id without checking the id exists: a foreign id and an
    unknown id both simply match nothing, so a filter never reveals another tenant's ids."""

    @classmethod
    def filter_for_field(cls, field: Any, field_name: str, lookup_expr: str | None = None) -> Any:
        if isinstance(field, ForeignKey):
            return django_filters.UUIDFilter(field_name=f"{field_name}_id")
        return super().filter_for_field(field, field_name, lookup_expr)


class _UtcMomentField(django_filters.fields.IsoDateTimeField):
    def to_python(self, value: Any) -> dt.datetime | None:
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(dt.UTC)
        except OverflowError:  # "0001-01-01T00:00+05:00" lies before the year 1 in UTC
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class MomentFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 moment, compared in UTC: any offset Python reads (up to ±23:59) names a
    moment, while PostgreSQL refuses offsets beyond ±15:59 if they reach it unconverted."""

    field_class = _UtcMomentField


SearchMethod = Callable[[QuerySet[Any], str, str], QuerySet[Any]]


def search_filter(fields: list[str]) -> SearchMethod:
    """A filter method matching ``value`` in any of ``fields`` (case-insensitive)."""

    def method(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)

    return method


class SubscriberFilter(IdFilterSet):
    """Users: ``q`` finds a name, display name or e-mail address, a number however it is
    written (``+49 30 1234-5``) and "first last"; the rest filter by field."""

    q = django_filters.CharFilter(method="search")
    needs_emergency_notice = django_filters.BooleanFilter(method="filter_notice")

    class Meta:
        model = Subscriber
        fields = ["customer", "site", "package", "is_active", "works_at"]

    def search(self, queryset: QuerySet[Subscriber], name: str, value: str) -> Any:
        condition = (
            Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(display_name__icontains=value)
            | Q(email__icontains=value)
        )
        compact = re.sub(r"[\s/()-]", "", value)
        if compact:
            condition |= Q(number__e164__contains=compact)
        parts = value.split()
        if len(parts) == 2:
            condition |= Q(first_name__icontains=parts[0], last_name__icontains=parts[1])
        return queryset.filter(condition)

    def filter_notice(self, queryset: QuerySet[Subscriber], name: str, value: bool) -> Any:
        pending = selectors.users_needing_emergency_notice(queryset)
        return pending if value else queryset.exclude(pk__in=pending.values("pk"))
