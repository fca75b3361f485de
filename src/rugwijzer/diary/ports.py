"""The storage port of the diary service: what the service needs from storage, and nothing more.

The service layer owns these abstractions; ``rugwijzer.storage`` implements them with SQLAlchemy
(SQLite or PostgreSQL), and the tests' in-memory fake (``tests/fakes.py``) implements them in a
few dictionaries. The service never imports storage: the bootstrap hands it a :class:`DiaryStore`.

A unit of work is one transaction: nothing is kept unless the store's ``write`` commits it at the
end of the work; an error rolls everything back.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

from rugwijzer.diary.model import Entry, Episode, NewEntry

T = TypeVar("T")


class DiaryRepository(abc.ABC):
    """Episodes and entries, read and written within one unit of work."""

    @abc.abstractmethod
    def add_episode(self, onset: date, started_on: date, baseline: Mapping[str, Any]) -> Episode: ...

    @abc.abstractmethod
    def episodes(self) -> list[Episode]:
        """Every episode, oldest first."""

    @abc.abstractmethod
    def episode(self, episode_id: int, *, lock: bool = False) -> Episode | None:
        """One episode; ``lock`` holds it until the unit of work ends (one writer at a time)."""

    @abc.abstractmethod
    def latest_episode(self) -> Episode | None: ...

    @abc.abstractmethod
    def end_episode(self, episode_id: int, ended_on: date) -> None: ...

    @abc.abstractmethod
    def add_entry(self, episode_id: int, new: NewEntry, urgency: str | None,
                  flag_ids: tuple[str, ...] | None) -> Entry: ...

    @abc.abstractmethod
    def entries(self, episode_id: int) -> list[Entry]:
        """The episode's entries in diary order: by date, then in the order they were written."""

    @abc.abstractmethod
    def count_entries(self, episode_id: int | None = None) -> int: ...

    @abc.abstractmethod
    def delete_everything(self) -> tuple[int, int]:
        """Delete every episode and entry; returns how many entries and episodes were deleted."""


class UnitOfWork(abc.ABC):
    """One transaction, with the repositories that work inside it."""

    diary: DiaryRepository

    @abc.abstractmethod
    def commit(self) -> None: ...


class DiaryStore(abc.ABC):
    """Runs work in units of work: ``write`` commits at the end (or keeps nothing on an error),
    ``read`` never commits. ``work`` may be run more than once (a busy database is retried), so it
    must only touch the unit of work."""

    @abc.abstractmethod
    def write(self, work: Callable[[UnitOfWork], T]) -> T: ...

    @abc.abstractmethod
    def read(self, work: Callable[[UnitOfWork], T]) -> T: ...

    @abc.abstractmethod
    def compact(self) -> None:
        """After deleting everything: leave no old data behind (files, pages, dead rows)."""

    @property
    @abc.abstractmethod
    def description(self) -> str:
        """Where the data is kept, without a password (for messages)."""
