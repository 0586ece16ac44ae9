"""The guided set-up of a customer's telephone system (LIC-1, LIC-3, TRK-1, TRK-2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.system.forms import (
    BaseLicenseForm,
    NumberBlockForm,
    SiteForm,
    TrunkForm,
)
from portal.system.users import _user_create_form
from provisioning import services
from provisioning.access import restrict
from provisioning.models import (
    Customer,
    LicenseType,
    NumberBlock,
    Site,
    Subscriber,
    Trunk,
)
from provisioning.permissions import (
    can_assign_demo_license,
)

if TYPE_CHECKING:
    from provisioning.models import Account


from portal.refusals import attempt
from portal.system.common import (
    SystemAccess,
    _account,
    _customer,
    _ensure,
    _form_response,
    _site_of,
    _site_rows,
    _sites,
)

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
        saved = attempt(
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
        site = attempt(
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
        # By id: assigning ``site=`` would cache this unsaved trunk as ``site.trunk``, and the
        # site would look as if it had its trunk already.
        instance=Trunk(site_id=site.pk, customer=site.customer),
        initial={
            "emergency_street": site.street,
            "emergency_postal_code": site.postal_code,
            "emergency_city": site.city,
            "emergency_country": site.country,
        },
    )
    trunk = None
    if request.method == "POST" and form.is_valid():
        trunk = attempt(
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


def _next_trunk(user: Account, customer: Customer, trunks: QuerySet[Trunk]) -> Any:
    """The trunk the next block most likely belongs to: the first without numbers, else the
    one that got the newest block, else the first."""
    trunk = trunks.filter(number_blocks__isnull=True).order_by("site__name", "pk").first()
    if trunk is not None:
        return trunk.pk
    newest = (
        restrict(NumberBlock.objects.filter(customer=customer), user)
        .order_by("-created_at", "-pk")
        .values_list("trunk_id", flat=True)
        .first()
    )
    if newest is not None:
        return newest
    first = trunks.order_by("site__name", "pk").first()
    return first.pk if first else None


@login_required
def setup_numbers(request: HttpRequest, pk: str) -> HttpResponse:
    """Step 4: number blocks of the trunks (TRK-2)."""
    customer, access = _setup_access(request, pk)
    user = _account(request)
    trunks = _trunks(user, customer)
    form = NumberBlockForm(
        request.POST if request.method == "POST" else None,
        trunks=trunks,
        initial={"trunk": _next_trunk(user, customer, trunks)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        block = attempt(
            form,
            lambda: services.number_block_create(
                trunk=data["trunk"],
                acting_user=user,
                base_number=data["base_number"],
                first_extension=data["first_extension"],
                last_extension=data["last_extension"],
            ),
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
