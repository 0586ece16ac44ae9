"""Devices of a customer (FEA-12): phones and gateways, one registration per MAC address."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from .. import audit
from ..access import require_same_customer
from ..errors import ApplicationError
from ..models import (
    Account,
    AuditAction,
    ConnectionType,
    Customer,
    Device,
    DeviceModel,
    Trunk,
    normalize_mac,
)
from ._common import audited_create, audited_delete, guard_users, only_fields

DEVICE_FIELDS = frozenset({"site", "model", "mac_address", "label", "subscriber", "rented"})


def _check_device(device: Device, customer: Customer) -> None:
    require_same_customer(device.site, customer, "site")
    if device.subscriber is not None:
        require_same_customer(device.subscriber, customer, "subscriber")
    if device.rented and device.model not in (DeviceModel.IP411,):
        raise ApplicationError(
            "only_gateways_rented",
            "Only IP411 gateways are rented with the Erweiterte Grundlizenz.",
            fields={"rented": ["Only IP411 gateways are rented."]},
        )
    if Device.objects.filter(mac_address=device.mac_address).exclude(pk=device.pk).exists():
        raise ApplicationError(
            "mac_taken",
            "A device with this MAC address is already registered.",
            fields={"mac_address": ["Already registered."]},
            status=409,
        )


@transaction.atomic
def device_create(*, customer: Customer, acting_user: Account, data: Mapping[str, Any]) -> Device:
    guard_users(acting_user, customer)
    fields = only_fields(data, DEVICE_FIELDS)
    fields["mac_address"] = normalize_mac(fields.get("mac_address", ""))
    device = Device(customer=customer, **fields)
    _check_device(device, customer)
    try:
        with transaction.atomic():
            audited_create(device, actor=acting_user)
    except IntegrityError:
        raise ApplicationError(
            "mac_taken", "A device with this MAC address is already registered.", status=409
        ) from None
    return device


@transaction.atomic
def device_update(*, device: Device, acting_user: Account, data: Mapping[str, Any]) -> Device:
    guard_users(acting_user, device.customer)
    fields = only_fields(data, DEVICE_FIELDS)
    if "mac_address" in fields:
        fields["mac_address"] = normalize_mac(fields["mac_address"])
    before = audit.snapshot(device)
    for name, value in fields.items():
        setattr(device, name, value)
    _check_device(device, device.customer)
    changes = audit.changes_between(before, device)
    if changes:
        device.full_clean()
        device.save()
        audit.record_change(
            actor=acting_user, action=AuditAction.UPDATE, instance=device, changes=changes
        )
    return device


@transaction.atomic
def device_delete(*, device: Device, acting_user: Account) -> None:
    guard_users(acting_user, device.customer)
    if (
        device.model == DeviceModel.IP411
        and Trunk.objects.filter(
            site=device.site, connection_type=ConnectionType.ISDN_ONSITE
        ).exists()
        and not Device.objects.filter(site=device.site, model=DeviceModel.IP411)
        .exclude(pk=device.pk)
        .exists()
    ):
        raise ApplicationError(
            "gateway_in_use",
            "The site's ISDN trunk needs this gateway.",
            status=409,
        )
    audited_delete(device, actor=acting_user)
