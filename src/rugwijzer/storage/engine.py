"""Engine creation. SQLite gets WAL, a busy timeout and explicit BEGIN; PostgreSQL works as is.

Why explicit BEGIN on SQLite: the stdlib driver opens transactions lazily and a transaction that
reads first and writes later cannot wait for the write lock (SQLite answers "database is locked" at
once instead of using the busy timeout). Write transactions therefore start with ``BEGIN IMMEDIATE``:
they queue for the lock up front (WAL lets readers carry on meanwhile), and stay short.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from rugwijzer.storage.config import display_url, prepare_sqlite_file
from rugwijzer.storage.errors import StorageError

# How long a writer waits for another one before SQLite gives up (then the unit of work retries).
BUSY_TIMEOUT_MS = 15_000
WRITE_OPTION = "rugwijzer_write"

SQLITE_PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",  # first: the pragmas below may need to wait too
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",  # a committed entry survives a power cut, not only a crash
    "PRAGMA foreign_keys = ON",
    "PRAGMA secure_delete = ON",  # deleted diary text is overwritten, not left in free pages
)


def create_db_engine(url: URL) -> Engine:
    """An engine for ``url``; logging off (statements carry personal data)."""
    try:
        if url.get_backend_name() == "sqlite":
            return _sqlite_engine(url)
        return create_engine(url, pool_pre_ping=True, echo=False, hide_parameters=True)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise StorageError(f"the database URL {display_url(url)} cannot be used ({type(exc).__name__}: "
                           f"{str(exc).splitlines()[0] if str(exc) else ''})") from None
    except OSError as exc:  # the SQLite file or its folder cannot be created
        raise StorageError(f"the diary database at {display_url(url)} cannot be used: {exc.strerror or exc}") from None


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        prepare_sqlite_file(Path(url.database))  # a URI filename (``file:...?mode=ro&uri=true``) is used as is
    engine = create_engine(url, echo=False, hide_parameters=True,
                           connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # the driver's own BEGIN handling is off; see _on_begin
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def _on_begin(connection: Connection) -> None:
    write = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
