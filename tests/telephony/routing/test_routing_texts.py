"""Every text the engine writes for people keeps its code and parameters, so the platform can
say it in the request's language; its string is the English sentence."""

from __future__ import annotations

import copy

from telephony.routing import Target, describe_step, find_problems, iter_steps
from telephony.routing.texts import ENGLISH
from telephony.text import JOIN, Text

from .builders import plan, snapshot, with_forwarding, with_operator


def _codes(text: str) -> set[str]:
    """The codes of a text and of the texts inside it."""
    assert isinstance(text, Text), repr(text)
    codes = {text.code}
    inner = text.params["items"] if text.code == JOIN else text.params.values()
    for child in inner:
        if isinstance(child, Text):
            codes |= _codes(child)
    return codes


def test_every_step_reason_and_description_is_a_coded_text() -> None:
    snap = with_operator(snapshot(), ivr_menu_id="m-main", announcement="welcome")
    for dialled, caller in (("0", None), ("203", None), ("112", "u301"), ("201", None)):
        for step in iter_steps(plan(snap, dialled, caller_user_id=caller).steps):
            for text in (step.reason, describe_step(step)):
                assert _codes(text) <= set(ENGLISH) | {JOIN}


def test_a_text_reads_as_its_english_sentence_and_survives_copies() -> None:
    (step,) = [s for s in plan(snapshot(), "112", caller_user_id="u301").steps]
    reason = step.reason
    assert isinstance(reason, Text) and reason.code == "emergency_call"
    assert reason.startswith("emergency call 112 from user 301")
    copied = copy.deepcopy(reason)  # as dataclasses.asdict copies
    assert copied == reason and copied.code == reason.code and copied.params == reason.params


def test_configuration_problems_are_coded_texts() -> None:
    snap = with_forwarding(snapshot(), "u201", always=Target.extension("202"))
    snap = with_forwarding(snap, "u202", always=Target.user("u201"))
    snap = with_forwarding(snap, "u203", on_busy=Target.hunt_group("nowhere"))
    problems = find_problems(snap)
    assert {p.code for p in problems} == {"forwarding_loop", "unknown_target"}
    for problem in problems:
        assert _codes(problem.message) <= set(ENGLISH) | {JOIN}
    loop = next(p for p in problems if p.code == "forwarding_loop")
    assert {"loop_error", "edge", "edge_always", "user"} <= _codes(loop.message)
