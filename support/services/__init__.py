"""Every write of the support desk goes through these services (docs/support.md)."""

from .clocks import (
    check_ticket_clocks,
    refresh_clocks,
    ticket_calendar,
    ticket_check_clocks,
    ticket_clocks_due,
)
from .messages import MailAttachment, attachment_add, message_from_mail, message_post
from .reports import outage_report_save
from .settings import customer_support_update, support_desk_update
from .tickets import platform_ticket_open, ticket_escalate, ticket_open, ticket_update_details
from .workflow import ticket_acknowledge, ticket_assign, ticket_set_estimate, ticket_transition

__all__ = [
    "MailAttachment",
    "attachment_add",
    "check_ticket_clocks",
    "customer_support_update",
    "message_from_mail",
    "message_post",
    "outage_report_save",
    "platform_ticket_open",
    "refresh_clocks",
    "support_desk_update",
    "ticket_acknowledge",
    "ticket_assign",
    "ticket_calendar",
    "ticket_check_clocks",
    "ticket_clocks_due",
    "ticket_escalate",
    "ticket_open",
    "ticket_set_estimate",
    "ticket_transition",
    "ticket_update_details",
]
