"""Sites of a customer (LIC-3): the first is included, each further one holds a *Weiterer
Standort* license."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from .. import ledger
from ..errors import ApplicationError
from ..models import Account, Customer, Device, LicenseType, Site, Subscriber, Trunk
from ._common import (
    audited_create,
    audited_delete,
    audited_update,
    ensure_name_free,
    guard_setup,
    lock_customer,
    only_fields,
)

ADDRESS = ("street", "postal_code", "city", "country")
SITE_FIELDS = frozenset({"name", *ADDRESS})
NAME_TAKEN = "This customer already has a site with this name."


@transaction.atomic
def site_create(
    *,
    customer: Customer,
    acting_user: Account,
    data: Mapping[str, Any],
    extra_site_license: bool = False,
) -> Site:
    """Add a site. The first is included; every further one assigns a *Weiterer Standort*
    license, which the caller must accept explicitly (it is billed monthly)."""
    customer = lock_customer(customer)
    guard_setup(acting_user, customer)
    fields = only_fields(data, SITE_FIELDS)
    ensure_name_free(
        Site.objects.filter(customer=customer),
        name=fields.get("name"),
        code="site_name_taken",
        message=NAME_TAKEN,
    )
    needs_license = Site.objects.filter(customer=customer).exists()
    if needs_license and not extra_site_license:
        raise ApplicationError(
            "extra_site_license_required",
            "Every site beyond the first needs a 'Weiterer Standort' license, billed monthly. "
            "Confirm it with extra_site_license=true.",
            fields={"extra_site_license": ["Confirm the additional site license."]},
        )
    site = audited_create(Site(customer=customer, **fields), actor=acting_user)
    if needs_license:
        site.extra_license_holding = ledger.assign(
            customer=customer,
            license_type=LicenseType.WEITERER_STANDORT,
            subject=site,
            at=timezone.now(),
        )
        site.save(update_fields=["extra_license_holding"])
    return site


@transaction.atomic
def site_update(*, site: Site, acting_user: Account, data: Mapping[str, Any]) -> Site:
    guard_setup(acting_user, site.customer)
    fields = only_fields(data, SITE_FIELDS)
    if fields.get("name"):
        ensure_name_free(
            Site.objects.filter(customer=site.customer),
            name=fields["name"],
            exclude=site.pk,
            code="site_name_taken",
            message=NAME_TAKEN,
        )
    audited_update(site, fields, actor=acting_user)
    return site


@transaction.atomic
def site_delete(*, site: Site, acting_user: Account) -> None:
    """Remove an empty site and release one site license: its own, or — when the included
    site goes — that of the oldest remaining site, which becomes the included one."""
    customer = lock_customer(site.customer)
    guard_setup(acting_user, customer)
    in_use = []
    if Subscriber.objects.filter(site=site).exists():
        in_use.append("users")
    if Trunk.objects.filter(site=site).exists():
        in_use.append("SIP trunk")
    if Device.objects.filter(site=site).exists():
        in_use.append("devices")
    if in_use:
        raise ApplicationError(
            "site_in_use",
            f"The site still has {', '.join(in_use)}; move or remove them first.",
            status=409,
        )
    now = timezone.now()
    if site.extra_license_holding:
        ledger.release(holding=site.extra_license_holding, at=now)
    else:
        successor = (
            Site.objects.filter(customer=customer, extra_license_holding__isnull=False)
            .exclude(pk=site.pk)
            .order_by("created_at")
            .first()
        )
        if successor is not None and successor.extra_license_holding:
            ledger.release(holding=successor.extra_license_holding, at=now)
            Site.objects.filter(pk=successor.pk).update(extra_license_holding=None)
    audited_delete(site, actor=acting_user)
