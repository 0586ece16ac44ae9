"""Who may do what with the status page. Status objects are platform-wide: the public reads
the page, platform staff run it, reseller admins read the staff pages and pass maintenance
notices on to their own customers (OPS-5)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from provisioning.models import Role

if TYPE_CHECKING:
    from provisioning.models import Reseller


def can_manage_status(account: Any) -> bool:
    """Components, incidents and maintenance: platform staff only."""
    return bool(getattr(account, "is_authenticated", False)) and account.role == Role.PLATFORM_STAFF


def can_view_status_admin(account: Any) -> bool:
    """The portal's status pages (events with their audit trail, availability, notices)."""
    return bool(getattr(account, "is_authenticated", False)) and account.role in {
        Role.PLATFORM_STAFF,
        Role.RESELLER_ADMIN,
    }


def can_read_status_api(account: Any) -> bool:
    """Every logged-in account and API key may read components and events (the page is
    public anyway)."""
    return bool(getattr(account, "is_authenticated", False))


def can_pass_on_notice(account: Any, reseller: Reseller) -> bool:
    """A reseller admin passes a maintenance notice on to its own customers' admins."""
    return (
        bool(getattr(account, "is_authenticated", False))
        and account.role == Role.RESELLER_ADMIN
        and account.reseller_id == reseller.pk
    )
