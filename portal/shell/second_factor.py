"""The second factor in the portal (TEN-4): the login's second step, enrolment (at login where
a factor is required, or from the profile where it is optional), the recovery codes shown
once, and platform staff resetting another login's factor.

After the password, :func:`begin` keeps only the account's id in the session — nobody is
logged in until the code matched. Failed codes count against the same limits as failed
passwords (``provisioning.throttle``)."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from portal import throttling
from provisioning import throttle
from provisioning.errors import ApplicationError
from provisioning.models import Account
from provisioning.permissions import (
    can_reset_second_factors,
    may_reset_second_factor,
    may_use_second_factor,
    needs_second_factor,
)
from provisioning.services import second_factor as factors

PENDING = "second_factor_pending"
NEW_CODES = "second_factor_new_codes"
PENDING_SECONDS = 300
CODE_THROTTLED = gettext_lazy(
    "Zu viele falsche Codes. Bitte versuchen Sie es ab %(time)s Uhr erneut."
)
WRONG_CODE = gettext_lazy("Der Code stimmt nicht.")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        help_text=gettext_lazy(
            "Sechs Ziffern aus Ihrer Authenticator-App oder ein Wiederherstellungscode."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class ResetForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Benutzername"), max_length=150)


def asks_for_code(account: Account) -> bool:
    """Whether the login needs a second step: a factor is required, or one is enrolled."""
    return needs_second_factor(account) or factors.confirmed_factor(account) is not None


def begin(request: HttpRequest, account: Account, next_url: str) -> HttpResponse:
    """After the password: remember who is halfway logged in, ask for the code (or enrol)."""
    request.session[PENDING] = {
        "account": account.pk,
        "backend": getattr(account, "backend", ""),
        "next": next_url,
        "until": time.time() + PENDING_SECONDS,
    }
    if factors.confirmed_factor(account) is None:
        return redirect("portal:login_enrol")
    return redirect("portal:login_code")


def _pending(request: HttpRequest) -> tuple[Account, dict[str, Any]] | None:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or pending.get("until", 0) < time.time():
        return None
    account = Account.objects.filter(pk=pending.get("account", 0), is_active=True).first()
    return (account, pending) if account is not None else None


def _finish(request: HttpRequest, account: Account, pending: dict[str, Any]) -> HttpResponse:
    request.session.pop(PENDING, None)
    throttle.login_succeeded(account.get_username())
    auth_login(request, account, backend=pending.get("backend") or None)
    return HttpResponseRedirect(pending.get("next") or "/")


@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step: six digits from the app, or a recovery code (used up)."""
    found = _pending(request)
    if found is None:
        return redirect("portal:login")
    account, pending = found
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        username, ip = account.get_username(), throttle.client_ip(request)
        seconds = throttle.login_wait(username, ip)
        if seconds:
            page = render(request, "portal/account/login_code.html", {"form": CodeForm()})
            return throttling.refuse(request, page, seconds, CODE_THROTTLED)
        if form.is_valid() and factors.second_factor_check(
            account=account, code=form.cleaned_data["code"]
        ):
            return _finish(request, account, pending)
        throttle.login_failed(username, ip)
        if form.is_valid():
            form.add_error("code", WRONG_CODE)
    return render(request, "portal/account/login_code.html", {"form": form})


def _enrol(request: HttpRequest, account: Account, template: str) -> tuple[HttpResponse, bool]:
    """The enrolment page; ``True`` once the first code matched (recovery codes are then in
    the session for one showing)."""
    form = CodeForm(request.POST or None)
    factor = account.second_factor if hasattr(account, "second_factor") else None
    if request.method == "POST" and factor is not None and form.is_valid():
        try:
            codes = factors.second_factor_confirm(account=account, code=form.cleaned_data["code"])
        except ApplicationError:
            throttle.login_failed(account.get_username(), throttle.client_ip(request))
            form.add_error("code", WRONG_CODE)
        else:
            request.session[NEW_CODES] = codes
            return redirect("portal:second_factor_codes"), True
    if factor is None or request.method == "GET":
        factor = factors.second_factor_start(account=account)
    context = {
        "form": form,
        "secret": factors.plain_secret(factor),
        "uri": factors.provisioning_uri(factor),
    }
    return render(request, template, context), False


@never_cache
def login_enrol(request: HttpRequest) -> HttpResponse:
    """A login whose factor is required but missing enrols before it is logged in."""
    found = _pending(request)
    if found is None:
        return redirect("portal:login")
    account, pending = found
    if factors.confirmed_factor(account) is not None:
        return redirect("portal:login_code")
    response, done = _enrol(request, account, "portal/account/second_factor_enrol.html")
    if done:
        codes = request.session.get(NEW_CODES)
        _finish(request, account, pending)
        request.session[NEW_CODES] = codes
    return response


@never_cache
@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """The profile's second-factor page: status and, where none is enrolled, enrolment."""
    account: Account = request.user  # type: ignore[assignment]
    if not may_use_second_factor(account):
        raise PermissionDenied
    factor = factors.confirmed_factor(account)
    if factor is not None:
        context = {
            "factor": factor,
            "codes_left": factors.recovery_codes_left(account),
            "required": needs_second_factor(account),
            "may_reset": can_reset_second_factors(account),
        }
        return render(request, "portal/account/second_factor.html", context)
    return _enrol(request, account, "portal/account/second_factor_enrol.html")[0]


@never_cache
@login_required
def second_factor_codes(request: HttpRequest) -> HttpResponse:
    """The ten recovery codes, shown once right after enrolment."""
    codes = request.session.pop(NEW_CODES, None)
    if not codes:
        return redirect("portal:second_factor")
    return render(request, "portal/account/second_factor_codes.html", {"codes": codes})


@never_cache
@login_required
def second_factor_reset(request: HttpRequest) -> HttpResponse:
    """Platform staff remove another login's factor (a lost phone); audited."""
    actor: Account = request.user  # type: ignore[assignment]
    if not can_reset_second_factors(actor):
        raise PermissionDenied
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = Account.objects.filter(username=form.cleaned_data["username"]).first()
        if target is None or factors.confirmed_factor(target) is None:
            form.add_error("username", _("Dieser Zugang hat keinen zweiten Faktor."))
        elif not may_reset_second_factor(actor, target):
            form.add_error("username", _("Den eigenen zweiten Faktor setzt ein Kollege zurück."))
        else:
            factors.second_factor_reset(account=target, acting_user=actor)
            messages.success(
                request,
                _("Der zweite Faktor von %(username)s ist zurückgesetzt.")
                % {"username": target.get_username()},
            )
            return redirect("portal:second_factor_reset")
    return render(request, "portal/account/second_factor_reset.html", {"form": form})


__all__ = ["asks_for_code", "begin"]
