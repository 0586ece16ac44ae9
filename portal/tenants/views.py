"""Resellers and customers (TEN-1, TEN-2): lists, details, create, edit, suspend."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.refusals import attempt
from portal.shell.nav import (
    may_list_customers,
    may_list_resellers,
)
from portal.shell.views import _customer_counts
from portal.tenants.forms import (
    SORTS,
    CustomerFilterForm,
    CustomerForm,
    ResellerForm,
)
from provisioning import services
from provisioning.access import get_for_user, visible_customers, visible_resellers
from provisioning.models import Customer, CustomerState, Reseller
from provisioning.permissions import (
    PermissionDeniedError,
    can_create_customers,
    can_edit_customer,
    can_manage_resellers,
    can_read_customer_record,
    can_read_system,
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
    if not can_read_customer_record(user):
        raise Http404
    customer = get_for_user(visible_customers(user), user, pk)
    return render(
        request,
        "portal/customers/detail.html",
        {
            "customer": customer,
            "may_edit": can_edit_customer(user, customer),
            "may_read_system": can_read_system(user),
        },
    )


def _save_customer(form: CustomerForm, save: Any) -> HttpResponse | None:
    """Run a customer service for a valid form; None (and errors on the form) when refused."""
    if not form.is_valid():
        return None
    customer = attempt(form, lambda: save(form))
    if customer is None:
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
        saved = attempt(form, lambda: save(form.service_data()))
        if saved is not None:
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
