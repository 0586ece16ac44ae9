"""Who may do what with support tickets (SUP-5, TEN-3). Visibility is the chokepoint's job
(``provisioning.access``); these answer "may this account make this change" and "what of a
ticket it sees".

Customers reach support only through their reseller: a customer's admin (and its end users,
where the admin allows it) open first-level tickets, which the reseller works. The reseller
escalates to the platform with a second-level ticket, worked by platform staff; no customer
role ever sees it. Internal notes are read by the side that works the ticket.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from provisioning.models import CUSTOMER_ROLES, Role

if TYPE_CHECKING:
    from provisioning.models import Account, Customer, Reseller

    from .models import CustomerSupportSettings, Ticket


def _active(account: Any) -> bool:
    return bool(getattr(account, "is_authenticated", False)) and bool(
        getattr(account, "is_active", False)
    )


def is_customer_side(account: Account) -> bool:
    """Customer admins and end users: they see a first-level ticket as its customer does."""
    return account.role in CUSTOMER_ROLES


def side_of(account: Account | None) -> str:
    """The side an account acts for (``Side`` values); ``None`` is the platform's own work."""
    if account is None:
        return "system"
    if account.role in CUSTOMER_ROLES:
        return "customer"
    if account.role == Role.RESELLER_ADMIN:
        return "reseller"
    return "platform"


def can_read_tickets(account: Any) -> bool:
    """Everybody but finance reads tickets (the chokepoint narrows them to the account's own)."""
    return _active(account) and account.role != Role.PLATFORM_FINANCE


def can_open_ticket(
    account: Account, customer: Customer, settings: CustomerSupportSettings | None
) -> bool:
    """A customer's admin opens its tickets with its reseller; an end user only where the
    customer's settings allow it; the reseller records a ticket for its customer (a caller
    identified by the support PIN)."""
    if account.role == Role.CUSTOMER_ADMIN:
        return account.customer_id == customer.pk
    if account.role == Role.END_USER:
        return (
            account.customer_id == customer.pk
            and settings is not None
            and settings.end_users_may_open_tickets
        )
    return account.role == Role.RESELLER_ADMIN and account.reseller_id == customer.reseller_id


def records_for_customer(account: Account) -> bool:
    """A reseller records a customer's call: the caller is identified by the support PIN."""
    return account.role == Role.RESELLER_ADMIN


def can_open_any_ticket(account: Any) -> bool:
    """Roles that open tickets at all (per customer: ``can_open_ticket``); asked before the
    input is read, so other roles learn nothing from validation messages."""
    return _active(account) and account.role in {
        Role.CUSTOMER_ADMIN,
        Role.END_USER,
        Role.RESELLER_ADMIN,
    }


def can_open_platform_ticket(account: Account, reseller: Reseller | None) -> bool:
    """A reseller's admin opens a second-level ticket with the platform."""
    return (
        reseller is not None
        and account.role == Role.RESELLER_ADMIN
        and account.reseller_id == reseller.pk
    )


def works_ticket(account: Account, ticket: Ticket) -> bool:
    """The side that works the ticket: the owning reseller on a first-level ticket, platform
    staff on a second-level one. It acknowledges, moves, assigns, estimates, writes internal
    notes."""
    if ticket.is_second_level:
        return account.role == Role.PLATFORM_STAFF
    return account.role == Role.RESELLER_ADMIN and account.reseller_id == ticket.reseller_id


def is_requester(account: Account, ticket: Ticket) -> bool:
    """The side that asked: the customer on a first-level ticket, the reseller on a
    second-level one."""
    if ticket.is_second_level:
        return account.role == Role.RESELLER_ADMIN and account.reseller_id == ticket.reseller_id
    return account.role in CUSTOMER_ROLES and account.customer_id == ticket.customer_id


def can_reply(account: Account, ticket: Ticket) -> bool:
    """Public replies: both sides of the ticket."""
    return works_ticket(account, ticket) or is_requester(account, ticket)


def can_write_internal(account: Account, ticket: Ticket) -> bool:
    return works_ticket(account, ticket)


def sees_internal(account: Account, ticket: Ticket) -> bool:
    """Internal notes and history are read by the working side, and by platform staff on any
    ticket (their reads of a customer's data are audited)."""
    return works_ticket(account, ticket) or account.role == Role.PLATFORM_STAFF


def sees_platform_names(account: Account) -> bool:
    """A customer never learns the names of platform staff (TEN-3)."""
    return not is_customer_side(account)


def can_edit_details(account: Account, ticket: Ticket) -> bool:
    """Description, contact, workstations, services: both sides while the ticket is open;
    the reseller's own ticket reference only the reseller (``can_set_reseller_reference``)."""
    return can_reply(account, ticket)


def can_set_reseller_reference(account: Account, ticket: Ticket) -> bool:
    return account.role == Role.RESELLER_ADMIN and account.reseller_id == ticket.reseller_id


def can_move(account: Account, ticket: Ticket, target: str, *, reopen: bool) -> bool:
    """The working side moves a ticket; the requester closes a resolved ticket (confirming
    the solution) and reopens one within 14 days."""
    if works_ticket(account, ticket):
        return True
    return is_requester(account, ticket) and (reopen or target == "closed")


def can_escalate(account: Account, ticket: Ticket) -> bool:
    """The owning reseller escalates its customer's ticket to the platform (SUP-5)."""
    return (
        not ticket.is_second_level
        and account.role == Role.RESELLER_ADMIN
        and account.reseller_id == ticket.reseller_id
    )


def may_be_assigned(candidate: Account, ticket: Ticket) -> bool:
    """A named person of the working side handles the ticket (SUP-1)."""
    return candidate.is_active and works_ticket(candidate, ticket)


def can_manage_customer_support(account: Account, customer: Customer) -> bool:
    """The customer's support PIN and whether its end users open tickets: its admin and its
    reseller."""
    if account.role == Role.CUSTOMER_ADMIN:
        return account.customer_id == customer.pk
    return account.role == Role.RESELLER_ADMIN and account.reseller_id == customer.reseller_id


def can_manage_support_desk(account: Account, reseller: Reseller) -> bool:
    """A reseller's service hours and escalation contacts: its admin and platform staff."""
    if account.role == Role.PLATFORM_STAFF:
        return True
    return account.role == Role.RESELLER_ADMIN and account.reseller_id == reseller.pk


def can_allow_end_user_tickets(account: Account, customer: Customer) -> bool:
    """Whether end users open tickets is the customer admin's own decision."""
    return account.role == Role.CUSTOMER_ADMIN and account.customer_id == customer.pk


def can_read_customer_support(account: Any) -> bool:
    """Customer support settings are read by the customer's admin, its reseller and staff."""
    return _active(account) and account.role in {
        Role.PLATFORM_STAFF,
        Role.RESELLER_ADMIN,
        Role.CUSTOMER_ADMIN,
    }


def can_read_support_desks(account: Any) -> bool:
    """Service desks are read by their reseller's admins and platform staff."""
    return _active(account) and account.role in {Role.PLATFORM_STAFF, Role.RESELLER_ADMIN}


def can_write_outage_report(account: Account, ticket: Ticket) -> bool:
    """The reason-for-outage report (SUP-5): written by the side working the ticket, and by
    platform staff on any ticket they reach."""
    return works_ticket(account, ticket) or account.role == Role.PLATFORM_STAFF


def can_share_outage_report(account: Account, ticket: Ticket) -> bool:
    """Whether the customer reads the report is its reseller's decision."""
    return (
        not ticket.is_second_level
        and account.role == Role.RESELLER_ADMIN
        and account.reseller_id == ticket.reseller_id
    )


def sees_unshared_outage_report(account: Account) -> bool:
    """A customer reads a report only once the reseller shares it."""
    return not is_customer_side(account)


def can_read_sla_report(account: Any) -> bool:
    """The monthly service-level report (SUP-3): platform staff for every reseller, a
    reseller's admins for their own (the chokepoint narrows the resellers)."""
    return _active(account) and account.role in {Role.PLATFORM_STAFF, Role.RESELLER_ADMIN}


def opens_tickets(account: Any, own_settings: CustomerSupportSettings | None) -> bool:
    """Whether ``account`` opens tickets at all, asked before a form is shown: a reseller's
    admin for its customers, a customer's admin (an end user where ``own_settings`` of its
    customer allow it) for its own customer."""
    if not can_open_any_ticket(account):
        return False
    if records_for_customer(account):
        return True
    customer = account.customer
    return customer is not None and can_open_ticket(account, customer, own_settings)
