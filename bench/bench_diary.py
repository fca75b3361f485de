"""Diary storage numbers (a benchmark, not a test).

Usage: python bench/bench_diary.py [--writers 8] [--per-writer 50] [--long 2000] [--pg-url URL]

Prints, for SQLite (a temp file, WAL, synchronous=FULL) and, with --pg-url, for PostgreSQL:
- entries/s with N processes adding entries to one episode at once through the diary service
  (each entry validated, re-assessed by the engine and committed in its own transaction);
- the time to export a long diary (--long entries) as JSON, CSV and PDF.
The PostgreSQL database must be empty; tests/pg_server.py can start a throw-away server.
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from datetime import date, timedelta
from typing import Any

ONSET = date(2024, 1, 1)
TODAY = ONSET + timedelta(days=3650)
BASELINE: dict[str, Any] = {
    "age": 40, "pain_score": 5, "pain_trend": "stable", "pain_at_rest": False, "night_pain": False,
    "radiation": "none", "leg_pain_both_sides": False, "numbness_tingling": "none", "leg_weakness": "none",
    "saddle_numbness": False, "bladder_problems": False, "bowel_incontinence": False, "trauma": "none",
    "unexplained_weight_loss": False, "fever": False, "cancer_history": False,
    "sudden_severe_constant_pain": False, "recent_spinal_procedure": False,
}


def _clear() -> dict[str, Any]:
    from rugwijzer.knowledge.diary_rules import field_kind, load_rules

    return {n: False if field_kind(n) == "bool" else "none" for n in load_rules().all_alarm_fields}


def _writer(url: str, writer: int, count: int, ready: Any, go: Any) -> None:
    from rugwijzer.diary.model import NewEntry
    from rugwijzer.diary.service import DiaryService
    from rugwijzer.storage import Database

    service = DiaryService(Database(url))
    service.db.ensure_schema()
    alarms = _clear()
    ready.release()
    go.wait()
    for n in range(count):
        service.add(NewEntry(ONSET + timedelta(days=1 + n % 3000), 4 + n % 2, "walk", "", f"w{writer} n{n}",
                             alarm_answers=alarms), TODAY, "en")


def concurrent_writes(url: str, writers: int, per_writer: int) -> float:
    from rugwijzer.diary.service import DiaryService
    from rugwijzer.storage import Database

    service = DiaryService(Database(url))
    service.start(ONSET, BASELINE, ONSET, "en")
    ctx = multiprocessing.get_context("spawn")
    ready, go = ctx.Semaphore(0), ctx.Event()
    procs = [ctx.Process(target=_writer, args=(url, w, per_writer, ready, go)) for w in range(writers)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.acquire()  # every writer has imported everything and opened the database
    start = time.perf_counter()
    go.set()
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - start
    total = service.db.read(lambda uow: uow.diary.count_entries())
    assert total == writers * per_writer, (total, writers * per_writer)
    service.delete_everything()
    return total / elapsed


def long_export(url: str, entries: int) -> dict[str, float]:
    from rugwijzer.diary.export import export
    from rugwijzer.diary.model import NewEntry
    from rugwijzer.diary.service import DiaryService
    from rugwijzer.storage import Database

    service = DiaryService(Database(url))
    service.start(ONSET, BASELINE, ONSET, "en")
    episode_id = service.current().id  # type: ignore[union-attr]
    batch = [NewEntry(ONSET + timedelta(days=n // 2), 3 + (n * 7) % 5, "walk", "paracetamol", f"entry {n}",
                      alarm_answers=_clear() if n % 14 == 0 else None) for n in range(entries)]

    def insert(uow: Any) -> None:  # fast fill: the export is what is measured here
        for new in batch:
            uow.diary.add_entry(episode_id, new, None, None)

    service.db.write(insert)
    timings = {}
    for fmt in ("json", "csv", "pdf"):
        start = time.perf_counter()
        data = export(service, fmt, TODAY, "en")  # type: ignore[arg-type]
        timings[fmt] = time.perf_counter() - start
        timings[f"{fmt}_bytes"] = len(data)
    service.delete_everything()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--per-writer", type=int, default=50)
    parser.add_argument("--long", type=int, default=2000)
    parser.add_argument("--pg-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        targets = [("SQLite", f"sqlite:///{folder}/diary.sqlite3")]
        if args.pg_url:
            targets.append(("PostgreSQL", args.pg_url))
        for name, url in targets:
            rate = concurrent_writes(url, args.writers, args.per_writer)
            print(f"{name}: {args.writers} processes x {args.per_writer} entries: {rate:.0f} entries/s "
                  "(each validated, re-assessed and committed)")
            timings = long_export(url, args.long)
            parts = [f"{fmt} {timings[fmt]:.2f} s ({timings[fmt + '_bytes'] / 1024:.0f} KB)"
                     for fmt in ("json", "csv", "pdf")]
            print(f"{name}: export of a {args.long}-entry diary: " + ", ".join(parts))


if __name__ == "__main__":
    main()
