"""A child process for the diary reliability tests: adds entries through the diary service (each
re-assessed by the engine and committed in its own transaction) and reports each committed id.

Usage: ``python diary_writer.py URL WRITER COUNT``; the episode must be open already.
"""

from __future__ import annotations

import sys
from datetime import timedelta

from diary_support import ONSET, all_clear
from rugwijzer.diary.model import NewEntry
from rugwijzer.diary.service import DiaryService
from rugwijzer.storage import Database

TODAY = ONSET + timedelta(days=90)


def main(url: str, writer: int, count: int) -> None:
    service = DiaryService(Database(url))
    for n in range(count):
        new = NewEntry(ONSET + timedelta(days=1 + n % 80), 5, f"writer {writer}", "", f"writer {writer} entry {n}",
                       alarm_answers=all_clear())
        outcome = service.add(new, TODAY, "en")
        assert outcome.entry is not None
        print(f"committed {outcome.entry.id} {writer} {n} {outcome.answer['urgency']}", flush=True)
    service.db.dispose()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
