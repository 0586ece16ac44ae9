"""Filters of the tenant API lists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.db.models import ForeignKey, Q, QuerySet
from django_filters.rest_framework import DjangoFilterBackend

from provisioning.models import AuditEvent, Customer, Reseller


class IdFilterSet(django_filters.FilterSet):
    """Filters related objects by id without checking the id exists: a foreign id and an
    unknown id both simply match nothing, so a filter never reveals another tenant's ids."""

    @classmethod
    def filter_for_field(cls, field: Any, field_name: str, lookup_expr: str | None = None) -> Any:
        if isinstance(field, ForeignKey):
            return django_filters.UUIDFilter(field_name=f"{field_name}_id")
        return super().filter_for_field(field, field_name, lookup_expr)


class IdFilterBackend(DjangoFilterBackend):
    filterset_base = IdFilterSet


SearchMethod = Callable[[QuerySet[Any], str, str], QuerySet[Any]]


def search_filter(fields: list[str]) -> SearchMethod:
    """A filter method matching ``value`` in any of ``fields`` (case-insensitive)."""

    def method(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)

    return method


class ResellerFilter(IdFilterSet):
    q = django_filters.CharFilter(method=search_filter(["company_name", "city", "vat_id"]))

    class Meta:
        model = Reseller
        fields = ["country"]


class CustomerFilter(IdFilterSet):
    q = django_filters.CharFilter(method=search_filter(["company_name", "city", "vat_id"]))

    class Meta:
        model = Customer
        fields = ["reseller", "state", "federal_state", "country"]


class AuditEventFilter(IdFilterSet):
    since = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")
    customer = django_filters.UUIDFilter(field_name="customer_id")
    reseller = django_filters.UUIDFilter(field_name="reseller_id")
    actor = django_filters.CharFilter(field_name="actor_label")

    class Meta:
        model = AuditEvent
        fields = ["action", "channel", "object_type", "object_id"]
