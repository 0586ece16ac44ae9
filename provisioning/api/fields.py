"""How API bodies name other objects: by id, resolved through the tenancy chokepoint.

``VisibleRelatedField`` is the one serializer field for such ids and ``customer_from_request``
the one way a body or query names its customer. Both answer an unknown, a malformed and a
foreign id alike (``provisioning.access.unknown_reference``); the services refuse an object of
another customer with the same answer (``access.require_same_customer``)."""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import serializers
from rest_framework.request import Request

from provisioning import access
from provisioning.models import Customer


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """An object the caller can see, named by its id; any other value — unknown, malformed,
    another tenant's — reads as "Unbekannte ID." on this field."""

    default_error_messages = {"does_not_exist": access.UNKNOWN_ID}

    def __init__(self, model: type[models.Model] | models.QuerySet[Any], **kwargs: Any) -> None:
        """``model`` is the model, or a queryset of it narrowing what may be named."""
        self.candidates = (
            model if isinstance(model, models.QuerySet) else model._default_manager.all()
        )
        if not kwargs.get("read_only"):
            # For the schema only; lookups always go through the chokepoint below.
            kwargs.setdefault("queryset", self.candidates.none())
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        return access.restrict(self.candidates.all(), self.context["request"].user)

    def to_internal_value(self, data: Any) -> Any:
        found = access.find_reference(self.candidates.all(), self.context["request"].user, data)
        if found is None:
            self.fail("does_not_exist")
        return found


def customer_from_request(request: Request) -> Customer:
    """The customer named by ``customer`` in the body or query, else the caller's own; an
    unknown, malformed or foreign id is refused like any other id in a body."""
    data: Any = request.data
    customer_id = (data.get("customer") if hasattr(data, "get") else None) or (
        request.query_params.get("customer")
    )
    user = request.user
    if not customer_id and getattr(user, "customer_id", None):
        customer_id = user.customer_id  # type: ignore[union-attr]
    if not customer_id:
        raise serializers.ValidationError({"customer": ["This field is required."]})
    return access.resolve_reference(Customer, user, customer_id, field="customer")
