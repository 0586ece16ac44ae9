"""The base viewset every API resource uses: the tenancy chokepoint for lists and objects,
platform-access auditing, and service calls for writes."""

from __future__ import annotations

from typing import Any, cast

from django.db import models
from rest_framework import viewsets
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
