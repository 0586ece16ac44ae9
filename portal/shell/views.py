"""Login, dashboard, profile, API keys and the audit log (TEN-1, TEN-2, TEN-4, AUD-1)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, ForeignObjectRel, Q, QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from portal import throttling
from portal.refusals import attempt
from portal.shell import second_factor
from portal.shell.audit_values import readable
from portal.shell.forms import (
    ApiKeyForm,
    AuditFilterForm,
)
from portal.shell.nav import (
    may_list_customers,
    may_list_resellers,
    may_view_own_customer,
)
from provisioning import audit, services, throttle
from provisioning.access import get_for_user, restrict, visible_customers, visible_resellers
from provisioning.models import ApiKey, AuditEvent, Customer, CustomerState, Reseller
from provisioning.permissions import (
    PermissionDeniedError,
    can_create_customers,
    can_manage_api_keys,
    can_read_audit_log,
)

if TYPE_CHECKING:
    from provisioning.models import Account

PAGE_SIZE = 25
LOGIN_THROTTLED = gettext_lazy(
    "Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es ab %(time)s Uhr erneut."
)


def _account(request: HttpRequest) -> Account:
    return request.user  # type: ignore[return-value]


def _ensure(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _page(request: HttpRequest, queryset: QuerySet[Any]) -> Page[Any]:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# Authentication -------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Failed logins are counted per account and per client IP (``provisioning.throttle``);
    past a limit the password is not even checked until the window ends."""

    template_name = "portal/account/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        seconds = throttle.login_wait(username, throttle.client_ip(request))
        if seconds:
            form = self.get_form_class()(request, initial={"username": username})
            return throttling.refuse(
                request,
                self.render_to_response(self.get_context_data(form=form)),
                seconds,
                LOGIN_THROTTLED,
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        account = form.get_user()
        if second_factor.asks_for_code(account):
            return second_factor.begin(self.request, account, self.get_success_url())
        throttle.login_succeeded(self.request.POST.get("username", ""))
        return super().form_valid(form)

    def form_invalid(self, form: Any) -> HttpResponse:
        username = self.request.POST.get("username", "")
        if username:
            throttle.login_failed(username, throttle.client_ip(self.request))
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): a link or prefetch can never log anybody out."""


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "portal/account/password_change.html"
    success_url = reverse_lazy("portal:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "portal/account/password_change_done.html"


# Error pages ----------------------------------------------------------------------------------


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on their own, also on pages that link no icon (the admin)."""
    return HttpResponsePermanentRedirect(static("portal/favicon.ico"))


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The one 404 page: the same for unknown ids, foreign ids and unknown addresses."""
    return render(request, "404.html", status=404)


# Dashboard and profile ------------------------------------------------------------------------


def _customer_counts(customers: QuerySet[Customer]) -> dict[str, int]:
    return customers.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(state=CustomerState.ACTIVE)),
        suspended=Count("pk", filter=Q(state=CustomerState.SUSPENDED)),
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _account(request)
    context: dict[str, Any] = {}
    if may_list_customers(user):
        customers = visible_customers(user)
        context["counts"] = _customer_counts(customers)
        context["recent_customers"] = customers.order_by("-created_at")[:5]
        context["may_create_customers"] = can_create_customers(user)
        if may_list_resellers(user):
            context["reseller_count"] = visible_resellers(user).count()
        elif user.reseller_id:
            context["own_reseller"] = get_for_user(Reseller, user, user.reseller_id)
    elif user.customer_id:
        customer = get_for_user(Customer, user, user.customer_id)
        context["customer"] = customer
        # Customers reach support through their reseller, so its contact is shown here.
        context["support"] = customer.reseller
        context["may_view_customer"] = may_view_own_customer(user)
    return render(request, "portal/dashboard.html", context)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _account(request)
    customer = get_for_user(Customer, user, user.customer_id) if user.customer_id else None
    return render(request, "portal/account/profile.html", {"account": user, "customer": customer})


# API keys -------------------------------------------------------------------------------------


@login_required
def api_key_list(request: HttpRequest) -> HttpResponse:
    user = _account(request)
    _ensure(can_manage_api_keys(user))
    keys = restrict(ApiKey.objects.select_related("account"), user).order_by("-created_at", "pk")
    return render(
        request,
        "portal/api_keys/list.html",
        {"page": _page(request, keys), "form": ApiKeyForm()},
    )


@never_cache
@login_required
def api_key_create(request: HttpRequest) -> HttpResponse:
    user = _account(request)
    _ensure(can_manage_api_keys(user))
    form = ApiKeyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        created = attempt(
            form, lambda: services.api_key_create(acting_user=user, name=form.cleaned_data["name"])
        )
        if created is not None:
            key, raw = created
            # The raw key exists only in this response; it is never stored or shown again.
            return render(request, "portal/api_keys/created.html", {"key": key, "raw_key": raw})
    return render(
        request,
        "portal/api_keys/form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def api_key_revoke(request: HttpRequest, pk: str) -> HttpResponse:
    user = _account(request)
    key = get_for_user(ApiKey.objects.select_related("account"), user, pk)
    _ensure(can_manage_api_keys(user))
    if request.method == "POST":
        try:
            services.api_key_revoke(api_key=key, acting_user=user)
        except PermissionDeniedError:
            raise PermissionDenied from None
        messages.success(
            request, _("Der Schlüssel „%(name)s“ wurde widerrufen.") % {"name": key.name}
        )
        return HttpResponseRedirect(reverse("portal:api_key_list"))
    return render(request, "portal/api_keys/revoke.html", {"key": key})


# Audit log ------------------------------------------------------------------------------------


def _field_label(object_type: str, name: str) -> str:
    """The reader's name of a changed field. A relation kept on another model (a hunt group's
    members, a menu's options) has no name of its own: it is named by the model it points to."""
    try:
        field = apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return name
    if isinstance(field, ForeignObjectRel):
        related = field.related_model._meta
        many = field.one_to_many or field.many_to_many
        return str(related.verbose_name_plural if many else related.verbose_name)
    return str(getattr(field, "verbose_name", None) or name)


def _type_label(object_type: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def _object_text(event: AuditEvent) -> str:
    """The object column: the object's name, or for a list read "Liste gelesen: 50 Benutzer"."""
    listed = event.changes.get(audit.LIST_KEY)
    if isinstance(listed, dict) and isinstance(listed.get("count"), int):
        return audit.list_repr(event.object_type, listed["count"])
    return event.object_repr


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    user = _account(request)
    _ensure(can_read_audit_log(user))
    events = restrict(AuditEvent.objects.all(), user)
    types = events.order_by("object_type").values_list("object_type", flat=True).distinct()
    filters = AuditFilterForm(
        request.GET or None,
        object_types=sorted(((t, _type_label(t)) for t in types), key=lambda c: c[1]),
    )
    if filters.is_valid():
        data = filters.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"])
        if data["since"]:
            events = events.filter(occurred_at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(occurred_at__date__lte=data["until"])
    page = _page(request, events.order_by("-occurred_at", "-id"))
    rows = [
        {
            "event": event,
            "type": _type_label(event.object_type),
            "object": _object_text(event),
            "changes": [
                (
                    _field_label(event.object_type, name),
                    readable(event.object_type, name, pair[0]),
                    readable(event.object_type, name, pair[1]),
                )
                for name, pair in sorted(event.changes.items())
                if isinstance(pair, list) and len(pair) == 2
            ],
        }
        for event in page.object_list
    ]
    return render(
        request, "portal/audit/list.html", {"filters": filters, "page": page, "rows": rows}
    )
