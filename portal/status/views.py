"""Staff and reseller pages of the status page (STA-1…STA-8, OPS-2, OPS-3, OPS-5): platform
staff create and edit components, open incidents and post their steps, schedule maintenance;
reseller admins read all of it, see availability and pass maintenance notices on to their
customers. Every other role finds nothing here (404, as for anything it may not see).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from portal.generic import ObjectEditView, ObjectFormView, delete_through
from portal.refusals import attempt
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
    from django.utils.functional import _StrOrPromise

    from provisioning.models import Account

T = TypeVar("T")

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


def _worded(form: BaseForm, action: Callable[[], T]) -> T | None:
    """Run ``action``; a broken maintenance rule goes beside its fields in the portal's words."""
    try:
        return action()
    except MaintenanceWindowError as error:
        for field, texts in window_messages(error).items():
            for text in texts:
                form.add_error(field if field in form.fields else None, text)
    return None


def _attempt(form: BaseForm, action: Callable[[], T]) -> T | None:
    """Run a status service for ``form`` (see ``portal.refusals.attempt``); None if refused."""
    return attempt(form, lambda: _worded(form, action))


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
            posted = _attempt(
                form,
                lambda: services.event_post_update(
                    event=event,
                    acting_user=user,
                    step=data["step"],
                    message_de=data["message_de"],
                    message_en=data["message_en"],
                    **extra,
                ),
            )
            if posted is not None:
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
        notice = _attempt(
            form,
            lambda: services.maintenance_notice_pass_on(
                event=event,
                acting_user=user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            ),
        )
        if notice is not None:
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


class StatusFormView(ObjectFormView):
    """A staff form of the status page. Status objects are the platform's, outside the tenant
    tree: staff reach every one, every other role none — so the page answers 404 before it
    looks the id up. A broken maintenance rule is worded per field (:func:`window_messages`)."""

    success_url = "portal:status_overview"

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Callable[..., HttpResponseBase]:
        return never_cache(super().as_view(**initkwargs))

    def get_object(self) -> Any:
        _staff(self.request)
        return _get(self.get_queryset(), self.kwargs["pk"]) if "pk" in self.kwargs else None

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        fields = form._meta.fields  # type: ignore[attr-defined]
        return {"data": {name: form.cleaned_data[name] for name in fields}}

    def submit(self, form: BaseForm) -> Any:
        submit = super().submit
        return _worded(form, lambda: submit(form))


class EventCreate(StatusFormView):
    """Open an incident or announce maintenance; then the event's page."""

    template_name = "portal/status/event_form.html"
    kind: ClassVar[str]
    fields: ClassVar[tuple[str, ...]]
    """What the service takes from the form besides the titles, messages and components."""

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        data = form.cleaned_data
        names = ("title_de", "title_en", "message_de", "message_en", *self.fields)
        return {"components": list(data["components"]), **{name: data[name] for name in names}}

    def get_success_url(self, result: Event) -> str:
        return reverse("portal:status_event", args=[result.pk])

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(kind=self.kind, **context)


class IncidentCreate(EventCreate):
    kind = EventKind.INCIDENT
    form_class = IncidentForm
    service = staticmethod(services.incident_open)
    fields = ("impact", "step", "estimated_fix_at")
    success_message = gettext_lazy("Die Störung ist veröffentlicht.")


class MaintenanceCreate(EventCreate):
    kind = EventKind.MAINTENANCE
    form_class = MaintenanceForm
    service = staticmethod(services.maintenance_schedule)
    fields = (
        "scheduled_start",
        "scheduled_end",
        "urgent",
        "urgent_reason",
        "urgent_explanation",
    )
    success_message = gettext_lazy(
        "Die Wartung ist angekündigt; alle Reseller wurden per E-Mail informiert."
    )


# Components -----------------------------------------------------------------------------------


class ComponentEditView(StatusFormView, ObjectEditView):
    """Add or edit a component or a group, then the overview; an existing one's delete button
    posts ``delete`` to the same page. ``titles`` are the page's title while adding and
    while editing."""

    parent_kwarg = None
    template_name = "portal/status/component_form.html"
    titles: ClassVar[tuple[_StrOrPromise, _StrOrPromise]]
    delete_service: ClassVar[Callable[..., Any]]
    deleted_message: ClassVar[_StrOrPromise]

    def handle(self) -> HttpResponse:
        if self.instance is not None and "delete" in self.request.POST:
            return delete_through(
                self.request,
                lambda: self.delete_service(
                    **{self.instance_kwarg: self.instance}, acting_user=self.account
                ),
                done=str(self.deleted_message),
                success_url=self.get_success_url(None),
                failure_url=self.request.path,
            )
        return super().handle()

    def get_form_kwargs(self) -> dict[str, Any]:
        # A bound form validates a copy, so the service still sees the old values to audit.
        return {**super().get_form_kwargs(), "instance": copy.copy(self.instance)}

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        title = self.titles[0 if self.adding else 1]
        return super().get_context_data(title=title, **context)


class ComponentEdit(ComponentEditView):
    queryset = Component.objects.all()
    instance_kwarg = "component"
    create_service = staticmethod(services.component_create)
    update_service = staticmethod(services.component_update)
    delete_service = staticmethod(services.component_delete)
    form_class = ComponentForm
    titles = (gettext_lazy("Komponente anlegen"), gettext_lazy("Komponente bearbeiten"))
    created_message = gettext_lazy("Die Komponente wurde angelegt.")
    success_message = gettext_lazy("Die Komponente wurde gespeichert.")
    deleted_message = gettext_lazy("Die Komponente wurde gelöscht.")


class GroupEdit(ComponentEditView):
    queryset = ComponentGroup.objects.all()
    instance_kwarg = "group"
    create_service = staticmethod(services.component_group_create)
    update_service = staticmethod(services.component_group_update)
    delete_service = staticmethod(services.component_group_delete)
    form_class = ComponentGroupForm
    titles = (gettext_lazy("Gruppe anlegen"), gettext_lazy("Gruppe bearbeiten"))
    created_message = gettext_lazy("Die Gruppe wurde angelegt.")
    success_message = gettext_lazy("Die Gruppe wurde gespeichert.")
    deleted_message = gettext_lazy("Die Gruppe wurde gelöscht.")


incident_create = IncidentCreate.as_view()
maintenance_create = MaintenanceCreate.as_view()
component_create = ComponentEdit.as_view(adding=True)
component_edit = ComponentEdit.as_view()
group_create = GroupEdit.as_view(adding=True)
group_edit = GroupEdit.as_view()


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
