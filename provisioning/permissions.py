"""Who may change what (TEN-2). Visibility is the chokepoint's job (access.py); these answer
"may this account make this change" for objects it can already see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import ApplicationError
from .models import Role

if TYPE_CHECKING:
    from .models import Account, Customer, Reseller, Site


class PermissionDeniedError(ApplicationError):
    """The account may see the object but not make this change."""

    def __init__(self, message: str = "Your role may not make this change.") -> None:
        super().__init__("permission_denied", message, status=403)


def can_manage_resellers(account: Account) -> bool:
    return account.role == Role.PLATFORM_STAFF


def can_manage_customers_of(account: Account, reseller: Reseller) -> bool:
    if account.role == Role.PLATFORM_STAFF:
        return True
    return account.role == Role.RESELLER_ADMIN and account.reseller_id == reseller.pk


def can_create_customers(account: Account) -> bool:
    return account.role in {Role.PLATFORM_STAFF, Role.RESELLER_ADMIN}


def can_edit_customer(account: Account, customer: Customer) -> bool:
    return can_manage_customers_of(account, customer.reseller)


def can_manage_api_keys(account: Account) -> bool:
    return account.role in {Role.PLATFORM_STAFF, Role.RESELLER_ADMIN}


def can_read_audit_log(account: Account) -> bool:
    return account.role in {Role.PLATFORM_STAFF, Role.RESELLER_ADMIN, Role.CUSTOMER_ADMIN}


def can_read_resellers(account: Account) -> bool:
    return account.role in {Role.PLATFORM_STAFF, Role.PLATFORM_FINANCE, Role.RESELLER_ADMIN}


def ensure(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDeniedError(message) if message else PermissionDeniedError()


def can_set_up_system(account: Account, customer: Customer) -> bool:
    """Base license, sites, trunks and number blocks: the reseller sets up its customer."""
    return can_manage_customers_of(account, customer.reseller)


def can_assign_demo_license(account: Account) -> bool:
    return account.role == Role.PLATFORM_STAFF


def can_read_system(account: Account) -> bool:
    """A customer's telephone system (sites, trunks, users, devices, licenses) is read by
    staff, finance, reseller admins and customer admins (scoping does the rest)."""
    return account.role in {
        Role.PLATFORM_STAFF,
        Role.PLATFORM_FINANCE,
        Role.RESELLER_ADMIN,
        Role.CUSTOMER_ADMIN,
    }


def can_view_network_checks(account: Account) -> bool:
    """Results are for staff, resellers and the customer admin (scoping does the rest)."""
    return account.role in {Role.PLATFORM_STAFF, Role.RESELLER_ADMIN, Role.CUSTOMER_ADMIN}


def can_manage_check_tokens(account: Account, site: Site) -> bool:
    """Staff and the customer's reseller create and revoke a site's check token."""
    return can_set_up_system(account, site.customer)


def can_manage_users(account: Account, customer: Customer) -> bool:
    """Users and devices: the customer admin runs them, the reseller and staff may too."""
    if account.role == Role.CUSTOMER_ADMIN:
        return account.customer_id == customer.pk
    return can_manage_customers_of(account, customer.reseller)


def is_read_only_for(account: Account, customer: Customer) -> bool:
    """A suspended customer is read-only for its own admins and users (LIC-2); the reseller
    and the platform still change it."""
    return customer.is_suspended and account.role in {Role.CUSTOMER_ADMIN, Role.END_USER}


def ensure_customer_writable(account: Account, customer: Customer) -> None:
    """A suspended customer is read-only for its own admins; nothing is deleted (LIC-2)."""
    if is_read_only_for(account, customer):
        raise ApplicationError(
            "customer_suspended",
            "This telephone system is suspended and read-only. Please contact your reseller.",
            status=409,
        )


# Sections of the portal (the navigation and the pages ask the same rules) ----------------------


def may_list_resellers(account: Account) -> bool:
    """The reseller directory belongs to the platform; a reseller admin only reads its own."""
    return can_read_resellers(account) and account.is_platform


def may_list_customers(account: Account) -> bool:
    """Platform roles and reseller admins work with customer lists."""
    return account.is_platform or account.role == Role.RESELLER_ADMIN


def may_view_own_customer(account: Account) -> bool:
    return account.role == Role.CUSTOMER_ADMIN


def can_read_customer_record(account: Account) -> bool:
    """May read a visible customer's master data (address, VAT id, contacts)? Everyone who
    sees the customer except its end users, who see their own user, devices and phonebook."""
    return account.role != Role.END_USER


def may_use_admin_site(account: Account) -> bool:
    return account.is_staff and can_manage_resellers(account)


def has_profile_section(account: Account) -> bool:
    """End users have no tenant pages; their own profile is their section."""
    return account.role == Role.END_USER


def is_end_user(account: Account) -> bool:
    return account.role == Role.END_USER


def is_reseller_admin(account: Account) -> bool:
    return account.role == Role.RESELLER_ADMIN


def can_configure_features(account: Account) -> bool:
    """Hunt groups, IVR menus, operator and the other call features of a customer: its admin,
    its reseller and staff (scoping and ``ensure_customer_writable`` do the rest)."""
    return account.role in {Role.PLATFORM_STAFF, Role.RESELLER_ADMIN, Role.CUSTOMER_ADMIN}


def can_create_check_tokens(account: Account) -> bool:
    """Who may create network-check tokens at all (per site: ``can_manage_check_tokens``)."""
    return account.role in {Role.PLATFORM_STAFF, Role.RESELLER_ADMIN}


def can_set_up_systems(account: Account) -> bool:
    """Roles that set up telephone systems at all (per customer: ``can_set_up_system``)."""
    return account.role in {Role.PLATFORM_STAFF, Role.RESELLER_ADMIN}


def can_manage_users_at_all(account: Account) -> bool:
    """Roles that manage users and devices at all (per customer: ``can_manage_users``)."""
    return account.role in {Role.PLATFORM_STAFF, Role.RESELLER_ADMIN, Role.CUSTOMER_ADMIN}


# Second factor (TEN-4) -------------------------------------------------------------------------

SECOND_FACTOR_ROLES = frozenset({Role.PLATFORM_STAFF, Role.PLATFORM_FINANCE, Role.RESELLER_ADMIN})


def may_use_second_factor(account: Account) -> bool:
    """Platform staff, platform finance and reseller admins log in with a second factor."""
    return account.role in SECOND_FACTOR_ROLES


def needs_second_factor(account: Account) -> bool:
    """Required for the platform's logins; for a reseller's admins when the reseller says so."""
    if account.role in (Role.PLATFORM_STAFF, Role.PLATFORM_FINANCE):
        return True
    return (
        account.role == Role.RESELLER_ADMIN
        and account.reseller is not None
        and account.reseller.admins_need_second_factor
    )


def can_reset_second_factors(actor: Account) -> bool:
    """Platform staff reset the second factor of a login that lost it (a lost phone)."""
    return actor.role == Role.PLATFORM_STAFF


def may_reset_second_factor(actor: Account, account: Account) -> bool:
    """…of another login, never their own, so a stolen password alone cannot replace it."""
    return can_reset_second_factors(actor) and actor.pk != account.pk
