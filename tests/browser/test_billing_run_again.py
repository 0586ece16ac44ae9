"""In headless Chromium: finance bills a month in which a reseller has no retail prices; the run
page says in German what is missing and who adds it; the reseller admin enters the prices; finance
bills the month again and the missing invoice is issued (BIL-2, BIL-4, BIL-5)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from billing import services
from billing.models import Invoice, InvoiceState
from tests.billing.conftest import WHOLESALE, berlin, hold
from tests.browser.conftest import login
from tests.factories import build_world

pytestmark = pytest.mark.browser

MONTHLY = (
    "grundlizenz",
    "erweiterte_grundlizenz",
    "weiterer_standort",
    "klare_stimme",
    "klingende_stimme",
    "volle_stimme",
)


def _page(browser: Any, base: str, username: str) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(30_000)
    login(page, base, username)
    return page


def _shots(tmp_path: Path) -> Path:
    target = os.environ.get("STIMME_SCREENSHOTS")
    return Path(target) if target else tmp_path


def test_month_with_a_missing_price_is_billed_again_after_the_price_is_added(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    world = build_world()
    services.issuer_profile_set(
        acting_user=None,
        reseller=None,
        data={
            "company_name": "stimme Plattform GmbH",
            "street": "Friedrichstraße 1",
            "postal_code": "10117",
            "city": "Berlin",
            "country": "DE",
            "vat_id": "DE811111111",
        },
    )
    services.price_list_create(
        acting_user=world.staff,
        kind="wholesale",
        reseller=None,
        name="Standard",
        valid_from=dt.date(2026, 1, 1),
        prices=WHOLESALE,
    )
    services.price_list_create(
        acting_user=world.staff,
        kind="retail",
        reseller=world.reseller_a,
        name="Endkunden A",
        valid_from=dt.date(2026, 1, 1),
        prices={k: v * 2 for k, v in WHOLESALE.items()},
    )
    # Reseller B has no retail prices yet.
    for customer in (world.customer_a1, world.customer_b1):
        hold(customer, "grundlizenz", berlin(2026, 1, 1))
        hold(customer, "klare_stimme", berlin(2026, 10, 3))
    base = live_server.url
    shots = _shots(tmp_path)

    finance = _page(browser, base, world.finance.username)
    try:
        finance.goto(f"{base}/finance/runs/")
        finance.fill("#id_month", "2026-10")
        finance.click("#run-start")
        # Issuing is final: the portal asks first.
        finance.locator("#run-confirm-step").wait_for()
        assert "endgültig" in finance.locator("#run-confirm-step").inner_text()
        finance.screenshot(path=str(shots / "run-confirm-1280.png"), full_page=True)
        finance.click("#run-confirm")
        finance.wait_for_url(f"{base}/finance/runs/*/")
        summary = finance.locator("#run-summary")
        summary.wait_for()
        text = summary.inner_text()
        assert "Abrechnung unvollständig" in text
        assert "1 Rechnung fehlt" in text
        assert "Verkaufspreis für „Klare stimme“ fehlt" in text
        assert "Reseller-Administrator" in text and world.reseller_b.company_name in text
        assert "klare_stimme" not in text and "no retail price" not in text
        assert not Invoice.objects.filter(buyer_customer=world.customer_b1).exists()
        finance.screenshot(path=str(shots / "run-incomplete-1280.png"), full_page=True)
        run_url = finance.url

        reseller = _page(browser, base, world.reseller_admin_b.username)
        try:
            reseller.goto(f"{base}/finance/price-lists/new/")
            reseller.fill("#id_name", "Endkunden B")
            reseller.fill("#id_valid_from", "2026-10-01")
            for item in MONTHLY:
                reseller.fill(f"#id_price_{item}", "9,90")
            reseller.click("#price-list-create")
            reseller.wait_for_url(f"{base}/finance/price-lists/")
        finally:
            reseller.context.close()

        finance.goto(run_url)
        assert finance.locator("#run-again #id_issue").is_checked()
        finance.click("#run-again-submit")
        finance.locator("#run-confirm-step").wait_for()
        finance.click("#run-confirm")
        finance.wait_for_url(run_url)
        summary = finance.locator("#run-summary")
        summary.wait_for()
        assert "erneut gestartet" in finance.locator("main").inner_text()
        assert "vollständig abgerechnet" in summary.inner_text()
        assert finance.locator("#run-again").count() == 0
        finance.screenshot(path=str(shots / "run-again-done-1280.png"), full_page=True)
    finally:
        finance.context.close()
    retail_b1 = Invoice.objects.get(buyer_customer=world.customer_b1)
    assert retail_b1.state == InvoiceState.FINAL and retail_b1.number == "RE-000001"
    assert Invoice.objects.filter(state=InvoiceState.FINAL).count() == 4
