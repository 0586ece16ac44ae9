"""Filters of the tenant API lists (those the portal shares live in ``provisioning.filters``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from provisioning.filters import IdFilterSet, MomentFilter, SubscriberFilter, search_filter
from provisioning.models import AuditEvent, Customer, Reseller

__all__ = [
    "AuditEventFilter",
    "CustomerFilter",
    "IdFilterBackend",
    "IdFilterSet",
    "MomentFilter",
    "ResellerFilter",
    "SubscriberFilter",
    "search_filter",
]


BOOLEAN_VALUES = frozenset({"true", "false", "True", "False", ""})
"""What a yes/no filter accepts (``?is_active=true``)."""


class IdFilterBackend(DjangoFilterBackend):
    """Every list's filters: a query parameter a filter cannot read — an unknown choice, a
    malformed id or date, a yes/no filter given anything but true or false — answers 400
    naming the parameter, instead of being ignored."""

    filterset_base = IdFilterSet

    def filter_queryset(self, request: Request, queryset: Any, view: Any) -> Any:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        errors = (
            dict(translate_validation(filterset.errors).detail) if not filterset.is_valid() else {}
        )
        for name, filter_ in filterset.filters.items():
            value = request.query_params.get(name)
            if (
                isinstance(filter_, django_filters.BooleanFilter)
                and value is not None
                and value not in BOOLEAN_VALUES
            ):
                text = gettext("„%(value)s“ ist kein Wahrheitswert; erlaubt sind true und false.")
                errors.setdefault(name, []).append(text % {"value": value})
        if errors:
            raise ValidationError(errors)
        return filterset.qs


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
    since = MomentFilter(field_name="occurred_at", lookup_expr="gte")
    until = MomentFilter(field_name="occurred_at", lookup_expr="lt")
    customer = django_filters.UUIDFilter(field_name="customer_id")
    reseller = django_filters.UUIDFilter(field_name="reseller_id")
    actor = django_filters.CharFilter(field_name="actor_label")

    class Meta:
        model = AuditEvent
        fields = ["action", "channel", "object_type", "object_id"]
