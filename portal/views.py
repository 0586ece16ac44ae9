"""Pages of the portal (TEN-1, TEN-2, TEN-4, AUD-1).

Every object shown is fetched through ``provisioning.access`` (``get_for_user`` for one object,
``restrict``/``visible_*`` for lists); every write goes through ``provisioning.services``.
A foreign id and an unknown id both end in the same 404 page; an object one may see but not
change ends in the 403 page.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from provisioning import services
from provisioning.access import get_for_user, restrict, visible_customers, visible_resellers
from provisioning.errors import ApplicationError
from provisioning.models import ApiKey, AuditEvent, Customer, CustomerState, Reseller
from provisioning.permissions import (
    PermissionDeniedError,
    can_create_customers,
    can_edit_customer,
    can_manage_api_keys,
    can_manage_resellers,
    can_read_audit_log,
)

from .forms import (
    SORTS,
    ApiKeyForm,
    AuditFilterForm,
    CustomerFilterForm,
    CustomerForm,
    ResellerForm,
    apply_service_error,
)
from .nav import (
    may_list_customers,
    may_list_resellers,
    may_view_own_customer,
)

if TYPE_CHECKING:
    from provisioning.models import Account

PAGE_SIZE = 25


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
    template_name = "portal/account/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): a link or prefetch can never log anybody out."""


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "portal/account/password_change.html"
    success_url = reverse_lazy("portal:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "portal/account/password_change_done.html"


# Error pages ----------------------------------------------------------------------------------


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


# Customers ------------------------------------------------------------------------------------


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    user = _account(request)
    _ensure(may_list_customers(user))
    filters = CustomerFilterForm(request.GET or None)
    customers = visible_customers(user)
    sort = "name"
    if filters.is_valid():
        query = filters.cleaned_data["q"].strip()
        if query:
            customers = customers.filter(
                Q(company_name__icontains=query) | Q(city__icontains=query)
            )
        if filters.cleaned_data["state"]:
            customers = customers.filter(state=filters.cleaned_data["state"])
        sort = filters.cleaned_data["sort"] or "name"
    customers = customers.order_by(*SORTS[sort], "pk")
    context = {
        "filters": filters,
        "page": _page(request, customers),
        "sort": sort,
        "may_create": can_create_customers(user),
        "show_reseller": user.is_platform,
    }
    template = "portal/customers/_results.html" if _is_htmx(request) else None
    response = render(request, template or "portal/customers/list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def customer_detail(request: HttpRequest, pk: str) -> HttpResponse:
    user = _account(request)
    customer = get_for_user(visible_customers(user), user, pk)
    return render(
        request,
        "portal/customers/detail.html",
        {"customer": customer, "may_edit": can_edit_customer(user, customer)},
    )


def _save_customer(form: CustomerForm, save: Any) -> HttpResponse | None:
    """Run a customer service for a valid form; None (and errors on the form) when refused."""
    if not form.is_valid():
        return None
    try:
        customer = save(form)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ApplicationError as error:
        apply_service_error(form, error)
        return None
    except ValidationError as error:
        form.add_error(None, error)
        return None
    return redirect("portal:customer_detail", pk=customer.pk)


@login_required
def customer_create(request: HttpRequest) -> HttpResponse:
    user = _account(request)
    _ensure(can_create_customers(user))
    own_reseller = None
    resellers = None
    if user.is_platform:
        resellers = visible_resellers(user)
    else:
        if not user.reseller_id:
            raise PermissionDenied
        own_reseller = get_for_user(Reseller, user, user.reseller_id)
    form = CustomerForm(
        request.POST if request.method == "POST" else None,
        instance=Customer(reseller=own_reseller) if own_reseller else Customer(),
        resellers=resellers,
    )
    if request.method == "POST":

        def save(valid: CustomerForm) -> Customer:
            reseller = own_reseller or valid.cleaned_data["reseller"]
            return services.customer_create(
                reseller=reseller, acting_user=user, data=valid.service_data()
            )

        response = _save_customer(form, save)
        if response is not None:
            messages.success(request, _("Der Kunde wurde angelegt."))
            return response
    return render(
        request,
        "portal/customers/form.html",
        {"form": form, "customer": None, "own_reseller": own_reseller},
        status=400 if form.errors else 200,
    )


@login_required
def customer_edit(request: HttpRequest, pk: str) -> HttpResponse:
    user = _account(request)
    customer = get_for_user(visible_customers(user), user, pk)
    _ensure(can_edit_customer(user, customer))
    # The form works on a copy, so the service sees the stored values for its audit entry.
    form = CustomerForm(
        request.POST if request.method == "POST" else None, instance=copy.copy(customer)
    )
    if request.method == "POST":

        def save(valid: CustomerForm) -> Customer:
            return services.customer_update(
                customer=customer, acting_user=user, data=valid.service_data()
            )

        response = _save_customer(form, save)
        if response is not None:
            messages.success(request, _("Die Änderungen wurden gespeichert."))
            return response
    return render(
        request,
        "portal/customers/form.html",
        {"form": form, "customer": customer, "own_reseller": customer.reseller},
        status=400 if form.errors else 200,
    )


def _set_state(request: HttpRequest, pk: str, state: str, done: str) -> HttpResponse:
    user = _account(request)
    customer = get_for_user(visible_customers(user), user, pk)
    _ensure(can_edit_customer(user, customer))
    try:
        services.customer_set_state(customer=customer, acting_user=user, state=state)
    except PermissionDeniedError:
        raise PermissionDenied from None
    messages.success(request, done)
    return redirect("portal:customer_detail", pk=customer.pk)


@login_required
@require_POST
def customer_suspend(request: HttpRequest, pk: str) -> HttpResponse:
    return _set_state(request, pk, CustomerState.SUSPENDED, _("Der Kunde wurde gesperrt."))


@login_required
@require_POST
def customer_activate(request: HttpRequest, pk: str) -> HttpResponse:
    return _set_state(request, pk, CustomerState.ACTIVE, _("Der Kunde wurde wieder aktiviert."))


# Resellers ------------------------------------------------------------------------------------


@login_required
def reseller_list(request: HttpRequest) -> HttpResponse:
    user = _account(request)
    _ensure(may_list_resellers(user))
    resellers = visible_resellers(user).annotate(customer_count=Count("customers"))
    query = request.GET.get("q", "").strip()[:100]
    if query:
        resellers = resellers.filter(Q(company_name__icontains=query) | Q(city__icontains=query))
    return render(
        request,
        "portal/resellers/list.html",
        {
            "page": _page(request, resellers.order_by("company_name", "pk")),
            "q": query,
            "may_manage": can_manage_resellers(user),
        },
    )


@login_required
def reseller_detail(request: HttpRequest, pk: str) -> HttpResponse:
    user = _account(request)
    reseller = get_for_user(Reseller, user, pk)
    customers = visible_customers(user).filter(reseller=reseller)
    return render(
        request,
        "portal/resellers/detail.html",
        {
            "reseller": reseller,
            "counts": _customer_counts(customers),
            "customers": customers.order_by("company_name")[:PAGE_SIZE],
            "may_manage": can_manage_resellers(user),
            "may_list_customers": may_list_customers(user),
        },
    )


def _reseller_form(
    request: HttpRequest, reseller: Reseller | None, save: Any, done: str
) -> HttpResponse:
    form = ResellerForm(
        request.POST if request.method == "POST" else None,
        instance=copy.copy(reseller) if reseller else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.service_data())
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ApplicationError as error:
            apply_service_error(form, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("portal:reseller_detail", pk=saved.pk)
    return render(
        request,
        "portal/resellers/form.html",
        {"form": form, "reseller": reseller},
        status=400 if form.errors else 200,
    )


@login_required
def reseller_create(request: HttpRequest) -> HttpResponse:
    user = _account(request)
    _ensure(can_manage_resellers(user))
    return _reseller_form(
        request,
        None,
        lambda data: services.reseller_create(acting_user=user, data=data),
        _("Der Reseller wurde angelegt."),
    )


@login_required
def reseller_edit(request: HttpRequest, pk: str) -> HttpResponse:
    user = _account(request)
    reseller = get_for_user(Reseller, user, pk)
    _ensure(can_manage_resellers(user))
    return _reseller_form(
        request,
        reseller,
        lambda data: services.reseller_update(reseller=reseller, acting_user=user, data=data),
        _("Die Änderungen wurden gespeichert."),
    )


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
        try:
            key, raw = services.api_key_create(acting_user=user, name=form.cleaned_data["name"])
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ApplicationError as error:
            apply_service_error(form, error)
        else:
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
    try:
        model = apps.get_model(object_type)
        return str(model._meta.get_field(name).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return name


def _type_label(object_type: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


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
            "changes": [
                (_field_label(event.object_type, name), pair[0], pair[1])
                for name, pair in sorted(event.changes.items())
                if isinstance(pair, list) and len(pair) == 2
            ],
        }
        for event in page.object_list
    ]
    return render(
        request, "portal/audit/list.html", {"filters": filters, "page": page, "rows": rows}
    )
