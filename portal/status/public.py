"""The public status page (STA-1…STA-8), its feeds and JSON, and subscribing (STA-5) — no
login. The page, feeds and JSON are rendered by ``status.publish`` (the same bytes as the static
copy) and served from its cache; subscribing and unsubscribing are the only dynamic pages.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from provisioning.errors import ApplicationError
from status import publish, services
from status.models import Component
from status.texts import lang_or_default, texts

from .forms import SubscribeForm

PAGE_MAX_AGE = 0  # browsers ask again every time and get 304 Not Modified while unchanged
ERROR_TEXTS = {
    "invalid_email": "err_email",
    "invalid_mobile_number": "err_mobile",
    "invalid_country": "err_mobile",
    "components_required": "err_components",
    "rate_limited": "err_rate",
}


def _public(
    request: HttpRequest, payload: publish.Payload, content_type: str, max_age: int = PAGE_MAX_AGE
) -> HttpResponse:
    """A cacheable answer with an ETag of its bytes (a browser or proxy that has them gets
    304 Not Modified, and every change shows at the next look), gzip-compressed for clients
    that accept it."""
    if payload.etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(payload.gzip, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(payload.data, content_type=content_type)
    response["ETag"] = payload.etag
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = f"public, max-age={max_age}, must-revalidate"
    return response


@require_GET
def page(request: HttpRequest, lang: str = "de") -> HttpResponse:
    response = _public(request, publish.page(lang), "text/html; charset=utf-8")
    response["Content-Language"] = lang
    return response


@require_GET
def feed(request: HttpRequest, lang: str = "de") -> HttpResponse:
    payload = publish.cached_payload(f"atom:{lang}", lambda: publish.atom(lang))
    return _public(request, payload, "application/atom+xml; charset=utf-8", 60)


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    payload = publish.cached_payload("ical", publish.ical)
    response = _public(request, payload, "text/calendar; charset=utf-8", 300)
    response["Content-Disposition"] = 'inline; filename="stimme-wartung.ics"'
    return response


@require_GET
def statuspage_json(request: HttpRequest, name: str) -> HttpResponse:
    if name not in publish.JSON_PATHS:
        raise Http404
    response = _public(request, publish.json_cached(name), "application/json")
    response["Access-Control-Allow-Origin"] = "*"  # widgets on other sites read it
    return response


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _context(lang: str, **extra: object) -> dict[str, object]:
    other = "en" if lang == "de" else "de"
    base = settings.STATUS_BASE_URL
    return {
        "lang": lang,
        "t": texts(lang),
        "home_url": f"{base}/" + ("en/" if lang == "en" else ""),
        "other_lang": other,
        **extra,
    }


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest, channel: str, lang: str = "de") -> HttpResponse:
    """One form for e-mail and SMS. The answer after subscribing is the same for a new and a
    known address, so the page tells nobody who is subscribed."""
    lang = lang_or_default(lang)
    form = SubscribeForm(request.POST or None, channel=channel, lang=lang)
    prefix = "en/" if lang == "en" else ""
    other_url = f"{settings.STATUS_BASE_URL}/{'' if lang == 'en' else 'en/'}subscribe/{channel}/"
    context = _context(lang, form=form, channel=channel, other_lang_url=other_url)
    context["form_error"] = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = None
        if data["scope"] == "some":
            chosen = list(Component.objects.filter(pk__in=data["components"], is_visible=True))
        try:
            services.subscription_subscribe(
                channel=channel,
                address=data["address"],
                components=chosen,
                language=lang,
                country=data.get("country", "DE"),
                client_ip=_client_ip(request),
            )
        except ApplicationError as error:
            key = ERROR_TEXTS.get(error.code, "err_form")
            target = "address" if error.code.startswith("invalid_") else None
            if error.code == "components_required":
                target = "components"
            if target:
                form.add_error(target, texts(lang)[key])
            else:
                context["form_error"] = texts(lang)[key]
            status = error.status if error.status != 400 else 200
        else:
            context["done"] = True
            context["other_lang_url"] = (
                f"{settings.STATUS_BASE_URL}/{'' if lang == 'en' else 'en/'}"
            )
    elif request.method == "POST":
        context["form_error"] = texts(lang)["err_form"]
    context["action"] = f"{settings.STATUS_BASE_URL}/{prefix}subscribe/{channel}/"
    response = render(request, "portal/status/public_subscribe.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button (mail scanners that open every link must not unsubscribe anyone);
    POST — the button, or a mailbox provider's RFC 8058 one-click request — deletes at once.
    Known and unknown tokens answer alike. CSRF does not apply: the unguessable token in the
    address is the only key, and mailbox providers post without a form."""
    subscription = services.subscription_for_token(token)
    lang = subscription.language if subscription is not None else "de"
    if request.GET.get("lang") in {"de", "en"}:
        lang = request.GET["lang"]
    context = _context(lang, token=token, other_lang_url=f"?lang={'en' if lang == 'de' else 'de'}")
    if request.method == "POST":
        services.subscription_unsubscribe(token=token)
        context["done"] = True
    response = render(request, "portal/status/public_unsubscribe.html", context)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
