"""What a billing run could not bill (BIL-2, BIL-4): stored as data (a code and its
parameters), shown in the reader's language with the names people know, never internal codes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from billing.models import BillingRun, PriceList
from billing.problems import problem_text
from billing.services.runs import billing_run_create, billing_run_execute
from tests.billing.conftest import Portal, berlin, hold
from tests.factories import World

OCT = dt.date(2026, 10, 1)
pytestmark = pytest.mark.usefixtures("price_lists")

INTERNAL = ("klare_stimme", "grundlizenz", "no retail price", "no wholesale price", "e-invoice")


def _without_retail_prices_of_reseller_b(world: World) -> None:
    """Reseller B has no retail price list: its customer's invoice cannot be made."""
    hold(world.customer_a1, "grundlizenz", berlin(2026, 1, 1))
    hold(world.customer_b1, "grundlizenz", berlin(2026, 1, 1))
    hold(world.customer_b1, "klare_stimme", berlin(2026, 10, 5))
    PriceList.objects.filter(kind="retail", reseller=world.reseller_b).delete()


def _run(world: World) -> BillingRun:
    run, _ = billing_run_create(month=OCT, acting_user=world.finance)
    return billing_run_execute(run_id=run.pk)


def test_problems_are_stored_as_code_and_parameters(world: World) -> None:
    _without_retail_prices_of_reseller_b(world)
    run = _run(world)
    assert run.problems, "a missing price must be reported"
    for problem in run.problems:
        assert set(problem) == {"code", "params"}, problem
    assert {p["code"] for p in run.problems} == {"retail_price_missing"}
    items = sorted(p["params"]["item"] for p in run.problems)
    assert items == ["grundlizenz", "klare_stimme"]
    assert all(p["params"]["customer"] == world.customer_b1.company_name for p in run.problems)
    assert all(p["params"]["customer_id"] == str(world.customer_b1.pk) for p in run.problems)


def test_problems_read_in_german_with_the_package_names(world: World) -> None:
    _without_retail_prices_of_reseller_b(world)
    run = _run(world)
    with translation.override("de"):
        texts = [problem_text(p) for p in run.problems]
    joined = " ".join(texts)
    assert "Verkaufspreis" in joined and "„Klare stimme“" in joined and "„Grundlizenz“" in joined
    assert world.reseller_b.company_name in joined and world.customer_b1.company_name in joined
    for code in INTERNAL:
        assert code not in joined


def test_run_page_and_preview_show_the_problems_in_german(world: World, portal: Portal) -> None:
    _without_retail_prices_of_reseller_b(world)
    run = _run(world)
    client = portal(world.finance)
    page = client.get(reverse("portal:finance_run_detail", args=[run.pk])).content.decode()
    problems = page.split('id="run-problems"', 1)[1].split("</section>", 1)[0]
    assert "Verkaufspreis" in problems and "Klare stimme" in problems
    for code in INTERNAL:
        assert code not in problems
    preview = client.post(
        reverse("portal:finance_run_list"), {"month": "2026-10", "action": "preview"}
    ).content.decode()
    shown = preview.split('id="run-preview-result"', 1)[1]
    assert "Verkaufspreis" in shown and "Klare stimme" in shown
    for code in INTERNAL:
        assert code not in shown.split('id="preview-table"', 1)[0]


def test_api_gives_code_parameters_and_the_text(world: World, api: object) -> None:
    _without_retail_prices_of_reseller_b(world)
    run = _run(world)
    client = api(world.finance)  # type: ignore[operator]
    body = client.get(f"/api/v1/billing-runs/{run.pk}/", HTTP_ACCEPT_LANGUAGE="de").json()
    problems = body["progress"]["problems"]
    assert {p["code"] for p in problems} == {"retail_price_missing"}
    assert all("Verkaufspreis" in p["message"] and p["params"]["item"] for p in problems)
    preview = client.post(
        "/api/v1/billing-runs/", {"month": "2026-10", "dry_run": True}, format="json"
    ).json()
    assert {p["code"] for p in preview["problems"]} == {"retail_price_missing"}


def test_failing_einvoice_is_a_problem_naming_the_buyer_and_rules(world: World) -> None:
    from billing.problems import einvoice_invalid

    problem = einvoice_invalid(buyer="Kunde A1", rules=["BR-CO-14", "BR-CO-15"], invoice_id="x")
    with translation.override("de"):
        text = problem_text(problem)
    assert "Kunde A1" in text and "BR-CO-14, BR-CO-15" in text and "E-Rechnung" in text


def test_older_runs_with_plain_text_problems_still_show(world: World) -> None:
    from billing.problems import problem_text as text

    assert text("no retail price for klare_stimme of X (Y)")  # shown, not crashing
    assert "Klare stimme" in text({"code": "retail_price_missing", "params": {
        "item": "klare_stimme", "reseller": "X", "customer": "Y"}})  # fmt: skip


def test_migration_turns_older_english_sentences_into_data(world: World) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("billing.migrations.0004_structured_run_problems")
    old = [
        "no wholesale price for klare_stimme (Reseller A GmbH)",
        "no retail price for onsite_hour of Reseller (Nord) GmbH (Kunde 1 GmbH)",
        "Kunde 2 GmbH: e-invoice fails BR-CO-14, BR-CO-15",
        "something else",
    ]
    run = BillingRun.objects.create(month=dt.date(2026, 9, 1), state="done", problems=old)
    migration.forwards(apps, None)
    run.refresh_from_db()
    assert run.problems == [
        {
            "code": "wholesale_price_missing",
            "params": {"item": "klare_stimme", "reseller": "Reseller A GmbH"},
        },
        {
            "code": "retail_price_missing",
            "params": {
                "item": "onsite_hour",
                "reseller": "Reseller (Nord) GmbH",
                "customer": "Kunde 1 GmbH",
            },
        },
        {
            "code": "einvoice_invalid",
            "params": {"buyer": "Kunde 2 GmbH", "rules": ["BR-CO-14", "BR-CO-15"]},
        },
        {"code": "text", "params": {"text": "something else"}},
    ]
    with translation.override("de"):
        assert "Arbeiten vor Ort (je Stunde)" in problem_text(run.problems[1])
    migration.backwards(apps, None)
    run.refresh_from_db()
    assert run.problems == old
