"""Hot-desk logins (FEA-7)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from telephony.entitlements import Feature

from ..access import require_same_customer
from ..models import Account, Device, HotDeskLogin, Subscriber
from ._common import audited_create, audited_delete
from .feature_checks import guard_own, require_entitled


@transaction.atomic
def hotdesk_login(*, device: Device, subscriber: Subscriber, acting_user: Account) -> HotDeskLogin:
    """Log a user in at a phone. Whoever was logged in there stays logged in."""
    guard_own(acting_user, subscriber)
    require_same_customer(device, subscriber.customer, "device")
    require_entitled(subscriber, Feature.HOT_DESKING, "user")
    existing = HotDeskLogin.objects.filter(device=device, subscriber=subscriber).first()
    if existing is not None:
        return existing
    return audited_create(
        HotDeskLogin(device=device, subscriber=subscriber, logged_in_at=timezone.now()),
        actor=acting_user,
    )


@transaction.atomic
def hotdesk_logout(*, login: HotDeskLogin, acting_user: Account) -> None:
    guard_own(acting_user, login.subscriber)
    audited_delete(login, actor=acting_user)
