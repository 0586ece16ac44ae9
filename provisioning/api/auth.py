"""``Authorization: Bearer <key>`` authentication for the REST API (TEN-4)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from provisioning import throttle
from provisioning.services import api_key_authenticate


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if parts[0] != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send exactly one key: 'Bearer <key>'.")
        # Unknown keys are counted per client IP; past the limit no key is checked.
        ip = throttle.client_ip(request)
        seconds = throttle.wait(throttle.limit("api-key-ip"), ip)
        if seconds:
            raise exceptions.Throttled(wait=seconds)
        account = api_key_authenticate(parts[1])
        if account is None:
            throttle.fail(throttle.limit("api-key-ip"), ip)
            raise exceptions.AuthenticationFailed("Unknown or revoked API key.")
        return account, None

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "provisioning.api.auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "An API key from the portal."}
