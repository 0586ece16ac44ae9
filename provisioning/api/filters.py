"""Filters of the tenant API lists (those the portal shares live in ``provisioning.filters``)."""

from __future__ import annotations

import django_filters
from django_filters.rest_framework import DjangoFilterBackend

from provisioning.filters import IdFilterSet, SubscriberFilter, search_filter
from provisioning.models import AuditEvent, Customer, Reseller

__all__ = [
    "AuditEventFilter",
    "CustomerFilter",
    "IdFilterBackend",
    "IdFilterSet",
    "ResellerFilter",
    "SubscriberFilter",
    "search_filter",
]


class IdFilterBackend(DjangoFilterBackend):
    filterset_base = IdFilterSet


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
