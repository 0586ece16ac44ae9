"""Content-Security-Policy for every answer: scripts, styles, fonts and connections from the
platform's own origin only, no inline script, no ``eval``, no framing.

The portal's pages carry no inline script, event handler or style (their behaviour is in
``portal/static/portal/portal.js``, their few own rules in ``portal.css``), so a script an
attacker manages to inject into a page does not run. Paths in ``CSP_INLINE_STYLE_PATHS`` also
allow inline styles: the public status page, whose static copy must be one self-contained file
(status/templates/status/public/base.html), and the Django admin. The other security headers
(HSTS, ``X-Content-Type-Options``, ``Referrer-Policy``, ``X-Frame-Options``) come from Django's
``SecurityMiddleware`` and ``XFrameOptionsMiddleware`` (config/settings.py).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"

DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    # Bootstrap draws its icons (menu, select arrow, close button) as data: SVGs.
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _policy(**overrides: str) -> str:
    return "; ".join(f"{name} {value}" for name, value in {**DIRECTIVES, **overrides}.items())


STRICT = _policy()
INLINE_STYLES = _policy(**{"style-src": "'self' 'unsafe-inline'"})


def policy_for(path: str) -> str:
    if path.startswith(tuple(settings.CSP_INLINE_STYLE_PATHS)):
        return INLINE_STYLES
    return STRICT


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(HEADER, policy_for(request.path))
        return response
