"""A customer's system: overview, sites, SIP trunks, number blocks and licenses (LIC-1 … LIC-6,
TRK-1 … TRK-3)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.system.forms import (
    LedgerFilterForm,
    NumberBlockForm,
    SiteForm,
    TrunkForm,
)
from portal.system.setup import _has_trunk, _site_create_form, _trunk_create_form, setup_steps
from provisioning import selectors, services
from provisioning.access import restrict
from provisioning.models import (
    BASE_LICENSES,
    Customer,
    Device,
    LicenseEvent,
    LicenseType,
    NumberBlock,
    Site,
    Subscriber,
    Trunk,
)

if TYPE_CHECKING:
    pass


from portal.refusals import attempt
from portal.system.common import (
    _account,
    _confirm_delete,
    _customer,
    _ensure,
    _form_response,
    _owned,
    _page,
    _pending_notices,
    _site_rows,
)

# The system overview --------------------------------------------------------------------------


def _license_rows(customer: Customer) -> list[tuple[str, str, int]]:
    counts = selectors.license_counts(customer=customer)
    return [(t.value, t.label, counts.get(t.value, 0)) for t in LicenseType]


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
        saved = attempt(
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
        saved = attempt(
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
        block = attempt(
            form,
            lambda: services.number_block_create(
                trunk=trunk,
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
