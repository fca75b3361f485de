"""Diary errors. Each names the field and what is allowed (the same shape as ``IntakeError``), so
every adapter can show them next to the right form field or option, and nothing was changed."""

from __future__ import annotations

from typing import Any, Literal

from rugwijzer.core.errors import InvalidInput
from rugwijzer.core.validation import Problem

StateCode = Literal["no_episode", "episode_open"]


class DiaryError(InvalidInput):
    """Base of the diary's own errors."""


class DiaryInputError(DiaryError):
    """Bad input for the diary; ``problems`` names each field and what it allows."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))

    @property
    def fields(self) -> list[str]:
        return [p.field for p in self.problems]

    def as_dict(self) -> dict[str, Any]:
        return {"message": "invalid diary input: " + "; ".join(str(p) for p in self.problems),
                "fields": self.fields, "problems": [p.as_dict() for p in self.problems]}


class AlarmCheckDue(DiaryInputError):
    """The alarm questions must be answered with this entry (``reason``: weekly or pain_rises)."""

    def __init__(self, reason: str, missing: list[str]) -> None:
        self.reason = reason
        self.missing = missing
        super().__init__([Problem(name, f"alarm question due ({reason}): please answer it", allowed_answers(name))
                          for name in missing])


def allowed_answers(name: str) -> str:
    """What an alarm question accepts, in the words of the error messages."""
    from rugwijzer.knowledge.diary_rules import field_kind, field_values

    return "yes or no" if field_kind(name) == "bool" else "one of " + ", ".join(field_values(name))


class DiaryStateError(DiaryError):
    """The diary is not in a state for this action: no episode yet, or one is still open."""

    def __init__(self, code: StateCode) -> None:
        self.code = code
        super().__init__({"no_episode": "no diary episode yet: start one first",
                          "episode_open": "an episode is still open: end it first"}[code])
