"""Reads that cross relations (docs/architecture.md). Callers pass querysets already restricted
by the access chokepoint, or objects fetched through it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, Q, QuerySet
from django.db.models.functions import Cast

from .models import (
    Customer,
    ExtensionClaim,
    LedgerKind,
    LicenseEvent,
    PhoneNumber,
    Site,
    Subscriber,
    Trunk,
)


def free_numbers(*, site: Site, limit: int = 100) -> QuerySet[PhoneNumber]:
    """Unassigned numbers of the site's trunk whose extension nothing of the customer holds
    (a user at any site, a fax, a group, a menu), lowest extension first (the main number 0
    is never offered)."""
    held = ExtensionClaim.objects.filter(customer_id=site.customer_id).values("extension")
    return (
        PhoneNumber.objects.filter(
            block__trunk__site=site, subscriber__isnull=True, fax_subscriber__isnull=True
        )
        .exclude(extension="0")
        .exclude(extension__in=held)
        .annotate(ext=Cast("extension", IntegerField()))
        .order_by("block__base_number", "ext")[:limit]
    )


@dataclass(frozen=True)
class EmergencyRoute:
    """Where an emergency call (110/112) of a user leaves the platform (TRK-3)."""

    site: Site
    trunk: Trunk | None
    address: str
    problem: str = ""


def emergency_route(*, subscriber: Subscriber) -> EmergencyRoute:
    """Always the trunk of the user's assigned site and the emergency address the provider holds
    for it — whatever device or place the user calls from, whatever number they present."""
    site = subscriber.site
    trunk = Trunk.objects.filter(site=site).first()
    if trunk is None:
        return EmergencyRoute(
            site=site,
            trunk=None,
            address="",
            problem=f"Site {site} has no SIP trunk: emergency calls cannot leave.",
        )
    return EmergencyRoute(site=site, trunk=trunk, address=trunk.emergency_address)


def current_holdings(events: QuerySet[LicenseEvent]) -> QuerySet[LicenseEvent]:
    """The assignments among ``events`` that have not been released: the licenses held now."""
    released = LicenseEvent.objects.filter(kind=LedgerKind.RELEASE).values("holding")
    return events.filter(kind=LedgerKind.ASSIGN).exclude(holding__in=released)


def license_counts(*, customer: Customer) -> dict[str, int]:
    """Licenses held now by type, for the customer page and the license API."""
    rows = (
        current_holdings(LicenseEvent.objects.filter(customer=customer))
        .values("license_type")
        .annotate(n=Count("id"))
    )
    return {row["license_type"]: row["n"] for row in rows}


def users_needing_emergency_notice(users: QuerySet[Subscriber]) -> QuerySet[Subscriber]:
    """Users working elsewhere who have not yet been told to call emergencies by other means."""
    return users.filter(~Q(works_at="site"), emergency_notice_confirmed_at__isnull=True)
