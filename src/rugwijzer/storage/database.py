"""One diary database: engine, schema set-up on first use, and short units of work with retries."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from alembic.util import CommandError
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from rugwijzer.diary import ports
from rugwijzer.storage import migrate
from rugwijzer.storage.config import database_url, display_url
from rugwijzer.storage.engine import WRITE_OPTION, create_db_engine, is_sqlite
from rugwijzer.storage.errors import DatabaseBusyError, StorageError
from rugwijzer.storage.repository import DiaryRepository

T = TypeVar("T")

# A write that still finds the database busy after the busy timeout is tried again a few times,
# with growing random pauses, before giving up (see engine.py for why writers can collide).
WRITE_ATTEMPTS = 6
_BUSY_SQLSTATES = {"40001", "40P01", "55P03"}  # PostgreSQL: serialization failure, deadlock, lock n/a


class UnitOfWork(ports.UnitOfWork):
    """One transaction. Nothing is kept unless :meth:`commit` is called."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.diary = DiaryRepository(session)

    def commit(self) -> None:
        self.session.commit()


class Database(ports.DiaryStore):
    """The diary database at ``url`` (default: the configured one, see :mod:`.config`): the
    SQLAlchemy implementation of the diary service's storage port."""

    def __init__(self, url: URL | str | None = None) -> None:
        self.url = make_url(url) if url is not None else database_url()
        self.engine = create_db_engine(self.url)
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(self.engine.execution_options(**{WRITE_OPTION: True}),
                                            expire_on_commit=False)
        self._ready = False
        self._lock = threading.Lock()

    @property
    def description(self) -> str:
        return display_url(self.url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def ensure_schema(self) -> None:
        """Create or upgrade the schema once per process (migrations run by themselves)."""
        if self._ready:
            return
        with self._lock:
            if not self._ready:
                self._upgrade()
                self._ready = True

    def _upgrade(self) -> None:
        for attempt in range(WRITE_ATTEMPTS):
            try:
                migrate.upgrade(self.engine)
                return
            except CommandError as exc:  # e.g. a revision this version does not know
                raise StorageError(f"the diary database at {self.description} has a schema this version "
                                   f"of Rugwijzer cannot use ({exc})") from None
            except DBAPIError as exc:  # unreachable, read-only, not a database file, ...
                if not _busy(exc) or attempt == WRITE_ATTEMPTS - 1:
                    raise _storage_error(self, exc) from None
                _pause(attempt)
            except OSError as exc:
                raise StorageError(f"the diary database at {self.description} cannot be used: "
                                   f"{exc.strerror or exc}") from None

    @contextmanager
    def unit_of_work(self, *, write: bool = False) -> Iterator[UnitOfWork]:
        """A transaction that rolls back unless committed (write ones take SQLite's write lock)."""
        self.ensure_schema()
        factory = self._write_sessions if write else self._read_sessions
        with factory() as session:
            try:
                yield UnitOfWork(session)
            finally:
                session.rollback()

    def write(self, work: Callable[[ports.UnitOfWork], T]) -> T:
        """Run ``work`` in a write transaction and commit; retried whole when the database is busy,
        so ``work`` must only touch the database (no output, no other side effects)."""
        for attempt in range(WRITE_ATTEMPTS):
            try:
                with self.unit_of_work(write=True) as uow:
                    result = work(uow)
                    uow.commit()
                    return result
            except DBAPIError as exc:
                if not _busy(exc):
                    raise _storage_error(self, exc) from None
                if attempt == WRITE_ATTEMPTS - 1:
                    raise DatabaseBusyError(f"the diary database at {self.description} stayed busy; "
                                            "nothing was changed, please try again") from None
                _pause(attempt)
        raise AssertionError("unreachable")

    def read(self, work: Callable[[ports.UnitOfWork], T]) -> T:
        try:
            with self.unit_of_work() as uow:
                return work(uow)
        except DBAPIError as exc:
            raise _storage_error(self, exc) from None

    def integrity_check(self) -> list[str]:
        """SQLite's own check of every page and index (``["ok"]`` when sound); PostgreSQL: a query."""
        with self.engine.connect() as conn:
            if is_sqlite(self.engine):
                return [str(row[0]) for row in conn.exec_driver_sql("PRAGMA integrity_check")]
            conn.execute(text("SELECT count(*) FROM entries"))
            return ["ok"]

    def compact(self) -> None:
        """After deleting everything: leave no old rows or pages behind (SQLite file and WAL; on
        PostgreSQL the diary tables are rewritten, so dead rows do not linger until autovacuum)."""
        if not is_sqlite(self.engine):
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM FULL entries")
                conn.exec_driver_sql("VACUUM FULL episodes")
            return
        raw = self.engine.raw_connection()
        try:
            driver = raw.driver_connection
            assert driver is not None
            driver.execute("VACUUM")
            driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()

    def dispose(self) -> None:
        self.engine.dispose()


def _busy(exc: DBAPIError) -> bool:
    message = str(exc.orig).lower()
    if "database is locked" in message or "database table is locked" in message:
        return True
    return getattr(exc.orig, "sqlstate", None) in _BUSY_SQLSTATES


def _pause(attempt: int) -> None:
    time.sleep(random.uniform(0.02, 0.1) * (2 ** attempt))  # jitter: colliding writers spread out


def _storage_error(db: Database, exc: SQLAlchemyError) -> StorageError:
    # Only the driver's own error class and message: SQL parameters (personal data) are hidden.
    orig = getattr(exc, "orig", None) or exc
    return StorageError(f"the diary database at {db.description} failed: {type(orig).__name__}: "
                        f"{str(orig).splitlines()[0] if str(orig) else ''}")
