"""Pages of the network readiness check (NET-1, NET-2): the go-live checklist per customer with
each site's readiness, a site's history of results, the site check token, and the report of
one result — for logged-in users through the tenancy chokepoint, and as a public share link
whose unguessable ``share_token`` is the only key.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from provisioning import netcheck_report, services
from provisioning.access import get_for_user, restrict, visible_customers
from provisioning.models import NetworkCheck, Site, SiteCheckToken
from provisioning.permissions import (
    PermissionDeniedError,
    can_manage_check_tokens,
    can_set_up_system,
    can_view_network_checks,
)
from provisioning.services.netchecks import platform_thresholds

if TYPE_CHECKING:
    from provisioning.models import Account

PAGE_SIZE = 25


def _account(request: HttpRequest) -> Account:
    return request.user  # type: ignore[return-value]


def _ensure(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# Overview and go-live checklist ---------------------------------------------------------------


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Staff and resellers: their customers with how many sites are ready; a customer admin
    goes straight to its own checklist."""
    user = _account(request)
    _ensure(can_view_network_checks(user))
    if user.customer_id:
        return redirect("portal:netcheck_golive", pk=user.customer_id)
    query = request.GET.get("q", "").strip()[:100]
    customers = visible_customers(user).order_by("company_name", "pk")
    if query:
        customers = customers.filter(company_name__icontains=query)
    page = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    readiness = services.sites_with_readiness(
        Site.objects.filter(customer__in=list(page.object_list))
    )
    counts: dict[Any, Counter[str]] = {}
    for row in readiness:
        counts.setdefault(row.site.customer_id, Counter())[row.status] += 1
    rows = [{"customer": c, "counts": counts.get(c.pk, Counter())} for c in page.object_list]
    return render(
        request, "portal/netcheck/overview.html", {"page": page, "rows": rows, "q": query}
    )


@login_required
def golive(request: HttpRequest, pk: str) -> HttpResponse:
    """The go-live checklist of one customer: every site with its readiness."""
    user = _account(request)
    customer = get_for_user(visible_customers(user), user, pk)
    _ensure(can_view_network_checks(user))
    sites = restrict(Site.objects.filter(customer=customer), user).order_by("name", "pk")
    rows = services.sites_with_readiness(sites)
    active_tokens = {}
    may_manage = can_set_up_system(user, customer)  # can_manage_check_tokens for its sites
    if may_manage:
        for token in restrict(
            SiteCheckToken.objects.filter(site__customer=customer, revoked_at__isnull=True), user
        ):
            active_tokens[token.site_id] = token
    return render(
        request,
        "portal/netcheck/golive.html",
        {
            "customer": customer,
            "rows": [(row, active_tokens.get(row.site.pk)) for row in rows],
            "ready_count": sum(1 for row in rows if row.status == "ready"),
            "may_manage": may_manage,
            "thresholds": platform_thresholds(),
        },
    )


@login_required
def site_history(request: HttpRequest, pk: str) -> HttpResponse:
    """Every result of one site, newest first."""
    user = _account(request)
    site = get_for_user(Site.objects.select_related("customer"), user, pk)
    _ensure(can_view_network_checks(user))
    checks = restrict(NetworkCheck.objects.filter(site=site), user).order_by("-received_at", "-id")
    page = Paginator(checks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/netcheck/site.html", {"site": site, "page": page})


# Site check token -----------------------------------------------------------------------------


def _upload_url(request: HttpRequest) -> str:
    base = getattr(settings, "PORTAL_BASE_URL", "") or request.build_absolute_uri("/")
    return base.rstrip("/") + "/api/v1/network-checks/"


@never_cache
@login_required
@require_POST
def token_create(request: HttpRequest, pk: str) -> HttpResponse:
    """Create (or replace) a site's check token; the raw token is shown in this response only."""
    user = _account(request)
    site = get_for_user(Site.objects.select_related("customer__reseller"), user, pk)
    _ensure(can_manage_check_tokens(user, site))
    try:
        token, raw = services.site_check_token_create(site=site, acting_user=user)
    except PermissionDeniedError:
        raise PermissionDenied from None
    upload = _upload_url(request)
    reflector = getattr(settings, "NETCHECK_REFLECTOR_HOST", "") or urlsplit(upload).hostname
    return render(
        request,
        "portal/netcheck/token_created.html",
        {
            "site": site,
            "token": token,
            "raw_token": raw,
            "upload_url": upload,
            "reflector": reflector,
        },
    )


@login_required
def token_revoke(request: HttpRequest, pk: str) -> HttpResponse:
    user = _account(request)
    tokens = SiteCheckToken.objects.select_related("site__customer__reseller")
    token = get_for_user(tokens, user, pk)
    _ensure(can_manage_check_tokens(user, token.site))
    if request.method == "POST":
        try:
            services.site_check_token_revoke(token=token, acting_user=user)
        except PermissionDeniedError:
            raise PermissionDenied from None
        messages.success(
            request,
            _("Das Prüf-Token von „%(site)s“ wurde widerrufen.") % {"site": token.site.name},
        )
        return redirect("portal:netcheck_golive", pk=token.site.customer_id)
    return render(request, "portal/netcheck/token_revoke.html", {"token": token})


# Report ---------------------------------------------------------------------------------------


def _report_context(check: NetworkCheck, *, shared: bool) -> dict[str, Any]:
    result = netcheck_report.result_of(check)
    details = netcheck_report.verdict_details(check, result)
    return {
        "check": check,
        "result": result,
        "shared": shared,
        "verdicts": [
            {
                **v,
                "label": netcheck_report.metric_label(v["metric"]),
                "status_label": netcheck_report.status_label(v["status"]),
                "detail": details.get(v["metric"], v["detail"]),
            }
            for v in check.verdicts
        ],
        "status_label": netcheck_report.status_label(check.overall),
        "client_status_label": netcheck_report.status_label(check.client_overall),
        # The SVG is built from numbers only; every text in it is escaped.
        "charts": [
            {"chart": c, "svg": mark_safe(netcheck_report.chart_svg(c))}  # noqa: S308
            for c in netcheck_report.charts(check, result)
        ],
        # Per-second charts when the result has a timeline (schema 2), else empty.
        "timeline_charts": [
            {"chart": c, "svg": mark_safe(netcheck_report.timeline_svg(c))}  # noqa: S308
            for c in netcheck_report.timeline_charts(check, result)
        ],
        "ports": netcheck_report.port_rows(result),
        "nat": netcheck_report.nat_summary(result),
        "delay_method": netcheck_report.delay_method_label(result.one_way_delay_method),
        "advice": netcheck_report.fix_advice(check, result),
        "share_path": reverse("portal:netcheck_shared", args=[check.share_token]),
        "pdf_path": (
            reverse("portal:netcheck_shared_pdf", args=[check.share_token])
            if shared
            else reverse("portal:netcheck_report_pdf", args=[check.pk])
        ),
    }


def _visible_check(request: HttpRequest, pk: str) -> NetworkCheck:
    user = _account(request)
    check = get_for_user(NetworkCheck.objects.select_related("site", "customer"), user, pk)
    _ensure(can_view_network_checks(user))
    return check


def _shared_check(token: str) -> NetworkCheck:
    if not 20 <= len(token) <= 64:
        raise Http404
    check = (
        NetworkCheck.objects.select_related("site", "customer").filter(share_token=token).first()
    )
    if check is None:
        raise Http404
    return check


def _pdf_response(check: NetworkCheck) -> HttpResponse:
    response = HttpResponse(netcheck_report.report_pdf(check), content_type="application/pdf")
    name = f"netzwerkpruefung-{check.received_at:%Y%m%d}-{str(check.pk)[:8]}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
def report(request: HttpRequest, pk: str) -> HttpResponse:
    check = _visible_check(request, pk)
    context = _report_context(check, shared=False)
    context["share_url"] = request.build_absolute_uri(context["share_path"])
    return render(request, "portal/netcheck/report.html", context)


@login_required
def report_pdf(request: HttpRequest, pk: str) -> HttpResponse:
    return _pdf_response(_visible_check(request, pk))


def shared_report(request: HttpRequest, token: str) -> HttpResponse:
    """The report behind a share link: no login, the link's token is the only key."""
    check = _shared_check(token)
    return _private(
        render(request, "portal/netcheck/report.html", _report_context(check, shared=True))
    )


def shared_report_pdf(request: HttpRequest, token: str) -> HttpResponse:
    return _private(_pdf_response(_shared_check(token)))
