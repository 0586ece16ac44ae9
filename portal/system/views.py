"""A customer's system: overview, sites, SIP trunks, number blocks and licenses (LIC-1 … LIC-6,
TRK-1 … TRK-3)."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.system.common import (
    SystemDeleteView,
    SystemFormView,
    SystemPage,
    _account,
    _customer,
    _owned,
    _page,
    _pending_notices,
    _site_rows,
)
from portal.system.forms import LedgerFilterForm, TrunkForm
from portal.system.setup import NewBlock, NewTrunk, SiteEdit, _has_trunk, setup_steps
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


class SiteDelete(SystemDeleteView):
    queryset = Site.objects.all()
    service = staticmethod(services.site_delete)
    object_kwarg = "site"
    title = gettext_lazy("Standort entfernen")
    question = gettext_lazy(
        "Soll der Standort „%(name)s“ entfernt werden? Eine gebuchte Lizenz „Weiterer "
        "Standort“ endet damit."
    )
    done = gettext_lazy("Der Standort „%(name)s“ wurde entfernt.")

    def params(self) -> dict[str, Any]:
        return {"name": self.object.name}

    def get_success_url(self, result: Any = None) -> str:
        return reverse("portal:site_list", args=[self.customer.pk])

    def get_back_url(self) -> str:
        return reverse("portal:site_detail", args=[self.object.pk])


# Trunks and number blocks ---------------------------------------------------------------------


class TrunkCreate(NewTrunk):
    queryset = Site.objects.all()
    template_name = "portal/system/trunk_form.html"

    def handle(self) -> HttpResponse:
        self.site = self.object
        if _has_trunk(self.site):
            messages.info(self.request, _("Dieser Standort hat bereits seinen SIP-Trunk."))
            return redirect("portal:site_detail", pk=self.site.pk)
        return super().handle()

    def get_success_url(self, result: Trunk) -> str:
        return reverse("portal:site_detail", args=[self.site.pk])

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(site=self.site, **context)


class TrunkPage(SystemPage):
    """A page of one trunk; after it, the trunk's site."""

    queryset = Trunk.objects.select_related("site")

    def get_success_url(self, result: Any = None) -> str:
        return reverse("portal:site_detail", args=[self.object.site_id])

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(site=self.object.site, trunk=self.object, **context)


class TrunkEdit(TrunkPage, SystemFormView):
    template_name = "portal/system/trunk_form.html"
    form_class = TrunkForm
    service = staticmethod(services.trunk_update)
    object_kwarg = "trunk"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "instance": copy.copy(self.object),
            "has_password": self.object.has_password,
        }

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        return {
            **super().service_kwargs(form),
            "password": form.password_for_update(),  # type: ignore[attr-defined]
        }


class TrunkDelete(TrunkPage, SystemDeleteView):
    service = staticmethod(services.trunk_delete)
    object_kwarg = "trunk"
    title = gettext_lazy("SIP-Trunk entfernen")
    question = gettext_lazy(
        "Soll der SIP-Trunk von „%(site)s“ entfernt werden? Ohne Trunk können Benutzer "
        "dieses Standorts keine Notrufe absetzen."
    )
    done = gettext_lazy("Der SIP-Trunk wurde entfernt.")

    def params(self) -> dict[str, Any]:
        return {"site": self.object.site.name}


class BlockCreate(TrunkPage, NewBlock):
    template_name = "portal/system/block_form.html"

    def trunk(self, form: BaseForm) -> Trunk:
        return self.object


class BlockDelete(SystemDeleteView):
    queryset = NumberBlock.objects.select_related("trunk")
    service = staticmethod(services.number_block_delete)
    object_kwarg = "block"
    title = gettext_lazy("Rufnummernblock entfernen")
    question = gettext_lazy(
        "Soll der Rufnummernblock %(block)s entfernt werden? Seine Rufnummern werden freigegeben."
    )
    done = gettext_lazy("Der Rufnummernblock wurde entfernt.")

    def params(self) -> dict[str, Any]:
        return {"block": self.object}

    def get_success_url(self, result: Any = None) -> str:
        return reverse("portal:site_detail", args=[self.object.trunk.site_id])


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


site_create = SiteEdit.as_view(adding=True)
site_edit = SiteEdit.as_view()
site_delete = SiteDelete.as_view()
trunk_create = TrunkCreate.as_view()
trunk_edit = TrunkEdit.as_view()
trunk_delete = TrunkDelete.as_view()
block_create = BlockCreate.as_view()
block_delete = BlockDelete.as_view()
