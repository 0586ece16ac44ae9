"""BIL-1: the peak of simultaneous licenses per customer and type, in one SQL query, equals the
brute-force maximum; semantics at the edges (handover, zero length, month boundaries, DST)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.money import month_bounds
from billing.peaks import billable_quantities, peak, peak_quantities
from provisioning.models import Customer
from tests.billing.conftest import berlin, hold
from tests.factories import World

OCT = dt.date(2026, 10, 1)


def _peak(world: World, license_type: str = "klare_stimme", month: dt.date = OCT) -> int:
    return peak_quantities(month).get((world.customer_a1.pk, license_type), 0)


def test_month_bounds_follow_berlin_midnight_across_dst() -> None:
    start, end = month_bounds(OCT)
    assert start == berlin(2026, 10, 1)
    assert end == berlin(2026, 11, 1)
    assert (end - start) == dt.timedelta(days=31, hours=1)  # 25 October has 25 hours
    start, end = month_bounds(dt.date(2026, 3, 1))
    assert (end - start) == dt.timedelta(days=31, hours=-1)  # 29 March has 23 hours


def test_user_created_and_deleted_in_month_counts_once(world: World) -> None:
    hold(world.customer_a1, "klare_stimme", berlin(2026, 10, 5), berlin(2026, 10, 6))
    assert _peak(world) == 1


def test_license_handed_over_counts_once(world: World) -> None:
    hold(world.customer_a1, "klare_stimme", berlin(2026, 9, 1), berlin(2026, 10, 15, 12))
    hold(world.customer_a1, "klare_stimme", berlin(2026, 10, 15, 12))
    assert _peak(world) == 1


def test_users_who_never_overlap_count_once(world: World) -> None:
    hold(world.customer_a1, "klare_stimme", berlin(2026, 10, 1), berlin(2026, 10, 10))
    hold(world.customer_a1, "klare_stimme", berlin(2026, 10, 20), berlin(2026, 10, 25))
    assert _peak(world) == 1


def test_overlapping_users_count_both(world: World) -> None:
    hold(world.customer_a1, "klare_stimme", berlin(2026, 10, 1), berlin(2026, 10, 10))
    hold(world.customer_a1, "klare_stimme", berlin(2026, 10, 9), berlin(2026, 10, 25))
    assert _peak(world) == 2


def test_zero_length_holding_is_ignored(world: World) -> None:
    hold(world.customer_a1, "klare_stimme", berlin(2026, 10, 3), berlin(2026, 10, 3))
    assert _peak(world) == 0


def test_holding_ending_at_month_start_or_starting_at_month_end_is_not_billed(world: World) -> None:
    hold(world.customer_a1, "klare_stimme", berlin(2026, 9, 1), berlin(2026, 10, 1))
    hold(world.customer_a1, "klare_stimme", berlin(2026, 11, 1))
    assert _peak(world) == 0
    assert peak_quantities(dt.date(2026, 9, 1))[(world.customer_a1.pk, "klare_stimme")] == 1
    assert peak_quantities(dt.date(2026, 11, 1))[(world.customer_a1.pk, "klare_stimme")] == 1


def test_month_boundary_is_berlin_midnight_not_utc(world: World) -> None:
    # 31 Oct 23:30 UTC is already 1 Nov 00:30 in Berlin (CET, UTC+1 after the DST change).
    hold(world.customer_a1, "klare_stimme", dt.datetime(2026, 10, 31, 23, 30, tzinfo=dt.UTC))
    assert _peak(world) == 0
    # 30 Sep 22:30 UTC is 1 Oct 00:30 in Berlin (CEST, UTC+2): belongs to October.
    hold(
        world.customer_a1,
        "klare_stimme",
        dt.datetime(2026, 9, 30, 22, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 9, 30, 23, 0, tzinfo=dt.UTC),
    )
    assert _peak(world) == 1
    assert (world.customer_a1.pk, "klare_stimme") not in peak_quantities(dt.date(2026, 9, 1))


def test_holding_from_before_the_month_counts_from_month_start(world: World) -> None:
    hold(world.customer_a1, "volle_stimme", berlin(2025, 1, 1))
    hold(world.customer_a1, "volle_stimme", berlin(2026, 10, 2), berlin(2026, 10, 3))
    assert _peak(world, "volle_stimme") == 2


def test_demo_license_and_demo_only_customers_are_not_billable(world: World) -> None:
    hold(world.customer_a1, "demolizenz", berlin(2026, 10, 1))
    hold(world.customer_a1, "klare_stimme", berlin(2026, 10, 1))
    hold(world.customer_a2, "grundlizenz", berlin(2026, 10, 1))
    hold(world.customer_a2, "klare_stimme", berlin(2026, 10, 1))
    billable = billable_quantities(peak_quantities(OCT))
    assert world.customer_a1.pk not in billable
    assert billable[world.customer_a2.pk] == {"grundlizenz": 1, "klare_stimme": 1}


def test_demo_converted_to_paid_in_month_is_billed_without_demo_line(world: World) -> None:
    hold(world.customer_a1, "demolizenz", berlin(2026, 9, 20), berlin(2026, 10, 10))
    hold(world.customer_a1, "grundlizenz", berlin(2026, 10, 10))
    billable = billable_quantities(peak_quantities(OCT))
    assert billable[world.customer_a1.pk] == {"grundlizenz": 1}


# --- property: SQL sweep == brute force ------------------------------------------------------

MONTH_START = berlin(2026, 10, 1)
TYPES = ("klare_stimme", "volle_stimme")
instants = st.integers(min_value=-48, max_value=31 * 24 + 48).map(
    lambda hours: MONTH_START + dt.timedelta(hours=hours)
)
intervals = st.tuples(
    st.sampled_from(TYPES), instants, st.one_of(st.none(), st.integers(0, 400))
).map(lambda t: (t[0], t[1], None if t[2] is None else t[1] + dt.timedelta(hours=t[2])))


def _brute_force(spans: list[tuple[dt.datetime, dt.datetime | None]]) -> int:
    start, end = month_bounds(OCT)
    points = {start} | {s for s, _ in spans if start <= s < end}
    best = 0
    for t in points:
        best = max(
            best,
            sum(1 for s, e in spans if s <= t and (e is None or t < e) and (e is None or s < e)),
        )
    return best


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ledger=st.lists(intervals, max_size=14))
def test_sql_peak_equals_brute_force(
    world: World, ledger: list[tuple[str, dt.datetime, dt.datetime | None]]
) -> None:
    # A fresh customer per example: the ledger is append-only (a trigger on PostgreSQL).
    customer = Customer.objects.create(
        reseller=world.reseller_b,
        company_name=f"Property {uuid.uuid4()}",
        street="Weg 1",
        postal_code="10115",
        city="Berlin",
    )
    for license_type, start, end in ledger:
        hold(customer, license_type, start, end)
    result = peak_quantities(OCT)
    start, end = month_bounds(OCT)
    for license_type in TYPES:
        spans = [(s, e) for t, s, e in ledger if t == license_type]
        expected = _brute_force(spans)
        assert result.get((customer.pk, license_type), 0) == expected
        assert peak(spans, start, end) == expected


def test_peaks_for_chosen_customers_only(world: World) -> None:
    """Pins the ``customer_ids`` filter of ``peak_quantities`` (its public contract; the run
    itself asks for all customers): exactly the chosen customers, every one of them."""
    for customer in (world.customer_a1, world.customer_a2, world.customer_b1):
        hold(customer, "klare_stimme", berlin(2026, 10, 2))
    chosen = peak_quantities(OCT, customer_ids=[world.customer_b1.pk, world.customer_a1.pk])
    assert chosen == {
        (world.customer_a1.pk, "klare_stimme"): 1,
        (world.customer_b1.pk, "klare_stimme"): 1,
    }
    assert peak_quantities(OCT, customer_ids=[]) == {}


def test_peak_sweep_skips_zero_length_and_out_of_month_holdings_but_not_the_rest() -> None:
    """Pins the plain-data rule at its edges: a zero-length holding is skipped without ending
    the sweep, and a holding beginning at the month's end (or later) never counts, even while
    another one is still open."""
    start, end = month_bounds(OCT)
    day = berlin(2026, 10, 5)
    assert peak([(day, day), (day, berlin(2026, 10, 6))], start, end) == 1
    open_all_month = (berlin(2026, 9, 1), None)
    assert peak([open_all_month, (end, None)], start, end) == 1
    assert peak([open_all_month, (end + dt.timedelta(hours=1), None)], start, end) == 1
