"""The tenancy chokepoint (TEN-2): ids in request bodies, and the record of platform reads
(AUD-1)."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from django.http import Http404
from django.utils import timezone

from provisioning.access import (
    find_reference,
    get_for_user,
    require_same_customer,
    resolve_reference,
    restrict,
)
from provisioning.errors import ApplicationError
from provisioning.models import Account, AuditEvent, Customer, LedgerKind, LicenseEvent
from tests.factories import World

UNKNOWN = "Unbekannte ID."


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


def test_a_body_id_finds_only_what_the_account_may_see(world: World) -> None:
    """Pins ``find_reference`` (TEN-2): an id in a request body finds the caller's own object
    (named by model or by queryset), never another tenant's; without an account the queryset
    alone decides."""
    own, foreign = str(world.customer_a1.pk), str(world.customer_b1.pk)
    admin = world.reseller_admin_a
    assert find_reference(Customer, admin, own) == world.customer_a1
    assert find_reference(Customer.objects.all(), admin, own) == world.customer_a1
    assert find_reference(Customer, admin, foreign) is None
    assert find_reference(Customer, None, foreign) == world.customer_b1
    with pytest.raises(ApplicationError) as refused:
        resolve_reference(Customer, admin, foreign, field="customer")
    assert (refused.value.code, refused.value.fields) == ("invalid", {"customer": [UNKNOWN]})
    assert refused.value.message == f"customer: {UNKNOWN}"


def test_an_object_of_another_customer_answers_like_an_unknown_id(world: World) -> None:
    """Pins ``require_same_customer`` (TEN-2): in a body that writes to one customer, another
    customer's object is refused as unknown; the customer's own object and no object pass."""
    own = SimpleNamespace(customer_id=world.customer_a1.pk)
    other = SimpleNamespace(customer_id=world.customer_a2.pk)
    require_same_customer(own, world.customer_a1, "site")
    require_same_customer(None, world.customer_a1, "site")
    with pytest.raises(ApplicationError) as refused:
        require_same_customer(other, world.customer_a1, "site")
    assert refused.value.fields == {"site": [UNKNOWN]}


def test_a_body_id_that_cannot_be_a_key_finds_nothing(world: World) -> None:
    """Pins the keys a body id may be: a UUID (object or text) for UUID keys, a number or a
    string of digits for integer keys; anything else finds nothing and never fails."""
    event = LicenseEvent.objects.create(
        customer=world.customer_a1,
        license_type="klare_stimme",
        kind=LedgerKind.ASSIGN,
        effective_at=timezone.now(),
        holding=uuid.uuid4(),
        subject_type="user",
        subject_id=uuid.uuid4(),
    )
    for value in (event.pk, str(event.pk)):
        assert find_reference(LicenseEvent, None, value) == event
    for value in (None, False, True, "12a", 1.5, [event.pk], ""):
        assert find_reference(LicenseEvent, None, value) is None
    assert find_reference(Customer, None, world.customer_a1.pk) == world.customer_a1
    for value in (None, True, 7, "not-a-uuid", [str(world.customer_a1.pk)]):
        assert find_reference(Customer, None, value) is None


def test_an_object_can_be_fetched_by_another_field_of_its_own_type(world: World) -> None:
    """Pins the ``field`` of ``get_for_user`` (its public contract; the API looks up by key):
    the value is read as that field's type, not as the primary key's, and the tenancy holds."""
    name = world.customer_a1.company_name
    assert get_for_user(Customer, world.staff, name, field="company_name") == world.customer_a1
    with pytest.raises(Http404):
        get_for_user(Customer, world.reseller_admin_b, name, field="company_name")


def test_a_deactivated_account_sees_nothing(world: World) -> None:
    """Pins the chokepoint for deactivated accounts (TEN-2): still signed in, but every
    queryset is empty and every fetch answers 404."""
    admin = world.reseller_admin_a
    admin.is_active = False
    assert not restrict(Customer.objects.all(), admin).exists()
    with pytest.raises(Http404):
        get_for_user(Customer, admin, world.customer_a1.pk)


def test_a_model_without_a_tenant_path_is_refused_by_name(world: World) -> None:
    """Pins the chokepoint's refusal of a model that declares no tenant path (TEN-2): a
    programming error, named, never an unfiltered queryset."""
    with pytest.raises(TypeError, match=r"^Account declares no tenant path$"):
        restrict(Account.objects.all(), world.staff)
