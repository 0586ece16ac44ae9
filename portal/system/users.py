"""Users of a customer's system: list, search, CSV import and export, edit, invitations, emergency
notices (LIC-4, LIC-5, TRK-4)."""

from __future__ import annotations

import copy
import csv
import re
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from portal.system.forms import (
    FEATURE_NAMES,
    USER_SORTS,
    CsvImportForm,
    UserFilterForm,
    UserForm,
)
from provisioning import audit, selectors, services, throttle
from provisioning.access import restrict
from provisioning.models import (
    Customer,
    Device,
    Subscriber,
)
from provisioning.services.users import CSV_COLUMNS
from telephony.entitlements import Feature, entitlements

if TYPE_CHECKING:
    from provisioning.models import Account


from portal import throttling
from portal.refusals import attempt, perform
from portal.system.common import (
    _account,
    _confirm_delete,
    _customer,
    _ensure,
    _extension_choices,
    _form_response,
    _is_htmx,
    _next_url,
    _owned,
    _page,
    _pending_notices,
    _site_of,
    _sites,
)

# Users ----------------------------------------------------------------------------------------


def _users(user: Account, customer: Customer) -> QuerySet[Subscriber]:
    return restrict(Subscriber.objects.filter(customer=customer), user).select_related(
        "site", "number", "customer"
    )


def _search(users: QuerySet[Subscriber], query: str) -> QuerySet[Subscriber]:
    compact = re.sub(r"[\s/()-]", "", query)
    condition = (
        Q(first_name__icontains=query)
        | Q(last_name__icontains=query)
        | Q(display_name__icontains=query)
        | Q(email__icontains=query)
    )
    if compact:
        condition |= Q(number__e164__contains=compact)
    parts = query.split()
    if len(parts) == 2:
        condition |= Q(first_name__icontains=parts[0], last_name__icontains=parts[1])
    return users.filter(condition)


def _filtered_users(
    request: HttpRequest, customer: Customer
) -> tuple[UserFilterForm, QuerySet[Subscriber], str]:
    user = _account(request)
    filters = UserFilterForm(request.GET or None, sites=_sites(user, customer))
    users = _users(user, customer)
    sort = "name"
    if filters.is_valid():
        data = filters.cleaned_data
        query = data["q"].strip()
        if query:
            users = _search(users, query)
        if data["site"]:
            users = users.filter(site=data["site"])
        if data["package"]:
            users = users.filter(package=data["package"])
        if data["active"]:
            users = users.filter(is_active=data["active"] == "1")
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
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="benutzer.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([*CSV_COLUMNS, "number"])
    rows = list(users.iterator(chunk_size=1000))
    if user.is_platform:
        audit.record_access(actor=user, instances=rows)
    for row in rows:
        writer.writerow(
            [
                row.first_name,
                row.last_name,
                row.email,
                row.site.name,
                row.number.extension,
                row.package,
                row.works_at,
                row.number.e164,
            ]
        )
    return response


def _user_form(
    request: HttpRequest,
    customer: Customer,
    *,
    instance: Subscriber | None = None,
) -> UserForm:
    """The user form, offering the free extensions of the chosen site. A POST with ``refresh``
    (the no-JS button next to the site) only reloads the extensions."""
    user = _account(request)
    sites = _sites(user, customer)
    data = request.POST if request.method == "POST" and "refresh" not in request.POST else None
    source = request.POST if request.method == "POST" else request.GET
    site = _site_of(user, customer, source.get("site"))
    if site is None:
        site = instance.site if instance else sites.first()
    initial: dict[str, Any] = {}
    if instance is not None:
        initial = {"extension": instance.extension, "fax_extension": instance.fax_extension}
    if request.method == "POST" and data is None:
        # Keep what was typed, drop the extensions of the previous site.
        initial = {k: v for k, v in request.POST.items() if k not in {"extension", "fax_extension"}}
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


def _user_create_form(
    request: HttpRequest, customer: Customer
) -> tuple[UserForm, Subscriber | None]:
    user = _account(request)
    form = _user_form(request, customer)
    subscriber = None
    if form.is_bound and form.is_valid():
        subscriber = attempt(
            form,
            lambda: services.user_create(
                customer=customer, acting_user=user, data=form.service_data()
            ),
        )
        if subscriber is not None:
            messages.success(
                request,
                _("Der Benutzer %(name)s hat die Rufnummer %(number)s.")
                % {"name": subscriber.name, "number": subscriber.number.e164},
            )
    return form, subscriber


@login_required
def user_create(request: HttpRequest, pk: str) -> HttpResponse:
    customer, access = _customer(request, pk)
    _ensure(access.may_manage)
    form, subscriber = _user_create_form(request, customer)
    if subscriber is not None:
        if "another" in request.POST:
            return redirect("portal:user_create", pk=customer.pk)
        return redirect("portal:user_detail", pk=subscriber.pk)
    context = {"customer": customer, "access": access, "form": form, "subscriber": None}
    return _form_response(request, "portal/system/user_form.html", context, form)


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


@login_required
def user_edit(request: HttpRequest, pk: str) -> HttpResponse:
    subscriber, access = _owned(
        request, Subscriber.objects.select_related("site", "number", "fax_number"), pk
    )
    _ensure(access.may_manage)
    user = _account(request)
    customer = subscriber.customer
    form = _user_form(request, customer, instance=subscriber)
    if form.is_bound and form.is_valid():
        saved = attempt(
            form,
            lambda: services.user_update(
                subscriber=subscriber, acting_user=user, data=form.service_data()
            ),
        )
        if saved is not None:
            messages.success(request, _("Die Änderungen wurden gespeichert."))
            return redirect("portal:user_detail", pk=subscriber.pk)
        subscriber.refresh_from_db()
    context = {"customer": customer, "access": access, "form": form, "subscriber": subscriber}
    return _form_response(request, "portal/system/user_form.html", context, form)


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


@login_required
def user_delete(request: HttpRequest, pk: str) -> HttpResponse:
    subscriber, access = _owned(request, Subscriber.objects.select_related("number"), pk)
    _ensure(access.may_manage)
    user = _account(request)
    detail = reverse("portal:user_detail", args=[subscriber.pk])
    return _confirm_delete(
        request,
        customer=subscriber.customer,
        access=access,
        delete=lambda: services.user_delete(subscriber=subscriber, acting_user=user),
        done=_("Der Benutzer %(name)s wurde gelöscht.") % {"name": subscriber.name},
        title=_("Benutzer löschen"),
        question=_(
            "Soll %(name)s gelöscht werden? Die Rufnummer %(number)s wird frei, die "
            "Paketlizenz endet, zugeordnete Geräte bleiben ohne Benutzer am Standort."
        )
        % {"name": subscriber.name, "number": subscriber.number.e164},
        cancel_url=detail,
        success_url=reverse("portal:user_list", args=[subscriber.customer_id]),
        failure_url=detail,
    )


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


@login_required
def user_import(request: HttpRequest, pk: str) -> HttpResponse:
    """Upload a CSV of users: all rows are checked first; any error imports nothing and the
    errors are listed per row."""
    customer, access = _customer(request, pk)
    _ensure(access.may_manage)
    user = _account(request)
    form = CsvImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    rows: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["file"]
        report = attempt(
            form,
            lambda: services.users_import_csv(customer=customer, acting_user=user, text=text),
        )
        if report is not None and report.ok:
            messages.success(
                request,
                _("%(count)s Benutzer wurden importiert.") % {"count": report.created},
            )
            return redirect("portal:user_list", pk=customer.pk)
        if report is not None:
            for line, errors in sorted(report.errors.items()):
                for column, texts in sorted(errors.items()):
                    rows.append(
                        {
                            "line": line,
                            "column": _column_label(column),
                            "messages": [_row_message(t) for t in texts],
                        }
                    )
            form.add_error(
                None,
                _("%(count)s Zeilen sind fehlerhaft; es wurde nichts importiert.")
                % {"count": len(report.errors)},
            )
    context = {
        "customer": customer,
        "access": access,
        "form": form,
        "rows": rows,
        "columns": CSV_COLUMNS,
    }
    return _form_response(request, "portal/system/user_import.html", context, form)


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
