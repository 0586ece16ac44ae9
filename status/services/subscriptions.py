"""Subscribing and unsubscribing (STA-5). Nothing here tells a caller whether an address was
subscribed before: subscribing answers the same for a new and a known address, unsubscribing
the same for a known and an unknown token.

Subscriptions are the public's own data and are not written to the audit log: unsubscribing
deletes the address at once and for good, which an audit entry would contradict.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction

from provisioning.errors import ApplicationError

from .. import ratelimit
from ..addresses import normalize_email, normalize_mobile
from ..delivery import enqueue_on_commit, sms_confirmation_row
from ..models import Channel, Component, Subscription
from ..texts import lang_or_default


class RateLimitedError(ApplicationError):
    def __init__(self) -> None:
        super().__init__(
            "rate_limited", "Too many attempts; please try again in an hour.", status=429
        )


def _check_rate(address: str, client_ip: str | None) -> None:
    within_ip = ratelimit.hit(
        "subscribe-ip", client_ip or "unknown", limit=settings.STATUS_SUBSCRIBE_LIMIT_PER_IP
    )
    within_address = ratelimit.hit(
        "subscribe-address", address, limit=settings.STATUS_SUBSCRIBE_LIMIT_PER_ADDRESS
    )
    if not (within_ip and within_address):
        raise RateLimitedError()


@transaction.atomic
def subscription_subscribe(
    *,
    channel: str,
    address: str,
    components: Sequence[Component] | None,
    language: str = "de",
    country: str = "DE",
    client_ip: str | None = None,
) -> Subscription:
    """Subscribe ``address`` to all components (``components=None``) or to the chosen ones.
    Subscribing again with the same address replaces the earlier choice and keeps the
    unsubscribe link. An SMS subscription gets a confirmation carrying that link; e-mail gets
    none (every notification carries it)."""
    if channel == Channel.EMAIL:
        normalized = normalize_email(address)
    elif channel == Channel.SMS:
        normalized = normalize_mobile(address, country)
    else:
        raise ApplicationError(
            "invalid_channel",
            "Choose e-mail or SMS.",
            fields={"channel": ["Choose e-mail or SMS."]},
        )
    _check_rate(f"{channel}:{normalized}", client_ip)
    chosen: list[Component] = []
    if components is not None:
        chosen = [c for c in dict.fromkeys(components) if c.is_visible]
        if not chosen:
            raise ApplicationError(
                "components_required",
                "Choose at least one component, or all of them.",
                fields={"components": ["Choose at least one component, or all of them."]},
            )
    subscription, _ = Subscription.objects.select_for_update().get_or_create(
        channel=channel, address=normalized
    )
    subscription.all_components = components is None
    subscription.language = lang_or_default(language)
    subscription.save()
    subscription.components.set(chosen)
    if channel == Channel.SMS:
        enqueue_on_commit([sms_confirmation_row(subscription)])
    return subscription


@transaction.atomic
def subscription_unsubscribe(*, token: str) -> None:
    """Delete the subscription of ``token`` and every message still waiting for it, at once.
    An unknown token does nothing and answers the same."""
    Subscription.objects.filter(token=token).delete()


def subscription_for_token(token: str) -> Any:
    """The subscription of an unsubscribe link, or ``None`` (for wording the page only)."""
    return Subscription.objects.filter(token=token).first()
