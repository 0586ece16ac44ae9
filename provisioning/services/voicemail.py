"""Voicemail of a user (FEA-9)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction

from telephony.entitlements import Feature

from ..errors import ApplicationError
from ..models import Account, Subscriber, VoicemailBox
from ..validators import validate_voicemail_pin
from ._common import audited_create, audited_update, only_fields
from .feature_checks import guard_own, require_entitled, require_own_audio

VOICEMAIL_FIELDS = frozenset({"enabled", "pin", "email", "greeting"})


def _check_pin(pin: str, subscriber: Subscriber) -> None:
    """The PIN rules (FEA-9): digits, not trivial, not the extension; never repeated back."""
    try:
        validate_voicemail_pin(pin, extension=subscriber.extension)
    except ValidationError as exc:
        message = exc.messages[0]
        raise ApplicationError("invalid_pin", message, fields={"pin": [message]}) from None


@transaction.atomic
def voicemail_update(
    *, subscriber: Subscriber, acting_user: Account, data: Mapping[str, Any]
) -> VoicemailBox:
    """Switch voicemail on or off and set PIN (stored hashed), greeting and e-mail address.
    Needs Klingende stimme or higher (LIC-5); switching off is always possible."""
    guard_own(acting_user, subscriber)
    fields = only_fields(data, VOICEMAIL_FIELDS)
    enabled = fields.pop("enabled", None)
    turning_on = enabled is True or (enabled is None and subscriber.voicemail_enabled)
    if turning_on or any(fields.get(n) for n in ("pin", "email", "greeting")):
        require_entitled(subscriber, Feature.VOICEMAIL, "enabled")
    require_own_audio(subscriber.customer, fields.get("greeting"), "greeting")
    pin = fields.pop("pin", None)
    if pin:
        _check_pin(pin, subscriber)
        fields["pin_hash"] = make_password(pin)
    box = VoicemailBox.objects.filter(subscriber=subscriber).first()
    if box is None:
        box = audited_create(VoicemailBox(subscriber=subscriber, **fields), actor=acting_user)
    else:
        audited_update(box, fields, actor=acting_user)
    if enabled is not None and enabled != subscriber.voicemail_enabled:
        audited_update(subscriber, {"voicemail_enabled": enabled}, actor=acting_user)
    return box
