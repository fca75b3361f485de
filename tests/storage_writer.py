"""A child process for the reliability tests: writes diary entries in a loop, one transaction each.

Usage: ``python storage_writer.py URL EPISODE_ID WRITER COUNT``. After each commit it prints
``committed <id> <pain> <notes>`` and flushes, so the parent knows exactly what must survive.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta

from rugwijzer.diary.model import NewEntry
from rugwijzer.storage import Database


def main(url: str, episode_id: int, writer: int, count: int) -> None:
    db = Database(url)
    for n in range(count):
        notes = f"writer {writer} entry {n} " + "x" * (n % 50) * 40  # varied sizes: pages split
        new = NewEntry(date(2026, 1, 1) + timedelta(days=n % 90), n % 11, f"activity {n}", "", notes)
        entry = db.write(lambda uow, new=new: uow.diary.add_entry(episode_id, new, "self_care", ()))
        print(f"committed {entry.id} {entry.pain} {notes}", flush=True)
    db.dispose()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
