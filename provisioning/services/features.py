"""Call features (FEA-1 … FEA-11, LIC-5): hunt and pickup groups, IVR menus, the operator with
night service, forwarding, voicemail, hot-desk logins, audio uploads and phonebooks.

Every write checks the acting account, the user's package (LIC-5) and, for anything that
routes calls, refuses a configuration that would loop: the change is written inside the
transaction, the would-be routing snapshot is built and ``find_loops`` is asked; an error
raises ``configuration_loop`` (409) and the transaction rolls back, so nothing is stored.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import time
from typing import Any

import phonenumbers
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from telephony.entitlements import FEATURE_LABELS, MINIMUM_PACKAGE, Feature, Package, is_entitled
from telephony.routing import Severity, find_loops
from telephony.routing.texts import t as routing_t
from telephony.text import join

from .. import audit
from ..access import require_same_customer, resolve_reference
from ..audio import check_audio
from ..errors import ApplicationError
from ..features_snapshot import build_snapshot
from ..models import (
    OPERATOR_EXTENSION,
    Account,
    AudioFile,
    AudioKind,
    AuditAction,
    CallForwarding,
    Customer,
    DayNightMode,
    Device,
    ExtensionOwner,
    FeeType,
    HotDeskLogin,
    HuntGroup,
    HuntGroupMember,
    HuntStrategy,
    IvrMenu,
    IvrOption,
    OneTimeFeeEvent,
    OperatorScheduleEntry,
    OperatorSettings,
    Phonebook,
    PhonebookEntry,
    PhonebookNumber,
    PickupGroup,
    Role,
    Site,
    Subscriber,
    VoicemailBox,
    parse_target,
)
from ..permissions import can_manage_users, ensure, ensure_customer_writable
from ..validators import validate_voicemail_pin
from ._common import (
    audited_create,
    audited_delete,
    audited_update,
    ensure_name_free,
    only_fields,
)
from .extensions import extension_claim, refuse_taken_extension

IVR_DIGITS = frozenset("0123456789*#")


# Guards and shared checks ---------------------------------------------------------------------


def _guard(account: Account, customer: Customer) -> None:
    """Customer admins, their reseller and platform staff configure call features."""
    ensure(can_manage_users(account, customer))
    ensure_customer_writable(account, customer)


def _guard_own(account: Account, subscriber: Subscriber) -> None:
    """Admins, or the user themself (forwarding, voicemail, logins)."""
    own = account.role == Role.END_USER and subscriber.account_id == account.pk
    ensure(own or can_manage_users(account, subscriber.customer))
    ensure_customer_writable(account, subscriber.customer)


def _lock(customer: Customer) -> Customer:
    """Serialise a customer's writes that claim extensions or count groups: every service
    that writes an ``ExtensionClaim`` takes this lock first, always in the same order, so the
    early extension check sees what the other committed and no two writers deadlock."""
    return Customer.objects.select_for_update().select_related("reseller").get(pk=customer.pk)


def _entitled(subscriber: Subscriber, feature: Feature, field_name: str) -> None:
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
            _entitled(found, Feature.VOICEMAIL, field_name)
    return f"{kind}:{ref}" if ref else kind


def _uuid(value: str) -> Any:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _check_extension(customer: Customer, extension: str, *, kind: str, owner: Any = None) -> str:
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


def _record_fee(customer: Customer, fee_type: str, reference: Any, label: str) -> OneTimeFeeEvent:
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


def _refuse_if_referenced(customer: Customer, target: str, what: str) -> None:
    used = _targets_referencing(customer, target)
    if used:
        raise ApplicationError(
            "target_in_use",
            f"This {what} is still a routing target ({', '.join(used)}). Change those first.",
            params={"places": [TARGET_USES[use] for use in used]},
            status=409,
        )


# Hunt groups (FEA-1) --------------------------------------------------------------------------

HUNT_GROUP_FIELDS = frozenset(
    {
        "name",
        "site",
        "extension",
        "strategy",
        "ring_seconds",
        "member_ring_seconds",
        "overflow",
        "members",
    }
)
HUNT_GROUP_NAME_TAKEN = "A hunt group with this name exists."


def _check_members(group: HuntGroup, members: Sequence[Subscriber]) -> None:
    seen: set[Any] = set()
    for member in members:
        require_same_customer(member, group.customer, "members")
        if member.site_id != group.site_id:
            message = f"{member.name} works at another site; members come from the group's site."
            raise ApplicationError(
                "member_other_site",
                message,
                fields={"members": [message]},
                params={"name": member.name},
                status=409,
            )
        if member.pk in seen:
            message = f"{member.name} is listed twice."
            raise ApplicationError(
                "member_twice",
                message,
                fields={"members": [message]},
                params={"name": member.name},
            )
        seen.add(member.pk)
        _entitled(member, Feature.HUNT_GROUP, "members")


def _set_members(group: HuntGroup, members: Sequence[Subscriber]) -> list[str]:
    existing = {m.subscriber_id: m for m in group.members.all()}
    wanted = [m.pk for m in members]
    HuntGroupMember.objects.filter(group=group).exclude(subscriber_id__in=wanted).delete()
    for position, member in enumerate(members):
        row = existing.get(member.pk)
        if row is None:
            HuntGroupMember.objects.create(group=group, subscriber=member, position=position)
        elif row.position != position:
            row.position = position
            row.save(update_fields=["position"])
    return [str(pk) for pk in wanted]


def _claim_extension(customer: Customer, kind: str, owner: HuntGroup | IvrMenu) -> None:
    extension_claim(customer=customer, kind=kind, owner=owner, extension=owner.extension)


def _save_group(group: HuntGroup) -> None:
    try:
        with transaction.atomic():
            group.full_clean(exclude=["customer", "site"])
            group.save()
    except IntegrityError:
        raise ApplicationError(
            "name_taken",
            HUNT_GROUP_NAME_TAKEN,
            fields={"name": [HUNT_GROUP_NAME_TAKEN]},
            params={"name": group.name},
            status=409,
        ) from None


@transaction.atomic
def hunt_group_create(
    *, customer: Customer, acting_user: Account, data: Mapping[str, Any]
) -> HuntGroup:
    """Create a hunt group. The customer's first group (for the main number) is included;
    each further group records a one-time fee for billing."""
    customer = _lock(customer)
    _guard(acting_user, customer)
    fields = only_fields(data, HUNT_GROUP_FIELDS)
    members: list[Subscriber] = list(fields.pop("members", []))
    site: Site = fields.pop("site")
    require_same_customer(site, customer, "site")
    groups = HuntGroup.objects.filter(customer=customer)
    ensure_name_free(groups, name=fields.get("name", ""), message=HUNT_GROUP_NAME_TAKEN)
    fields["extension"] = _check_extension(
        customer, fields.get("extension", ""), kind=ExtensionOwner.HUNT_GROUP
    )
    fields["overflow"] = check_target(customer, fields.get("overflow", ""), "overflow")
    group = HuntGroup(customer=customer, site=site, **fields)
    _check_members(group, members)
    is_further_group = HuntGroup.objects.filter(customer=customer).exists()
    _save_group(group)
    _claim_extension(customer, ExtensionOwner.HUNT_GROUP, group)
    member_ids = _set_members(group, members)
    audit.record_change(
        actor=acting_user,
        action=AuditAction.CREATE,
        instance=group,
        changes={**audit.created_changes(group), "members": [None, member_ids]},
    )
    if is_further_group:
        _record_fee(customer, FeeType.HUNT_GROUP, group.pk, f"Sammelruf-Gruppe {group.name}")
    refuse_loops(customer)
    return group


@transaction.atomic
def hunt_group_update(
    *, group: HuntGroup, acting_user: Account, data: Mapping[str, Any]
) -> HuntGroup:
    customer = _lock(group.customer)
    _guard(acting_user, customer)
    fields = only_fields(data, HUNT_GROUP_FIELDS)
    before = audit.snapshot(group)
    before_members = [str(m.subscriber_id) for m in group.members.all()]
    members = fields.pop("members", None)
    if "site" in fields:
        require_same_customer(fields["site"], customer, "site")
    if "name" in fields:
        groups = HuntGroup.objects.filter(customer=customer)
        ensure_name_free(
            groups, name=fields["name"], exclude=group.pk, message=HUNT_GROUP_NAME_TAKEN
        )
    if "extension" in fields:
        fields["extension"] = _check_extension(
            customer, fields["extension"], kind=ExtensionOwner.HUNT_GROUP, owner=group
        )
    if "overflow" in fields:
        fields["overflow"] = check_target(customer, fields["overflow"], "overflow")
    for name, value in fields.items():
        setattr(group, name, value)
    if members is None:
        members = [m.subscriber for m in group.members.select_related("subscriber")]
    members = list(members)
    _check_members(group, members)
    _save_group(group)
    if "extension" in fields:
        _claim_extension(customer, ExtensionOwner.HUNT_GROUP, group)
    after_members = _set_members(group, members)
    changes = audit.changes_between(before, group)
    if after_members != before_members:
        changes["members"] = [before_members, after_members]
    if changes:
        audit.record_change(
            actor=acting_user, action=AuditAction.UPDATE, instance=group, changes=changes
        )
    refuse_loops(customer)
    return group


@transaction.atomic
def hunt_group_delete(*, group: HuntGroup, acting_user: Account) -> None:
    _guard(acting_user, group.customer)
    _refuse_if_referenced(group.customer, f"hunt_group:{group.pk}", "hunt group")
    audited_delete(group, actor=acting_user)


@transaction.atomic
def hunt_group_member_set_login(
    *, group: HuntGroup, subscriber: Subscriber, acting_user: Account, logged_in: bool
) -> HuntGroupMember:
    """A member logs in to or out of a group (FEA-1); admins may do it for them."""
    require_same_customer(subscriber, group.customer, "user")
    _guard_own(acting_user, subscriber)
    member = HuntGroupMember.objects.filter(group=group, subscriber=subscriber).first()
    if member is None:
        raise ApplicationError(
            "not_a_member",
            f"{subscriber.name} is not a member of {group.name}.",
            fields={"user": ["Not a member of this group."]},
            params={"user": subscriber.name, "group": group.name},
            status=409,
        )
    audited_update(member, {"logged_in": logged_in}, actor=acting_user)
    return member


# Pickup groups (FEA-2) ------------------------------------------------------------------------

PICKUP_FIELDS = frozenset({"name", "members"})
PICKUP_NAME_TAKEN = "A pickup group with this name exists."


def _check_pickup_members(customer: Customer, members: Iterable[Subscriber]) -> list[Subscriber]:
    result = list(members)
    for member in result:
        require_same_customer(member, customer, "members")
        _entitled(member, Feature.PICKUP_GROUP, "members")
    return result


@transaction.atomic
def pickup_group_create(
    *, customer: Customer, acting_user: Account, data: Mapping[str, Any]
) -> PickupGroup:
    _guard(acting_user, customer)
    fields = only_fields(data, PICKUP_FIELDS)
    members = _check_pickup_members(customer, fields.pop("members", []))
    groups = PickupGroup.objects.filter(customer=customer)
    ensure_name_free(groups, name=fields.get("name", ""), message=PICKUP_NAME_TAKEN)
    group = audited_create(PickupGroup(customer=customer, **fields), actor=acting_user)
    group.members.set(members)
    return group


@transaction.atomic
def pickup_group_update(
    *, group: PickupGroup, acting_user: Account, data: Mapping[str, Any]
) -> PickupGroup:
    _guard(acting_user, group.customer)
    fields = only_fields(data, PICKUP_FIELDS)
    members = fields.pop("members", None)
    if "name" in fields:
        groups = PickupGroup.objects.filter(customer=group.customer)
        ensure_name_free(groups, name=fields["name"], exclude=group.pk, message=PICKUP_NAME_TAKEN)
    audited_update(group, fields, actor=acting_user)
    if members is not None:
        members = _check_pickup_members(group.customer, members)
        before = sorted(str(pk) for pk in group.members.values_list("pk", flat=True))
        after = sorted(str(m.pk) for m in members)
        if before != after:
            group.members.set(members)
            audit.record_change(
                actor=acting_user,
                action=AuditAction.UPDATE,
                instance=group,
                changes={"members": [before, after]},
            )
    return group


@transaction.atomic
def pickup_group_delete(*, group: PickupGroup, acting_user: Account) -> None:
    _guard(acting_user, group.customer)
    audited_delete(group, actor=acting_user)


# IVR menus (FEA-3) ----------------------------------------------------------------------------

IVR_FIELDS = frozenset(
    {
        "name",
        "extension",
        "announcement",
        "timeout_seconds",
        "repeat_count",
        "on_timeout",
        "on_invalid",
        "options",
    }
)
MENU_NAME_TAKEN = "A menu with this name exists."


def _check_audio(customer: Customer, audio: AudioFile | None, field_name: str) -> None:
    if audio is not None:
        require_same_customer(audio, customer, field_name)


def _check_options(
    customer: Customer, options: Iterable[Mapping[str, Any]]
) -> list[tuple[str, str]]:
    result: list[tuple[str, str]] = []
    seen: set[str] = set()
    for option in options:
        digit = str(option.get("digit", "")).strip()
        if digit not in IVR_DIGITS:
            raise ApplicationError(
                "invalid_digit",
                f"{digit!r} is not a key (0-9, * or #).",
                fields={"options": [f"{digit!r} is not a key (0-9, * or #)."]},
                params={"digit": digit},
            )
        if digit in seen:
            raise ApplicationError(
                "digit_twice",
                f"Key {digit} is used twice.",
                fields={"options": [f"Key {digit} is used twice."]},
                params={"digit": digit},
            )
        seen.add(digit)
        target = check_target(customer, str(option.get("target", "")), "options")
        if not target:
            raise ApplicationError(
                "invalid_target",
                f"Key {digit} has no target.",
                fields={"options": [f"Key {digit} has no target."]},
            )
        result.append((digit, target))
    return sorted(result)


def _options_of(menu: IvrMenu) -> list[list[str]]:
    return [[o.digit, o.target] for o in menu.options.order_by("digit")]


def _prepare_menu_fields(customer: Customer, fields: dict[str, Any], menu: IvrMenu | None) -> None:
    exclude = menu.pk if menu is not None else None
    if "name" in fields:
        menus = IvrMenu.objects.filter(customer=customer)
        ensure_name_free(menus, name=fields["name"], exclude=exclude, message=MENU_NAME_TAKEN)
    if "extension" in fields:
        fields["extension"] = _check_extension(
            customer, fields["extension"], kind=ExtensionOwner.IVR_MENU, owner=menu
        )
    for name in ("on_timeout", "on_invalid"):
        if name in fields:
            fields[name] = check_target(customer, fields[name], name)
    _check_audio(customer, fields.get("announcement"), "announcement")


@transaction.atomic
def ivr_menu_create(
    *, customer: Customer, acting_user: Account, data: Mapping[str, Any]
) -> IvrMenu:
    """Create a menu with its keys. Options may name the menu itself only through other
    menus created before; a loop through timeout/invalid targets is refused."""
    customer = _lock(customer)
    _guard(acting_user, customer)
    fields = only_fields(data, IVR_FIELDS)
    options = fields.pop("options", [])
    fields.setdefault("name", "")
    _prepare_menu_fields(customer, fields, None)
    menu = IvrMenu(customer=customer, **fields)
    menu.full_clean(exclude=["customer"])
    menu.save()
    _claim_extension(customer, ExtensionOwner.IVR_MENU, menu)
    checked = _check_options(customer, options)
    IvrOption.objects.bulk_create(IvrOption(menu=menu, digit=d, target=t) for d, t in checked)
    audit.record_change(
        actor=acting_user,
        action=AuditAction.CREATE,
        instance=menu,
        changes={**audit.created_changes(menu), "options": [None, _options_of(menu)]},
    )
    refuse_loops(customer)
    return menu


@transaction.atomic
def ivr_menu_update(*, menu: IvrMenu, acting_user: Account, data: Mapping[str, Any]) -> IvrMenu:
    customer = _lock(menu.customer)
    _guard(acting_user, customer)
    fields = only_fields(data, IVR_FIELDS)
    options = fields.pop("options", None)
    _prepare_menu_fields(customer, fields, menu)
    before = audit.snapshot(menu)
    before_options = _options_of(menu)
    for name, value in fields.items():
        setattr(menu, name, value)
    menu.full_clean(exclude=["customer"])
    menu.save()
    if "extension" in fields:
        _claim_extension(customer, ExtensionOwner.IVR_MENU, menu)
    if options is not None:
        checked = _check_options(customer, options)
        menu.options.all().delete()
        IvrOption.objects.bulk_create(IvrOption(menu=menu, digit=d, target=t) for d, t in checked)
    changes = audit.changes_between(before, menu)
    after_options = _options_of(menu)
    if after_options != before_options:
        changes["options"] = [before_options, after_options]
    if changes:
        audit.record_change(
            actor=acting_user, action=AuditAction.UPDATE, instance=menu, changes=changes
        )
    refuse_loops(customer)
    return menu


@transaction.atomic
def ivr_menu_delete(*, menu: IvrMenu, acting_user: Account) -> None:
    _guard(acting_user, menu.customer)
    _refuse_if_referenced(menu.customer, f"ivr:{menu.pk}", "menu")
    if OperatorSettings.objects.filter(ivr_menu=menu).exists():
        raise ApplicationError(
            "target_in_use",
            "This menu is the operator's menu. Change that first.",
            params={"places": [TARGET_USES["operator"]]},
            status=409,
        )
    audited_delete(menu, actor=acting_user)


# Operator (FEA-4) -----------------------------------------------------------------------------

OPERATOR_FIELDS = frozenset(
    {
        "day_target",
        "night_target",
        "announcement",
        "night_announcement",
        "ivr_menu",
        "manual_mode",
        "holidays_are_night",
        "ring_seconds",
        "transfer_recall_seconds",
        "schedule",
    }
)


def operator_get(*, customer: Customer) -> OperatorSettings | None:
    return OperatorSettings.objects.filter(customer=customer).first()


def _check_schedule(entries: Iterable[Mapping[str, Any]]) -> list[tuple[int, time, time]]:
    result = []
    for entry in entries:
        weekday, start, end = int(entry["weekday"]), entry["start"], entry["end"]
        if not 0 <= weekday <= 6:
            raise ApplicationError(
                "invalid_schedule",
                "Weekdays run from 0 (Monday) to 6 (Sunday).",
                fields={"schedule": ["Weekdays run from 0 (Monday) to 6 (Sunday)."]},
            )
        if end != time(0, 0) and end <= start:
            raise ApplicationError(
                "invalid_schedule",
                f"{start:%H:%M}-{end:%H:%M}: the end lies before the start.",
                fields={"schedule": ["The end lies before the start."]},
            )
        result.append((weekday, start, end))
    return sorted(result)


def _schedule_of(settings: OperatorSettings) -> list[str]:
    return [
        f"{e.weekday} {e.start:%H:%M}-{e.end:%H:%M}"
        for e in settings.schedule.order_by("weekday", "start")
    ]


@transaction.atomic
def operator_update(
    *, customer: Customer, acting_user: Account, data: Mapping[str, Any]
) -> OperatorSettings:
    """Configure the operator (created on first use). ``schedule`` replaces the weekly
    schedule: a list of ``{"weekday", "start", "end"}`` in Europe/Berlin time."""
    customer = _lock(customer)
    _guard(acting_user, customer)
    fields = only_fields(data, OPERATOR_FIELDS)
    schedule = fields.pop("schedule", None)
    for name in ("day_target", "night_target"):
        if name in fields:
            fields[name] = check_target(customer, fields[name], name)
    for name in ("announcement", "night_announcement"):
        _check_audio(customer, fields.get(name), name)
    if fields.get("ivr_menu") is not None:
        require_same_customer(fields["ivr_menu"], customer, "ivr_menu")
    settings = operator_get(customer=customer)
    creating = settings is None
    if settings is None:
        settings = OperatorSettings(customer=customer)
    before = {} if creating else audit.snapshot(settings)
    before_schedule = [] if creating else _schedule_of(settings)
    for name, value in fields.items():
        setattr(settings, name, value)
    if not settings.day_target and not settings.ivr_menu_id:
        raise ApplicationError(
            "day_target_required",
            "The operator needs a day target (a user or a hunt group) or a menu.",
            fields={"day_target": ["Choose who answers calls to the main number."]},
        )
    settings.full_clean(exclude=["customer"])
    settings.save()
    if creating:
        extension_claim(
            customer=customer,
            kind=ExtensionOwner.OPERATOR,
            owner=settings,
            extension=OPERATOR_EXTENSION,
            field_name="non_field_errors",
        )
    if schedule is not None:
        entries = _check_schedule(schedule)
        settings.schedule.all().delete()
        OperatorScheduleEntry.objects.bulk_create(
            OperatorScheduleEntry(operator=settings, weekday=w, start=s, end=e)
            for w, s, e in entries
        )
    changes = audit.changes_between(before, settings)
    after_schedule = _schedule_of(settings)
    if after_schedule != before_schedule:
        changes["schedule"] = [before_schedule, after_schedule]
    if changes:
        audit.record_change(
            actor=acting_user,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            instance=settings,
            changes=changes,
        )
    refuse_loops(customer)
    return settings


@transaction.atomic
def operator_set_mode(*, customer: Customer, acting_user: Account, mode: str) -> OperatorSettings:
    """The manual day/night switch: admins, or the operator user from their phone."""
    settings = operator_get(customer=customer)
    if settings is None:
        raise ApplicationError(
            "operator_not_configured", "Configure the operator first.", status=409
        )
    operator_user = None
    if settings.day_target.startswith("user:"):
        operator_user = Subscriber.objects.filter(
            customer=customer, pk=_uuid(settings.day_target[5:])
        ).first()
    is_operator = operator_user is not None and operator_user.account_id == acting_user.pk
    ensure(is_operator or can_manage_users(acting_user, customer))
    ensure_customer_writable(acting_user, customer)
    if mode not in DayNightMode.values:
        raise ApplicationError(
            "invalid_mode", "Mode is auto, day or night.", fields={"mode": ["auto, day or night"]}
        )
    audited_update(settings, {"manual_mode": mode}, actor=acting_user)
    refuse_loops(customer)
    return settings


# Forwarding (FEA-8), voicemail (FEA-9) --------------------------------------------------------

FORWARDING_FIELDS = frozenset({"always", "on_busy", "on_no_answer", "no_answer_seconds"})
# The loop edge of each forwarding field (``telephony.routing.texts``).
FORWARDING_EDGES = {
    "always": "edge_always",
    "on_busy": "edge_busy",
    "on_no_answer": "edge_no_answer",
}


@transaction.atomic
def forwarding_update(
    *, subscriber: Subscriber, acting_user: Account, data: Mapping[str, Any]
) -> CallForwarding:
    """Set a user's forwarding (created on first use); a forwarding chain that loops is
    refused."""
    _guard_own(acting_user, subscriber)
    fields = only_fields(data, FORWARDING_FIELDS)
    customer = subscriber.customer
    for name in ("always", "on_busy", "on_no_answer"):
        if name in fields:
            fields[name] = check_target(customer, fields[name], name)
            if fields[name] in (f"user:{subscriber.pk}",):
                user = routing_t("user", extension=subscriber.extension)
                edge = routing_t(FORWARDING_EDGES[name])
                raise ApplicationError(
                    "configuration_loop",
                    "A user cannot forward to themself.",
                    fields={name: ["A user cannot forward to themself."]},
                    params={"cycle": join((user, routing_t("edge", edge=edge, node=user)), "")},
                    status=409,
                )
    if any(fields.get(n) for n in ("always", "on_busy", "on_no_answer")):
        _entitled(subscriber, Feature.TELEPHONY, "always")
    forwarding = CallForwarding.objects.filter(subscriber=subscriber).first()
    if forwarding is None:
        forwarding = audited_create(
            CallForwarding(subscriber=subscriber, **fields), actor=acting_user
        )
    else:
        audited_update(forwarding, fields, actor=acting_user)
    refuse_loops(customer)
    return forwarding


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
    _guard_own(acting_user, subscriber)
    fields = only_fields(data, VOICEMAIL_FIELDS)
    enabled = fields.pop("enabled", None)
    turning_on = enabled is True or (enabled is None and subscriber.voicemail_enabled)
    if turning_on or any(fields.get(n) for n in ("pin", "email", "greeting")):
        _entitled(subscriber, Feature.VOICEMAIL, "enabled")
    _check_audio(subscriber.customer, fields.get("greeting"), "greeting")
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


# Hot-desking (FEA-7) --------------------------------------------------------------------------


@transaction.atomic
def hotdesk_login(*, device: Device, subscriber: Subscriber, acting_user: Account) -> HotDeskLogin:
    """Log a user in at a phone. Whoever was logged in there stays logged in."""
    _guard_own(acting_user, subscriber)
    require_same_customer(device, subscriber.customer, "device")
    _entitled(subscriber, Feature.HOT_DESKING, "user")
    existing = HotDeskLogin.objects.filter(device=device, subscriber=subscriber).first()
    if existing is not None:
        return existing
    return audited_create(
        HotDeskLogin(device=device, subscriber=subscriber, logged_in_at=timezone.now()),
        actor=acting_user,
    )


@transaction.atomic
def hotdesk_logout(*, login: HotDeskLogin, acting_user: Account) -> None:
    _guard_own(acting_user, login.subscriber)
    audited_delete(login, actor=acting_user)


# Audio (FEA-5) --------------------------------------------------------------------------------


@transaction.atomic
def audio_upload(
    *,
    customer: Customer,
    acting_user: Account,
    name: str,
    kind: str,
    filename: str,
    data: bytes,
) -> AudioFile:
    """Store an MP3 or WAV upload and its telephony version after decoding it completely;
    a refused file leaves nothing behind. Each upload records a one-time fee."""
    _guard(acting_user, customer)
    if kind not in AudioKind.values:
        raise ApplicationError(
            "invalid_kind", "Unknown kind of audio.", fields={"kind": ["Unknown kind."]}
        )
    checked = check_audio(data, filename)
    audio = AudioFile(
        customer=customer,
        name=(name or filename).strip()[:100],
        kind=kind,
        original_name=filename[:255],
        original_format=checked.format,
        original_size=len(data),
        duration_ms=checked.duration_ms,
    )
    folder = f"audio/{customer.pk}/{audio.pk}"
    audio.original.save(f"{folder}/original.{checked.format}", ContentFile(data), save=False)
    audio.telephony.save(f"{folder}/telephony.wav", ContentFile(checked.telephony_wav), save=False)
    stored = [audio.original.name, audio.telephony.name]

    def remove_files() -> None:
        for path in stored:
            if path:
                default_storage.delete(path)

    try:
        audited_create(audio, actor=acting_user)
        _record_fee(customer, FeeType.AUDIO_UPLOAD, audio.pk, f"Audiodatei {audio.name}")
    except BaseException:
        remove_files()
        raise
    return audio


@transaction.atomic
def audio_delete(*, audio: AudioFile, acting_user: Account) -> None:
    customer = audio.customer
    _guard(acting_user, customer)
    used = (
        IvrMenu.objects.filter(announcement=audio).exists()
        or OperatorSettings.objects.filter(
            Q(announcement=audio) | Q(night_announcement=audio)
        ).exists()
        or VoicemailBox.objects.filter(greeting=audio).exists()
    )
    if used:
        raise ApplicationError(
            "audio_in_use", "This audio file is still used. Replace it first.", status=409
        )
    paths = [audio.original.name, audio.telephony.name]
    audited_delete(audio, actor=acting_user)

    def remove_files() -> None:
        for path in paths:
            if path:
                default_storage.delete(path)

    transaction.on_commit(remove_files)


# Phonebooks (FEA-6) ---------------------------------------------------------------------------

PHONEBOOK_FIELDS = frozenset({"name", "company", "numbers"})
PHONEBOOK_CSV_COLUMNS = ["name", "company", "numbers"]


def phonebook_for(*, customer: Customer, owner: Subscriber | None = None) -> Phonebook:
    """The shared phonebook of ``customer`` or the private one of ``owner`` (made on first use)."""
    if owner is not None:
        require_same_customer(owner, customer, "owner")
        book, _created = Phonebook.objects.get_or_create(customer=customer, owner=owner)
        return book
    shared = Phonebook.objects.filter(customer=customer, owner__isnull=True).first()
    return shared or Phonebook.objects.create(customer=customer, owner=None)


def _guard_phonebook(account: Account, book: Phonebook) -> None:
    if book.owner is not None:
        _guard_own(account, book.owner)
        _entitled(book.owner, Feature.PHONEBOOK_LOOKUP, "phonebook")
    else:
        _guard(account, book.customer)


def _numbers(values: Iterable[str]) -> list[str]:
    numbers: list[str] = []
    for value in values:
        value = str(value).strip()
        if value:
            number = normalize_e164(value, "numbers")
            if number not in numbers:
                numbers.append(number)
    if not numbers:
        raise ApplicationError(
            "number_required",
            "An entry needs at least one number.",
            fields={"numbers": ["Enter at least one number."]},
        )
    return numbers


def _set_numbers(entry: PhonebookEntry, numbers: list[str]) -> None:
    entry.numbers.all().delete()
    PhonebookNumber.objects.bulk_create(
        PhonebookNumber(entry=entry, customer_id=entry.customer_id, e164=n) for n in numbers
    )


@transaction.atomic
def phonebook_entry_create(
    *, phonebook: Phonebook, acting_user: Account, data: Mapping[str, Any]
) -> PhonebookEntry:
    _guard_phonebook(acting_user, phonebook)
    fields = only_fields(data, PHONEBOOK_FIELDS)
    numbers = _numbers(fields.pop("numbers", []))
    entry = PhonebookEntry(phonebook=phonebook, customer_id=phonebook.customer_id, **fields)
    entry.full_clean(exclude=["phonebook", "customer"])
    entry.save()
    _set_numbers(entry, numbers)
    audit.record_change(
        actor=acting_user,
        action=AuditAction.CREATE,
        instance=entry,
        changes={**audit.created_changes(entry), "numbers": [None, numbers]},
    )
    return entry


@transaction.atomic
def phonebook_entry_update(
    *, entry: PhonebookEntry, acting_user: Account, data: Mapping[str, Any]
) -> PhonebookEntry:
    _guard_phonebook(acting_user, entry.phonebook)
    fields = only_fields(data, PHONEBOOK_FIELDS)
    numbers = fields.pop("numbers", None)
    audited_update(entry, fields, actor=acting_user)
    if numbers is not None:
        before = list(entry.numbers.values_list("e164", flat=True))
        after = _numbers(numbers)
        if sorted(before) != sorted(after):
            _set_numbers(entry, after)
            audit.record_change(
                actor=acting_user,
                action=AuditAction.UPDATE,
                instance=entry,
                changes={"numbers": [before, after]},
            )
    return entry


@transaction.atomic
def phonebook_entry_delete(*, entry: PhonebookEntry, acting_user: Account) -> None:
    _guard_phonebook(acting_user, entry.phonebook)
    audited_delete(entry, actor=acting_user)


def phonebook_search(
    *, customer: Customer, prefix: str, owner: Subscriber | None = None
) -> QuerySet[PhonebookEntry]:
    """Entries of the shared phonebook (and ``owner``'s private one) whose name or company
    starts with ``prefix`` (case-insensitive)."""
    books = Q(phonebook__customer=customer, phonebook__owner__isnull=True)
    if owner is not None:
        books |= Q(phonebook__owner=owner)
    prefix = prefix.strip()
    entries = PhonebookEntry.objects.filter(books, customer=customer)
    if prefix:
        entries = entries.filter(Q(name__istartswith=prefix) | Q(company__istartswith=prefix))
    return entries.prefetch_related("numbers").order_by("name", "company", "pk")


@dataclass(frozen=True)
class CallerName:
    """Who a number belongs to, and where that was found (private, shared, user)."""

    name: str
    company: str
    source: str
    entry_id: str | None = None


def reverse_lookup(
    *, customer: Customer, number: str, owner: Subscriber | None = None
) -> CallerName | None:
    """The caller name for ``number``: the private phonebook of ``owner`` first, then the
    shared phonebook, then the customer's own users."""
    try:
        e164 = normalize_e164(number, "number")
    except ApplicationError:
        return None
    rows = PhonebookNumber.objects.filter(customer=customer, e164=e164).select_related(
        "entry__phonebook"
    )
    private = shared = None
    for row in rows.order_by("entry__name", "pk"):
        book = row.entry.phonebook
        if owner is not None and book.owner_id == owner.pk and private is None:
            private = row.entry
        elif book.owner_id is None and shared is None:
            shared = row.entry
    for source, entry in (("private", private), ("shared", shared)):
        if entry is not None:
            return CallerName(entry.name, entry.company, source, str(entry.pk))
    user = (
        Subscriber.objects.filter(customer=customer)
        .filter(Q(number__e164=e164) | Q(mobility_number=e164))
        .first()
    )
    if user is not None:
        return CallerName(user.name, customer.company_name, "user")
    return None


def phonebook_export_csv(*, phonebook: Phonebook) -> str:
    """The phonebook as CSV (``;``-separated, numbers joined by ``,``), the import format."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(PHONEBOOK_CSV_COLUMNS)
    entries = phonebook.entries.prefetch_related("numbers").order_by("name", "company", "pk")
    for entry in entries:
        numbers = ",".join(n.e164 for n in entry.numbers.all())
        writer.writerow([entry.name, entry.company, numbers])
    return out.getvalue()


@dataclass
class PhonebookImportReport:
    created: int = 0
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@transaction.atomic
@transaction.atomic
def phonebook_import_csv(
    *, phonebook: Phonebook, acting_user: Account, text: str
) -> PhonebookImportReport:
    """Add the entries of a CSV (columns ``name``, ``company``, ``numbers``). Every row is
    checked first (the entry's field rules, e.g. lengths, and its numbers); any error imports
    nothing and the report names each row's errors."""
    _guard_phonebook(acting_user, phonebook)
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    report = PhonebookImportReport()
    if "name" not in (reader.fieldnames or []) or "numbers" not in (reader.fieldnames or []):
        report.errors[1] = {"header": ["Columns needed: name, company, numbers."]}
        return report
    rows: list[dict[str, Any]] = []
    for line, raw in enumerate(reader, start=2):
        name = (raw.get("name") or "").strip()
        company = (raw.get("company") or "").strip()
        errors: dict[str, list[str]] = {}
        if not name:
            errors["name"] = ["A name is required."]
        try:
            PhonebookEntry(name=name, company=company).clean_fields(
                exclude=["phonebook", "customer", *(["name"] if not name else [])]
            )
        except ValidationError as exc:
            errors.update({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
        try:
            numbers = _numbers(
                (raw.get("numbers") or "").replace("|", ",").replace(" ", "").split(",")
            )
        except ApplicationError as exc:
            errors.update(exc.fields)
            numbers = []
        if errors:
            report.errors[line] = errors
        else:
            rows.append({"name": name, "company": company, "numbers": numbers})
    if report.errors:
        return report
    for row in rows:
        phonebook_entry_create(phonebook=phonebook, acting_user=acting_user, data=row)
        report.created += 1
    return report


__all__ = [
    "HUNT_GROUP_FIELDS",
    "PHONEBOOK_CSV_COLUMNS",
    "CallerName",
    "HuntStrategy",
    "PhonebookImportReport",
    "audio_delete",
    "audio_upload",
    "check_target",
    "forwarding_update",
    "hotdesk_login",
    "hotdesk_logout",
    "hunt_group_create",
    "hunt_group_delete",
    "hunt_group_member_set_login",
    "hunt_group_update",
    "ivr_menu_create",
    "ivr_menu_delete",
    "ivr_menu_update",
    "normalize_e164",
    "operator_get",
    "operator_set_mode",
    "operator_update",
    "phonebook_entry_create",
    "phonebook_entry_delete",
    "phonebook_entry_update",
    "phonebook_export_csv",
    "phonebook_for",
    "phonebook_import_csv",
    "phonebook_search",
    "pickup_group_create",
    "pickup_group_delete",
    "pickup_group_update",
    "refuse_loops",
    "reverse_lookup",
    "voicemail_update",
]
