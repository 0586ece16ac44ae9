"""Pickup groups (FEA-2), a user's forwarding and voicemail (FEA-8, FEA-9) and the admin's overview
of hot-desk logins (FEA-7)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.features.forms import ForwardingForm, PickupGroupForm, VoicemailForm
from portal.features.views import FeatureDeleteView, FeatureEditView, _account, _customer
from portal.refusals import attempt, perform
from provisioning import services
from provisioning.access import get_for_user
from provisioning.models import (
    CallForwarding,
    Device,
    HotDeskLogin,
    PickupGroup,
    Subscriber,
    VoicemailBox,
)
from telephony.entitlements import Feature, is_entitled

T = "portal/features/more/"


# Pickup groups (FEA-2) -----------------------------------------------------------------------


@login_required
def pickup_list(request: HttpRequest, pk: Any) -> HttpResponse:
    customer = _customer(request, pk)
    groups = PickupGroup.objects.filter(customer=customer).prefetch_related("members")
    return render(request, T + "pickup_list.html", {"customer": customer, "groups": groups})


class PickupEdit(FeatureEditView):
    queryset = PickupGroup.objects.all()
    instance_kwarg = "group"
    create_service = staticmethod(services.pickup_group_create)
    update_service = staticmethod(services.pickup_group_update)
    form_class = PickupGroupForm
    template_name = T + "pickup_form.html"
    success_message = gettext_lazy("Die Pickup-Gruppe wurde gespeichert.")
    success_url = "portal:feature_pickup_list"

    def get_initial(self) -> dict[str, Any]:
        group = self.instance
        return {"name": group.name, "members": list(group.members.all())} if group else {}


class PickupDelete(FeatureDeleteView):
    queryset = PickupGroup.objects.all()
    object_kwarg = "group"
    service = staticmethod(services.pickup_group_delete)
    done = gettext_lazy("Die Pickup-Gruppe wurde gelöscht.")
    success_url = "portal:feature_pickup_list"


pickup_create = PickupEdit.as_view(adding=True)
pickup_edit = PickupEdit.as_view()
pickup_delete = PickupDelete.as_view()


# Forwarding and voicemail (FEA-8, FEA-9): one page per user, for admins and the user ----------


def _calls_page(
    request: HttpRequest, subscriber: Subscriber, template: str, back: str, context: dict[str, Any]
) -> HttpResponse:
    """The forwarding form and the voicemail form of ``subscriber``; ``back`` is this page."""
    user = _account(request)
    forwarding = CallForwarding.objects.filter(subscriber=subscriber).first()
    box = VoicemailBox.objects.filter(subscriber=subscriber).first()
    which = request.POST.get("form") if request.method == "POST" else None
    customer = subscriber.customer
    fw_form = ForwardingForm(
        request.POST if which == "forwarding" else None,
        subscriber=subscriber,
        initial=ForwardingForm.initial_for(forwarding),
        prefix="fw",
    )
    vm_form = VoicemailForm(
        request.POST if which == "voicemail" else None,
        customer=customer,
        prefix="vm",
        initial={
            "enabled": subscriber.voicemail_enabled,
            "greeting": box.greeting_id if box else None,
            "email": box.email if box else subscriber.email,
        },
    )
    if which == "forwarding" and fw_form.is_valid():
        data = fw_form.service_data()
        if not fw_form.errors:
            saved = attempt(
                fw_form,
                lambda: services.forwarding_update(
                    subscriber=subscriber, acting_user=user, data=data
                ),
            )
            if saved is not None:
                messages.success(request, _("Die Rufumleitung wurde gespeichert."))
                return redirect(back)
    if which == "voicemail" and vm_form.is_valid():
        data = vm_form.service_data()
        box = attempt(
            vm_form,
            lambda: services.voicemail_update(subscriber=subscriber, acting_user=user, data=data),
        )
        if box is not None:
            messages.success(request, _("Die Voicemail-Einstellungen wurden gespeichert."))
            return redirect(back)
    voicemail_allowed = is_entitled(subscriber.package, Feature.VOICEMAIL)
    context.update(
        {
            "subscriber": subscriber,
            "customer": customer,
            "fw_form": fw_form,
            "vm_form": vm_form,
            "pin_set": bool(box and box.has_pin),
            "voicemail_allowed": voicemail_allowed,
            "show_voicemail": voicemail_allowed
            or subscriber.voicemail_enabled
            or bool(vm_form.errors),
            "read_only": customer.is_suspended,
        }
    )
    status = 400 if fw_form.errors or vm_form.errors else 200
    return render(request, template, context, status=status)


@login_required
def user_calls(request: HttpRequest, pk: Any) -> HttpResponse:
    subscriber = get_for_user(
        Subscriber.objects.select_related("customer", "number"), _account(request), pk
    )
    _customer(request, subscriber.customer_id)
    back = request.path
    return _calls_page(request, subscriber, T + "user_calls.html", back, {})


# Hot-desk logins (FEA-7), admin overview -----------------------------------------------------


@login_required
def hotdesk_overview(request: HttpRequest, pk: Any) -> HttpResponse:
    customer = _customer(request, pk)
    devices = (
        Device.objects.filter(customer=customer)
        .select_related("site", "subscriber")
        .prefetch_related("hotdesk_logins__subscriber__number")
        .order_by("site__name", "label", "mac_address")
    )
    return render(request, T + "hotdesk.html", {"customer": customer, "devices": devices})


@login_required
@require_POST
def hotdesk_logout(request: HttpRequest, pk: Any) -> HttpResponse:
    user = _account(request)
    login = get_for_user(
        HotDeskLogin.objects.select_related("device", "subscriber__customer"), user, pk
    )
    customer = _customer(request, login.device.customer_id)
    perform(
        request,
        lambda: services.hotdesk_logout(login=login, acting_user=user),
        _("Die Anmeldung wurde beendet."),
    )
    return redirect("portal:feature_hotdesk", pk=customer.pk)
