"""Storage of the diary: SQLAlchemy 2 over SQLite (default, in the user's data folder) or PostgreSQL.

``Database()`` opens the configured database (``RUGWIJZER_DATABASE_URL``, ``RUGWIJZER_HOME``, or the
platform's user data folder) and migrates it on first use. Work happens in short units of work::

    db = Database()
    episode = db.read(lambda uow: uow.diary.latest_episode())
    db.write(lambda uow: uow.diary.end_episode(episode.id, today))
"""

from __future__ import annotations

from rugwijzer.storage.config import ENV_HOME, ENV_URL, database_url, display_url
from rugwijzer.storage.database import Database, UnitOfWork
from rugwijzer.storage.errors import DatabaseBusyError, StorageError
from rugwijzer.storage.repository import DiaryRepository

__all__ = [
    "ENV_HOME",
    "ENV_URL",
    "Database",
    "DatabaseBusyError",
    "DiaryRepository",
    "StorageError",
    "UnitOfWork",
    "database_url",
    "display_url",
]
