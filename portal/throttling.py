"""The portal's answer when ``provisioning.throttle`` refuses an attempt: 429 with
``Retry-After``, and the page says in words when to try again."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import formats
from django.utils.functional import Promise

from provisioning import throttle

StrOrPromise = str | Promise


def refuse(
    request: HttpRequest, response: HttpResponse, seconds: int, text: StrOrPromise
) -> HttpResponse:
    """Turn ``response`` (the page the attempt came from) into a 429 whose message above the page
    is ``text`` with ``%(time)s`` replaced by the local time the attempt is allowed again."""
    at = formats.time_format(throttle.retry_at(seconds), "H:i")
    messages.error(request, text % {"time": at})
    response.status_code = 429
    response["Retry-After"] = str(seconds)
    if isinstance(response, TemplateResponse):
        response.render()
    return response


def refuse_page(request: HttpRequest, seconds: int, text: StrOrPromise, back: str) -> HttpResponse:
    """A page of its own for an action without a form (a button), linking back to ``back``."""
    response = TemplateResponse(request, "portal/throttled.html", {"back": back})
    return refuse(request, response, seconds, text)


__all__ = ["refuse", "refuse_page"]
