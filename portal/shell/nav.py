"""The main navigation: each role sees only the sections it may use (TEN-2).

Each section has one rule here, built on ``provisioning.permissions`` where a rule exists there;
views use the same rules, so menu and pages never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from billing.permissions import may_read_invoices
from provisioning.permissions import (
    can_manage_api_keys,
    can_manage_users,
    can_read_audit_log,
    can_read_system,
    can_view_network_checks,
    has_profile_section,
    may_list_customers,
    may_list_resellers,
    may_use_admin_site,
    may_use_second_factor,
    may_view_own_customer,
)
from status.permissions import can_view_status_admin
from support.permissions import can_read_tickets

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from provisioning.models import Account, Customer


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url: str


# A customer admin's own telephone system (sites and trunks read-only for them).
SYSTEM_SECTIONS = [
    ("users", _("Benutzer"), "user_list"),
    ("devices", _("Geräte"), "device_list"),
    ("sites", _("Standorte"), "site_list"),
    ("call_features", _("Funktionen"), "feature_overview"),
]


def build_nav(account: Account | AnonymousUser) -> list[NavItem]:
    """The sections ``account`` may use, in menu order (none for anonymous visitors)."""
    if not getattr(account, "is_authenticated", False):
        return []
    user: Account = account  # type: ignore[assignment]
    items = [NavItem("dashboard", _("Übersicht"), reverse("portal:dashboard"))]
    if may_list_resellers(user):
        items.append(NavItem("resellers", _("Reseller"), reverse("portal:reseller_list")))
    if may_list_customers(user):
        items.append(NavItem("customers", _("Kunden"), reverse("portal:customer_list")))
    if may_view_own_customer(user) and user.customer_id:
        url = reverse("portal:customer_detail", args=[user.customer_id])
        items.append(NavItem("own_customer", _("Mein Unternehmen"), url))
        for key, label, name in SYSTEM_SECTIONS:
            url = reverse(f"portal:{name}", args=[user.customer_id])
            items.append(NavItem(key, label, url))
    if may_read_invoices(user):  # invoices (BIL-5, BIL-6); runs and exports: platform
        label = _("Finanzen") if user.is_platform else _("Rechnungen")
        items.append(NavItem("finance", label, reverse("portal:finance_dashboard")))
    if can_manage_api_keys(user):
        items.append(NavItem("api_keys", _("API-Schlüssel"), reverse("portal:api_key_list")))
    if can_view_network_checks(user):
        url = reverse("portal:netcheck_overview")
        items.append(NavItem("network_checks", _("Netzwerkprüfung"), url))
    if can_view_status_admin(user):  # STA, OPS-5: staff run it, resellers read and pass on
        url = reverse("portal:status_overview")
        items.append(NavItem("service_status", _("Betriebsstatus"), url))
    if can_read_audit_log(user):
        items.append(NavItem("audit", _("Protokoll"), reverse("portal:audit_list")))
    if has_profile_section(user):
        items.append(NavItem("my_phone", _("Mein Telefon"), reverse("portal:my_phone")))
        url = reverse("portal:my_calls")
        items.append(NavItem("my_calls", _("Weiterleitung & Telefonbuch"), url))
        items.append(NavItem("profile", _("Mein Profil"), reverse("portal:profile")))
    if can_read_tickets(user):  # SUP-5: customers reach support through their reseller
        url = reverse("portal:support_ticket_list")
        items.append(NavItem("support", _("Support"), url))
    if may_use_second_factor(user):
        url = reverse("portal:second_factor")
        items.append(NavItem("second_factor", _("Zweiter Faktor"), url))
    if may_use_admin_site(user):
        items.append(NavItem("admin", _("Django-Admin"), reverse("admin:index")))
    return items


def build_customer_nav(account: Account, customer: Customer) -> list[NavItem]:
    """The areas of one customer ``account`` may open, for the customer's own navigation on its
    data, telephone system, call features and network check pages. Each area asks the rule its
    view asks, so a tab is shown exactly when its page opens."""
    args = [customer.pk]
    items = [
        NavItem(
            "customer",
            _("Unternehmen") if account.customer_id else _("Kunde"),
            reverse("portal:customer_detail", args=args),
        )
    ]
    if can_read_system(account):
        url = reverse("portal:system_overview", args=args)
        items.append(NavItem("system", _("Telefonanlage"), url))
    if can_manage_users(account, customer):
        url = reverse("portal:feature_overview", args=args)
        items.append(NavItem("features", _("Funktionen"), url))
    if can_view_network_checks(account):
        url = reverse("portal:netcheck_golive", args=args)
        items.append(NavItem("netcheck", _("Netzwerkprüfung"), url))
    return items


def active_key(path: str, items: list[NavItem]) -> str | None:
    """The section the current path belongs to (the longest matching menu URL)."""
    matches = [
        item
        for item in items
        if path == item.url or (item.url != "/" and path.startswith(item.url))
    ]
    if not matches:
        return None
    return max(matches, key=lambda item: len(item.url)).key
