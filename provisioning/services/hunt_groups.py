"""Hunt groups (FEA-1): members, ring strategy, overflow; further groups cost a one-time fee."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction

from telephony.entitlements import Feature

from .. import audit
from ..access import require_same_customer
from ..errors import ApplicationError
from ..models import (
    Account,
    AuditAction,
    Customer,
    ExtensionOwner,
    FeeType,
    HuntGroup,
    HuntGroupMember,
    Site,
    Subscriber,
)
from ._common import (
    audited_delete,
    audited_update,
    ensure_name_free,
    guard_users,
    lock_customer,
    only_fields,
)
from .feature_checks import (
    check_extension,
    check_target,
    claim_extension,
    guard_own,
    record_fee,
    refuse_if_referenced,
    refuse_loops,
    require_entitled,
)

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
NAME_TAKEN = "A hunt group with this name exists."


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
        require_entitled(member, Feature.HUNT_GROUP, "members")


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


def _save_group(group: HuntGroup) -> None:
    try:
        with transaction.atomic():
            group.full_clean(exclude=["customer", "site"])
            group.save()
    except IntegrityError:
        raise ApplicationError(
            "name_taken",
            NAME_TAKEN,
            fields={"name": [NAME_TAKEN]},
            params={"name": group.name},
            status=409,
        ) from None


@transaction.atomic
def hunt_group_create(
    *, customer: Customer, acting_user: Account, data: Mapping[str, Any]
) -> HuntGroup:
    """Create a hunt group. The customer's first group (for the main number) is included;
    each further group records a one-time fee for billing."""
    customer = lock_customer(customer)
    guard_users(acting_user, customer)
    fields = only_fields(data, HUNT_GROUP_FIELDS)
    members: list[Subscriber] = list(fields.pop("members", []))
    site: Site = fields.pop("site")
    require_same_customer(site, customer, "site")
    groups = HuntGroup.objects.filter(customer=customer)
    ensure_name_free(groups, name=fields.get("name", ""), message=NAME_TAKEN)
    fields["extension"] = check_extension(
        customer, fields.get("extension", ""), kind=ExtensionOwner.HUNT_GROUP
    )
    fields["overflow"] = check_target(customer, fields.get("overflow", ""), "overflow")
    group = HuntGroup(customer=customer, site=site, **fields)
    _check_members(group, members)
    is_further_group = HuntGroup.objects.filter(customer=customer).exists()
    _save_group(group)
    claim_extension(customer, ExtensionOwner.HUNT_GROUP, group)
    member_ids = _set_members(group, members)
    audit.record_change(
        actor=acting_user,
        action=AuditAction.CREATE,
        instance=group,
        changes={**audit.created_changes(group), "members": [None, member_ids]},
    )
    if is_further_group:
        record_fee(customer, FeeType.HUNT_GROUP, group.pk, f"Sammelruf-Gruppe {group.name}")
    refuse_loops(customer)
    return group


@transaction.atomic
def hunt_group_update(
    *, group: HuntGroup, acting_user: Account, data: Mapping[str, Any]
) -> HuntGroup:
    customer = lock_customer(group.customer)
    guard_users(acting_user, customer)
    fields = only_fields(data, HUNT_GROUP_FIELDS)
    before = audit.snapshot(group)
    before_members = [str(m.subscriber_id) for m in group.members.all()]
    members = fields.pop("members", None)
    if "site" in fields:
        require_same_customer(fields["site"], customer, "site")
    if "name" in fields:
        groups = HuntGroup.objects.filter(customer=customer)
        ensure_name_free(groups, name=fields["name"], exclude=group.pk, message=NAME_TAKEN)
    if "extension" in fields:
        fields["extension"] = check_extension(
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
        claim_extension(customer, ExtensionOwner.HUNT_GROUP, group)
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
    guard_users(acting_user, group.customer)
    refuse_if_referenced(group.customer, f"hunt_group:{group.pk}", "hunt group")
    audited_delete(group, actor=acting_user)


@transaction.atomic
def hunt_group_member_set_login(
    *, group: HuntGroup, subscriber: Subscriber, acting_user: Account, logged_in: bool
) -> HuntGroupMember:
    """A member logs in to or out of a group (FEA-1); admins may do it for them."""
    require_same_customer(subscriber, group.customer, "user")
    guard_own(acting_user, subscriber)
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
