"""REST resources of the network readiness check (NET-1, NET-2).

``POST /api/v1/network-checks/`` is the probe's upload: it authenticates with the *site check
token* (``Authorization: Bearer snc_…``), never with a login or API key, and the token alone
decides the site. Reading results and managing tokens use the usual authentication and scoping.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import authentication, exceptions, mixins, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response

from provisioning import services
from provisioning.models import NetworkCheck, SiteCheckToken
from provisioning.permissions import can_create_check_tokens

from .base import ScopedViewSet
from .filters import IdFilterSet
from .netcheck_serializers import (
    NetcheckResultParser,
    NetworkCheckDetailSerializer,
    NetworkCheckSerializer,
    NetworkCheckUploadSerializer,
    SiteCheckTokenCreatedSerializer,
    SiteCheckTokenSerializer,
)


class SiteCheckTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <site check token>``; ``request.auth`` is the token row. An
    unknown and a revoked token get the same 401."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, SiteCheckToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        parts = header.split()
        if not parts or parts[0] != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send exactly one token: 'Bearer <token>'.")
        token = services.site_check_token_authenticate(parts[1])
        if token is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked site check token.")
        return AnonymousUser(), token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class SiteCheckTokenScheme(OpenApiAuthenticationExtension):
    target_class = "provisioning.api.netcheck_views.SiteCheckTokenAuthentication"
    name = "siteCheckToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A site check token (snc_…) from the portal's go-live checklist.",
        }


class HasSiteCheckToken(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, SiteCheckToken)


class NetworkCheckFilter(IdFilterSet):
    class Meta:
        model = NetworkCheck
        fields = ["site", "customer", "overall", "measurement_class"]


class NetworkCheckViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """Results of the network readiness check per site, newest first. ``POST`` takes the probe's
    JSON result (schema 1, at most 1 MB) with the site check token; the platform evaluates it
    again against its own thresholds."""

    filterset_class = NetworkCheckFilter
    ordering_fields = ["received_at", "started_at"]

    def _is_upload(self) -> bool:
        request = getattr(self, "request", None)
        return getattr(request, "method", None) == "POST"

    def get_authenticators(self) -> list[Any]:
        if self._is_upload():
            return [SiteCheckTokenAuthentication()]
        return super().get_authenticators()

    def get_permissions(self) -> Any:
        if self._is_upload():
            return [HasSiteCheckToken()]
        return super().get_permissions()

    def get_parsers(self) -> list[Any]:
        if self._is_upload():
            return [NetcheckResultParser()]
        return super().get_parsers()

    def may_create(self, account: Any) -> bool:
        return True  # the site check token has been checked by authentication

    def base_queryset(self) -> models.QuerySet[NetworkCheck]:
        return NetworkCheck.objects.select_related("site")

    def get_serializer_class(self) -> Any:
        if self.action == "create":
            return NetworkCheckUploadSerializer
        if self.action == "retrieve":
            return NetworkCheckDetailSerializer
        return NetworkCheckSerializer

    @extend_schema(
        request={"application/json": OpenApiTypes.OBJECT},
        description="Body: the probe's JSON result document (schema 1, docs/netcheck.md).",
        responses={
            201: NetworkCheckSerializer,
            400: OpenApiResponse(description="Malformed, oversized or implausible result"),
            401: OpenApiResponse(description="Unknown or revoked site check token"),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = NetworkCheckUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = request.auth
        assert isinstance(token, SiteCheckToken)  # HasSiteCheckToken let the request in
        check = services.network_check_record(
            token=token,
            result=serializer.validated_data["result"],
            source_ip=request.META.get("REMOTE_ADDR"),
        )
        return Response(NetworkCheckSerializer(check).data, status=status.HTTP_201_CREATED)


class SiteCheckTokenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """Upload tokens of the network check, one active per site. Creating one for a site revokes
    its previous token; the token is in the creation response only; DELETE revokes (the row
    stays)."""

    serializer_class = SiteCheckTokenSerializer
    filterset_fields = ["site"]
    ordering_fields = ["created_at"]

    def may_create(self, account: Any) -> bool:
        return can_create_check_tokens(account)

    def base_queryset(self) -> models.QuerySet[SiteCheckToken]:
        return SiteCheckToken.objects.select_related("site__customer__reseller")

    @extend_schema(responses={201: SiteCheckTokenCreatedSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, raw = services.site_check_token_create(
            site=serializer.validated_data["site"], acting_user=self.actor
        )
        token.token = raw  # type: ignore[attr-defined]
        return Response(
            SiteCheckTokenCreatedSerializer(token, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    def perform_destroy(self, instance: SiteCheckToken) -> None:
        services.site_check_token_revoke(token=instance, acting_user=self.actor)
