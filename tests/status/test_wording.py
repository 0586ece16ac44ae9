"""How ended events word their length (STA-4)."""

from __future__ import annotations

import pytest

from status import steps
from status.wording import duration_phrase, duration_sentence, format_duration, percent

H, M = 3600, 60


@pytest.mark.parametrize(
    ("kind", "final", "seconds", "de", "en"),
    [
        (
            steps.INCIDENT,
            steps.RESOLVED,
            1 * H + 10 * M + 38,
            "dauerte 1 Std. 10 Min.",
            "lasted 1 h 10 min",
        ),
        (
            steps.INCIDENT,
            steps.FALSE_ALARM,
            16 * M + 43,
            "nach 16 Min. als Fehlalarm geschlossen",
            "closed as false alarm after 16 min",
        ),
        (
            steps.MAINTENANCE,
            steps.COMPLETED,
            15 * M + 5,
            "geplant, dauerte 15 Min.",
            "planned, lasted 15 min",
        ),
    ],
)
def test_the_three_wordings_of_sta_4(kind: str, final: str, seconds: int, de: str, en: str) -> None:
    assert duration_phrase(kind, final, seconds, "de") == de
    assert duration_phrase(kind, final, seconds, "en") == en


def test_sentence_starts_with_a_capital_and_ends_with_a_full_stop() -> None:
    assert (
        duration_sentence(steps.INCIDENT, steps.RESOLVED, 70 * M, "de") == "Dauerte 1 Std. 10 Min."
    )
    assert duration_sentence(steps.INCIDENT, steps.RESOLVED, 70 * M, "en") == "Lasted 1 h 10 min."
    assert (
        duration_sentence(steps.MAINTENANCE, steps.COMPLETED, 15 * M, "de")
        == "Geplant, dauerte 15 Min."
    )


@pytest.mark.parametrize(
    ("seconds", "de", "en"),
    [
        (0, "weniger als 1 Min.", "less than 1 min"),
        (59, "weniger als 1 Min.", "less than 1 min"),
        (60, "1 Min.", "1 min"),
        (2 * H, "2 Std.", "2 h"),
        (2 * H + 59, "2 Std.", "2 h"),
        (26 * H + 5 * M, "1 Tg. 2 Std. 5 Min.", "1 d 2 h 5 min"),
        (3 * 24 * H + 7 * M, "3 Tg. 7 Min.", "3 d 7 min"),
    ],
)
def test_durations_are_cut_to_whole_minutes(seconds: int, de: str, en: str) -> None:
    assert format_duration(seconds, "de") == de
    assert format_duration(seconds, "en") == en


def test_unknown_language_falls_back_to_german() -> None:
    assert format_duration(60, "fr") == "1 Min."


def test_percent_is_cut_not_rounded() -> None:
    assert percent(0.99999, "de") == "99,99 %"  # never shows 100 % for a component that was down
    assert percent(0.998, "en") == "99.80 %"
    assert percent(1.0, "de") == "100,00 %"
