"""One catalogue of refusal messages, in the language of the request (German by default,
English with ``Accept-Language: en``), for the API and the portal alike."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from provisioning import messages
from provisioning.errors import ApplicationError
from provisioning.telephony_texts import ENGLISH, GERMAN, say
from telephony.netcheck.texts import t as netcheck_t
from telephony.routing.texts import t as routing_t
from tests.factories import World, build_system, site_data, user_data

ROOT = Path(__file__).resolve().parents[2]
APPS = ("provisioning", "billing", "portal", "status", "support", "config")
# Helpers that raise an ApplicationError with the code they are given.
RAISING_HELPERS = {"ApplicationError", "_refuse"}

ApiFactory = Callable[..., APIClient]


def _raises() -> list[tuple[str, str, ast.Call]]:
    """Every ``ApplicationError("code", …)`` (or helper call with a literal code) in the apps."""
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                first = node.args[0]
                if (
                    name in RAISING_HELPERS
                    and isinstance(first, ast.Constant)
                    and isinstance(first.value, str)
                ):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    found.append((first.value, where, node))
    return found


def _needed(code: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", messages._CATALOGUE[code]))


def test_every_code_raised_anywhere_has_a_message() -> None:
    raised = {code for code, _where, _node in _raises()} | {"permission_denied"}
    assert len(raised) > 60  # the scan found the services of provisioning and billing
    assert {"month_not_over", "invoice_final", "configuration_loop"} <= raised
    # ``invalid`` is input validation: its words are the field's own ("Unbekannte ID."), the same
    # whether the serializer or a service finds the bad id (one answer for both, TEN-2).
    missing = sorted(raised - messages.codes() - {"invalid"})
    assert not missing, f"codes without a message in provisioning.messages: {missing}"


def test_every_raise_gives_the_details_its_message_names() -> None:
    lacking = []
    for code, where, node in _raises():
        needed = _needed(code) if code in messages.codes() else set()
        if not needed:
            continue
        given = next((k.value for k in node.keywords if k.arg == "params"), None)
        if given is None and node.func and getattr(node.func, "id", "") == "_refuse":
            given = ast.Dict(keys=[ast.Constant(k.arg) for k in node.keywords if k.arg], values=[])
        keys = (
            {k.value for k in given.keys if isinstance(k, ast.Constant)}
            if isinstance(given, ast.Dict)
            else set()
        )
        if not needed <= keys:
            lacking.append(f"{where} {code}: needs {sorted(needed - keys)}")
    assert not lacking, "\n".join(lacking)


def test_every_message_is_marked_for_makemessages() -> None:
    """makemessages finds a msgid only in a call of a gettext keyword, never of an alias."""
    files = (
        "provisioning/messages.py",
        "billing/messages.py",
        "support/refusals.py",
        "provisioning/telephony_texts.py",
    )
    for name in files:
        tree = ast.parse((ROOT / name).read_text(encoding="utf-8"))
        tables = [n for n in ast.walk(tree) if isinstance(n, ast.Dict) and len(n.values) > 10]
        assert tables, name
        for table in tables:
            for value in table.values:
                assert isinstance(value, ast.Call), (name, value.lineno)
                assert getattr(value.func, "id", "") == "gettext_noop", (name, value.lineno)


def test_every_telephony_text_has_a_german_template_with_the_same_fields() -> None:
    assert set(GERMAN) == set(ENGLISH)

    def fields(template: str) -> set[str]:
        return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}

    different = [code for code in ENGLISH if fields(ENGLISH[code]) != fields(GERMAN[code])]
    assert not different


def test_a_telephony_text_is_said_in_the_request_language_and_locale() -> None:
    target = routing_t("service_target", service=routing_t("night_service"), target="+49170")
    delay = netcheck_t("net_delay", up=12.5, down=130.0)
    with translation.override("de"):
        assert say(target) == "Ziel im Nachtbetrieb: +49170"
        assert say(delay) == ("mittlere Einweg-Verzögerung Upstream 12,50 ms, Downstream 130,00 ms")
    with translation.override("en"):  # one language per sentence, never a mix
        assert "Nachtbetrieb" not in say(target) and "+49170" in say(target)
        assert "12.50 ms" in say(delay) and "Verzögerung" not in say(delay)


def test_ids_become_names() -> None:
    text = routing_t("forward_external", number="+49170", trunk="t-1", site="Zentrale")
    with translation.override("de"):
        assert say(text, {"t-1": "Trunk Zentrale"}) == (
            "Weiterleitung an +49170 über Trunk Zentrale des Standorts „Zentrale“"
        )


def test_message_is_german_by_default_and_english_when_asked() -> None:
    error = ApplicationError(
        "site_name_taken",
        "This customer already has a site with this name.",
        fields={"name": ["This customer already has a site with this name."]},
        params={"name": "Zentrale"},
    )
    with translation.override("de"):
        assert messages.message(error) == "Der Kunde hat bereits einen Standort namens „Zentrale“."
        assert messages.field_messages(error) == {"name": [messages.message(error)]}
    with translation.override("en"):  # the English catalogue, else the service's English
        assert "site" in messages.message(error) and "Standort" not in messages.message(error)
        assert "Standort" not in str(messages.field_messages(error))


def test_an_unknown_code_keeps_the_services_message() -> None:
    error = ApplicationError("brand_new_rule", "A rule nobody has worded yet.")
    with translation.override("de"):
        assert messages.message(error) == "A rule nobody has worded yet."


def test_api_answers_a_rule_in_german_without_a_header_and_in_english_with_one(
    world: World, api: ApiFactory
) -> None:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    client = api(world.reseller_admin_a)
    body = {
        **site_data(),
        "name": system.site.name,
        "customer": str(system.customer.pk),
        "extra_site_license": True,
    }
    german = client.post("/api/v1/sites/", body, format="json")
    english = client.post("/api/v1/sites/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert german.status_code == english.status_code == 409
    assert german.json()["error"] == english.json()["error"] == "site_name_taken"
    expected = f"Der Kunde hat bereits einen Standort namens „{system.site.name}“."
    assert german.json()["message"] == expected
    assert german.json()["fields"] == {"name": [expected]}
    # English: the English catalogue, or the service's English message where it has none.
    english_text = english.json()["message"].replace(system.site.name, "")
    assert "site" in english_text and "Standort" not in english_text
    assert list(english.json()["fields"]) == ["name"]
    assert "Standort" not in str(english.json()["fields"]).replace(system.site.name, "")


def test_api_field_errors_follow_the_same_language(world: World, api: ApiFactory) -> None:
    system = build_system(world.customer_a1, world.reseller_admin_a)
    client = api(world.reseller_admin_a)
    body = {**user_data(system.site, "20"), "site": str(system.site.pk), "email": "kein-mail"}
    german = client.post("/api/v1/users/", body, format="json").json()
    english = client.post("/api/v1/users/", body, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert german["error"] == english["error"] == "invalid"
    assert german["fields"]["email"] == ["Bitte geben Sie eine gültige E-Mail-Adresse ein."]
    assert english["fields"]["email"] == ["Enter a valid email address."]


def test_api_not_found_follows_the_language(world: World, api: ApiFactory) -> None:
    client = api(world.reseller_admin_b)
    url = f"/api/v1/customers/{world.customer_a1.pk}/"
    assert client.get(url).json()["message"] == "Nicht gefunden."
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["message"] == "Not found."


@pytest.mark.parametrize(
    "msgid",
    [
        "Enter a valid email address.",
        "Enter a valid URL.",
        'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.',
        'Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.',
    ],
)
def test_library_messages_address_people_formally(msgid: str) -> None:
    with translation.override("de"):
        text = gettext(msgid)
    assert text.startswith("Bitte geben Sie "), text
    assert not re.search(r"\b(Gib|gib|du|dein)\b", text)
