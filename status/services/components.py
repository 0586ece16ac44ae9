"""Components and their groups (STA-1): staff create, change, hide and delete them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction

from provisioning import audit
from provisioning.errors import ApplicationError

from ..models import Component, ComponentGroup
from ._common import ensure_staff, page_changed, record_create, record_delete, record_update

if TYPE_CHECKING:
    from provisioning.models import Account

GROUP_FIELDS = frozenset({"name_de", "name_en", "position"})
COMPONENT_FIELDS = frozenset(
    {"group", "name_de", "name_en", "description_de", "description_en", "position", "is_visible"}
)


def _only(data: Mapping[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    unknown = set(data) - allowed
    if unknown:
        raise ApplicationError(
            "unknown_fields",
            "These fields cannot be set here: " + ", ".join(sorted(unknown)),
            fields={name: ["This field cannot be set here."] for name in sorted(unknown)},
        )
    return dict(data)


def _unique_name(model: type[Component] | type[ComponentGroup], name: str, pk: Any) -> None:
    if model.objects.filter(name_de__iexact=name).exclude(pk=pk).exists():
        raise ApplicationError(
            "status_name_taken",
            "This name is already used.",
            fields={"name_de": ["This name is already used."]},
            status=409,
        )


@transaction.atomic
def component_group_create(
    *, acting_user: Account | None, data: Mapping[str, Any]
) -> ComponentGroup:
    ensure_staff(acting_user)
    fields = _only(data, GROUP_FIELDS)
    _unique_name(ComponentGroup, fields.get("name_de", ""), None)
    group = ComponentGroup(**fields)
    group.full_clean()
    group.save()
    record_create(group, acting_user)
    page_changed()
    return group


@transaction.atomic
def component_group_update(
    *, group: ComponentGroup, acting_user: Account | None, data: Mapping[str, Any]
) -> ComponentGroup:
    ensure_staff(acting_user)
    fields = _only(data, GROUP_FIELDS)
    if "name_de" in fields:
        _unique_name(ComponentGroup, fields["name_de"], group.pk)
    before = audit.snapshot(group)
    for name, value in fields.items():
        setattr(group, name, value)
    group.full_clean()
    group.save()
    if record_update(group, acting_user, before):
        page_changed()
    return group


@transaction.atomic
def component_group_delete(*, group: ComponentGroup, acting_user: Account | None) -> None:
    ensure_staff(acting_user)
    if group.components.exists():
        raise ApplicationError(
            "group_in_use",
            "Move or delete the group's components first.",
            status=409,
        )
    record_delete(group, acting_user)
    group.delete()
    page_changed()


@transaction.atomic
def component_create(*, acting_user: Account | None, data: Mapping[str, Any]) -> Component:
    ensure_staff(acting_user)
    fields = _only(data, COMPONENT_FIELDS)
    _unique_name(Component, fields.get("name_de", ""), None)
    component = Component(**fields)
    component.full_clean()
    component.save()
    record_create(component, acting_user)
    page_changed()
    return component


@transaction.atomic
def component_update(
    *, component: Component, acting_user: Account | None, data: Mapping[str, Any]
) -> Component:
    ensure_staff(acting_user)
    fields = _only(data, COMPONENT_FIELDS)
    if "name_de" in fields:
        _unique_name(Component, fields["name_de"], component.pk)
    before = audit.snapshot(component)
    for name, value in fields.items():
        setattr(component, name, value)
    component.full_clean()
    component.save()
    if record_update(component, acting_user, before):
        page_changed()
    return component


@transaction.atomic
def component_delete(*, component: Component, acting_user: Account | None) -> None:
    """Only a component no event ever named can go; otherwise hide it (``is_visible``), so
    history and availability keep their meaning."""
    ensure_staff(acting_user)
    if component.events.exists():
        raise ApplicationError(
            "component_in_use",
            "Events refer to this component; hide it instead of deleting it.",
            status=409,
        )
    record_delete(component, acting_user)
    component.subscriptions.clear()
    component.delete()
    page_changed()
