"""Pickup groups (FEA-2): members may pick up each other's ringing calls."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from telephony.entitlements import Feature

from .. import audit
from ..access import require_same_customer
from ..models import Account, AuditAction, Customer, PickupGroup, Subscriber
from ._common import (
    audited_create,
    audited_delete,
    audited_update,
    ensure_name_free,
    guard_users,
    only_fields,
)
from .feature_checks import require_entitled

PICKUP_FIELDS = frozenset({"name", "members"})
NAME_TAKEN = "A pickup group with this name exists."


def _check_pickup_members(customer: Customer, members: Iterable[Subscriber]) -> list[Subscriber]:
    result = list(members)
    for member in result:
        require_same_customer(member, customer, "members")
        require_entitled(member, Feature.PICKUP_GROUP, "members")
    return result


@transaction.atomic
def pickup_group_create(
    *, customer: Customer, acting_user: Account, data: Mapping[str, Any]
) -> PickupGroup:
    guard_users(acting_user, customer)
    fields = only_fields(data, PICKUP_FIELDS)
    members = _check_pickup_members(customer, fields.pop("members", []))
    groups = PickupGroup.objects.filter(customer=customer)
    ensure_name_free(groups, name=fields.get("name", ""), message=NAME_TAKEN)
    group = audited_create(PickupGroup(customer=customer, **fields), actor=acting_user)
    group.members.set(members)
    return group


@transaction.atomic
def pickup_group_update(
    *, group: PickupGroup, acting_user: Account, data: Mapping[str, Any]
) -> PickupGroup:
    guard_users(acting_user, group.customer)
    fields = only_fields(data, PICKUP_FIELDS)
    members = fields.pop("members", None)
    if "name" in fields:
        groups = PickupGroup.objects.filter(customer=group.customer)
        ensure_name_free(groups, name=fields["name"], exclude=group.pk, message=NAME_TAKEN)
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
    guard_users(acting_user, group.customer)
    audited_delete(group, actor=acting_user)
