"""Devices of a customer's system (FEA-12)."""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.system.common import (
    SystemDeleteView,
    SystemEditView,
    _account,
    _customer,
    _page,
    _site_of,
    _sites,
)
from portal.system.forms import DeviceFilterForm, DeviceForm
from portal.system.users import _users
from provisioning import services
from provisioning.access import get_for_user, restrict
from provisioning.models import Customer, Device, Subscriber

if TYPE_CHECKING:
    from provisioning.models import Account

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


class DeviceEdit(SystemEditView):
    """A device: its site and the active user it belongs to. A new one takes its site and user
    from ``?site=`` and ``?user=``."""

    right = "may_manage"
    queryset = Device.objects.select_related("site", "subscriber__number")
    instance_kwarg = "device"
    create_service = staticmethod(services.device_create)
    update_service = staticmethod(services.device_update)
    form_class = DeviceForm
    template_name = "portal/system/device_form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        user, customer, device = self.account, self.customer, self.instance
        return {
            **super().get_form_kwargs(),
            "instance": copy.copy(device) if device else Device(customer=customer),
            "sites": _sites(user, customer),
            "subscribers": _device_subscribers(
                user, customer, keep=device.subscriber_id if device else None
            ),
        }

    def get_initial(self) -> dict[str, Any]:
        device = self.instance
        if device is not None:
            owner = device.subscriber
            return {"mac_address": device.formatted_mac, "user": owner.number.e164 if owner else ""}
        user, customer = self.account, self.customer
        initial: dict[str, Any] = {}
        site = _site_of(user, customer, self.request.GET.get("site"))
        if site is not None:
            initial["site"] = site.pk
        preset = self.request.GET.get("user")
        if preset:
            try:
                owner = get_for_user(_users(user, customer), user, preset)
            except Http404:
                owner = None
            if owner is not None:
                initial.update({"user": owner.number.e164, "site": owner.site_id})
        return initial

    def get_success_message(self, result: Device) -> str:
        if self.adding:
            return _("Das Gerät %(device)s ist registriert.") % {"device": result}
        return super().get_success_message(result)

    def get_success_url(self, result: Device) -> str:
        return reverse("portal:device_list", args=[self.customer.pk])


class DeviceDelete(SystemDeleteView):
    right = "may_manage"
    queryset = Device.objects.select_related("site")
    service = staticmethod(services.device_delete)
    object_kwarg = "device"
    title = gettext_lazy("Gerät entfernen")
    question = gettext_lazy("Soll das Gerät %(device)s am Standort „%(site)s“ entfernt werden?")
    done = gettext_lazy("Das Gerät %(device)s wurde entfernt.")

    def params(self) -> dict[str, Any]:
        return {"device": self.object, "site": self.object.site.name}

    def get_success_url(self, result: Any = None) -> str:
        return reverse("portal:device_list", args=[self.customer.pk])


device_create = DeviceEdit.as_view(adding=True)
device_edit = DeviceEdit.as_view()
device_delete = DeviceDelete.as_view()
