"""The Stripe webhook endpoint: signed by Stripe, so no login and no CSRF token."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from provisioning.audit import audit_context
from provisioning.errors import ApplicationError
from provisioning.models import Channel

from ..payments import webhook_handle


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    signature = request.headers.get("Stripe-Signature", "")
    try:
        with audit_context(channel=Channel.API, ip_address=request.META.get("REMOTE_ADDR")):
            result = webhook_handle(payload=request.body, signature=signature)
    except ApplicationError as exc:
        return JsonResponse(
            {"error": exc.code, "message": exc.message, "fields": exc.fields}, status=exc.status
        )
    return JsonResponse({"result": result})
