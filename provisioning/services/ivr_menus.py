"""IVR menus (FEA-3): an announcement, keys with targets, timeout and invalid-key targets."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from .. import audit
from ..errors import ApplicationError
from ..models import (
    Account,
    AuditAction,
    Customer,
    ExtensionOwner,
    IvrMenu,
    IvrOption,
    OperatorSettings,
)
from ._common import audited_delete, ensure_name_free, guard_users, lock_customer, only_fields
from .feature_checks import (
    TARGET_USES,
    check_extension,
    check_target,
    claim_extension,
    refuse_if_referenced,
    refuse_loops,
    require_own_audio,
)

IVR_DIGITS = frozenset("0123456789*#")


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
NAME_TAKEN = "A menu with this name exists."


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
        ensure_name_free(menus, name=fields["name"], exclude=exclude, message=NAME_TAKEN)
    if "extension" in fields:
        fields["extension"] = check_extension(
            customer, fields["extension"], kind=ExtensionOwner.IVR_MENU, owner=menu
        )
    for name in ("on_timeout", "on_invalid"):
        if name in fields:
            fields[name] = check_target(customer, fields[name], name)
    require_own_audio(customer, fields.get("announcement"), "announcement")


@transaction.atomic
def ivr_menu_create(
    *, customer: Customer, acting_user: Account, data: Mapping[str, Any]
) -> IvrMenu:
    """Create a menu with its keys. Options may name the menu itself only through other
    menus created before; a loop through timeout/invalid targets is refused."""
    customer = lock_customer(customer)
    guard_users(acting_user, customer)
    fields = only_fields(data, IVR_FIELDS)
    options = fields.pop("options", [])
    fields.setdefault("name", "")
    _prepare_menu_fields(customer, fields, None)
    menu = IvrMenu(customer=customer, **fields)
    menu.full_clean(exclude=["customer"])
    menu.save()
    claim_extension(customer, ExtensionOwner.IVR_MENU, menu)
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
    customer = lock_customer(menu.customer)
    guard_users(acting_user, customer)
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
        claim_extension(customer, ExtensionOwner.IVR_MENU, menu)
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
    guard_users(acting_user, menu.customer)
    refuse_if_referenced(menu.customer, f"ivr:{menu.pk}", "menu")
    if OperatorSettings.objects.filter(ivr_menu=menu).exists():
        raise ApplicationError(
            "target_in_use",
            "This menu is the operator's menu. Change that first.",
            params={"places": [TARGET_USES["operator"]]},
            status=409,
        )
    audited_delete(menu, actor=acting_user)
