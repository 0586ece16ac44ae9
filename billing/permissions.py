"""Who may change what in billing. Visibility is the access chokepoint's job; these answer
"may this account make this change" (ApplicationError with status 403 otherwise)."""

from __future__ import annotations

from provisioning.models import Account, Reseller, Role

from .models import PriceList, PriceListKind

FINANCE_ROLES = frozenset({Role.PLATFORM_STAFF, Role.PLATFORM_FINANCE})


def can_edit_wholesale_prices(account: Account) -> bool:
    return account.role == Role.PLATFORM_STAFF


def can_edit_retail_prices(account: Account, reseller: Reseller | None) -> bool:
    if account.role == Role.PLATFORM_STAFF:
        return True
    return (
        account.role == Role.RESELLER_ADMIN
        and reseller is not None
        and account.reseller_id == reseller.pk
    )


def can_write_price_lists(account: Account) -> bool:
    return account.role in {Role.PLATFORM_STAFF, Role.RESELLER_ADMIN}


def can_run_billing(account: Account) -> bool:
    return account.role in FINANCE_ROLES


def can_issue_invoices(account: Account) -> bool:
    """Finalize drafts and write credit notes: the platform's finance and staff."""
    return account.role in FINANCE_ROLES


def can_record_charges(account: Account) -> bool:
    return account.role in FINANCE_ROLES


def can_export(account: Account) -> bool:
    return account.role in FINANCE_ROLES


def can_manage_payment_accounts(account: Account) -> bool:
    return account.role in FINANCE_ROLES


def can_set_issuer_profile(account: Account, reseller: Reseller | None) -> bool:
    """The invoicing data of an issuer (the platform for ``reseller=None``, else a reseller):
    platform finance and staff set any; a reseller admin only its own reseller's, which its
    retail invoices print."""
    if account.role in FINANCE_ROLES:
        return True
    return (
        account.role == Role.RESELLER_ADMIN
        and reseller is not None
        and account.reseller_id == reseller.pk
    )


PLATFORM_ISSUER_EDITORS = frozenset({Role.PLATFORM_STAFF})
"""The roles that enter the platform's own invoicing data (named to whoever else needs it)."""


def can_edit_platform_issuer(account: Account) -> bool:
    """The platform's own name, address, VAT id and bank account in the portal and the API:
    platform staff (finance reads them)."""
    return account.role in PLATFORM_ISSUER_EDITORS


# Pages of finance (the navigation and the pages ask the same rules) ----------------------------

FINANCE_READERS = frozenset(
    {Role.PLATFORM_STAFF, Role.PLATFORM_FINANCE, Role.RESELLER_ADMIN, Role.CUSTOMER_ADMIN}
)
"""Who reads invoices: the platform's, a reseller's (its own) and a customer's (its own)."""


def may_read_invoices(account: Account) -> bool:
    return account.role in FINANCE_READERS


def may_use_finance_dashboard(account: Account) -> bool:
    """Runs, exports and the revenue chart are the platform's (staff and finance)."""
    return can_run_billing(account)


def may_read_price_lists(account: Account) -> bool:
    return account.role in {Role.PLATFORM_STAFF, Role.PLATFORM_FINANCE, Role.RESELLER_ADMIN}


def may_set_issuer_profile(account: Account) -> bool:
    """The platform's own invoicing data."""
    return can_edit_platform_issuer(account)


def may_open_reseller_issuers(account: Account) -> bool:
    """Resellers' invoicing data: the platform's finance and staff for every reseller, a
    reseller admin for its own (which reseller: the access chokepoint decides)."""
    return account.role in {Role.PLATFORM_STAFF, Role.PLATFORM_FINANCE, Role.RESELLER_ADMIN}


def may_create_price_lists(account: Account) -> bool:
    return may_read_price_lists(account) and can_write_price_lists(account)


def may_edit_price_list(account: Account, price_list: PriceList) -> bool:
    if price_list.kind == PriceListKind.WHOLESALE:
        return can_edit_wholesale_prices(account)
    return can_edit_retail_prices(account, price_list.reseller)


def may_choose_any_issuer(account: Account) -> bool:
    """Everyone but a customer admin picks among the resellers it sees as issuers."""
    return account.role != Role.CUSTOMER_ADMIN
