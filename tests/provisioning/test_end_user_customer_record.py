"""End users see their own user, devices and private phonebook — not their customer's master
data (address, VAT id, contacts): the portal's customer page and the API's customer record
answer them 404, as for a foreign customer; the customer admin still reads it (TEN-1, TEN-2)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import World


def test_end_user_gets_404_for_their_customer_page(world: World) -> None:
    client = Client()
    client.force_login(world.end_user_a1)
    response = client.get(reverse("portal:customer_detail", args=[world.customer_a1.pk]))
    assert response.status_code == 404
    assert world.customer_a1.vat_id not in response.content.decode()


def test_end_user_reads_no_customer_record_in_the_api(world: World) -> None:
    client = APIClient()
    client.force_login(world.end_user_a1)
    assert client.get("/api/v1/customers/").json()["results"] == []
    response = client.get(f"/api/v1/customers/{world.customer_a1.pk}/")
    assert response.status_code == 404


def test_end_user_dashboard_still_names_the_customer(world: World) -> None:
    client = Client()
    client.force_login(world.end_user_a1)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert world.customer_a1.company_name in page
    assert world.customer_a1.vat_id not in page


def test_customer_admin_still_reads_the_record(world: World) -> None:
    client = Client()
    client.force_login(world.customer_admin_a1)
    page = client.get(reverse("portal:customer_detail", args=[world.customer_a1.pk]))
    assert world.customer_a1.vat_id in page.content.decode()
    api = APIClient()
    api.force_login(world.customer_admin_a1)
    body = api.get(f"/api/v1/customers/{world.customer_a1.pk}/").json()
    assert body["vat_id"] == world.customer_a1.vat_id
