"""Devices of a customer's system (FEA-12)."""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.system.forms import (
    DeviceFilterForm,
    DeviceForm,
)
from portal.system.users import _users
from provisioning import services
from provisioning.access import get_for_user, restrict
from provisioning.models import (
    Customer,
    Device,
    Subscriber,
)

if TYPE_CHECKING:
    from provisioning.models import Account


from portal.refusals import attempt
from portal.system.common import (
    _account,
    _confirm_delete,
    _customer,
    _ensure,
    _form_response,
    _owned,
    _page,
    _site_of,
    _sites,
)

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
        device = attempt(
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
        saved = attempt(
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
