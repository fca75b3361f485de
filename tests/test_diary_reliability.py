"""The diary under stress, on SQLite and on a real PostgreSQL server: eight processes adding
entries to one episode at once (each entry re-assessed), and a writer killed mid-way.
Timings are never asserted (bench/bench_diary.py measures them)."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from diary_support import ONSET, baseline
from pg_server import db_url, pg_url, postgres_server  # noqa: F401 (fixtures)
from rugwijzer.diary.service import DiaryService
from rugwijzer.storage import Database

WRITER = Path(__file__).with_name("diary_writer.py")
WRITERS, PER_WRITER = 8, 20


@pytest.fixture
def service(db_url: str) -> Iterator[DiaryService]:  # noqa: F811
    db = Database(db_url)
    svc = DiaryService(db)
    svc.start(ONSET, baseline(), ONSET, "en")
    yield svc
    db.dispose()


def _spawn(url: str, writer: int, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(WRITER), url, str(writer), str(count)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=Path(__file__).parent)


def test_eight_concurrent_diary_writers_lose_nothing(service: DiaryService, db_url: str) -> None:  # noqa: F811
    children = [_spawn(db_url, w, PER_WRITER) for w in range(WRITERS)]
    reported: list[str] = []
    for child in children:
        out, err = child.communicate(timeout=600)
        assert child.returncode == 0, err[-3000:]
        reported += out.splitlines()
    entries = service.db.read(lambda uow: uow.diary.entries(1))
    assert len(reported) == len(entries) == WRITERS * PER_WRITER
    assert {e.notes for e in entries} == {f"writer {w} entry {n}" for w in range(WRITERS) for n in range(PER_WRITER)}
    assert {int(line.split()[1]) for line in reported} == {e.id for e in entries}
    assert all(e.urgency is not None for e in entries)  # every entry was re-assessed and recorded
    assert service.db.integrity_check() == ["ok"]


def test_a_diary_writer_killed_mid_way_leaves_every_committed_entry(service: DiaryService,
                                                                     db_url: str) -> None:  # noqa: F811
    child = _spawn(db_url, 1, 100_000)
    assert child.stdout is not None
    lines = [child.stdout.readline() for _ in range(60)]
    child.send_signal(signal.SIGKILL)
    rest, _ = child.communicate()
    lines += [line for line in rest.splitlines() if line.startswith("committed ")]
    committed = {int(line.split()[1]): line.split()[3] for line in lines if line.strip()}
    reopened = DiaryService(Database(db_url))
    assert reopened.db.integrity_check() == ["ok"]
    stored = {e.id: e for e in reopened.db.read(lambda uow: uow.diary.entries(1))}
    for entry_id, n in committed.items():
        assert stored[entry_id].notes == f"writer 1 entry {n}"
    assert len(stored) - len(committed) in (0, 1)
    # The diary still works after the crash: the next entry is added and re-assessed.
    assert reopened.history("en").steps[-1].entry is not None
    reopened.db.dispose()
