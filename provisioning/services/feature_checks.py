"""What the call-feature services share (FEA-1 … FEA-11, LIC-5): who may write, the package
check, routing targets and extensions, the loop check, fees, and the refusal to delete a target
still in use.

Every write of a call feature checks the acting account, the user's package (LIC-5) and, for
anything that routes calls, refuses a configuration that would loop: the change is written inside
the transaction, the would-be routing snapshot is built and ``find_loops`` is asked; an error
raises ``configuration_loop`` (409) and the transaction rolls back, so nothing is stored.
"""

from __future__ import annotations

from typing import Any

import phonenumbers
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from telephony.entitlements import FEATURE_LABELS, MINIMUM_PACKAGE, Feature, Package, is_entitled
from telephony.routing import Severity, find_loops
from telephony.text import join

from ..access import require_same_customer, resolve_reference
from ..errors import ApplicationError
from ..features_snapshot import build_snapshot
from ..models import (
    Account,
    AudioFile,
    CallForwarding,
    Customer,
    HuntGroup,
    IvrMenu,
    IvrOption,
    OneTimeFeeEvent,
    OperatorSettings,
    Role,
    Subscriber,
    parse_target,
)
from ..permissions import can_manage_users, ensure, ensure_customer_writable
from .extensions import extension_claim, refuse_taken_extension


def guard_own(account: Account, subscriber: Subscriber) -> None:
    """Admins, or the user themself (forwarding, voicemail, logins)."""
    own = account.role == Role.END_USER and subscriber.account_id == account.pk
    ensure(own or can_manage_users(account, subscriber.customer))
    ensure_customer_writable(account, subscriber.customer)


def require_entitled(subscriber: Subscriber, feature: Feature, field_name: str) -> None:
    """LIC-5: refuse a feature the user's package does not include."""
    package = Package(subscriber.package)
    if not is_entitled(package, feature):
        message = (
            f"{package.label} of {subscriber.name} does not include "
            f"{FEATURE_LABELS[feature]} (needs {MINIMUM_PACKAGE[feature].label})."
        )
        raise ApplicationError(
            "feature_not_in_package",
            message,
            fields={field_name: [message]},
            params={"package": package.label, "features": FEATURE_LABELS[feature]},
            status=409,
        )


def normalize_e164(value: str, field_name: str) -> str:
    """A valid public number in E.164 form, or a refusal naming ``field_name``."""
    try:
        number = phonenumbers.parse(value, "DE")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ApplicationError(
            "invalid_number",
            f"{value!r} is not a valid phone number.",
            fields={field_name: ["Not a valid phone number (E.164, e.g. +49 30 1234567)."]},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


TARGET_MODELS: dict[str, Any] = {
    "user": Subscriber,
    "voicemail": Subscriber,
    "hunt_group": HuntGroup,
    "ivr": IvrMenu,
}


def check_target(customer: Customer, value: str, field_name: str) -> str:
    """A stored routing target of ``customer``: references must exist in this customer (any
    other id answers ``unknown_reference``), a voicemail target needs a package with
    voicemail, external numbers are E.164."""
    if not value:
        return ""
    try:
        kind, ref = parse_target(value)
    except ValueError:
        raise ApplicationError(
            "invalid_target",
            f"{value!r} is not a routing target.",
            fields={field_name: ["Not a routing target."]},
        ) from None
    if kind == "external":
        return f"external:{normalize_e164(ref, field_name)}"
    if kind in TARGET_MODELS:
        model = TARGET_MODELS[kind]
        found = resolve_reference(
            model.objects.filter(customer=customer), None, ref, field=field_name
        )
        if kind == "voicemail":
            require_entitled(found, Feature.VOICEMAIL, field_name)
    return f"{kind}:{ref}" if ref else kind


def check_extension(customer: Customer, extension: str, *, kind: str, owner: Any = None) -> str:
    """A free internal extension for a group or menu ('' means none); ``owner`` (the group or
    menu being changed) may already hold it. The claim written after saving is the rule."""
    extension = (extension or "").strip()
    if not extension:
        return ""
    if not extension.isdigit():
        raise ApplicationError(
            "invalid_extension",
            "An extension consists of digits only.",
            fields={"extension": ["An extension consists of digits only."]},
        )
    if extension == "0":
        raise ApplicationError(
            "main_number_reserved",
            "Extension 0 is the main number (operator).",
            fields={"extension": ["Extension 0 is the main number."]},
        )
    refuse_taken_extension(customer=customer, extension=extension, kind=kind, owner=owner)
    return extension


def claim_extension(customer: Customer, kind: str, owner: HuntGroup | IvrMenu) -> None:
    """Hold the saved group's or menu's extension (moves or releases an earlier claim)."""
    extension_claim(customer=customer, kind=kind, owner=owner, extension=owner.extension)


def require_own_audio(customer: Customer, audio: AudioFile | None, field_name: str) -> None:
    """An announcement or greeting must be one of the customer's own audio files."""
    if audio is not None:
        require_same_customer(audio, customer, field_name)


def refuse_loops(customer: Customer) -> None:
    """Refuse the configuration as now written in this transaction if calls would go round
    in a circle without anybody acting (the caller's transaction then rolls back)."""
    errors = [p for p in find_loops(build_snapshot(customer)) if p.severity is Severity.ERROR]
    if errors:
        cycles = "; ".join(p.message for p in errors)
        # The loops themselves (the nodes and edges of each, without the problem's wording).
        paths = join((p.message.params.get("cycle", p.message) for p in errors), "; ")
        raise ApplicationError(
            "configuration_loop",
            f"This change would make calls go round in a loop: {cycles}",
            fields={"non_field_errors": [cycles]},
            params={"cycle": paths},
            status=409,
        )


def record_fee(customer: Customer, fee_type: str, reference: Any, label: str) -> OneTimeFeeEvent:
    """A one-time fee for billing (a further hunt group, an audio upload)."""
    return OneTimeFeeEvent.objects.create(
        customer=customer,
        fee_type=fee_type,
        quantity=1,
        occurred_at=timezone.now(),
        reference=str(reference),
        label=label[:200],
    )


# Where a target can be in use, for the message of ``target_in_use``.
TARGET_USES: dict[str, Promise] = {
    "hunt group overflow": _("Überlauf einer Sammelruf-Gruppe"),
    "menu": _("Sprachmenü"),
    "operator": _("Zentrale"),
    "call forwarding": _("Weiterleitung"),
}


def _targets_referencing(customer: Customer, target: str) -> list[str]:
    """Where ``target`` is used as a routing target (for refusing a delete)."""
    used: list[str] = []
    if HuntGroup.objects.filter(customer=customer, overflow=target).exists():
        used.append("hunt group overflow")
    if (
        IvrMenu.objects.filter(customer=customer)
        .filter(Q(on_timeout=target) | Q(on_invalid=target))
        .exists()
        or IvrOption.objects.filter(menu__customer=customer, target=target).exists()
    ):
        used.append("menu")
    if (
        OperatorSettings.objects.filter(customer=customer)
        .filter(Q(day_target=target) | Q(night_target=target))
        .exists()
    ):
        used.append("operator")
    if (
        CallForwarding.objects.filter(subscriber__customer=customer)
        .filter(Q(always=target) | Q(on_busy=target) | Q(on_no_answer=target))
        .exists()
    ):
        used.append("call forwarding")
    return used


def refuse_if_referenced(customer: Customer, target: str, what: str) -> None:
    used = _targets_referencing(customer, target)
    if used:
        raise ApplicationError(
            "target_in_use",
            f"This {what} is still a routing target ({', '.join(used)}). Change those first.",
            params={"places": [TARGET_USES[use] for use in used]},
            status=409,
        )
