"""Storage of the diary, run against an SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect

from pg_server import db_url, pg_url, postgres_server  # noqa: F401 (fixtures)
from rugwijzer.diary.model import NewEntry
from rugwijzer.storage import ENV_HOME, ENV_URL, Database, StorageError, database_url
from rugwijzer.storage.migrate import head_revision

ONSET = date(2026, 3, 2)
BASELINE = {"age": 40, "pain_score": 6}


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:  # noqa: F811
    database = Database(db_url)
    yield database
    database.dispose()


def _episode(db: Database) -> int:
    return db.write(lambda uow: uow.diary.add_episode(ONSET, ONSET, BASELINE)).id


def test_first_use_creates_the_schema_at_the_newest_revision(db: Database) -> None:
    db.ensure_schema()
    tables = set(inspect(db.engine).get_table_names())
    assert {"episodes", "entries", "alembic_version"} <= tables
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head_revision()


def test_entries_round_trip_in_diary_order_with_several_a_day(db: Database) -> None:
    episode_id = _episode(db)
    writes = [NewEntry(date(2026, 3, 4), 6, "walked 10 min", "paracetamol 1 g", "stiff morning",
                       alarm_answers={"fever": False, "radiation": "thigh"}),
              NewEntry(date(2026, 3, 3), 7, notes="first day"),
              NewEntry(date(2026, 3, 4), 5, notes="evening", seen_doctor=True)]
    for new in writes:
        db.write(lambda uow, new=new: uow.diary.add_entry(episode_id, new, "routine", ("radicular_pain",)))
    entries = db.read(lambda uow: uow.diary.entries(episode_id))
    assert [(e.entry_date.day, e.pain) for e in entries] == [(3, 7), (4, 6), (4, 5)]
    first_of_day = entries[1]
    assert (first_of_day.activity, first_of_day.medication, first_of_day.notes) == \
        ("walked 10 min", "paracetamol 1 g", "stiff morning")
    assert first_of_day.alarm_answers == {"fever": False, "radiation": "thigh"}
    assert entries[0].alarm_answers is None
    assert entries[2].seen_doctor is True and entries[2].flag_ids == ("radicular_pain",)


def test_the_database_refuses_an_out_of_range_pain_and_keeps_nothing(db: Database) -> None:
    episode_id = _episode(db)
    with pytest.raises(StorageError) as caught:
        db.write(lambda uow: uow.diary.add_entry(episode_id, NewEntry(ONSET, 11, notes="secret"), None, None))
    assert "secret" not in str(caught.value)  # no personal data in the error
    assert db.read(lambda uow: uow.diary.count_entries()) == 0


def test_a_failing_unit_of_work_changes_nothing(db: Database) -> None:
    def half_done(uow: object) -> None:
        uow.diary.add_episode(ONSET, ONSET, BASELINE)  # type: ignore[attr-defined]
        raise RuntimeError("stop before commit")

    with pytest.raises(RuntimeError):
        db.write(half_done)
    assert db.read(lambda uow: uow.diary.episodes()) == []


def test_delete_everything_removes_episodes_and_entries(db: Database) -> None:
    episode_id = _episode(db)
    db.write(lambda uow: uow.diary.add_entry(episode_id, NewEntry(ONSET, 4, notes="private words"), None, None))
    assert db.write(lambda uow: uow.diary.delete_everything()) == (1, 1)
    db.compact()
    assert db.read(lambda uow: (uow.diary.episodes(), uow.diary.count_entries())) == ([], 0)


def test_deleted_text_does_not_stay_in_the_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "diary.sqlite3"
    db = Database(f"sqlite:///{path}")
    episode_id = _episode(db)
    db.write(lambda uow: uow.diary.add_entry(episode_id, NewEntry(ONSET, 4, notes="zebra-marker-42"), None, None))
    db.write(lambda uow: uow.diary.delete_everything())
    db.compact()
    db.dispose()
    leftovers = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert b"zebra-marker-42" not in leftovers


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_in_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "diary.sqlite3"
    db = Database(f"sqlite:///{path}")
    db.ensure_schema()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) >= 1000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert db.integrity_check() == ["ok"]
    assert os.stat(path).st_mode & 0o777 == 0o600
    db.dispose()


def test_location_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.delenv(ENV_HOME, raising=False)
    default = database_url()
    assert default.get_backend_name() == "sqlite"
    assert Path(str(default.database)).name == "diary.sqlite3"
    assert "rugwijzer" in str(default.database)
    monkeypatch.setenv(ENV_HOME, str(tmp_path))
    assert database_url().database == str(tmp_path / "diary.sqlite3")
    monkeypatch.setenv(ENV_URL, "postgresql+psycopg://someone:pw@127.0.0.1:5/diary")
    assert database_url().get_backend_name() == "postgresql"


def test_a_schema_from_a_newer_version_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "diary.sqlite3"
    Database(f"sqlite:///{path}").ensure_schema()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StorageError, match="schema"):
        Database(f"sqlite:///{path}").ensure_schema()


def test_an_unreachable_server_is_a_storage_error_without_the_password() -> None:
    db = Database("postgresql+psycopg://someone:hunter2@127.0.0.1:1/diary")
    with pytest.raises(StorageError) as caught:
        db.read(lambda uow: uow.diary.episodes())
    assert "hunter2" not in str(caught.value)
