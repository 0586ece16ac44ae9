"""Pages of a customer's telephone system (LIC-1 … LIC-6, TRK-1 … TRK-4, FEA-12): the guided
set-up, sites, SIP trunks, number blocks, licenses, users, emergency notices, devices, and the
end user's own phone page.

As everywhere in the portal, every object is fetched through ``provisioning.access`` (a foreign
id and an unknown id end in the same 404 page) and every write goes through
``provisioning.services``; a refusal of a service is shown beside the field it names.

Who may do what:
- reading: platform staff and finance, the customer's reseller admin and customer admin;
- set-up (base license, sites, trunks, number blocks): ``can_set_up_system`` (reseller, staff);
- users and devices: ``can_manage_users`` (also the customer admin);
- a suspended customer is read-only for its own admins (the services refuse, the pages say so).
"""

from __future__ import annotations

import copy
import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from provisioning import audit, selectors, services
from provisioning.access import get_for_user, restrict, visible_customers
from provisioning.api.system_views import validate_csv_row
from provisioning.errors import ApplicationError
from provisioning.models import (
    BASE_LICENSES,
    CUSTOMER_ROLES,
    Customer,
    Device,
    LicenseEvent,
    LicenseType,
    NumberBlock,
    Role,
    Site,
    Subscriber,
    Trunk,
)
from provisioning.permissions import (
    PermissionDeniedError,
    can_assign_demo_license,
    can_manage_users,
    can_set_up_system,
)
from provisioning.services.system import CSV_COLUMNS
from telephony.entitlements import Feature, entitlements

from .forms_system import (
    FEATURE_NAMES,
    USER_SORTS,
    BaseLicenseForm,
    CsvImportForm,
    DeviceFilterForm,
    DeviceForm,
    LedgerFilterForm,
    NumberBlockForm,
    OwnProfileForm,
    SiteForm,
    TrunkForm,
    UserFilterForm,
    UserForm,
    apply_system_error,
    apply_validation_error,
)

if TYPE_CHECKING:
    from provisioning.models import Account

T = TypeVar("T")

PAGE_SIZE = 50
FREE_EXTENSIONS = 200
READ_ROLES = frozenset(
    {Role.PLATFORM_STAFF, Role.PLATFORM_FINANCE, Role.RESELLER_ADMIN, Role.CUSTOMER_ADMIN}
)


# Helpers --------------------------------------------------------------------------------------


def _account(request: HttpRequest) -> Account:
    return request.user  # type: ignore[return-value]


def _ensure(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def may_read_system(account: Account) -> bool:
    """Staff, finance, reseller admins and customer admins read a customer's system."""
    return account.role in READ_ROLES


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
    _ensure(may_read_system(account))
    return SystemAccess(
        customer=customer,
        may_setup=can_set_up_system(account, customer),
        may_manage=can_manage_users(account, customer),
        read_only=customer.is_suspended and account.role in CUSTOMER_ROLES,
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


def _attempt(
    form: BaseForm, action: Callable[[], T], messages_: dict[str, Any] | None = None
) -> T | None:
    """Run a service for a valid form; None (and the refusal on the form) when refused."""
    try:
        return action()
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ApplicationError as error:
        apply_system_error(form, error, messages_)
    except ValidationError as error:
        apply_validation_error(form, error)
    return None


def _run(request: HttpRequest, action: Callable[[], Any], done: str) -> bool:
    """Run a service without a form (delete, activate, confirm); the outcome as a message."""
    try:
        action()
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ApplicationError as error:
        from .forms_system import SYSTEM_MESSAGES

        messages.error(request, str(SYSTEM_MESSAGES.get(error.code, error.message)))
        return False
    messages.success(request, done)
    return True


def _confirm_delete(
    request: HttpRequest,
    *,
    customer: Customer,
    access: Any,
    delete: Callable[[], Any],
    done: str,
    title: str,
    question: str,
    cancel_url: str,
    success_url: str,
    failure_url: str | None = None,
) -> HttpResponse:
    """GET asks for confirmation; POST runs ``delete`` through its service and redirects to
    ``success_url`` (or ``failure_url`` when the service refused, with its message)."""
    if request.method == "POST":
        deleted = _run(request, delete, done)
        return redirect(success_url if deleted else (failure_url or success_url))
    return render(
        request,
        "portal/system/confirm_delete.html",
        {
            "customer": customer,
            "access": access,
            "title": title,
            "question": question,
            "cancel_url": cancel_url,
        },
    )


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


# The guided set-up ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    key: str
    number: int
    label: str
    url: str
    done: bool


def setup_steps(customer: Customer) -> list[Step]:
    """The five steps of setting up a telephone system and whether each is complete."""
    sites = Site.objects.filter(customer=customer)
    trunks = Trunk.objects.filter(customer=customer)
    site_count = sites.count()
    trunk_count = trunks.count()
    pk = customer.pk
    done = {
        "license": bool(customer.base_license),
        "sites": site_count > 0,
        "trunks": site_count > 0 and not sites.filter(trunk__isnull=True).exists(),
        "numbers": trunk_count > 0 and not trunks.filter(number_blocks__isnull=True).exists(),
        "users": Subscriber.objects.filter(customer=customer).exists(),
    }
    labels = {
        "license": _("Grundlizenz"),
        "sites": _("Standorte"),
        "trunks": _("SIP-Trunks"),
        "numbers": _("Rufnummern"),
        "users": _("Benutzer"),
    }
    return [
        Step(key, n, labels[key], reverse(f"portal:setup_{key}", args=[pk]), done[key])
        for n, key in enumerate(labels, start=1)
    ]


def _setup_context(access: SystemAccess, current: str) -> dict[str, Any]:
    steps = setup_steps(access.customer)
    index = next(i for i, step in enumerate(steps) if step.key == current)
    return {
        "customer": access.customer,
        "access": access,
        "steps": steps,
        "step": steps[index],
        "next_step": steps[index + 1] if index + 1 < len(steps) else None,
        "previous_step": steps[index - 1] if index > 0 else None,
    }


def _setup_access(request: HttpRequest, pk: Any) -> tuple[Customer, SystemAccess]:
    customer, access = _customer(request, pk)
    _ensure(access.may_setup)
    return customer, access


@login_required
def setup_start(request: HttpRequest, pk: str) -> HttpResponse:
    """The guided set-up begins at the first step that is not complete."""
    customer = _setup_access(request, pk)[0]
    for step in setup_steps(customer):
        if not step.done:
            return redirect(step.url)
    return redirect("portal:setup_users", pk=customer.pk)


def _license_form(request: HttpRequest, customer: Customer) -> BaseLicenseForm:
    user = _account(request)
    # A demo is only ever a customer's first base license, and only staff assign it (LIC-2).
    allow_demo = can_assign_demo_license(user) and customer.base_license in ("", "demolizenz")
    return BaseLicenseForm(
        request.POST if request.method == "POST" else None,
        allow_demo=allow_demo,
        initial={"license_type": customer.base_license or LicenseType.GRUNDLIZENZ},
    )


@login_required
def setup_license(request: HttpRequest, pk: str) -> HttpResponse:
    """Step 1: the customer's one base license (LIC-1, LIC-2)."""
    customer, access = _setup_access(request, pk)
    user = _account(request)
    form = _license_form(request, customer)
    if request.method == "POST" and form.is_valid():
        license_type = form.cleaned_data["license_type"]
        saved = _attempt(
            form,
            lambda: services.customer_set_base_license(
                customer=customer, license_type=license_type, acting_user=user
            ),
        )
        if saved is not None:
            messages.success(request, _("Die Grundlizenz ist gebucht."))
            return redirect("portal:setup_sites", pk=customer.pk)
    context = {**_setup_context(access, "license"), "form": form}
    return _form_response(request, "portal/system/setup_license.html", context, form)


def _site_create_form(request: HttpRequest, customer: Customer) -> tuple[SiteForm, Site | None]:
    user = _account(request)
    needs_extra = Site.objects.filter(customer=customer).exists()
    initial = {}
    if not needs_extra:
        # The first site is usually the customer's own address.
        initial = {
            "name": _("Hauptsitz"),
            "street": customer.street,
            "postal_code": customer.postal_code,
            "city": customer.city,
            "country": customer.country,
        }
    form = SiteForm(
        request.POST if request.method == "POST" else None,
        instance=Site(customer=customer),
        needs_extra_license=needs_extra,
        initial=initial,
    )
    site = None
    if request.method == "POST" and form.is_valid():
        site = _attempt(
            form,
            lambda: services.site_create(
                customer=customer,
                acting_user=user,
                data=form.service_data(),
                extra_site_license=form.cleaned_data.get("extra_site_license", False),
            ),
        )
        if site is not None:
            messages.success(request, _("Der Standort „%(name)s“ ist angelegt.") % {"name": site})
    return form, site


@login_required
def setup_sites(request: HttpRequest, pk: str) -> HttpResponse:
    """Step 2: sites; the first is included, each further one books a license (LIC-3)."""
    customer, access = _setup_access(request, pk)
    form, site = _site_create_form(request, customer)
    if site is not None:
        return redirect("portal:setup_sites", pk=customer.pk)
    context = {
        **_setup_context(access, "sites"),
        "form": form,
        "sites": _site_rows(_account(request), customer),
    }
    return _form_response(request, "portal/system/setup_sites.html", context, form)


def _trunk_create_form(request: HttpRequest, site: Site) -> tuple[TrunkForm, Trunk | None]:
    user = _account(request)
    form = TrunkForm(
        request.POST if request.method == "POST" else None,
        instance=Trunk(site=site, customer=site.customer),
        initial={
            "emergency_street": site.street,
            "emergency_postal_code": site.postal_code,
            "emergency_city": site.city,
            "emergency_country": site.country,
        },
    )
    trunk = None
    if request.method == "POST" and form.is_valid():
        trunk = _attempt(
            form,
            lambda: services.trunk_create(
                site=site,
                acting_user=user,
                data=form.service_data(),
                password=form.cleaned_data["password"],
            ),
        )
        if trunk is not None:
            messages.success(
                request, _("Der SIP-Trunk für „%(site)s“ ist angelegt.") % {"site": site}
            )
    return form, trunk


@login_required
def setup_trunks(request: HttpRequest, pk: str) -> HttpResponse:
    """Step 3: the SIP trunk of each site (TRK-1), its emergency address from the site (TRK-3)."""
    customer, access = _setup_access(request, pk)
    user = _account(request)
    sites = list(_sites(user, customer).select_related("trunk"))
    chosen_id = request.POST.get("site") or request.GET.get("site")
    site = _site_of(user, customer, chosen_id) if chosen_id else None
    if chosen_id and site is None:
        raise Http404
    if site is None:
        site = next((s for s in sites if not _has_trunk(s)), None)
    form = None
    if site is not None and not _has_trunk(site):
        form, trunk = _trunk_create_form(request, site)
        if trunk is not None:
            return redirect("portal:setup_trunks", pk=customer.pk)
    elif request.method == "POST":
        return redirect("portal:setup_trunks", pk=customer.pk)
    context = {
        **_setup_context(access, "trunks"),
        "form": form,
        "site": site,
        "sites": [(s, _has_trunk(s)) for s in sites],
    }
    if form is None:
        return render(request, "portal/system/setup_trunks.html", context)
    return _form_response(request, "portal/system/setup_trunks.html", context, form)


def _has_trunk(site: Site) -> bool:
    try:
        site.trunk  # noqa: B018 - the reverse one-to-one raises when there is none
    except Trunk.DoesNotExist:
        return False
    return True


def _trunks(user: Account, customer: Customer) -> QuerySet[Trunk]:
    return restrict(Trunk.objects.filter(customer=customer), user).select_related("site")


@login_required
def setup_numbers(request: HttpRequest, pk: str) -> HttpResponse:
    """Step 4: number blocks of the trunks (TRK-2)."""
    customer, access = _setup_access(request, pk)
    user = _account(request)
    trunks = _trunks(user, customer)
    first_empty = trunks.filter(number_blocks__isnull=True).first()
    form = NumberBlockForm(
        request.POST if request.method == "POST" else None,
        trunks=trunks,
        initial={"trunk": first_empty.pk if first_empty else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        block = _attempt(
            form,
            lambda: services.number_block_create(
                trunk=data["trunk"],
                acting_user=user,
                base_number=data["base_number"],
                first_extension=data["first_extension"],
                last_extension=data["last_extension"],
            ),
            NumberBlockForm.service_messages,
        )
        if block is not None:
            messages.success(
                request, _("Der Rufnummernblock %(block)s ist angelegt.") % {"block": block}
            )
            return redirect("portal:setup_numbers", pk=customer.pk)
    blocks = restrict(NumberBlock.objects.filter(customer=customer), user).select_related(
        "trunk__site"
    )
    context = {
        **_setup_context(access, "numbers"),
        "form": form,
        "trunks": trunks,
        "blocks": blocks,
    }
    return _form_response(request, "portal/system/setup_numbers.html", context, form)


@login_required
def setup_users(request: HttpRequest, pk: str) -> HttpResponse:
    """Step 5: the first users, each with a free extension of their site (LIC-4, TRK-2)."""
    customer, access = _setup_access(request, pk)
    user = _account(request)
    form, subscriber = _user_create_form(request, customer)
    if subscriber is not None:
        return redirect("portal:setup_users", pk=customer.pk)
    users = (
        restrict(Subscriber.objects.filter(customer=customer), user)
        .select_related("site", "number")
        .order_by("-created_at")[:10]
    )
    context = {
        **_setup_context(access, "users"),
        "form": form,
        "users": users,
        "extensions_url": reverse("portal:user_extensions", args=[customer.pk]),
    }
    return _form_response(request, "portal/system/setup_users.html", context, form)


# The system overview --------------------------------------------------------------------------


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


def _license_rows(customer: Customer) -> list[tuple[str, str, int]]:
    counts = selectors.license_counts(customer=customer)
    return [(t.value, t.label, counts.get(t.value, 0)) for t in LicenseType]


def _pending_notices(user: Account, customer: Customer) -> QuerySet[Subscriber]:
    users = restrict(Subscriber.objects.filter(customer=customer), user)
    return selectors.users_needing_emergency_notice(users).select_related("site", "number")


@login_required
def system_overview(request: HttpRequest, pk: str) -> HttpResponse:
    """The customer's telephone system at a glance: set-up, licenses, sites, warnings."""
    customer, access = _customer(request, pk)
    user = _account(request)
    pending = _pending_notices(user, customer)
    context = {
        "customer": customer,
        "access": access,
        "steps": setup_steps(customer) if access.may_setup else None,
        "licenses": [row for row in _license_rows(customer) if row[2]],
        "sites": _site_rows(user, customer),
        "pending_count": pending.count(),
        "pending": pending.order_by("last_name", "first_name")[:5],
        "user_count": restrict(Subscriber.objects.filter(customer=customer), user).count(),
        "device_count": restrict(Device.objects.filter(customer=customer), user).count(),
    }
    return render(request, "portal/system/overview.html", context)


# Sites ----------------------------------------------------------------------------------------


@login_required
def site_list(request: HttpRequest, pk: str) -> HttpResponse:
    customer, access = _customer(request, pk)
    return render(
        request,
        "portal/system/site_list.html",
        {
            "customer": customer,
            "access": access,
            "sites": _site_rows(_account(request), customer),
        },
    )


@login_required
def site_create(request: HttpRequest, pk: str) -> HttpResponse:
    customer, access = _customer(request, pk)
    _ensure(access.may_setup)
    form, site = _site_create_form(request, customer)
    if site is not None:
        return redirect("portal:site_detail", pk=site.pk)
    context = {"customer": customer, "access": access, "form": form, "site": None}
    return _form_response(request, "portal/system/site_form.html", context, form)


@login_required
def site_detail(request: HttpRequest, pk: str) -> HttpResponse:
    site, access = _owned(request, Site.objects.all(), pk)
    user = _account(request)
    trunk = restrict(Trunk.objects.filter(site=site), user).first()
    blocks = (
        restrict(NumberBlock.objects.filter(trunk=trunk), user).annotate(
            used=Count("numbers__subscriber") + Count("numbers__fax_subscriber")
        )
        if trunk
        else NumberBlock.objects.none()
    )
    devices = (
        restrict(Device.objects.filter(site=site), user)
        .select_related("subscriber")
        .order_by("model", "mac_address")
    )
    context = {
        "site": site,
        "customer": site.customer,
        "access": access,
        "trunk": trunk,
        "blocks": blocks,
        "devices": devices,
        "user_count": restrict(Subscriber.objects.filter(site=site), user).count(),
        "free_count": selectors.free_numbers(site=site, limit=10_000).count(),
    }
    return render(request, "portal/system/site_detail.html", context)


@login_required
def site_edit(request: HttpRequest, pk: str) -> HttpResponse:
    site, access = _owned(request, Site.objects.all(), pk)
    _ensure(access.may_setup)
    user = _account(request)
    form = SiteForm(request.POST if request.method == "POST" else None, instance=copy.copy(site))
    if request.method == "POST" and form.is_valid():
        saved = _attempt(
            form,
            lambda: services.site_update(site=site, acting_user=user, data=form.service_data()),
        )
        if saved is not None:
            messages.success(request, _("Die Änderungen wurden gespeichert."))
            return redirect("portal:site_detail", pk=site.pk)
    context = {"customer": site.customer, "access": access, "form": form, "site": site}
    return _form_response(request, "portal/system/site_form.html", context, form)


@login_required
def site_delete(request: HttpRequest, pk: str) -> HttpResponse:
    site, access = _owned(request, Site.objects.all(), pk)
    _ensure(access.may_setup)
    user = _account(request)
    detail = reverse("portal:site_detail", args=[site.pk])
    return _confirm_delete(
        request,
        customer=site.customer,
        access=access,
        delete=lambda: services.site_delete(site=site, acting_user=user),
        done=_("Der Standort „%(name)s“ wurde entfernt.") % {"name": site.name},
        title=_("Standort entfernen"),
        question=_(
            "Soll der Standort „%(name)s“ entfernt werden? Eine gebuchte Lizenz „Weiterer "
            "Standort“ endet damit."
        )
        % {"name": site.name},
        cancel_url=detail,
        success_url=reverse("portal:site_list", args=[site.customer_id]),
        failure_url=detail,
    )


# Trunks and number blocks ---------------------------------------------------------------------


@login_required
def trunk_create(request: HttpRequest, pk: str) -> HttpResponse:
    site, access = _owned(request, Site.objects.all(), pk)
    _ensure(access.may_setup)
    if _has_trunk(site):
        messages.info(request, _("Dieser Standort hat bereits seinen SIP-Trunk."))
        return redirect("portal:site_detail", pk=site.pk)
    form, trunk = _trunk_create_form(request, site)
    if trunk is not None:
        return redirect("portal:site_detail", pk=site.pk)
    context = {"customer": site.customer, "access": access, "form": form, "site": site}
    return _form_response(request, "portal/system/trunk_form.html", context, form)


@login_required
def trunk_edit(request: HttpRequest, pk: str) -> HttpResponse:
    trunk, access = _owned(request, Trunk.objects.select_related("site"), pk)
    _ensure(access.may_setup)
    user = _account(request)
    form = TrunkForm(
        request.POST if request.method == "POST" else None,
        instance=copy.copy(trunk),
        has_password=trunk.has_password,
    )
    if request.method == "POST" and form.is_valid():
        saved = _attempt(
            form,
            lambda: services.trunk_update(
                trunk=trunk,
                acting_user=user,
                data=form.service_data(),
                password=form.password_for_update(),
            ),
        )
        if saved is not None:
            messages.success(request, _("Die Änderungen wurden gespeichert."))
            return redirect("portal:site_detail", pk=trunk.site_id)
    context = {
        "customer": trunk.customer,
        "access": access,
        "form": form,
        "site": trunk.site,
        "trunk": trunk,
    }
    return _form_response(request, "portal/system/trunk_form.html", context, form)


@login_required
def trunk_delete(request: HttpRequest, pk: str) -> HttpResponse:
    trunk, access = _owned(request, Trunk.objects.select_related("site"), pk)
    _ensure(access.may_setup)
    user = _account(request)
    site_url = reverse("portal:site_detail", args=[trunk.site_id])
    return _confirm_delete(
        request,
        customer=trunk.customer,
        access=access,
        delete=lambda: services.trunk_delete(trunk=trunk, acting_user=user),
        done=_("Der SIP-Trunk wurde entfernt."),
        title=_("SIP-Trunk entfernen"),
        question=_(
            "Soll der SIP-Trunk von „%(site)s“ entfernt werden? Ohne Trunk können Benutzer "
            "dieses Standorts keine Notrufe absetzen."
        )
        % {"site": trunk.site.name},
        cancel_url=site_url,
        success_url=site_url,
    )


@login_required
def block_create(request: HttpRequest, pk: str) -> HttpResponse:
    trunk, access = _owned(request, Trunk.objects.select_related("site"), pk)
    _ensure(access.may_setup)
    user = _account(request)
    form = NumberBlockForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        block = _attempt(
            form,
            lambda: services.number_block_create(
                trunk=trunk,
                acting_user=user,
                base_number=data["base_number"],
                first_extension=data["first_extension"],
                last_extension=data["last_extension"],
            ),
            NumberBlockForm.service_messages,
        )
        if block is not None:
            messages.success(
                request, _("Der Rufnummernblock %(block)s ist angelegt.") % {"block": block}
            )
            return redirect("portal:site_detail", pk=trunk.site_id)
    context = {
        "customer": trunk.customer,
        "access": access,
        "form": form,
        "site": trunk.site,
        "trunk": trunk,
    }
    return _form_response(request, "portal/system/block_form.html", context, form)


@login_required
def block_delete(request: HttpRequest, pk: str) -> HttpResponse:
    block, access = _owned(request, NumberBlock.objects.select_related("trunk"), pk)
    _ensure(access.may_setup)
    user = _account(request)
    site_url = reverse("portal:site_detail", args=[block.trunk.site_id])
    return _confirm_delete(
        request,
        customer=block.customer,
        access=access,
        delete=lambda: services.number_block_delete(block=block, acting_user=user),
        done=_("Der Rufnummernblock wurde entfernt."),
        title=_("Rufnummernblock entfernen"),
        question=_(
            "Soll der Rufnummernblock %(block)s entfernt werden? Seine Rufnummern werden "
            "freigegeben."
        )
        % {"block": block},
        cancel_url=site_url,
        success_url=site_url,
    )


# Licenses (LIC-1 … LIC-6) ---------------------------------------------------------------------


@login_required
def license_overview(request: HttpRequest, pk: str) -> HttpResponse:
    customer, access = _customer(request, pk)
    rows = _license_rows(customer)
    return render(
        request,
        "portal/system/licenses.html",
        {
            "customer": customer,
            "access": access,
            "base_rows": [r for r in rows if r[0] in BASE_LICENSES],
            "site_rows": [r for r in rows if r[0] == LicenseType.WEITERER_STANDORT],
            "package_rows": [
                r
                for r in rows
                if r[0] not in BASE_LICENSES and r[0] != LicenseType.WEITERER_STANDORT
            ],
        },
    )


@login_required
def license_ledger(request: HttpRequest, pk: str) -> HttpResponse:
    customer, access = _customer(request, pk)
    user = _account(request)
    events = restrict(LicenseEvent.objects.filter(customer=customer), user)
    filters = LedgerFilterForm(request.GET or None)
    if filters.is_valid():
        data = filters.cleaned_data
        if data["since"]:
            events = events.filter(effective_at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(effective_at__date__lte=data["until"])
        if data["license_type"]:
            events = events.filter(license_type=data["license_type"])
        if data["kind"]:
            events = events.filter(kind=data["kind"])
    return render(
        request,
        "portal/system/ledger.html",
        {
            "customer": customer,
            "access": access,
            "filters": filters,
            "page": _page(request, events.order_by("-effective_at", "-id")),
        },
    )


# Users ----------------------------------------------------------------------------------------


def _users(user: Account, customer: Customer) -> QuerySet[Subscriber]:
    return restrict(Subscriber.objects.filter(customer=customer), user).select_related(
        "site", "number", "customer"
    )


def _search(users: QuerySet[Subscriber], query: str) -> QuerySet[Subscriber]:
    compact = re.sub(r"[\s/()-]", "", query)
    condition = (
        Q(first_name__icontains=query)
        | Q(last_name__icontains=query)
        | Q(display_name__icontains=query)
        | Q(email__icontains=query)
    )
    if compact:
        condition |= Q(number__e164__contains=compact)
    parts = query.split()
    if len(parts) == 2:
        condition |= Q(first_name__icontains=parts[0], last_name__icontains=parts[1])
    return users.filter(condition)


def _filtered_users(
    request: HttpRequest, customer: Customer
) -> tuple[UserFilterForm, QuerySet[Subscriber], str]:
    user = _account(request)
    filters = UserFilterForm(request.GET or None, sites=_sites(user, customer))
    users = _users(user, customer)
    sort = "name"
    if filters.is_valid():
        data = filters.cleaned_data
        query = data["q"].strip()
        if query:
            users = _search(users, query)
        if data["site"]:
            users = users.filter(site=data["site"])
        if data["package"]:
            users = users.filter(package=data["package"])
        if data["active"]:
            users = users.filter(is_active=data["active"] == "1")
        sort = data["sort"] or "name"
    return filters, users.order_by(*USER_SORTS[sort], "pk"), sort


@login_required
def user_list(request: HttpRequest, pk: str) -> HttpResponse:
    """Users of a customer: searchable, filterable, sortable, 50 a page (fast at 5,000)."""
    customer, access = _customer(request, pk)
    filters, users, sort = _filtered_users(request, customer)
    context = {
        "customer": customer,
        "access": access,
        "filters": filters,
        "page": _page(request, users),
        "sort": sort,
    }
    template = "portal/system/_user_results.html" if _is_htmx(request) else None
    response = render(request, template or "portal/system/user_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def user_export(request: HttpRequest, pk: str) -> HttpResponse:
    """The (filtered) users as CSV in the import format, plus the full number."""
    customer = _customer(request, pk)[0]
    users = _filtered_users(request, customer)[1]
    user = _account(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="benutzer.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([*CSV_COLUMNS, "number"])
    rows = list(users.iterator(chunk_size=1000))
    if user.is_platform:
        audit.record_access(actor=user, instances=rows)
    for row in rows:
        writer.writerow(
            [
                row.first_name,
                row.last_name,
                row.email,
                row.site.name,
                row.number.extension,
                row.package,
                row.works_at,
                row.number.e164,
            ]
        )
    return response


def _user_form(
    request: HttpRequest,
    customer: Customer,
    *,
    instance: Subscriber | None = None,
) -> UserForm:
    """The user form, offering the free extensions of the chosen site. A POST with ``refresh``
    (the no-JS button next to the site) only reloads the extensions."""
    user = _account(request)
    sites = _sites(user, customer)
    data = request.POST if request.method == "POST" and "refresh" not in request.POST else None
    source = request.POST if request.method == "POST" else request.GET
    site = _site_of(user, customer, source.get("site"))
    if site is None:
        site = instance.site if instance else sites.first()
    initial: dict[str, Any] = {}
    if instance is not None:
        initial = {"extension": instance.extension, "fax_extension": instance.fax_extension}
    if request.method == "POST" and data is None:
        # Keep what was typed, drop the extensions of the previous site.
        initial = {k: v for k, v in request.POST.items() if k not in {"extension", "fax_extension"}}
        initial["voicemail_enabled"] = "voicemail_enabled" in request.POST
    if site is not None:
        initial["site"] = site.pk
    form = UserForm(
        data,
        instance=copy.copy(instance) if instance else Subscriber(customer=customer),
        initial=initial,
        sites=sites,
        extensions=_extension_choices(site),
    )
    form.fields["site"].widget.attrs.update(
        {
            "hx-get": reverse("portal:user_extensions", args=[customer.pk]),
            "hx-target": "#extension-fields",
            "hx-trigger": "change",
            "hx-swap": "innerHTML",
        }
    )
    return form


def _user_create_form(
    request: HttpRequest, customer: Customer
) -> tuple[UserForm, Subscriber | None]:
    user = _account(request)
    form = _user_form(request, customer)
    subscriber = None
    if form.is_bound and form.is_valid():
        subscriber = _attempt(
            form,
            lambda: services.user_create(
                customer=customer, acting_user=user, data=form.service_data()
            ),
        )
        if subscriber is not None:
            messages.success(
                request,
                _("Der Benutzer %(name)s hat die Rufnummer %(number)s.")
                % {"name": subscriber.name, "number": subscriber.number.e164},
            )
    return form, subscriber


@login_required
def user_create(request: HttpRequest, pk: str) -> HttpResponse:
    customer, access = _customer(request, pk)
    _ensure(access.may_manage)
    form, subscriber = _user_create_form(request, customer)
    if subscriber is not None:
        if "another" in request.POST:
            return redirect("portal:user_create", pk=customer.pk)
        return redirect("portal:user_detail", pk=subscriber.pk)
    context = {"customer": customer, "access": access, "form": form, "subscriber": None}
    return _form_response(request, "portal/system/user_form.html", context, form)


@login_required
def user_extensions(request: HttpRequest, pk: str) -> HttpResponse:
    """The extension fields for the site chosen in the user form (htmx)."""
    customer, access = _customer(request, pk)
    _ensure(access.may_manage)
    user = _account(request)
    site_id = request.GET.get("site")
    site = _site_of(user, customer, site_id) if site_id else _sites(user, customer).first()
    if site_id and site is None:
        raise Http404
    form = UserForm(
        initial={"site": site.pk if site else None},
        sites=_sites(user, customer),
        extensions=_extension_choices(site),
    )
    return render(request, "portal/system/_extension_fields.html", {"form": form})


@login_required
def user_detail(request: HttpRequest, pk: str) -> HttpResponse:
    subscriber, access = _owned(
        request, Subscriber.objects.select_related("site", "number", "fax_number"), pk
    )
    user = _account(request)
    context = {
        "customer": subscriber.customer,
        "access": access,
        "subscriber": subscriber,
        "entitlements": _entitlement_rows(subscriber.package),
        "route": selectors.emergency_route(subscriber=subscriber),
        "devices": restrict(Device.objects.filter(subscriber=subscriber), user).select_related(
            "site"
        ),
    }
    return render(request, "portal/system/user_detail.html", context)


def _entitlement_rows(package: str) -> list[tuple[str, bool]]:
    included = entitlements(package)
    return [(str(FEATURE_NAMES[f]), included[f.value]) for f in Feature]


@login_required
def user_edit(request: HttpRequest, pk: str) -> HttpResponse:
    subscriber, access = _owned(
        request, Subscriber.objects.select_related("site", "number", "fax_number"), pk
    )
    _ensure(access.may_manage)
    user = _account(request)
    customer = subscriber.customer
    form = _user_form(request, customer, instance=subscriber)
    if form.is_bound and form.is_valid():
        saved = _attempt(
            form,
            lambda: services.user_update(
                subscriber=subscriber, acting_user=user, data=form.service_data()
            ),
        )
        if saved is not None:
            messages.success(request, _("Die Änderungen wurden gespeichert."))
            return redirect("portal:user_detail", pk=subscriber.pk)
        subscriber.refresh_from_db()
    context = {"customer": customer, "access": access, "form": form, "subscriber": subscriber}
    return _form_response(request, "portal/system/user_form.html", context, form)


def _set_active(request: HttpRequest, pk: str, active: bool) -> HttpResponse:
    subscriber, access = _owned(request, Subscriber.objects.all(), pk)
    _ensure(access.may_manage)
    user = _account(request)
    done = (_("%(name)s ist wieder aktiv.") if active else _("%(name)s ist deaktiviert.")) % {
        "name": subscriber.name
    }
    _run(
        request,
        lambda: services.user_set_active(subscriber=subscriber, acting_user=user, active=active),
        done,
    )
    return redirect(_next_url(request, reverse("portal:user_detail", args=[subscriber.pk])))


@login_required
@require_POST
def user_deactivate(request: HttpRequest, pk: str) -> HttpResponse:
    return _set_active(request, pk, False)


@login_required
@require_POST
def user_activate(request: HttpRequest, pk: str) -> HttpResponse:
    return _set_active(request, pk, True)


@login_required
def user_delete(request: HttpRequest, pk: str) -> HttpResponse:
    subscriber, access = _owned(request, Subscriber.objects.select_related("number"), pk)
    _ensure(access.may_manage)
    user = _account(request)
    detail = reverse("portal:user_detail", args=[subscriber.pk])
    return _confirm_delete(
        request,
        customer=subscriber.customer,
        access=access,
        delete=lambda: services.user_delete(subscriber=subscriber, acting_user=user),
        done=_("Der Benutzer %(name)s wurde gelöscht.") % {"name": subscriber.name},
        title=_("Benutzer löschen"),
        question=_(
            "Soll %(name)s gelöscht werden? Die Rufnummer %(number)s wird frei, die "
            "Paketlizenz endet, zugeordnete Geräte bleiben ohne Benutzer am Standort."
        )
        % {"name": subscriber.name, "number": subscriber.number.e164},
        cancel_url=detail,
        success_url=reverse("portal:user_list", args=[subscriber.customer_id]),
        failure_url=detail,
    )


# CSV import -----------------------------------------------------------------------------------

# The services answer in English; the row table speaks the portal's language.
_ROW_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Unknown site '(?P<v>.*)'\.$"), gettext_noop("Unbekannter Standort „%(v)s“.")),
    (
        re.compile(r"^Same extension as row (?P<v>\d+)\.$"),
        gettext_noop("Gleiche Durchwahl wie Zeile %(v)s."),
    ),
    (re.compile(r"^Missing columns: (?P<v>.*)\.$"), gettext_noop("Es fehlen Spalten: %(v)s.")),
    (
        re.compile(r"^(?P<v>\+\d+) is already assigned\.$"),
        gettext_noop("%(v)s ist bereits vergeben."),
    ),
    (
        re.compile(r"^Not in a number block of the trunk of site (?P<v>.*)\.$"),
        gettext_noop("Nicht in einem Rufnummernblock des SIP-Trunks von „%(v)s“."),
    ),
    (
        re.compile(r"^Extension 0 is the main number\.$"),
        gettext_noop("Die Durchwahl 0 ist die Zentrale und wird nicht vergeben."),
    ),
    (
        re.compile(r"^A demo customer has at most (?P<v>\d+) users\.$"),
        gettext_noop("Eine Demo umfasst höchstens %(v)s Benutzer."),
    ),
]


def _row_message(text: str) -> str:
    for pattern, german in _ROW_MESSAGES:
        match = pattern.match(text)
        if match:
            return _(german) % match.groupdict()
    return text


def _column_label(name: str) -> str:
    labels = {
        "first_name": _("Vorname"),
        "last_name": _("Nachname"),
        "email": _("E-Mail"),
        "site": _("Standort"),
        "extension": _("Durchwahl"),
        "package": _("Paket"),
        "works_at": _("Arbeitsort"),
        "header": _("Kopfzeile"),
        "file": _("Datei"),
        "row": _("Zeile"),
    }
    return labels.get(name, name)


@login_required
def user_import(request: HttpRequest, pk: str) -> HttpResponse:
    """Upload a CSV of users: all rows are checked first; any error imports nothing and the
    errors are listed per row."""
    customer, access = _customer(request, pk)
    _ensure(access.may_manage)
    user = _account(request)
    form = CsvImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    rows: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["file"]
        report = _attempt(
            form,
            lambda: services.users_import_csv(
                customer=customer, acting_user=user, text=text, validate_row=validate_csv_row
            ),
        )
        if report is not None and report.ok:
            messages.success(
                request,
                _("%(count)s Benutzer wurden importiert.") % {"count": report.created},
            )
            return redirect("portal:user_list", pk=customer.pk)
        if report is not None:
            for line, errors in sorted(report.errors.items()):
                for column, texts in sorted(errors.items()):
                    rows.append(
                        {
                            "line": line,
                            "column": _column_label(column),
                            "messages": [_row_message(t) for t in texts],
                        }
                    )
            form.add_error(
                None,
                _("%(count)s Zeilen sind fehlerhaft; es wurde nichts importiert.")
                % {"count": len(report.errors)},
            )
    context = {
        "customer": customer,
        "access": access,
        "form": form,
        "rows": rows,
        "columns": CSV_COLUMNS,
    }
    return _form_response(request, "portal/system/user_import.html", context, form)


# Emergency notices (TRK-4) --------------------------------------------------------------------


@login_required
def emergency_notices(request: HttpRequest, pk: str) -> HttpResponse:
    customer, access = _customer(request, pk)
    user = _account(request)
    pending = _pending_notices(user, customer).order_by("last_name", "first_name", "pk")
    confirmed = (
        _users(user, customer)
        .exclude(works_at="site")
        .filter(emergency_notice_confirmed_at__isnull=False)
        .order_by("-emergency_notice_confirmed_at")[:20]
    )
    return render(
        request,
        "portal/system/emergency_notices.html",
        {
            "customer": customer,
            "access": access,
            "page": _page(request, pending),
            "confirmed": confirmed,
        },
    )


@login_required
def emergency_banner(request: HttpRequest, pk: str) -> HttpResponse:
    """The warning about missing emergency notices, loaded into the dashboard (htmx)."""
    customer = _customer(request, pk)[0]
    count = _pending_notices(_account(request), customer).count()
    return render(
        request,
        "portal/system/_emergency_banner.html",
        {"customer": customer, "pending_count": count},
    )


@login_required
@require_POST
def user_confirm_notice(request: HttpRequest, pk: str) -> HttpResponse:
    subscriber, access = _owned(request, Subscriber.objects.all(), pk)
    _ensure(access.may_manage)
    user = _account(request)
    _run(
        request,
        lambda: services.user_confirm_emergency_notice(subscriber=subscriber, acting_user=user),
        _("Bestätigt: %(name)s wurde auf andere Wege für Notrufe hingewiesen.")
        % {"name": subscriber.name},
    )
    return redirect(_next_url(request, reverse("portal:user_detail", args=[subscriber.pk])))


@login_required
@require_POST
def user_invite(request: HttpRequest, pk: str) -> HttpResponse:
    """Give the user an end-user login and mail the link to set its password."""
    subscriber, access = _owned(request, Subscriber.objects.all(), pk)
    _ensure(access.may_manage)
    user = _account(request)
    _run(
        request,
        lambda: services.user_invite(subscriber=subscriber, acting_user=user),
        _("%(email)s hat einen Link zum Festlegen des Passworts erhalten.")
        % {"email": subscriber.email},
    )
    return redirect(_next_url(request, reverse("portal:user_detail", args=[subscriber.pk])))


# Devices (FEA-12) -----------------------------------------------------------------------------


def _device_subscribers(
    user: Account, customer: Customer, keep: Any = None
) -> QuerySet[Subscriber]:
    condition = Q(is_active=True) | Q(pk=keep) if keep else Q(is_active=True)
    return (
        restrict(Subscriber.objects.filter(customer=customer), user)
        .filter(condition)
        .select_related("number")
        .order_by("last_name", "first_name")
    )


@login_required
def device_list(request: HttpRequest, pk: str) -> HttpResponse:
    customer, access = _customer(request, pk)
    user = _account(request)
    filters = DeviceFilterForm(request.GET or None, sites=_sites(user, customer))
    devices = restrict(Device.objects.filter(customer=customer), user).select_related(
        "site", "subscriber", "customer"
    )
    if filters.is_valid():
        data = filters.cleaned_data
        query = data["q"].strip()
        if query:
            mac = re.sub(r"[^0-9A-Fa-f]", "", query).upper()
            condition = Q(label__icontains=query)
            if mac:
                condition |= Q(mac_address__contains=mac)
            devices = devices.filter(condition)
        if data["site"]:
            devices = devices.filter(site=data["site"])
        if data["model"]:
            devices = devices.filter(model=data["model"])
    return render(
        request,
        "portal/system/device_list.html",
        {
            "customer": customer,
            "access": access,
            "filters": filters,
            "page": _page(request, devices.order_by("site__name", "model", "mac_address")),
        },
    )


@login_required
def device_create(request: HttpRequest, pk: str) -> HttpResponse:
    customer, access = _customer(request, pk)
    _ensure(access.may_manage)
    user = _account(request)
    initial: dict[str, Any] = {}
    site = _site_of(user, customer, request.GET.get("site"))
    if site is not None:
        initial["site"] = site.pk
    preset = request.GET.get("user")
    if preset:
        try:
            owner = get_for_user(_users(user, customer), user, preset)
        except Http404:
            owner = None
        if owner is not None:
            initial.update({"user": owner.number.e164, "site": owner.site_id})
    form = DeviceForm(
        request.POST if request.method == "POST" else None,
        instance=Device(customer=customer),
        initial=initial,
        sites=_sites(user, customer),
        subscribers=_device_subscribers(user, customer),
    )
    if request.method == "POST" and form.is_valid():
        device = _attempt(
            form,
            lambda: services.device_create(
                customer=customer, acting_user=user, data=form.service_data()
            ),
        )
        if device is not None:
            messages.success(
                request, _("Das Gerät %(device)s ist registriert.") % {"device": device}
            )
            return redirect("portal:device_list", pk=customer.pk)
    context = {"customer": customer, "access": access, "form": form, "device": None}
    return _form_response(request, "portal/system/device_form.html", context, form)


@login_required
def device_edit(request: HttpRequest, pk: str) -> HttpResponse:
    device, access = _owned(
        request, Device.objects.select_related("site", "subscriber__number"), pk
    )
    _ensure(access.may_manage)
    user = _account(request)
    customer = device.customer
    owner = device.subscriber
    form = DeviceForm(
        request.POST if request.method == "POST" else None,
        instance=copy.copy(device),
        initial={"mac_address": device.formatted_mac, "user": owner.number.e164 if owner else ""},
        sites=_sites(user, customer),
        subscribers=_device_subscribers(user, customer, keep=device.subscriber_id),
    )
    if request.method == "POST" and form.is_valid():
        saved = _attempt(
            form,
            lambda: services.device_update(
                device=device, acting_user=user, data=form.service_data()
            ),
        )
        if saved is not None:
            messages.success(request, _("Die Änderungen wurden gespeichert."))
            return redirect("portal:device_list", pk=customer.pk)
        device.refresh_from_db()
    context = {"customer": customer, "access": access, "form": form, "device": device}
    return _form_response(request, "portal/system/device_form.html", context, form)


@login_required
def device_delete(request: HttpRequest, pk: str) -> HttpResponse:
    device, access = _owned(request, Device.objects.select_related("site"), pk)
    _ensure(access.may_manage)
    user = _account(request)
    devices = reverse("portal:device_list", args=[device.customer_id])
    return _confirm_delete(
        request,
        customer=device.customer,
        access=access,
        delete=lambda: services.device_delete(device=device, acting_user=user),
        done=_("Das Gerät %(device)s wurde entfernt.") % {"device": device},
        title=_("Gerät entfernen"),
        question=_("Soll das Gerät %(device)s am Standort „%(site)s“ entfernt werden?")
        % {"device": device, "site": device.site.name},
        cancel_url=devices,
        success_url=devices,
    )


# The end user's own phone ---------------------------------------------------------------------


@login_required
def my_phone(request: HttpRequest) -> HttpResponse:
    """An end user's number, package, entitlements and devices; they set their display name."""
    user = _account(request)
    subscriber = (
        restrict(Subscriber.objects.filter(account_id=user.pk), user)
        .select_related("site", "number", "customer")
        .first()
    )
    if subscriber is None:
        return render(request, "portal/system/my_phone.html", {"subscriber": None})
    read_only = subscriber.customer.is_suspended
    form = OwnProfileForm(
        request.POST if request.method == "POST" else None,
        initial={"display_name": subscriber.display_name},
    )
    if request.method == "POST" and form.is_valid():
        saved = _attempt(
            form,
            lambda: services.user_update_own_profile(
                subscriber=subscriber,
                acting_user=user,
                display_name=form.cleaned_data["display_name"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Ihr Anzeigename wurde gespeichert."))
            return redirect("portal:my_phone")
    context = {
        "subscriber": subscriber,
        "form": form,
        "read_only": read_only,
        "entitlements": _entitlement_rows(subscriber.package),
        "devices": restrict(Device.objects.filter(subscriber=subscriber), user).select_related(
            "site"
        ),
    }
    return _form_response(request, "portal/system/my_phone.html", context, form)
