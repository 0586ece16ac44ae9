"""Setting a forgotten password, and the first password of an invited end user."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for the e-mail address and mails a link; says the same whether or not the address
    has a login, so the form reveals nothing."""

    template_name = "portal/account/password_reset.html"
    email_template_name = "portal/account/password_reset_email.txt"
    subject_template_name = "portal/account/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/account/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/account/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/account/password_reset_complete.html"
