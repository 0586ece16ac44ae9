"""The base viewset every API resource uses: the tenancy chokepoint for lists and objects,
platform-access auditing, and service calls for writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.db import models
from rest_framework import mixins, viewsets
from rest_framework.request import Request

from provisioning import access, audit
from provisioning.models import Account
from provisioning.permissions import ensure


class ScopedViewSet(viewsets.GenericViewSet):
    """Lists and objects always come through ``access.restrict``; a foreign id answers 404."""

    def base_queryset(self) -> models.QuerySet[Any]:
        raise NotImplementedError

    @property
    def actor(self) -> Account:
        """The authenticated account (every view requires authentication)."""
        return cast(Account, self.request.user)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if self.action == "create":
            ensure(self.may_create(request.user))

    def may_create(self, account: Any) -> bool:
        """Who may create objects here; checked before the input is validated, so a role that
        may not create learns nothing from validation messages."""
        return True

    def get_queryset(self) -> models.QuerySet[Any]:
        return access.restrict(self.base_queryset(), self.request.user)

    def get_object(self) -> Any:
        lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        obj = access.get_for_user(
            self.base_queryset(), self.request.user, lookup, field=self.lookup_field
        )
        self.check_object_permissions(self.request, obj)
        return obj

    def paginate_queryset(self, queryset: Any) -> list[Any] | None:
        page = super().paginate_queryset(queryset)
        user = self.request.user
        if page is not None and getattr(user, "is_platform", False):
            audit.record_access(actor=user, instances=page)  # type: ignore[arg-type]
        return page


class CrudViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """List, read, create, change and delete, all through the chokepoint."""


class CustomerServiceViewSet(CrudViewSet):
    """CRUD of an object that belongs to a customer, written only through its services:
    ``create_service(customer=, acting_user=, data=)``, ``update_service(<instance_kwarg>=,
    acting_user=, data=)`` and ``delete_service(<instance_kwarg>=, acting_user=)``."""

    instance_kwarg: str
    create_service: Callable[..., Any]
    update_service: Callable[..., Any]
    delete_service: Callable[..., Any]

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        customer = data.pop("customer")
        serializer.instance = self.create_service(
            customer=customer, acting_user=self.actor, data=data
        )

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("customer", None)
        serializer.instance = self.update_service(
            **{self.instance_kwarg: serializer.instance}, acting_user=self.actor, data=data
        )

    def perform_destroy(self, instance: Any) -> None:
        self.delete_service(**{self.instance_kwarg: instance}, acting_user=self.actor)
