"""Plain records of the diary, shared by storage and the service (no ORM, no framework)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Episode:
    """One episode of back pain: its onset and the self-check answers given when the diary began.

    ``baseline`` is a full contract intake as answered on ``started_on`` (its ``duration_days`` is
    ``started_on - onset``); each entry re-assesses it with fresh pain, trend and alarm answers.
    """

    id: int
    onset: date
    started_on: date
    ended_on: date | None
    baseline: Mapping[str, Any]
    created_at: datetime

    @property
    def open(self) -> bool:
        return self.ended_on is None


@dataclass(frozen=True, slots=True)
class NewEntry:
    """What a person writes in the diary on one day (several a day are allowed).

    ``alarm_answers`` holds only the alarm questions asked again with this entry (``None`` when
    they were not asked); answers not given keep their previous value.
    """

    entry_date: date
    pain: int
    activity: str = ""
    medication: str = ""
    notes: str = ""
    seen_doctor: bool = False
    alarm_answers: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Entry(NewEntry):
    """A stored entry, with the advice it produced (``urgency``/``flag_ids``; ``None`` when the
    entry predates schema revision 0002, which started recording them)."""

    id: int = 0
    episode_id: int = 0
    created_at: datetime = field(default_factory=lambda: datetime(1970, 1, 1))
    urgency: str | None = None
    flag_ids: tuple[str, ...] | None = None
