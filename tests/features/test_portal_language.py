"""The call trace, loop warnings and refusals of the call features speak the language of the
request: German by default, with German step texts and no English; English when asked."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from provisioning import services
from provisioning.models import Account, CallForwarding

from .conftest import Office

pytestmark = pytest.mark.django_db

# Words of the routing engine's English texts that must not reach a German page.
ENGLISH_WORDS = re.compile(
    r"\b(night service|day service|Sunday|forward(ing|s)?|via|call ends|operator|schedule|"
    r"ring|Ring|Note|Reject|loop|callers?|pressing|digit|hunt group|menu|user)\b"
)


def _client(account: Account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def _night_service(office: Office) -> None:
    group = services.hunt_group_create(
        customer=office.customer,
        acting_user=office.admin,
        data={"name": "Empfang", "site": office.site, "members": [office.anna, office.ben]},
    )
    services.operator_update(
        customer=office.customer,
        acting_user=office.admin,
        data={
            "day_target": f"hunt_group:{group.pk}",
            "night_target": "external:+49 170 1234567",
            "schedule": [{"weekday": day, "start": "08:00", "end": "17:00"} for day in range(5)],
        },
    )


def _result(page: str) -> str:
    """The visible text of the trace result."""
    section = page[page.index('id="trace-result"') : page.index("</section>")]
    return html.unescape(re.sub(r"<[^>]+>", " ", section))


def _trace(office: Office, **headers: str) -> str:
    url = reverse("portal:feature_trace", args=[office.customer.pk])
    query = {
        "dialled": office.system.block.base_number + "0",
        "caller_number": "+49 89 1234567",
        "at": "Sonntag 10:00",
    }
    response = _client(office.admin).get(url, query, **headers)
    assert response.status_code == 200
    return response.text


def test_sunday_call_trace_in_german_shows_german_steps_and_no_english(office: Office) -> None:
    _night_service(office)
    text = _result(_trace(office))
    assert "Nachtbetrieb: Sonntag liegt außerhalb des Wochenplans" in text
    assert "Weiterleitung an +491701234567 über Trunk" in text
    assert "Ziel im Nachtbetrieb: +491701234567" in text
    assert not ENGLISH_WORDS.search(text), text


def test_call_trace_in_english_when_the_request_asks_for_it(office: Office) -> None:
    _night_service(office)
    text = _result(_trace(office, HTTP_ACCEPT_LANGUAGE="en"))
    assert "night service" in text and "Sunday" in text
    assert "Nachtbetrieb" not in text and "Weiterleitung" not in text


def test_loop_warning_on_the_trace_page_is_german(office: Office) -> None:
    first = services.ivr_menu_create(
        customer=office.customer, acting_user=office.admin, data={"name": "Haupt"}
    )
    second = services.ivr_menu_create(
        customer=office.customer,
        acting_user=office.admin,
        data={"name": "Service", "options": [{"digit": "1", "target": f"ivr:{first.pk}"}]},
    )
    services.ivr_menu_update(
        menu=first,
        acting_user=office.admin,
        data={"options": [{"digit": "2", "target": f"ivr:{second.pk}"}]},
    )
    page = _trace(office)
    problems = page[page.index('id="trace-problems"') :]
    problems = html.unescape(problems[: problems.index("</div>")])
    assert "Anrufer können durch Tastendrücke im Kreis laufen:" in problems
    assert "Sprachmenü „Haupt“ →(Taste 2) Sprachmenü „Service“" in problems
    assert "circles" not in problems and "digit" not in problems


def test_forwarding_loop_is_refused_in_german_on_the_form(office: Office) -> None:
    services.forwarding_update(
        subscriber=office.ben, acting_user=office.admin, data={"always": f"user:{office.anna.pk}"}
    )
    response = _client(office.admin).post(
        reverse("portal:feature_user_calls", args=[office.anna.pk]),
        {
            "form": "forwarding",
            "fw-always": f"user:{office.ben.pk}",
            "fw-no_answer_seconds": "20",
        },
    )
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert (
        "Diese Einstellung würde Anrufe im Kreis leiten: "
        "Benutzer 10 →(immer) Benutzer 11 →(immer) Benutzer 10"
    ) in text
    assert "routing loop" not in text and "go round" not in text
    assert not CallForwarding.objects.filter(subscriber=office.anna).exclude(always="").exists()
