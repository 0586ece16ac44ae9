"""What the system pages share: the access of an account to one customer's system, fetching through
the chokepoint, pagination and form helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy

from portal.generic import CustomerObjectView, ObjectDeleteView, ObjectEditView, ObjectFormView
from provisioning import audit, selectors
from provisioning.access import get_for_user, restrict, visible_customers
from provisioning.models import (
    Customer,
    Site,
    Subscriber,
)
from provisioning.permissions import (
    can_manage_users,
    can_read_system,
    can_set_up_system,
    is_read_only_for,
)

if TYPE_CHECKING:
    from provisioning.models import Account


T = TypeVar("T")

PAGE_SIZE = 50
FREE_EXTENSIONS = 200


# Helpers --------------------------------------------------------------------------------------


def _account(request: HttpRequest) -> Account:
    return request.user  # type: ignore[return-value]


def _ensure(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@dataclass(frozen=True)
class SystemAccess:
    """What the current account may do with one customer's system (for views and templates)."""

    customer: Customer
    may_setup: bool
    may_manage: bool
    read_only: bool  # suspended, and the account is one of the customer's own

    @property
    def may_change_setup(self) -> bool:
        return self.may_setup and not self.read_only

    @property
    def may_change_users(self) -> bool:
        return self.may_manage and not self.read_only


def _access(account: Account, customer: Customer) -> SystemAccess:
    _ensure(can_read_system(account))
    return SystemAccess(
        customer=customer,
        may_setup=can_set_up_system(account, customer),
        may_manage=can_manage_users(account, customer),
        read_only=is_read_only_for(account, customer),
    )


def _customer(request: HttpRequest, pk: Any) -> tuple[Customer, SystemAccess]:
    user = _account(request)
    customer = get_for_user(visible_customers(user), user, pk)
    return customer, _access(user, customer)


def _owned(request: HttpRequest, queryset: QuerySet[Any], pk: Any) -> tuple[Any, SystemAccess]:
    """One object of a customer's system (404 when not visible) and the account's rights."""
    user = _account(request)
    obj = get_for_user(queryset.select_related("customer__reseller"), user, pk)
    return obj, _access(user, obj.customer)


def _page(request: HttpRequest, queryset: QuerySet[Any]) -> Page[Any]:
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    user = _account(request)
    if user.is_platform:
        audit.record_access(actor=user, instances=page.object_list)
    return page


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


class SystemPage(CustomerObjectView):
    """A page of one customer's system: its URL names the customer or one of the customer's
    objects (through the chokepoint); the page needs the account's ``right`` (a flag of
    :class:`SystemAccess`, from ``provisioning.permissions``). Every context has the customer
    and the account's rights."""

    right: ClassVar[str] = "may_setup"
    access: SystemAccess

    def check_permission(self) -> None:
        super().check_permission()
        self.access = _access(self.account, self.customer)
        _ensure(getattr(self.access, self.right))

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return {"access": self.access, **super().get_context_data(**context)}


class SystemFormView(SystemPage, ObjectFormView):
    """A form of a customer's system that calls a service (see ``portal.generic``)."""


class SystemEditView(SystemFormView, ObjectEditView):
    """Add (under the customer's URL) and change one kind of object of a customer's system."""

    parent_queryset = Customer.objects.all()


class SystemDeleteView(SystemPage, ObjectDeleteView):
    """The question before a part of a customer's system is removed; a suspended system shows
    it with the button disabled."""

    header_template = "portal/system/_header.html"
    confirm_label = gettext_lazy("Ja, entfernen")

    def read_only(self) -> bool:
        return self.access.read_only


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _form_response(
    request: HttpRequest, template: str, context: dict[str, Any], form: BaseForm
) -> HttpResponse:
    return render(request, template, context, status=400 if form.errors else 200)


def _sites(user: Account, customer: Customer) -> QuerySet[Site]:
    return restrict(Site.objects.filter(customer=customer), user).order_by("name")


def _site_of(user: Account, customer: Customer, site_id: Any) -> Site | None:
    """A site of this customer by id from a query parameter, or None (never a foreign one)."""
    if not site_id:
        return None
    try:
        return get_for_user(_sites(user, customer), user, site_id)
    except Http404:
        return None


def _extension_choices(site: Site | None) -> list[tuple[str, str]]:
    if site is None:
        return []
    return [
        (number.extension, f"{number.extension} ({number.e164})")
        for number in selectors.free_numbers(site=site, limit=FREE_EXTENSIONS)
    ]


def _site_rows(user: Account, customer: Customer) -> QuerySet[Site]:
    return (
        _sites(user, customer)
        .select_related("trunk")
        .annotate(
            user_count=Count("subscribers", distinct=True),
            device_count=Count("devices", distinct=True),
            block_count=Count("trunk__number_blocks", distinct=True),
        )
    )


def _pending_notices(user: Account, customer: Customer) -> QuerySet[Subscriber]:
    users = restrict(Subscriber.objects.filter(customer=customer), user)
    return selectors.users_needing_emergency_notice(users).select_related("site", "number")
