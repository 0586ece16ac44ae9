"""The end user's own pages: phone, forwarding and voicemail, hot-desk logins and private
phonebook (FEA-6 … FEA-9, FEA-12)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.features.forms import (
    IMPORT_FIELD_MESSAGES,
    HotdeskLoginForm,
    PhonebookEntryForm,
    PhonebookImportForm,
)
from portal.features.people import _calls_page
from portal.features.views import _account
from portal.generic import ObjectDeleteView
from portal.refusals import attempt, perform
from portal.system.common import _form_response
from portal.system.forms import (
    OwnProfileForm,
)
from portal.system.users import _entitlement_rows
from provisioning import services
from provisioning.access import get_for_user, restrict
from provisioning.downloads import csv_attachment
from provisioning.models import (
    Device,
    HotDeskLogin,
    PhonebookEntry,
    Subscriber,
)
from telephony.entitlements import Feature, is_entitled

if TYPE_CHECKING:
    from django.forms import Form

T = "portal/features/more/"


# The end user's own phone ---------------------------------------------------------------------


@login_required
def my_phone(request: HttpRequest) -> HttpResponse:
    """An end user's number, package, entitlements and devices; they set their display name."""
    user = _account(request)
    subscriber = (
        restrict(Subscriber.objects.filter(account_id=user.pk), user)
        .select_related("site", "number", "customer")
        .first()
    )
    if subscriber is None:
        return render(request, "portal/system/my_phone.html", {"subscriber": None})
    read_only = subscriber.customer.is_suspended
    form = OwnProfileForm(
        request.POST if request.method == "POST" else None,
        initial={"display_name": subscriber.display_name},
    )
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.user_update_own_profile(
                subscriber=subscriber,
                acting_user=user,
                display_name=form.cleaned_data["display_name"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Ihr Anzeigename wurde gespeichert."))
            return redirect("portal:my_phone")
    context = {
        "subscriber": subscriber,
        "form": form,
        "read_only": read_only,
        "entitlements": _entitlement_rows(subscriber.package),
        "devices": restrict(Device.objects.filter(subscriber=subscriber), user).select_related(
            "site"
        ),
    }
    return _form_response(request, "portal/system/my_phone.html", context, form)


# End users: their own settings ---------------------------------------------------------------


def _me(request: HttpRequest) -> Subscriber | None:
    """The signed-in account's own user of the telephone system (None: no number yet)."""
    user = _account(request)
    return (
        restrict(Subscriber.objects.filter(account_id=user.pk), user)
        .select_related("customer", "number", "site")
        .first()
    )


def _no_phone(request: HttpRequest) -> HttpResponse:
    return render(request, T + "my_no_phone.html", {})


@login_required
def my_calls(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if me is None:
        return _no_phone(request)
    back = request.path
    return _calls_page(request, me, T + "my_calls.html", back, {"tab": "calls"})


@login_required
def my_hotdesk(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if me is None:
        return _no_phone(request)
    user = _account(request)
    form = HotdeskLoginForm(
        request.POST if request.method == "POST" else None, customer=me.customer
    )
    if request.method == "POST" and form.is_valid():
        device = form.cleaned_data["device"]
        saved = attempt(
            form,
            lambda: services.hotdesk_login(device=device, subscriber=me, acting_user=user),
        )
        if saved is not None:
            messages.success(request, _("Sie sind an diesem Telefon angemeldet."))
            return redirect("portal:my_hotdesk")
    logins = HotDeskLogin.objects.filter(subscriber=me, subscriber__account_id=user.pk)
    return render(
        request,
        T + "my_hotdesk.html",
        {
            "tab": "hotdesk",
            "subscriber": me,
            "form": form,
            "logins": logins.select_related("device__site"),
            "allowed": is_entitled(me.package, Feature.HOT_DESKING),
            "read_only": me.customer.is_suspended,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def my_hotdesk_logout(request: HttpRequest, pk: Any) -> HttpResponse:
    user = _account(request)
    mine = HotDeskLogin.objects.filter(subscriber__account_id=user.pk)
    login = get_for_user(mine.select_related("subscriber__customer"), user, pk)
    perform(
        request,
        lambda: services.hotdesk_logout(login=login, acting_user=user),
        _("Sie wurden von diesem Telefon abgemeldet."),
    )
    return redirect("portal:my_hotdesk")


@login_required
def my_phonebook(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if me is None:
        return _no_phone(request)
    user = _account(request)
    book = services.phonebook_for(customer=me.customer, owner=me)
    form = PhonebookEntryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        saved = attempt(
            form,
            lambda: services.phonebook_entry_create(phonebook=book, acting_user=user, data=data),
        )
        if saved is not None:
            messages.success(request, _("Der Eintrag wurde gespeichert."))
            return redirect("portal:my_phonebook")
    query = request.GET.get("q", "").strip()[:100]
    entries = services.phonebook_search(customer=me.customer, prefix=query, owner=me).filter(
        phonebook=book
    )
    return render(
        request,
        T + "my_phonebook.html",
        {
            "tab": "phonebook",
            "subscriber": me,
            "form": form,
            "import_form": PhonebookImportForm(),
            "entries": entries[:500],
            "q": query,
            "read_only": me.customer.is_suspended,
        },
        status=400 if form.errors else 200,
    )


@login_required
def my_phonebook_export(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if me is None:
        return _no_phone(request)
    book = services.phonebook_for(customer=me.customer, owner=me)
    return csv_attachment(services.phonebook_export_csv(phonebook=book), filename="telefonbuch.csv")


@login_required
def my_phonebook_import(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if me is None:
        return _no_phone(request)
    user = _account(request)
    form = PhonebookImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    rows: list[tuple[int, list[str]]] = []
    if request.method == "POST" and form.is_valid():
        text = form.text()
        if text is not None:
            book = services.phonebook_for(customer=me.customer, owner=me)
            report = attempt(
                form,
                lambda: services.phonebook_import_csv(phonebook=book, acting_user=user, text=text),
            )
            if report is not None and report.ok:
                messages.success(
                    request,
                    _("%(n)s Einträge wurden importiert.") % {"n": report.created},
                )
                return redirect("portal:my_phonebook")
            if report is not None:
                rows = [
                    (line, [str(IMPORT_FIELD_MESSAGES.get(name, name)) for name in errors])
                    for line, errors in sorted(report.errors.items())
                ]
                form.add_error(None, _("Nichts wurde importiert. Bitte korrigieren Sie die Datei."))
    return render(
        request,
        T + "my_phonebook_import.html",
        {"tab": "phonebook", "subscriber": me, "form": form, "rows": rows},
        status=400 if form.errors else 200,
    )


def _my_entry(request: HttpRequest, pk: Any) -> PhonebookEntry:
    """An entry of the signed-in account's private phonebook, else 404."""
    user = _account(request)
    mine = PhonebookEntry.objects.filter(phonebook__owner__account_id=user.pk)
    return get_for_user(mine.select_related("phonebook__owner__customer"), user, pk)


@login_required
def my_phonebook_entry_edit(request: HttpRequest, pk: Any) -> HttpResponse:
    entry = _my_entry(request, pk)
    initial = {
        "name": entry.name,
        "company": entry.company,
        "numbers": ", ".join(n.e164 for n in entry.numbers.all()),
    }
    form: Form = PhonebookEntryForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()  # type: ignore[attr-defined]
        user = _account(request)
        saved = attempt(
            form,
            lambda: services.phonebook_entry_update(entry=entry, acting_user=user, data=data),
        )
        if saved is not None:
            messages.success(request, _("Der Eintrag wurde gespeichert."))
            return redirect("portal:my_phonebook")
    return render(
        request,
        T + "my_phonebook_entry.html",
        {"tab": "phonebook", "form": form, "entry": entry},
        status=400 if form.errors else 200,
    )


class MyPhonebookEntryDelete(ObjectDeleteView):
    """The question before an entry of the own private phonebook is deleted."""

    header_template = T + "_me_tabs.html"
    nested = True
    service = staticmethod(services.phonebook_entry_delete)
    object_kwarg = "entry"
    done = gettext_lazy("Der Eintrag wurde gelöscht.")
    success_url = "portal:my_phonebook"

    def get_object(self) -> PhonebookEntry:
        return _my_entry(self.request, self.kwargs["pk"])

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(tab="phonebook", **context)


my_phonebook_entry_delete = MyPhonebookEntryDelete.as_view()
