"""The diary repository: records in, records out; the ORM stays inside the storage package."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from rugwijzer.diary import ports
from rugwijzer.diary.model import Entry, Episode, NewEntry
from rugwijzer.storage.models import EntryRow, EpisodeRow


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _episode(row: EpisodeRow) -> Episode:
    return Episode(id=row.id, onset=row.onset, started_on=row.started_on, ended_on=row.ended_on,
                   baseline=dict(row.baseline), created_at=row.created_at)


def _entry(row: Any) -> Entry:
    """An entry record from a mapped EntryRow or a plain result row (same attribute names)."""
    return Entry(entry_date=row.entry_date, pain=row.pain, activity=row.activity, medication=row.medication,
                 notes=row.notes, seen_doctor=row.seen_doctor,
                 alarm_answers=dict(row.alarm_answers) if row.alarm_answers is not None else None,
                 id=row.id, episode_id=row.episode_id, created_at=row.created_at, urgency=row.urgency,
                 flag_ids=tuple(row.flag_ids) if row.flag_ids is not None else None)


class DiaryRepository(ports.DiaryRepository):
    """Reads and writes episodes and entries within one session (one unit of work)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # ---- episodes ------------------------------------------------------------------------
    def add_episode(self, onset: date, started_on: date, baseline: Mapping[str, Any]) -> Episode:
        row = EpisodeRow(onset=onset, started_on=started_on, ended_on=None, baseline=dict(baseline),
                         created_at=_now())
        self.session.add(row)
        self.session.flush()
        return _episode(row)

    def episodes(self) -> list[Episode]:
        rows = self.session.scalars(select(EpisodeRow).order_by(EpisodeRow.id))
        return [_episode(r) for r in rows]

    def episode(self, episode_id: int, *, lock: bool = False) -> Episode | None:
        """One episode; ``lock`` holds its row until commit (PostgreSQL) so that entries of one
        episode are added one at a time (SQLite's BEGIN IMMEDIATE already serialises writers)."""
        query = select(EpisodeRow).where(EpisodeRow.id == episode_id)
        if lock:
            query = query.with_for_update()
        row = self.session.scalars(query).one_or_none()
        return _episode(row) if row else None

    def latest_episode(self) -> Episode | None:
        row = self.session.scalars(select(EpisodeRow).order_by(EpisodeRow.id.desc()).limit(1)).first()
        return _episode(row) if row else None

    def end_episode(self, episode_id: int, ended_on: date) -> None:
        row = self.session.get_one(EpisodeRow, episode_id)
        row.ended_on = ended_on

    # ---- entries -------------------------------------------------------------------------
    def add_entry(self, episode_id: int, new: NewEntry, urgency: str | None,
                  flag_ids: tuple[str, ...] | None) -> Entry:
        row = EntryRow(episode_id=episode_id, entry_date=new.entry_date, pain=new.pain, activity=new.activity,
                       medication=new.medication, notes=new.notes, seen_doctor=new.seen_doctor,
                       alarm_answers=dict(new.alarm_answers) if new.alarm_answers is not None else None,
                       created_at=_now(), urgency=urgency,
                       flag_ids=list(flag_ids) if flag_ids is not None else None)
        self.session.add(row)
        self.session.flush()
        return _entry(row)

    def entries(self, episode_id: int) -> list[Entry]:
        """The episode's entries in diary order: by date, then in the order they were written.

        Plain rows, not ORM objects: every new entry re-reads its episode, so this is the hot path
        of a long diary (several times faster than loading mapped objects).
        """
        table = EntryRow.__table__
        rows = self.session.execute(select(table).where(table.c.episode_id == episode_id)
                                    .order_by(table.c.entry_date, table.c.id))
        return [_entry(r) for r in rows]

    def count_entries(self, episode_id: int | None = None) -> int:
        query = select(func.count()).select_from(EntryRow)
        if episode_id is not None:
            query = query.where(EntryRow.episode_id == episode_id)
        return int(self.session.scalar(query) or 0)

    # ---- everything ----------------------------------------------------------------------
    def delete_everything(self) -> tuple[int, int]:
        """Delete every episode and entry; returns how many of each were deleted."""
        entries = self.session.execute(delete(EntryRow)).rowcount  # type: ignore[attr-defined]
        episodes = self.session.execute(delete(EpisodeRow)).rowcount  # type: ignore[attr-defined]
        return int(entries), int(episodes)
