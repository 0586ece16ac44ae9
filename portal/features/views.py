"""Pages of the call features (FEA-1 … FEA-6) and the call trace.

Objects come through ``provisioning.access`` (a foreign id is the same 404 as an unknown one);
writes go through ``provisioning.services``; the call trace uses the same selector as the API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.features.forms import (
    AudioUploadForm,
    CallTraceForm,
    HuntGroupForm,
    IvrMenuForm,
    OperatorForm,
    PhonebookEntryForm,
)
from portal.generic import CustomerObjectView, ObjectDeleteView, ObjectEditView, ObjectFormView
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
    return _configurable(user, get_for_user(visible_customers(user), user, pk))


def _configurable(account: Account, customer: Customer) -> Customer:
    if not can_manage_users(account, customer):
        raise PermissionDenied
    return customer


class FeaturePage(CustomerObjectView):
    """A page of a customer's call features: the URL names the customer or one of its
    features (through the chokepoint); the account must be allowed to configure them (403).
    After a success the page goes to ``success_url`` of the customer."""

    def check_permission(self) -> None:
        obj = self.object
        if isinstance(obj, Customer):
            self.customer = _configurable(self.account, obj)
        else:
            self.customer = _customer(self.request, obj.customer_id)

    def get_success_url(self, result: Any = None) -> str:
        return reverse(self.success_url, args=[self.customer.pk])


class FeatureFormView(FeaturePage, ObjectFormView):
    """A form of the call features; most take the customer (for its choices)."""

    customer_form: ClassVar[bool] = True

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.customer_form:
            kwargs["customer"] = self.customer
        return kwargs


class FeatureEditView(FeatureFormView, ObjectEditView):
    """Add (under the customer's URL) and change one kind of call feature."""

    parent_queryset = Customer.objects.all()


class FeatureDeleteView(FeaturePage, ObjectDeleteView):
    """The question before a feature is deleted, below the feature tabs."""

    header_template = "portal/features/_tabs.html"
    nested = True


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


class HuntGroupEdit(FeatureEditView):
    queryset = HuntGroup.objects.all()
    instance_kwarg = "group"
    create_service = staticmethod(services.hunt_group_create)
    update_service = staticmethod(services.hunt_group_update)
    form_class = HuntGroupForm
    template_name = T + "hunt_group_form.html"
    success_message = gettext_lazy("Die Gruppe wurde gespeichert.")
    success_url = "portal:feature_overview"

    def get_initial(self) -> dict[str, Any]:
        group = self.instance
        if group is None:
            return {"ring_seconds": 30, "member_ring_seconds": 15}
        return {
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


# IVR menus -----------------------------------------------------------------------------------


class IvrMenuEdit(FeatureEditView):
    queryset = IvrMenu.objects.all()
    instance_kwarg = "menu"
    create_service = staticmethod(services.ivr_menu_create)
    update_service = staticmethod(services.ivr_menu_update)
    form_class = IvrMenuForm
    template_name = T + "ivr_form.html"
    success_message = gettext_lazy("Das Sprachmenü wurde gespeichert.")
    success_url = "portal:feature_overview"

    def get_initial(self) -> dict[str, Any]:
        menu = self.instance
        if menu is None:
            return {}
        initial: dict[str, Any] = {
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
        return initial

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        form = context["form"]
        digit_fields = [form[IvrMenuForm.digit_field(d)] for d in "123456789*0#"]
        return super().get_context_data(digit_fields=digit_fields, **context)


# Operator ------------------------------------------------------------------------------------


class OperatorEdit(FeatureFormView):
    queryset = Customer.objects.all()
    object_kwarg = "customer"
    service = staticmethod(services.operator_update)
    form_class = OperatorForm
    template_name = T + "operator_form.html"
    success_message = gettext_lazy("Die Zentrale wurde gespeichert.")
    success_url = "portal:feature_overview"

    def get_initial(self) -> dict[str, Any]:
        settings = services.operator_get(customer=self.customer)
        if settings is None:
            return {"manual_mode": "auto", "holidays_are_night": True}
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
        return initial


# Audio ---------------------------------------------------------------------------------------


class AudioList(FeatureFormView):
    """The customer's audio files and the form to upload one."""

    queryset = Customer.objects.all()
    object_kwarg = "customer"
    service = staticmethod(services.audio_upload)
    form_class = AudioUploadForm
    customer_form = False
    files = True
    template_name = T + "audio.html"
    success_message = gettext_lazy("Die Audiodatei wurde hochgeladen.")
    success_url = "portal:feature_audio"

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        upload = form.cleaned_data["file"]
        return {
            "name": form.cleaned_data["name"],
            "kind": form.cleaned_data["kind"],
            "filename": upload.name or "",
            "data": upload.read(),
        }

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        files = AudioFile.objects.filter(customer=self.customer).order_by("name")
        return super().get_context_data(
            files=files, standard_music=STANDARD_MUSIC_ON_HOLD, **context
        )


@login_required
def audio_play(request: HttpRequest, pk: Any) -> FileResponse:
    audio = get_for_user(AudioFile, _account(request), pk)
    which = request.GET.get("version")
    stored = audio.telephony if which == "telephony" else audio.original
    content_type = "audio/mpeg" if (stored.name or "").endswith(".mp3") else "audio/wav"
    return FileResponse(stored.open("rb"), content_type=content_type)


# Phonebook -----------------------------------------------------------------------------------


class Phonebook(FeatureFormView):
    """The customer's shared phonebook: search by name and add an entry."""

    queryset = Customer.objects.all()
    service = staticmethod(services.phonebook_entry_create)
    form_class = PhonebookEntryForm
    customer_form = False
    template_name = T + "phonebook.html"
    success_message = gettext_lazy("Der Eintrag wurde gespeichert.")
    success_url = "portal:feature_phonebook"

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        return {**super().service_kwargs(form), "phonebook": self.book}

    @cached_property
    def book(self) -> Any:
        return services.phonebook_for(customer=self.customer)

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        query = self.request.GET.get("q", "").strip()[:100]
        entries = services.phonebook_search(customer=self.customer, prefix=query)
        return super().get_context_data(
            entries=entries.filter(phonebook=self.book)[:200], q=query, **context
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


hunt_group_create = HuntGroupEdit.as_view(adding=True)
hunt_group_edit = HuntGroupEdit.as_view()
ivr_menu_create = IvrMenuEdit.as_view(adding=True)
ivr_menu_edit = IvrMenuEdit.as_view()
operator_edit = OperatorEdit.as_view()
audio_list = AudioList.as_view()
phonebook = Phonebook.as_view()
