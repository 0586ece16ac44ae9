"""SIP trunks (TRK-1, TRK-3, LIC-2, LIC-3): at most one per site, a demo customer's one, the
emergency address, ISDN on site through an IP411 gateway."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from .. import audit
from ..errors import ApplicationError
from ..models import (
    Account,
    AuditAction,
    ConnectionType,
    Device,
    DeviceModel,
    NumberBlock,
    Provider,
    Site,
    Trunk,
)
from ._common import audited_create, audited_delete, guard_setup, lock_customer, only_fields
from .licenses import DEMO_MAX_TRUNKS
from .sites import ADDRESS

TRUNK_FIELDS = frozenset(
    {
        "provider",
        "provider_name",
        "connection_type",
        "isdn_mode",
        "registrar_host",
        "username",
        "contract_reference",
        "state",
        "emergency_street",
        "emergency_postal_code",
        "emergency_city",
        "emergency_country",
    }
)


def _check_trunk_rules(trunk: Trunk) -> None:
    if trunk.provider == Provider.OTHER and not trunk.provider_name.strip():
        raise ApplicationError(
            "provider_name_required",
            "Name the provider.",
            fields={"provider_name": ["Name the provider when choosing 'other'."]},
        )
    if trunk.connection_type == ConnectionType.ISDN_ONSITE:
        if not Device.objects.filter(site_id=trunk.site_id, model=DeviceModel.IP411).exists():
            raise ApplicationError(
                "isdn_gateway_required",
                "An ISDN connection on site needs an IP411 gateway registered at this site.",
                fields={"connection_type": ["Register an IP411 gateway at the site first."]},
            )
        if not trunk.isdn_mode:
            raise ApplicationError(
                "isdn_mode_required",
                "Choose the ISDN line type.",
                fields={"isdn_mode": ["Choose multi-device or PBX line."]},
            )
    elif trunk.isdn_mode:
        trunk.isdn_mode = ""
    if trunk.connection_type != ConnectionType.ISDN_ONSITE and not trunk.registrar_host:
        raise ApplicationError(
            "registrar_required",
            "A SIP connection needs the provider's registrar host.",
            fields={"registrar_host": ["This field is required for SIP connections."]},
        )


@transaction.atomic
def trunk_create(
    *, site: Site, acting_user: Account, data: Mapping[str, Any], password: str = ""
) -> Trunk:
    """The one SIP trunk of a site (TRK-1). The emergency address defaults to the site's
    (TRK-3); the password is stored encrypted and never shown again."""
    customer = lock_customer(site.customer)
    guard_setup(acting_user, customer)
    fields = only_fields(data, TRUNK_FIELDS)
    if Trunk.objects.filter(site=site).exists():
        raise ApplicationError(
            "site_trunk_limit",
            "This site already has its SIP trunk; a site has at most one.",
            fields={"site": ["This site already has a SIP trunk."]},
            status=409,
        )
    if customer.is_demo and Trunk.objects.filter(customer=customer).count() >= DEMO_MAX_TRUNKS:
        raise ApplicationError(
            "demo_trunk_limit",
            f"A demo customer has at most {DEMO_MAX_TRUNKS} SIP trunk.",
            status=409,
        )
    for name in ADDRESS:
        fields.setdefault(f"emergency_{name}", getattr(site, name))
        if not fields[f"emergency_{name}"]:
            fields[f"emergency_{name}"] = getattr(site, name)
    trunk = Trunk(customer=customer, site=site, **fields)
    if password:
        trunk.set_password(password)
    _check_trunk_rules(trunk)
    try:
        with transaction.atomic():
            audited_create(trunk, actor=acting_user)
    except IntegrityError:
        raise ApplicationError(
            "site_trunk_limit", "This site already has its SIP trunk.", status=409
        ) from None
    return trunk


@transaction.atomic
def trunk_update(
    *, trunk: Trunk, acting_user: Account, data: Mapping[str, Any], password: str | None = None
) -> Trunk:
    """Change a trunk; ``password`` None keeps the stored one, a string replaces it."""
    guard_setup(acting_user, trunk.customer)
    fields = only_fields(data, TRUNK_FIELDS)
    before = audit.snapshot(trunk)
    for name, value in fields.items():
        setattr(trunk, name, value)
    if password is not None:
        trunk.set_password(password)
    _check_trunk_rules(trunk)
    changes = audit.changes_between(before, trunk)
    if changes:
        trunk.full_clean()
        trunk.save()
        audit.record_change(
            actor=acting_user, action=AuditAction.UPDATE, instance=trunk, changes=changes
        )
    return trunk


@transaction.atomic
def trunk_delete(*, trunk: Trunk, acting_user: Account) -> None:
    guard_setup(acting_user, trunk.customer)
    if NumberBlock.objects.filter(trunk=trunk).exists():
        raise ApplicationError(
            "trunk_in_use", "Remove the trunk's number blocks first.", status=409
        )
    audited_delete(trunk, actor=acting_user)
