"""In-memory fakes of the ports (cosmicpython's FakeRepository): the diary service without a database.

:class:`FakeDiaryStore` keeps episodes and entries in lists; a unit of work works on a copy and the
store keeps it only when ``write`` commits, so "nothing is kept on an error" holds here too.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any, TypeVar

from rugwijzer.diary import ports
from rugwijzer.diary.model import Entry, Episode, NewEntry

T = TypeVar("T")


class _Data:
    def __init__(self) -> None:
        self.episodes: list[Episode] = []
        self.entries: list[Entry] = []
        self.next_id = 1


class FakeDiaryRepository(ports.DiaryRepository):
    def __init__(self, data: _Data) -> None:
        self.data = data

    def _id(self) -> int:
        self.data.next_id += 1
        return self.data.next_id - 1

    def add_episode(self, onset: date, started_on: date, baseline: Mapping[str, Any]) -> Episode:
        episode = Episode(id=self._id(), onset=onset, started_on=started_on, ended_on=None,
                          baseline=dict(baseline), created_at=datetime(2026, 1, 1))
        self.data.episodes.append(episode)
        return episode

    def episodes(self) -> list[Episode]:
        return sorted(self.data.episodes, key=lambda e: e.id)

    def episode(self, episode_id: int, *, lock: bool = False) -> Episode | None:
        return next((e for e in self.data.episodes if e.id == episode_id), None)

    def latest_episode(self) -> Episode | None:
        return max(self.data.episodes, key=lambda e: e.id, default=None)

    def end_episode(self, episode_id: int, ended_on: date) -> None:
        self.data.episodes = [replace(e, ended_on=ended_on) if e.id == episode_id else e
                              for e in self.data.episodes]

    def add_entry(self, episode_id: int, new: NewEntry, urgency: str | None,
                  flag_ids: tuple[str, ...] | None) -> Entry:
        if not 0 <= new.pain <= 10:
            raise ValueError("pain out of range")  # the database's check constraint
        entry = Entry(entry_date=new.entry_date, pain=new.pain, activity=new.activity, medication=new.medication,
                      notes=new.notes, seen_doctor=new.seen_doctor,
                      alarm_answers=dict(new.alarm_answers) if new.alarm_answers is not None else None,
                      id=self._id(), episode_id=episode_id, created_at=datetime(2026, 1, 1), urgency=urgency,
                      flag_ids=flag_ids)
        self.data.entries.append(entry)
        return entry

    def entries(self, episode_id: int) -> list[Entry]:
        return sorted((e for e in self.data.entries if e.episode_id == episode_id),
                      key=lambda e: (e.entry_date, e.id))

    def count_entries(self, episode_id: int | None = None) -> int:
        return sum(1 for e in self.data.entries if episode_id is None or e.episode_id == episode_id)

    def delete_everything(self) -> tuple[int, int]:
        counts = len(self.data.entries), len(self.data.episodes)
        self.data.entries, self.data.episodes = [], []
        return counts


class FakeUnitOfWork(ports.UnitOfWork):
    def __init__(self, data: _Data) -> None:
        self.data = data
        self.diary = FakeDiaryRepository(data)
        self.committed = False

    def commit(self) -> None:
        self.committed = True


class FakeDiaryStore(ports.DiaryStore):
    def __init__(self) -> None:
        self.data = _Data()
        self.commits = 0

    @property
    def description(self) -> str:
        return "memory"

    def write(self, work: Callable[[ports.UnitOfWork], T]) -> T:
        uow = FakeUnitOfWork(copy.deepcopy(self.data))
        result = work(uow)
        uow.commit()
        self.data = uow.data  # kept only now: an error above leaves the store as it was
        self.commits += 1
        return result

    def read(self, work: Callable[[ports.UnitOfWork], T]) -> T:
        return work(FakeUnitOfWork(copy.deepcopy(self.data)))

    def compact(self) -> None:
        pass
