"""Filters of the tenant API lists."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from provisioning.models import AuditEvent, Customer, Reseller


def _search(fields: list[str]):
    def method(queryset: QuerySet, name: str, value: str) -> QuerySet:
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)

    return method


class ResellerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method=_search(["company_name", "city", "vat_id"]))

    class Meta:
        model = Reseller
        fields = ["country"]


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method=_search(["company_name", "city", "vat_id"]))

    class Meta:
        model = Customer
        fields = ["reseller", "state", "federal_state", "country"]


class AuditEventFilter(django_filters.FilterSet):
    since = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")
    customer = django_filters.UUIDFilter(field_name="customer_id")
    reseller = django_filters.UUIDFilter(field_name="reseller_id")
    actor = django_filters.CharFilter(field_name="actor_label")

    class Meta:
        model = AuditEvent
        fields = ["action", "channel", "object_type", "object_id"]
