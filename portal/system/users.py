"""Users of a customer's system: list, search, CSV import and export, edit, invitations, emergency
notices (LIC-4, LIC-5, TRK-4)."""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST

from portal import throttling
from portal.refusals import perform
from portal.system.common import (
    SystemDeleteView,
    SystemEditView,
    SystemFormView,
    _account,
    _customer,
    _ensure,
    _extension_choices,
    _is_htmx,
    _next_url,
    _owned,
    _page,
    _pending_notices,
    _site_of,
    _sites,
)
from portal.system.forms import (
    FEATURE_NAMES,
    USER_SORTS,
    CsvImportForm,
    UserFilterForm,
    UserForm,
)
from provisioning import audit, selectors, services, throttle
from provisioning.access import restrict
from provisioning.downloads import users_csv
from provisioning.filters import SubscriberFilter
from provisioning.models import Customer, Device, Subscriber
from provisioning.services.users import CSV_COLUMNS
from telephony.entitlements import Feature, entitlements

if TYPE_CHECKING:
    from provisioning.models import Account

# Users ----------------------------------------------------------------------------------------


def _users(user: Account, customer: Customer) -> QuerySet[Subscriber]:
    return restrict(Subscriber.objects.filter(customer=customer), user).select_related(
        "site", "number", "customer"
    )


def _filtered_users(
    request: HttpRequest, customer: Customer
) -> tuple[UserFilterForm, QuerySet[Subscriber], str]:
    user = _account(request)
    filters = UserFilterForm(request.GET or None, sites=_sites(user, customer))
    users = _users(user, customer)
    sort = "name"
    if filters.is_valid():
        data = filters.cleaned_data
        site = data["site"]
        search = {
            "q": data["q"],
            "site": site.pk if site else "",
            "package": data["package"],
            "is_active": {"1": "true", "0": "false"}.get(data["active"], ""),
        }
        users = SubscriberFilter(search, queryset=users).qs
        sort = data["sort"] or "name"
    return filters, users.order_by(*USER_SORTS[sort], "pk"), sort


@login_required
def user_list(request: HttpRequest, pk: str) -> HttpResponse:
    """Users of a customer: searchable, filterable, sortable, 50 a page (fast at 5,000)."""
    customer, access = _customer(request, pk)
    filters, users, sort = _filtered_users(request, customer)
    context = {
        "customer": customer,
        "access": access,
        "filters": filters,
        "page": _page(request, users),
        "sort": sort,
    }
    template = "portal/system/_user_results.html" if _is_htmx(request) else None
    response = render(request, template or "portal/system/user_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def user_export(request: HttpRequest, pk: str) -> HttpResponse:
    """The (filtered) users as CSV in the import format, plus the full number."""
    customer = _customer(request, pk)[0]
    users = _filtered_users(request, customer)[1]
    user = _account(request)
    rows = list(users.iterator(chunk_size=1000))
    if user.is_platform:
        audit.record_access(actor=user, instances=rows)
    return users_csv(rows)


class UserEdit(SystemEditView):
    """A user of the system, with the free extensions of the chosen site on offer. A POST with
    ``refresh`` (the no-JS button next to the site) only reloads the extensions."""

    right = "may_manage"
    queryset = Subscriber.objects.select_related("site", "number", "fax_number")
    instance_kwarg = "subscriber"
    create_service = staticmethod(services.user_create)
    update_service = staticmethod(services.user_update)
    form_class = UserForm
    template_name = "portal/system/user_form.html"

    def get_form(self) -> UserForm:
        request, customer, instance = self.request, self.customer, self.instance
        user = self.account
        sites = _sites(user, customer)
        posted = request.method == "POST"
        data = request.POST if posted and "refresh" not in request.POST else None
        site = _site_of(user, customer, (request.POST if posted else request.GET).get("site"))
        if site is None:
            site = instance.site if instance else sites.first()
        initial: dict[str, Any] = {}
        if instance is not None:
            initial = {"extension": instance.extension, "fax_extension": instance.fax_extension}
        if posted and data is None:
            # Keep what was typed, drop the extensions of the previous site.
            initial = {
                k: v for k, v in request.POST.items() if k not in {"extension", "fax_extension"}
            }
            initial["voicemail_enabled"] = "voicemail_enabled" in request.POST
        if site is not None:
            initial["site"] = site.pk
        form = UserForm(
            data,
            instance=copy.copy(instance) if instance else Subscriber(customer=customer),
            initial=initial,
            sites=sites,
            extensions=_extension_choices(site),
        )
        form.fields["site"].widget.attrs.update(
            {
                "hx-get": reverse("portal:user_extensions", args=[customer.pk]),
                "hx-target": "#extension-fields",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        )
        return form

    def get_success_message(self, result: Subscriber) -> str:
        if not self.adding:
            return super().get_success_message(result)
        return _("Der Benutzer %(name)s hat die Rufnummer %(number)s.") % {
            "name": result.name,
            "number": result.number.e164,
        }

    def get_success_url(self, result: Subscriber) -> str:
        if self.adding and "another" in self.request.POST:
            return reverse("portal:user_create", args=[self.customer.pk])
        return reverse("portal:user_detail", args=[result.pk])


@login_required
def user_extensions(request: HttpRequest, pk: str) -> HttpResponse:
    """The extension fields for the site chosen in the user form (htmx)."""
    customer, access = _customer(request, pk)
    _ensure(access.may_manage)
    user = _account(request)
    site_id = request.GET.get("site")
    site = _site_of(user, customer, site_id) if site_id else _sites(user, customer).first()
    if site_id and site is None:
        raise Http404
    form = UserForm(
        initial={"site": site.pk if site else None},
        sites=_sites(user, customer),
        extensions=_extension_choices(site),
    )
    return render(request, "portal/system/_extension_fields.html", {"form": form})


@login_required
def user_detail(request: HttpRequest, pk: str) -> HttpResponse:
    subscriber, access = _owned(
        request, Subscriber.objects.select_related("site", "number", "fax_number"), pk
    )
    user = _account(request)
    context = {
        "customer": subscriber.customer,
        "access": access,
        "subscriber": subscriber,
        "entitlements": _entitlement_rows(subscriber.package),
        "route": selectors.emergency_route(subscriber=subscriber),
        "devices": restrict(Device.objects.filter(subscriber=subscriber), user).select_related(
            "site"
        ),
    }
    return render(request, "portal/system/user_detail.html", context)


def _entitlement_rows(package: str) -> list[tuple[str, bool]]:
    included = entitlements(package)
    return [(str(FEATURE_NAMES[f]), included[f.value]) for f in Feature]


def _set_active(request: HttpRequest, pk: str, active: bool) -> HttpResponse:
    subscriber, access = _owned(request, Subscriber.objects.all(), pk)
    _ensure(access.may_manage)
    user = _account(request)
    done = (_("%(name)s ist wieder aktiv.") if active else _("%(name)s ist deaktiviert.")) % {
        "name": subscriber.name
    }
    perform(
        request,
        lambda: services.user_set_active(subscriber=subscriber, acting_user=user, active=active),
        done,
    )
    return redirect(_next_url(request, reverse("portal:user_detail", args=[subscriber.pk])))


@login_required
@require_POST
def user_deactivate(request: HttpRequest, pk: str) -> HttpResponse:
    return _set_active(request, pk, False)


@login_required
@require_POST
def user_activate(request: HttpRequest, pk: str) -> HttpResponse:
    return _set_active(request, pk, True)


class UserDelete(SystemDeleteView):
    right = "may_manage"
    queryset = Subscriber.objects.select_related("number")
    service = staticmethod(services.user_delete)
    object_kwarg = "subscriber"
    title = gettext_lazy("Benutzer löschen")
    question = gettext_lazy(
        "Soll %(name)s gelöscht werden? Die Rufnummer %(number)s wird frei, die "
        "Paketlizenz endet, zugeordnete Geräte bleiben ohne Benutzer am Standort."
    )
    done = gettext_lazy("Der Benutzer %(name)s wurde gelöscht.")

    def params(self) -> dict[str, Any]:
        return {"name": self.object.name, "number": self.object.number.e164}

    def get_success_url(self, result: Any = None) -> str:
        return reverse("portal:user_list", args=[self.customer.pk])

    def get_back_url(self) -> str:
        return reverse("portal:user_detail", args=[self.object.pk])


# CSV import -----------------------------------------------------------------------------------

# The services answer in English; the row table speaks the portal's language.
_ROW_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Unknown site '(?P<v>.*)'\.$"), gettext_noop("Unbekannter Standort „%(v)s“.")),
    (
        re.compile(r"^Same extension as row (?P<v>\d+)\.$"),
        gettext_noop("Gleiche Durchwahl wie Zeile %(v)s."),
    ),
    (re.compile(r"^Missing columns: (?P<v>.*)\.$"), gettext_noop("Es fehlen Spalten: %(v)s.")),
    (
        re.compile(r"^(?P<v>\+\d+) is already assigned\.$"),
        gettext_noop("%(v)s ist bereits vergeben."),
    ),
    (
        re.compile(r"^Not in a number block of the trunk of site (?P<v>.*)\.$"),
        gettext_noop("Nicht in einem Rufnummernblock des SIP-Trunks von „%(v)s“."),
    ),
    (
        re.compile(r"^Extension 0 is the main number\.$"),
        gettext_noop("Die Durchwahl 0 ist die Zentrale und wird nicht vergeben."),
    ),
    (
        re.compile(r"^A demo customer has at most (?P<v>\d+) users\.$"),
        gettext_noop("Eine Demo umfasst höchstens %(v)s Benutzer."),
    ),
]


def _row_message(text: str) -> str:
    for pattern, german in _ROW_MESSAGES:
        match = pattern.match(text)
        if match:
            return _(german) % match.groupdict()
    return text


def _column_label(name: str) -> str:
    labels = {
        "first_name": _("Vorname"),
        "last_name": _("Nachname"),
        "email": _("E-Mail"),
        "site": _("Standort"),
        "extension": _("Durchwahl"),
        "package": _("Paket"),
        "works_at": _("Arbeitsort"),
        "header": _("Kopfzeile"),
        "file": _("Datei"),
        "row": _("Zeile"),
    }
    return labels.get(name, name)


class UserImport(SystemFormView):
    """Upload a CSV of users: all rows are checked first; any error imports nothing and the
    errors are listed per row."""

    right = "may_manage"
    queryset = Customer.objects.all()
    template_name = "portal/system/user_import.html"
    form_class = CsvImportForm
    files = True
    service = staticmethod(services.users_import_csv)
    object_kwarg = "customer"
    rows: list[dict[str, Any]] = []

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        return {"text": form.cleaned_data["file"]}

    def form_done(self, form: BaseForm, result: Any) -> HttpResponse:
        if result.ok:
            return super().form_done(form, result)
        self.rows = [
            {
                "line": line,
                "column": _column_label(column),
                "messages": [_row_message(t) for t in texts],
            }
            for line, errors in sorted(result.errors.items())
            for column, texts in sorted(errors.items())
        ]
        form.add_error(
            None,
            _("%(count)s Zeilen sind fehlerhaft; es wurde nichts importiert.")
            % {"count": len(result.errors)},
        )
        return self.render_form(form)

    def get_success_message(self, result: Any) -> str:
        return _("%(count)s Benutzer wurden importiert.") % {"count": result.created}

    def get_success_url(self, result: Any) -> str:
        return reverse("portal:user_list", args=[self.customer.pk])

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(rows=self.rows, columns=CSV_COLUMNS, **context)


# Emergency notices (TRK-4) --------------------------------------------------------------------


@login_required
def emergency_notices(request: HttpRequest, pk: str) -> HttpResponse:
    customer, access = _customer(request, pk)
    user = _account(request)
    pending = _pending_notices(user, customer).order_by("last_name", "first_name", "pk")
    confirmed = (
        _users(user, customer)
        .exclude(works_at="site")
        .filter(emergency_notice_confirmed_at__isnull=False)
        .order_by("-emergency_notice_confirmed_at")[:20]
    )
    return render(
        request,
        "portal/system/emergency_notices.html",
        {
            "customer": customer,
            "access": access,
            "page": _page(request, pending),
            "confirmed": confirmed,
        },
    )


@login_required
def emergency_banner(request: HttpRequest, pk: str) -> HttpResponse:
    """The warning about missing emergency notices, loaded into the dashboard (htmx)."""
    customer = _customer(request, pk)[0]
    count = _pending_notices(_account(request), customer).count()
    return render(
        request,
        "portal/system/_emergency_banner.html",
        {"customer": customer, "pending_count": count},
    )


@login_required
@require_POST
def user_confirm_notice(request: HttpRequest, pk: str) -> HttpResponse:
    subscriber, access = _owned(request, Subscriber.objects.all(), pk)
    _ensure(access.may_manage)
    user = _account(request)
    perform(
        request,
        lambda: services.user_confirm_emergency_notice(subscriber=subscriber, acting_user=user),
        _("Bestätigt: %(name)s wurde auf andere Wege für Notrufe hingewiesen.")
        % {"name": subscriber.name},
    )
    return redirect(_next_url(request, reverse("portal:user_detail", args=[subscriber.pk])))


@login_required
@require_POST
def user_invite(request: HttpRequest, pk: str) -> HttpResponse:
    """Give the user an end-user login and mail the link to set its password."""
    subscriber, access = _owned(request, Subscriber.objects.all(), pk)
    _ensure(access.may_manage)
    back = _next_url(request, reverse("portal:user_detail", args=[subscriber.pk]))
    seconds = throttle.invite_wait(subscriber.email, throttle.client_ip(request))
    if seconds:
        text = _("Zu viele Einladungen. Bitte versuchen Sie es ab %(time)s Uhr erneut.")
        return throttling.refuse_page(request, seconds, text, back)
    user = _account(request)
    perform(
        request,
        lambda: services.user_invite(subscriber=subscriber, acting_user=user),
        _("%(email)s hat einen Link zum Festlegen des Passworts erhalten.")
        % {"email": subscriber.email},
    )
    return redirect(_next_url(request, reverse("portal:user_detail", args=[subscriber.pk])))


user_create = UserEdit.as_view(adding=True)
user_edit = UserEdit.as_view()
user_delete = UserDelete.as_view()
user_import = UserImport.as_view()
