"""The tenancy chokepoint (TEN-2) records platform reads (AUD-1)."""

from __future__ import annotations

from provisioning.access import get_for_user
from provisioning.models import AuditEvent, Customer
from tests.factories import World


def _access_entries(customer: Customer) -> int:
    return AuditEvent.objects.filter(action="access", object_id=str(customer.pk)).count()


def test_platform_staff_fetching_a_customer_leaves_an_access_entry(world: World) -> None:
    """Pins ``get_for_user`` recording platform access: staff reading a customer's record
    writes one ``access`` entry the customer admin can see."""
    fetched = get_for_user(Customer, world.staff, world.customer_a1.pk)
    assert fetched == world.customer_a1
    assert _access_entries(world.customer_a1) == 1


def test_a_reseller_fetching_its_customer_leaves_no_access_entry(world: World) -> None:
    """Pins the other side: only the platform's reads are recorded."""
    get_for_user(Customer, world.reseller_admin_a, world.customer_a1.pk)
    assert _access_entries(world.customer_a1) == 0
