"""Staff and reseller pages of the status page (STA-1…STA-8, OPS-2, OPS-3, OPS-5): platform
staff create and edit components, open incidents and post their steps, schedule maintenance;
reseller admins read all of it, see availability and pass maintenance notices on to their
customers. Every other role finds nothing here (404, as for anything it may not see).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from portal.refusals import show_refusal
from provisioning.errors import ApplicationError
from status import services, steps
from status.availability import BERLIN, TARGET, year_bounds
from status.maintenance_rules import MaintenanceWindowError
from status.models import Component, ComponentGroup, Event, EventKind, MaintenanceNotice
from status.permissions import can_manage_status, can_view_status_admin
from status.selectors import (
    availability_report,
    component_states,
    events_with_details,
    open_events,
    upcoming_maintenance,
)
from status.wording import format_duration, format_moment, percent

from .forms import (
    AvailabilityForm,
    ComponentForm,
    ComponentGroupForm,
    IncidentForm,
    MaintenanceForm,
    NoticeForm,
    StepForm,
)

if TYPE_CHECKING:
    from provisioning.models import Account

PAGE_SIZE = 25


def _account(request: HttpRequest) -> Account:
    return request.user  # type: ignore[return-value]


def _viewer(request: HttpRequest) -> Account:
    """Staff and reseller admins; everybody else finds no such page."""
    user = _account(request)
    if not can_view_status_admin(user):
        raise Http404
    return user


def _staff(request: HttpRequest) -> Account:
    user = _viewer(request)
    if not can_manage_status(user):
        raise Http404
    return user


def _get(source: Any, pk: Any) -> Any:
    """One status object by id, or 404 (the same for an unknown and a malformed id)."""
    queryset = source if hasattr(source, "model") else source._default_manager.all()
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def window_messages(error: MaintenanceWindowError) -> dict[str, list[str]]:
    """Each broken maintenance rule in the portal's words, by field."""
    out: dict[str, list[str]] = {}
    for violation in error.violations:
        if violation.code == "maintenance_notice_too_short":
            text = _(
                "Wartung muss mindestens 7 Tage vorher angekündigt werden (dringend: 1 Stunde); "
                "frühester Beginn jetzt: %(earliest)s."
            ) % {"earliest": format_moment(violation.moments[0], "de")}
        elif violation.code == "maintenance_in_service_hours":
            text = _(
                "Wartung liegt außerhalb der Servicezeiten (Mo–Fr 08:00–17:00 außer an "
                "bundesweiten Feiertagen); dieses Fenster überschneidet %(day)s."
            ) % {
                "day": f"{format_moment(violation.moments[0], 'de')}–"
                f"{violation.moments[1].astimezone(BERLIN):%H:%M}"
            }
        elif violation.code == "maintenance_end_before_start":
            text = _("Das Ende muss nach dem Beginn liegen.")
        elif violation.field == "urgent_reason":
            text = _("Dringende Wartung nur bei Störung oder Sicherheitsupdate: bitte wählen.")
        else:
            text = _("Dringende Wartung braucht eine Begründung.")
        out.setdefault(violation.field, []).append(text)
    return out


def _refuse(form: Any, error: ApplicationError) -> None:
    if isinstance(error, MaintenanceWindowError):
        for field, texts in window_messages(error).items():
            for text in texts:
                form.add_error(field if field in form.fields else None, text)
        return
    show_refusal(form, error)


# Overview and events --------------------------------------------------------------------------


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Open events, upcoming maintenance, the components with their state, and every event
    (searchable, paginated)."""
    user = _viewer(request)
    active = open_events()
    components = list(
        Component.objects.select_related("group").order_by(
            "group__position", "group__name_de", "position", "name_de"
        )
    )
    states = component_states(components, active)
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    events = Event.objects.prefetch_related("components").order_by("-created_at", "pk")
    if kind in EventKind.values:
        events = events.filter(kind=kind)
    if query:
        events = events.filter(Q(title_de__icontains=query) | Q(title_en__icontains=query))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/status/overview.html",
        {
            "active": active,
            "upcoming": upcoming_maintenance(),
            "states": [states[c.pk] for c in components],
            "groups": ComponentGroup.objects.order_by("position", "name_de"),
            "page": page,
            "q": query,
            "kind": kind,
            "kinds": EventKind.choices,
            "may_manage": can_manage_status(user),
        },
    )


def _notice_context(event: Event, user: Account) -> dict[str, Any]:
    """What a reseller admin sees of passing a maintenance on (OPS-5)."""
    if user.reseller is None or event.kind != EventKind.MAINTENANCE:
        return {}
    notice = MaintenanceNotice.objects.filter(event=event, reseller=user.reseller).first()
    if notice is not None:
        return {"notice": notice}
    if event.step == steps.COMPLETED:
        return {}
    subject, body = services.notice_prepare(event=event, reseller=user.reseller)
    return {
        "notice_form": NoticeForm(initial={"subject": subject, "body": body}),
        "notice_recipients": len(services.notice_recipients(user.reseller)),
    }


@never_cache
@login_required
def event_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """One event with all its updates; staff post the next step here (STA-2, STA-3, STA-8)."""
    user = _viewer(request)
    event: Event = _get(events_with_details(), pk)
    may_manage = can_manage_status(user)
    form = None
    if may_manage and event.is_open:
        form = StepForm(
            request.POST if request.method == "POST" else None,
            kind=event.kind,
            current=event.step,
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            extra = {}
            if event.kind == EventKind.INCIDENT and "estimated_fix_at" in data:
                extra["estimated_fix_at"] = data["estimated_fix_at"]
            try:
                services.event_post_update(
                    event=event,
                    acting_user=user,
                    step=data["step"],
                    message_de=data["message_de"],
                    message_en=data["message_en"],
                    **extra,
                )
            except ApplicationError as error:
                _refuse(form, error)
            else:
                messages.success(request, _("Die Meldung wurde veröffentlicht."))
                return redirect("portal:status_event", pk=event.pk)
    elif request.method == "POST" and not may_manage:
        raise Http404
    context = _event_times(event) | {
        "event": event,
        "updates": list(event.updates.all()),
        "form": form,
        "may_manage": may_manage,
    }
    context.update(_notice_context(event, user))
    return render(
        request,
        "portal/status/event.html",
        context,
        status=400 if form is not None and form.errors else 200,
    )


@never_cache
@login_required
def notice_pass_on(request: HttpRequest, pk: str) -> HttpResponse:
    """A reseller admin sends the (edited) maintenance notice to all its customers' admins."""
    user = _viewer(request)
    event = _get(Event, pk)
    if user.reseller is None or request.method != "POST":
        raise Http404
    form = NoticeForm(request.POST)
    if form.is_valid():
        try:
            notice = services.maintenance_notice_pass_on(
                event=event,
                acting_user=user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ApplicationError as error:
            _refuse(form, error)
        else:
            messages.success(
                request,
                _("Der Hinweis geht an %(count)s Kunden-Administratoren.")
                % {"count": notice.recipient_count},
            )
            return redirect("portal:status_event", pk=event.pk)
    context = _event_times(event) | {
        "event": event,
        "updates": list(event.updates.order_by("sequence")),
        "form": None,
        "may_manage": False,
        "notice_form": form,
        "notice_recipients": len(services.notice_recipients(user.reseller)),
    }
    return render(request, "portal/status/event.html", context, status=400)


def _event_times(event: Event) -> dict[str, Any]:
    """How long the event lasted and its announced window, worded (STA-4)."""
    duration = None
    if event.started_at and event.ended_at:
        duration = format_duration((event.ended_at - event.started_at).total_seconds(), "de")
    window = None
    if event.scheduled_start and event.scheduled_end:
        window = format_duration(
            (event.scheduled_end - event.scheduled_start).total_seconds(), "de"
        )
    return {"duration": duration, "window": window}


@never_cache
@login_required
def incident_create(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = IncidentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.incident_open(
                acting_user=user,
                title_de=data["title_de"],
                title_en=data["title_en"],
                components=list(data["components"]),
                impact=data["impact"],
                step=data["step"],
                message_de=data["message_de"],
                message_en=data["message_en"],
                estimated_fix_at=data["estimated_fix_at"],
            )
        except ApplicationError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("Die Störung ist veröffentlicht."))
            return redirect("portal:status_event", pk=event.pk)
    return render(
        request,
        "portal/status/event_form.html",
        {"form": form, "kind": EventKind.INCIDENT},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
def maintenance_create(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = MaintenanceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.maintenance_schedule(
                acting_user=user,
                title_de=data["title_de"],
                title_en=data["title_en"],
                components=list(data["components"]),
                scheduled_start=data["scheduled_start"],
                scheduled_end=data["scheduled_end"],
                message_de=data["message_de"],
                message_en=data["message_en"],
                urgent=data["urgent"],
                urgent_reason=data["urgent_reason"],
                urgent_explanation=data["urgent_explanation"],
            )
        except ApplicationError as error:
            _refuse(form, error)
        else:
            messages.success(
                request,
                _("Die Wartung ist angekündigt; alle Reseller wurden per E-Mail informiert."),
            )
            return redirect("portal:status_event", pk=event.pk)
    return render(
        request,
        "portal/status/event_form.html",
        {"form": form, "kind": EventKind.MAINTENANCE},
        status=400 if form.errors else 200,
    )


# Components -----------------------------------------------------------------------------------


def _save_model_form(
    request: HttpRequest, form: Any, save: Any, success: str, template: str, **context: Any
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            save(data)
        except ApplicationError as error:
            _refuse(form, error)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, success)
            return redirect("portal:status_overview")
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


@never_cache
@login_required
def component_create(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = ComponentForm(request.POST if request.method == "POST" else None)
    return _save_model_form(
        request,
        form,
        lambda data: services.component_create(acting_user=user, data=data),
        _("Die Komponente wurde angelegt."),
        "portal/status/component_form.html",
        title=_("Komponente anlegen"),
    )


@never_cache
@login_required
def component_edit(request: HttpRequest, pk: str) -> HttpResponse:
    user = _staff(request)
    component = _get(Component, pk)
    if request.method == "POST" and "delete" in request.POST:
        try:
            services.component_delete(component=component, acting_user=user)
        except ApplicationError as error:
            show_refusal(request, error)
            return redirect("portal:status_component_edit", pk=component.pk)
        messages.success(request, _("Die Komponente wurde gelöscht."))
        return redirect("portal:status_overview")
    # A bound form validates a copy, so the service still sees the old values to audit.
    form = (
        ComponentForm(request.POST, instance=copy.copy(component))
        if request.method == "POST"
        else ComponentForm(instance=component)
    )
    return _save_model_form(
        request,
        form,
        lambda data: services.component_update(component=component, acting_user=user, data=data),
        _("Die Komponente wurde gespeichert."),
        "portal/status/component_form.html",
        title=_("Komponente bearbeiten"),
        component=component,
    )


@never_cache
@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = ComponentGroupForm(request.POST if request.method == "POST" else None)
    return _save_model_form(
        request,
        form,
        lambda data: services.component_group_create(acting_user=user, data=data),
        _("Die Gruppe wurde angelegt."),
        "portal/status/component_form.html",
        title=_("Gruppe anlegen"),
    )


@never_cache
@login_required
def group_edit(request: HttpRequest, pk: str) -> HttpResponse:
    user = _staff(request)
    group = _get(ComponentGroup, pk)
    if request.method == "POST" and "delete" in request.POST:
        try:
            services.component_group_delete(group=group, acting_user=user)
        except ApplicationError as error:
            show_refusal(request, error)
            return redirect("portal:status_group_edit", pk=group.pk)
        messages.success(request, _("Die Gruppe wurde gelöscht."))
        return redirect("portal:status_overview")
    form = (
        ComponentGroupForm(request.POST, instance=copy.copy(group))
        if request.method == "POST"
        else ComponentGroupForm(instance=group)
    )
    return _save_model_form(
        request,
        form,
        lambda data: services.component_group_update(group=group, acting_user=user, data=data),
        _("Die Gruppe wurde gespeichert."),
        "portal/status/component_form.html",
        title=_("Gruppe bearbeiten"),
        group=group,
    )


# Availability ---------------------------------------------------------------------------------


@login_required
def availability(request: HttpRequest) -> HttpResponse:
    """Availability per component for a year or any range, against 99.8 % (OPS-3)."""
    _viewer(request)
    now = timezone.now()
    form = AvailabilityForm(request.GET or None)
    year = now.astimezone(BERLIN).year
    start, end = year_bounds(year)
    label = str(year)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("start") and data.get("end"):
            start = dt.datetime.combine(data["start"], dt.time(0), tzinfo=BERLIN)
            end = dt.datetime.combine(data["end"] + dt.timedelta(days=1), dt.time(0), tzinfo=BERLIN)
            label = f"{data['start']:%d.%m.%Y}–{data['end']:%d.%m.%Y}"
        elif data.get("year"):
            year = data["year"]
            start, end = year_bounds(year)
            label = str(year)
    components = list(Component.objects.order_by("position", "name_de"))
    rows = []
    for component, result in zip(
        components, availability_report(components, start, end, now=now), strict=True
    ):
        rows.append(
            {
                "component": component,
                "percent": percent(result.ratio, "de", places=3),
                "downtime": format_duration(result.downtime_seconds, "de")
                if result.downtime_seconds
                else "–",
                "allowed": format_duration(result.allowed_downtime_seconds, "de"),
                "measured": format_duration(result.period_seconds, "de"),
                "meets": result.meets_target,
                "used": (
                    round(100 * result.downtime_seconds / result.allowed_downtime_seconds)
                    if result.allowed_downtime_seconds
                    else 0
                ),
            }
        )
    return render(
        request,
        "portal/status/availability.html",
        {
            "form": form,
            "rows": rows,
            "label": label,
            "target": percent(TARGET, "de", places=1),
        },
    )
