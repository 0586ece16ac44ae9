"""E-mails the platform sends about provisioning events."""

from __future__ import annotations

from django.core.mail import send_mail
from django.utils import timezone

from .models import Account, ApiKey, Customer


def api_key_created(*, api_key_id: str) -> int:
    """Mail the owner (and the reseller's contact) that a key was created. Returns mails sent.

    A security notice: an administrator learns of every new key, as with mature API platforms.
    """
    key = (
        ApiKey.objects.select_related("account", "account__reseller").filter(pk=api_key_id).first()
    )
    if key is None:
        return 0
    recipients = {key.account.email} if key.account.email else set()
    if key.account.reseller and key.account.reseller.contact_email:
        recipients.add(key.account.reseller.contact_email)
    if not recipients:
        return 0
    created = timezone.localtime(key.created_at).strftime("%d.%m.%Y %H:%M")
    return send_mail(
        subject=f"stimme: neuer API-Schlüssel „{key.name}“",
        message=(
            f"Am {created} wurde für den Zugang {key.account.username} der API-Schlüssel "
            f"„{key.name}“ ({key.prefix}…) angelegt.\n\n"
            "Wenn Sie das nicht waren, widerrufen Sie den Schlüssel sofort im Portal unter "
            "„API-Schlüssel“.\n"
        ),
        from_email=None,
        recipient_list=sorted(recipients),
    )


def demo_expiry_warning(*, customer: Customer, days: int) -> int:
    """Tell the reseller that a customer's demo ends in ``days`` days (0: it has ended and the
    customer is suspended)."""
    reseller = customer.reseller
    if not reseller.contact_email:
        return 0
    if customer.demo_expires_at is None:
        return 0
    end = timezone.localtime(customer.demo_expires_at).strftime("%d.%m.%Y %H:%M")
    if days == 0:
        subject = f"stimme: Demo von {customer.company_name} beendet, Anlage gesperrt"
        text = (
            f"Die Demolizenz von {customer.company_name} ist am {end} abgelaufen. Die Anlage ist "
            "gesperrt; es wurde nichts gelöscht. Mit einer bezahlten Grundlizenz wird sie sofort "
            "wieder freigegeben."
        )
    else:
        subject = f"stimme: Demo von {customer.company_name} endet in {days} Tag(en)"
        text = (
            f"Die Demolizenz von {customer.company_name} endet am {end}. Ohne Umstellung auf "
            "eine bezahlte Grundlizenz wird die Anlage dann gesperrt."
        )
    return send_mail(
        subject=subject,
        message=text + "\n",
        from_email=None,
        recipient_list=[reseller.contact_email],
    )


def login_invitation(*, account: Account) -> int:
    """Mail an end user the link to set the password of their new login (valid for the
    password-reset timeout, three days by default)."""
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(account.pk))
    token = default_token_generator.make_token(account)
    path = reverse("portal:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    link = f"{settings.PORTAL_BASE_URL}{path}"
    return send_mail(
        subject="stimme: Ihr Zugang zum Kundenportal",
        message=(
            f"Guten Tag {account.first_name} {account.last_name},\n\n"
            f"für Sie wurde ein Zugang zum stimme-Portal angelegt (Benutzername: "
            f"{account.username}). Legen Sie hier Ihr Passwort fest:\n\n{link}\n\n"
            "Der Link ist drei Tage gültig.\n"
        ),
        from_email=None,
        recipient_list=[account.email],
    )


def login_invitation_collision(*, account: Account) -> int:
    """Tell the owner of an existing login that someone tried to invite its e-mail address
    for another login; none was made (the inviter was answered as for a new address)."""
    return send_mail(
        subject="stimme: Einladung an Ihre E-Mail-Adresse",
        message=(
            f"Guten Tag {account.first_name} {account.last_name},\n\n"
            "ein Administrator im stimme-Portal hat versucht, Ihre E-Mail-Adresse für einen "
            "weiteren Zugang einzuladen. Mit dieser Adresse besteht bereits Ihr Zugang "
            f"(Benutzername: {account.username}); ein zweiter wurde nicht angelegt, Ihr "
            "Zugang bleibt unverändert.\n\n"
            "Wenn Sie einen weiteren Zugang brauchen, bitten Sie den Administrator, eine andere "
            "E-Mail-Adresse zu verwenden. Sonst können Sie diese Nachricht ignorieren.\n"
        ),
        from_email=None,
        recipient_list=[account.email or account.username],
    )
