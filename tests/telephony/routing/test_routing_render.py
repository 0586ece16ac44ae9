"""Rendering of plans for the call trace page and the API; package entitlements."""

from __future__ import annotations

import json

import pytest

from telephony import entitlements
from telephony.routing import (
    Feature,
    Package,
    is_entitled,
    minimum_package,
    plan_to_dict,
    render_plan,
)

from .builders import plan, snapshot, with_operator


def test_render_numbers_lines_and_indents_ivr_branches() -> None:
    snap = with_operator(snapshot(), ivr_menu_id="m-main", announcement="welcome")
    text = render_plan(plan(snap, "0"))
    lines = text.splitlines()
    assert lines[0] == "Call from +4989555000 to 0"
    assert lines[1].startswith('1. Play announcement "welcome" — ')
    assert lines[2].startswith("2. Menu 'Hauptmenü': play \"welcome-main\"")
    assert "   digit 1:" in lines
    assert any(line.startswith("      1. Ring in parallel for 30 s") for line in lines)
    assert "   invalid input:" in lines


def test_render_shows_notes_with_their_reason() -> None:
    text = render_plan(plan(snapshot(), "203"))
    assert "2. Note: voicemail of user 203 skipped" in text


def test_render_marks_emergency_calls() -> None:
    text = render_plan(plan(snapshot(), "112", caller_user_id="u301"))
    assert "EMERGENCY: Send 112 via trunk trunk-ham" in text
    assert "Elbchaussee 5, 22763 Hamburg, DE" in text


def test_plan_to_dict_is_json_with_type_and_reason_on_every_step() -> None:
    snap = with_operator(snapshot(), ivr_menu_id="m-main")
    data = plan_to_dict(plan(snap, "0"))
    encoded = json.loads(json.dumps(data))
    assert encoded["call"]["dialled"] == "0"
    (menu,) = encoded["steps"]
    assert menu["type"] == "run_ivr"
    assert menu["reason"]
    digit_one = menu["branches"][0]
    assert digit_one["kind"] == "digit"
    assert digit_one["digit"] == "1"
    ring = digit_one["steps"][0]
    assert ring["type"] == "ring_parallel"
    assert ring["endpoints"][0] == {"kind": "device", "ref": "d201", "user_id": "u201"}


def test_plan_to_dict_includes_the_emergency_address() -> None:
    data = plan_to_dict(plan(snapshot(), "110", caller_user_id="u201"))
    step = data["steps"][0]
    assert step["emergency"] is True
    assert step["emergency_address"]["city"] == "Berlin"
    assert step["emergency_address"]["text"] == "Friedrichstraße 1, 10117 Berlin, DE"


def test_engine_uses_the_platform_entitlement_table() -> None:
    assert Package is entitlements.Package
    assert is_entitled is entitlements.is_entitled
    for feature in Feature:
        assert minimum_package(feature) is entitlements.MINIMUM_PACKAGE[feature]


@pytest.mark.parametrize(
    ("feature", "smallest"),
    [
        (Feature.VOICEMAIL, Package.KLINGENDE),
        (Feature.UC_CLIENT, Package.KLINGENDE),
        (Feature.SMARTPHONE_APP, Package.KLINGENDE),
        (Feature.MOBILITY, Package.VOLLE),
        (Feature.SOFTPHONE, Package.VOLLE),
    ],
)
def test_routing_relevant_features_need_their_package(feature: Feature, smallest: Package) -> None:
    for package in Package:
        assert is_entitled(package, feature) is (package.tier >= smallest.tier)
