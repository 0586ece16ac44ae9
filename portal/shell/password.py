"""Setting a forgotten password, and the first password of an invited end user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from portal import throttling
from provisioning import throttle

RESET_THROTTLED = _(
    "Zu viele Anfragen für diese Adresse. Bitte versuchen Sie es ab %(time)s Uhr erneut."
)


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for the e-mail address and mails a link; says the same whether or not the address
    has a login, so the form reveals nothing. Requests are limited per address and per client
    IP (``provisioning.throttle``), whether or not the address has a login."""

    template_name = "portal/account/password_reset.html"
    email_template_name = "portal/account/password_reset_email.txt"
    subject_template_name = "portal/account/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        seconds = throttle.reset_wait(form.cleaned_data["email"], throttle.client_ip(self.request))
        if seconds:
            return throttling.refuse(
                self.request,
                self.render_to_response(self.get_context_data(form=form)),
                seconds,
                RESET_THROTTLED,
            )
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/account/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/account/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/account/password_reset_complete.html"
