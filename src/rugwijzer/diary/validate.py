"""Checks on what people type into the diary, all problems at once, before anything is stored."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from rugwijzer.core.validation import Problem
from rugwijzer.diary.errors import DiaryInputError
from rugwijzer.diary.model import Episode, NewEntry
from rugwijzer.knowledge.diary_rules import field_kind, field_values

MAX_TEXT = 2000  # characters per free-text field: a diary line, not a document
MAX_DAYS = 36500  # the contract's longest duration_days


def check_onset(onset: date, today: date) -> None:
    allowed = f"a date from {today - timedelta(days=MAX_DAYS)} to {today} (YYYY-MM-DD)"
    if onset > today or (today - onset).days > MAX_DAYS:
        raise DiaryInputError([Problem("onset", "must not be in the future or more than 100 years ago",
                                       allowed)])


def check_started_on(started_on: date, onset: date, today: date) -> None:
    """The day the start's answers describe: from the onset to today."""
    if not onset <= started_on <= today:
        raise DiaryInputError([Problem("started_on", "must fall between the onset and today",
                                       f"a date from {onset} to {today} (YYYY-MM-DD)")])


def check_entry(new: NewEntry, episode: Episode, today: date, alarm_fields: list[str]) -> None:
    problems: list[Problem] = []
    if new.entry_date < episode.onset or new.entry_date > today:
        problems.append(Problem("date", "must fall between the onset of this episode and today",
                                f"a date from {episode.onset} to {today} (YYYY-MM-DD)"))
    if isinstance(new.pain, bool) or not isinstance(new.pain, int) or not 0 <= new.pain <= 10:
        problems.append(Problem("pain", f"{new.pain!r} is not a pain score", "a whole number from 0 to 10"))
    for name in ("activity", "medication", "notes"):
        value = getattr(new, name)
        if not isinstance(value, str) or len(value) > MAX_TEXT or "\x00" in value:
            problems.append(Problem(name, "is too long or not text", f"text of at most {MAX_TEXT} characters"))
    problems += alarm_problems(new.alarm_answers or {}, alarm_fields)
    if problems:
        raise DiaryInputError(problems)


def alarm_problems(answers: Mapping[str, Any], allowed_fields: list[str]) -> list[Problem]:
    problems: list[Problem] = []
    for name, value in answers.items():
        if name not in allowed_fields:
            problems.append(Problem(name, "is not an alarm question of the diary",
                                    "one of " + ", ".join(allowed_fields)))
        elif field_kind(name) == "bool" and not isinstance(value, bool):
            problems.append(Problem(name, f"{value!r} is not an answer", "yes or no (true or false)"))
        elif field_kind(name) == "choice" and value not in field_values(name):
            problems.append(Problem(name, f"{value!r} is not an answer", "one of " + ", ".join(field_values(name))))
    return problems
