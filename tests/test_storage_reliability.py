"""Crash safety and concurrent writers, on SQLite and on a real PostgreSQL server.

Timings are never asserted here (see bench/bench_diary.py for numbers).
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from pg_server import db_url, pg_url, postgres_server  # noqa: F401 (fixtures)
from rugwijzer.storage import Database

WRITER = Path(__file__).with_name("storage_writer.py")


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:  # noqa: F811
    database = Database(db_url)
    yield database
    database.dispose()


def _writer(url: str, episode_id: int, writer: int, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(WRITER), url, str(episode_id), str(writer), str(count)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _committed(lines: list[str]) -> dict[int, tuple[int, str]]:
    out: dict[int, tuple[int, str]] = {}
    for line in lines:
        _, entry_id, pain, notes = line.rstrip("\n").split(" ", 3)
        out[int(entry_id)] = (int(pain), notes)
    return out


def test_sigkill_while_writing_keeps_every_committed_entry(db: Database, db_url: str) -> None:  # noqa: F811
    episode_id = db.write(lambda uow: uow.diary.add_episode(date(2026, 1, 1), date(2026, 1, 1), {})).id
    child = _writer(db_url, episode_id, 1, 100_000)
    assert child.stdout is not None
    lines = [child.stdout.readline() for _ in range(150)]  # it is now in the middle of writing
    child.send_signal(signal.SIGKILL)
    rest, _ = child.communicate()
    assert child.returncode == -signal.SIGKILL
    lines += [line for line in rest.splitlines(keepends=True) if line.startswith("committed ")]
    committed = _committed(lines)
    assert len(committed) >= 150

    reopened = Database(db_url)
    assert reopened.integrity_check() == ["ok"]
    stored = {e.id: (e.pain, e.notes) for e in reopened.read(lambda uow: uow.diary.entries(episode_id))}
    for entry_id, content in committed.items():
        assert stored.get(entry_id) == content
    # At most the one transaction in flight may be missing from the child's report, never more.
    assert len(stored) - len(committed) in (0, 1)
    reopened.dispose()


@pytest.mark.parametrize("writers", [8])
def test_concurrent_writers_lose_nothing(db: Database, db_url: str, writers: int) -> None:  # noqa: F811
    per_writer = 25
    episode_id = db.write(lambda uow: uow.diary.add_episode(date(2026, 1, 1), date(2026, 1, 1), {})).id
    children = [_writer(db_url, episode_id, w, per_writer) for w in range(writers)]
    reported: list[str] = []
    for child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err[-2000:]
        reported += out.splitlines()
    entries = db.read(lambda uow: uow.diary.entries(episode_id))
    assert len(reported) == len(entries) == writers * per_writer
    expected = {f"writer {w} entry {n}" for w in range(writers) for n in range(per_writer)}
    assert {" ".join(e.notes.split(" ")[:4]) for e in entries} == expected
    assert _committed(reported) == {e.id: (e.pain, e.notes) for e in entries}


def test_eight_processes_opening_a_new_database_at_once_migrate_it_once(db_url: str) -> None:  # noqa: F811
    code = "import sys; from rugwijzer.storage import Database; Database(sys.argv[1]).ensure_schema()"
    children = [subprocess.Popen([sys.executable, "-c", code, db_url], stderr=subprocess.PIPE, text=True)
                for _ in range(8)]
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err[-2000:]
    db = Database(db_url)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
    assert db.integrity_check() == ["ok"]
    db.dispose()
