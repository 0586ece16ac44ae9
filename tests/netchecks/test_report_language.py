"""The report of a network check in the language of the request: the details of each verdict
("Einzelheiten") and every figure in German (decimal comma) on the page and in the PDF."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from provisioning import netcheck_report
from provisioning.models import NetworkCheck, Site
from tests.billing.pdf_reading import text_of
from tests.factories import World

from .helpers import new_token, result_doc

pytestmark = pytest.mark.django_db

ENGLISH = re.compile(r"\b(mean|upstream|downstream|of|blocked|every|required|open|per)\b")


@pytest.fixture
def slow_check(world: World, site_a1: Site, upload: Callable[..., Any]) -> NetworkCheck:
    """Delay and jitter with decimals, a failed port: every kind of detail."""
    token = new_token(site_a1, world.reseller_admin_a)
    doc = result_doc(delay_ms=162.5, jitter_ms=2.25, blocked=[("tcp", 1300)])
    response = upload(token, doc)
    assert response.status_code == 201, response.json()
    return NetworkCheck.objects.get(pk=response.json()["id"])


def _details(page: str) -> str:
    table = page[page.index('id="netcheck-verdicts"') :]
    table = table[: table.index("</table>")]
    cells = re.findall(r'<td class="small">(.*?)</td>', table, re.S)
    return html.unescape(" | ".join(cells))


def test_report_page_details_are_german_with_decimal_commas(
    world: World, slow_check: NetworkCheck
) -> None:
    url = reverse("portal:netcheck_report", args=[slow_check.pk])
    client = Client()
    client.force_login(world.customer_admin_a1)
    details = _details(client.get(url).content.decode())
    assert "mittlere Einweg-Verzögerung Upstream 162,50 ms, Downstream 162,50 ms" in details
    assert "Upstream 2,25 ms" in details
    assert "gesperrt: TCP 1300 (gefiltert)" in details
    assert not re.search(r"\d\.\d", details), details
    assert not ENGLISH.search(details), details


def test_report_page_details_are_english_when_asked(world: World, slow_check: NetworkCheck) -> None:
    url = reverse("portal:netcheck_report", args=[slow_check.pk])
    client = Client()
    client.force_login(world.customer_admin_a1)
    details = _details(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "upstream 162.50 ms" in details
    assert "Verzögerung" not in details and "162,50" not in details


def test_pdf_details_and_advice_are_german_with_decimal_commas(slow_check: NetworkCheck) -> None:
    with translation.override("de"):
        text = text_of(netcheck_report.report_pdf(slow_check))
    flat = " ".join(text.split())
    assert "mittlere Einweg-Verzögerung Upstream 162,50 ms" in flat
    assert "Grenzwert: 150 ms" in flat
    assert "mean one-way delay" not in flat and "162.50" not in flat


def test_chart_figures_use_the_decimal_comma(slow_check: NetworkCheck) -> None:
    with translation.override("de"):
        assert netcheck_report.number(2.5) == "2,5"
        svg = "".join(netcheck_report.chart_svg(c) for c in netcheck_report.charts(slow_check))
    labels = re.findall(r">([^<>]*)</text>", svg)
    assert not [label for label in labels if re.search(r"\d\.\d", label)], labels
