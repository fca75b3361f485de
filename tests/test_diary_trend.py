"""The diary's pain trend compares with a week earlier and with the first week (diary.yaml, issue 9)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rugwijzer.diary.followup import PainSeries
from rugwijzer.knowledge.diary_rules import load_rules

START = date(2026, 3, 2)


def _trends(pains: list[int], every_days: int) -> list[str]:
    series, out = PainSeries(), []
    for i, pain in enumerate(pains):
        series.append(START + timedelta(days=every_days * i), pain)
        out.append(series.trend(load_rules().trend, "stable"))
    return out


def test_a_slow_steady_fall_reads_as_improving() -> None:
    # Too small from one week to the next (about one point), but four points since the first week.
    trends = _trends([7, 7, 6, 5, 5, 4, 4, 3], every_days=4)
    assert trends[-1] == "improving"
    assert trends[-3:] == ["improving"] * 3


def test_steady_pain_stays_stable_and_a_rise_is_worsening() -> None:
    assert set(_trends([6] * 8, every_days=4)) == {"stable"}
    # A rise of two points against a week earlier is worsening, even below the first week's pain.
    assert _trends([8, 8, 5, 5, 5, 7, 7], every_days=4)[-1] == "worsening"


@pytest.mark.parametrize("every_days", [1, 2])
def test_the_first_week_is_not_compared_with_itself(every_days: int) -> None:
    # Within the first week the first-week reference overlaps the recent window: only the
    # week-earlier rule (or its stand-ins) can speak, so a one-point dip is not "improving".
    assert _trends([6, 6, 5], every_days=every_days)[-1] == "stable"
