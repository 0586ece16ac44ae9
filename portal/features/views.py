"""Pages of the call features (FEA-1 … FEA-6) and the call trace.

Objects come through ``provisioning.access`` (a foreign id is the same 404 as an unknown one);
writes go through ``provisioning.services``; the call trace uses the same selector as the API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.features.forms import (
    AudioUploadForm,
    CallTraceForm,
    HuntGroupForm,
    IvrMenuForm,
    OperatorForm,
    PhonebookEntryForm,
)
from portal.refusals import attempt
from provisioning import services
from provisioning.access import get_for_user, visible_customers
from provisioning.features_snapshot import STANDARD_MUSIC_ON_HOLD, parse_trace_time, trace_call
from provisioning.models import (
    AudioFile,
    Customer,
    HuntGroup,
    IvrMenu,
    OneTimeFeeEvent,
    Subscriber,
)
from provisioning.permissions import can_manage_users
from provisioning.telephony_texts import say
from telephony import routing

if TYPE_CHECKING:
    from provisioning.models import Account

T = "portal/features/"


def _account(request: HttpRequest) -> Account:
    return request.user  # type: ignore[return-value]


def _customer(request: HttpRequest, pk: Any) -> Customer:
    """A customer whose call features the account may configure (else 404/403)."""
    user = _account(request)
    customer = get_for_user(visible_customers(user), user, pk)
    if not can_manage_users(user, customer):
        raise PermissionDenied
    return customer


@login_required
def feature_overview(request: HttpRequest, pk: Any) -> HttpResponse:
    customer = _customer(request, pk)
    operator = services.operator_get(customer=customer)
    return render(
        request,
        T + "overview.html",
        {
            "customer": customer,
            "groups": HuntGroup.objects.filter(customer=customer).prefetch_related(
                "members__subscriber"
            ),
            "menus": IvrMenu.objects.filter(customer=customer).prefetch_related("options"),
            "operator": operator,
            "audio_count": AudioFile.objects.filter(customer=customer).count(),
            "fees": OneTimeFeeEvent.objects.filter(customer=customer).count(),
        },
    )


# Hunt groups ---------------------------------------------------------------------------------


def _group_form(request: HttpRequest, customer: Customer, group: HuntGroup | None) -> HttpResponse:
    initial: dict[str, Any] = {"ring_seconds": 30, "member_ring_seconds": 15}
    if group is not None:
        initial = {
            "name": group.name,
            "site": group.site_id,
            "extension": group.extension,
            "strategy": group.strategy,
            "ring_seconds": group.ring_seconds,
            "member_ring_seconds": group.member_ring_seconds,
            "members": [m.subscriber_id for m in group.members.all()],
            "overflow": "external" if group.overflow.startswith("external:") else group.overflow,
            "overflow_number": group.overflow.partition("external:")[2],
        }
    form = HuntGroupForm(
        request.POST if request.method == "POST" else None, customer=customer, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        user = _account(request)
        if not form.errors:
            saved = attempt(
                form,
                lambda: (
                    services.hunt_group_update(group=group, acting_user=user, data=data)
                    if group is not None
                    else services.hunt_group_create(customer=customer, acting_user=user, data=data)
                ),
            )
            if saved is not None:
                messages.success(request, _("Die Gruppe wurde gespeichert."))
                return redirect("portal:feature_overview", pk=customer.pk)
    return render(
        request,
        T + "hunt_group_form.html",
        {"form": form, "customer": customer, "group": group},
        status=400 if form.errors else 200,
    )


@login_required
def hunt_group_create(request: HttpRequest, pk: Any) -> HttpResponse:
    return _group_form(request, _customer(request, pk), None)


@login_required
def hunt_group_edit(request: HttpRequest, pk: Any) -> HttpResponse:
    user = _account(request)
    group = get_for_user(HuntGroup.objects.select_related("customer"), user, pk)
    customer = _customer(request, group.customer_id)
    return _group_form(request, customer, group)


# IVR menus -----------------------------------------------------------------------------------


def _menu_form(request: HttpRequest, customer: Customer, menu: IvrMenu | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if menu is not None:
        initial = {
            "name": menu.name,
            "extension": menu.extension,
            "announcement": menu.announcement_id,
            "timeout_seconds": menu.timeout_seconds,
            "repeat_count": menu.repeat_count,
            "on_timeout": menu.on_timeout,
            "on_invalid": menu.on_invalid,
        }
        for option in menu.options.all():
            initial[IvrMenuForm.digit_field(option.digit)] = option.target
    form = IvrMenuForm(
        request.POST if request.method == "POST" else None, customer=customer, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        user = _account(request)
        saved = attempt(
            form,
            lambda: (
                services.ivr_menu_update(menu=menu, acting_user=user, data=data)
                if menu is not None
                else services.ivr_menu_create(customer=customer, acting_user=user, data=data)
            ),
        )
        if saved is not None:
            messages.success(request, _("Das Sprachmenü wurde gespeichert."))
            return redirect("portal:feature_overview", pk=customer.pk)
    digit_fields = [form[IvrMenuForm.digit_field(d)] for d in "123456789*0#"]
    return render(
        request,
        T + "ivr_form.html",
        {"form": form, "customer": customer, "menu": menu, "digit_fields": digit_fields},
        status=400 if form.errors else 200,
    )


@login_required
def ivr_menu_create(request: HttpRequest, pk: Any) -> HttpResponse:
    return _menu_form(request, _customer(request, pk), None)


@login_required
def ivr_menu_edit(request: HttpRequest, pk: Any) -> HttpResponse:
    menu = get_for_user(IvrMenu.objects.select_related("customer"), _account(request), pk)
    return _menu_form(request, _customer(request, menu.customer_id), menu)


# Operator ------------------------------------------------------------------------------------


@login_required
def operator_edit(request: HttpRequest, pk: Any) -> HttpResponse:
    customer = _customer(request, pk)
    settings = services.operator_get(customer=customer)
    initial: dict[str, Any] = {"manual_mode": "auto", "holidays_are_night": True}
    if settings is not None:
        schedule = list(settings.schedule.all())
        initial = {
            "day_target": settings.day_target,
            "ivr_menu": settings.ivr_menu_id,
            "night_target": "external"
            if settings.night_target.startswith("external:")
            else settings.night_target,
            "night_number": settings.night_target.partition("external:")[2],
            "announcement": settings.announcement_id,
            "night_announcement": settings.night_announcement_id,
            "manual_mode": settings.manual_mode,
            "holidays_are_night": settings.holidays_are_night,
            "days": [str(e.weekday) for e in schedule],
        }
        if schedule:
            initial["day_start"] = f"{schedule[0].start:%H:%M}"
            initial["day_end"] = f"{schedule[0].end:%H:%M}"
    form = OperatorForm(
        request.POST if request.method == "POST" else None, customer=customer, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        user = _account(request)
        if not form.errors:
            saved = attempt(
                form,
                lambda: services.operator_update(customer=customer, acting_user=user, data=data),
            )
            if saved is not None:
                messages.success(request, _("Die Zentrale wurde gespeichert."))
                return redirect("portal:feature_overview", pk=customer.pk)
    return render(
        request,
        T + "operator_form.html",
        {"form": form, "customer": customer},
        status=400 if form.errors else 200,
    )


# Audio ---------------------------------------------------------------------------------------


@login_required
def audio_list(request: HttpRequest, pk: Any) -> HttpResponse:
    customer = _customer(request, pk)
    form = AudioUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        user = _account(request)
        saved = attempt(
            form,
            lambda: services.audio_upload(
                customer=customer,
                acting_user=user,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                filename=upload.name or "",
                data=upload.read(),
            ),
        )
        if saved is not None:
            messages.success(request, _("Die Audiodatei wurde hochgeladen."))
            return redirect("portal:feature_audio", pk=customer.pk)
    return render(
        request,
        T + "audio.html",
        {
            "customer": customer,
            "form": form,
            "files": AudioFile.objects.filter(customer=customer).order_by("name"),
            "standard_music": STANDARD_MUSIC_ON_HOLD,
        },
        status=400 if form.errors else 200,
    )


@login_required
def audio_play(request: HttpRequest, pk: Any) -> FileResponse:
    audio = get_for_user(AudioFile, _account(request), pk)
    which = request.GET.get("version")
    stored = audio.telephony if which == "telephony" else audio.original
    content_type = "audio/mpeg" if (stored.name or "").endswith(".mp3") else "audio/wav"
    return FileResponse(stored.open("rb"), content_type=content_type)


# Phonebook -----------------------------------------------------------------------------------


@login_required
def phonebook(request: HttpRequest, pk: Any) -> HttpResponse:
    customer = _customer(request, pk)
    book = services.phonebook_for(customer=customer)
    form = PhonebookEntryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        user = _account(request)
        saved = attempt(
            form,
            lambda: services.phonebook_entry_create(phonebook=book, acting_user=user, data=data),
        )
        if saved is not None:
            messages.success(request, _("Der Eintrag wurde gespeichert."))
            return redirect("portal:feature_phonebook", pk=customer.pk)
    query = request.GET.get("q", "").strip()[:100]
    entries = services.phonebook_search(customer=customer, prefix=query).filter(phonebook=book)
    return render(
        request,
        T + "phonebook.html",
        {"customer": customer, "form": form, "entries": entries[:200], "q": query},
        status=400 if form.errors else 200,
    )


# Call trace ----------------------------------------------------------------------------------


def _flow(steps: tuple[routing.Step, ...], names: dict[str, str]) -> list[dict[str, Any]]:
    """Plan steps as rows for the template: what happens, why, nested IVR branches; in the
    language of the request, with names instead of ids."""
    rows = []
    for step in steps:
        row: dict[str, Any] = {
            "type": step.step_type,
            "text": say(routing.describe_step(step), names),
            "reason": say(step.reason, names),
            "branches": [],
        }
        if isinstance(step, routing.RunIvr):
            row["branches"] = [
                {"label": say(b.label(), names), "steps": _flow(b.steps, names)}
                for b in step.branches
            ]
        rows.append(row)
    return rows


@login_required
def call_trace(request: HttpRequest, pk: Any) -> HttpResponse:
    customer = _customer(request, pk)
    form = CallTraceForm(request.GET if "dialled" in request.GET else None, customer=customer)
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            at = parse_trace_time(data["at"]) if data["at"] else timezone.now()
        except ValueError:
            form.add_error("at", _("Bitte z. B. „Sonntag 10:00“ oder 2026-12-24T14:00 angeben."))
            at = None
        caller_user = None
        if data["caller"]:
            caller_user = Subscriber.objects.filter(customer=customer, pk=data["caller"]).first()
        if at is not None:
            trace = trace_call(
                customer=customer,
                dialled=data["dialled"],
                caller_user=caller_user,
                caller_number=data["caller_number"] or None,
                at=at,
            )
            result = {
                "trace": trace,
                "at": timezone.localtime(at),
                "service": say(trace.service.reason, trace.names),
                "flow": _flow(trace.plan.steps, trace.names),
                "problems": [say(p.message, trace.names) for p in trace.problems],
            }
    return render(request, T + "trace.html", {"customer": customer, "form": form, "result": result})
