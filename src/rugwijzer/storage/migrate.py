"""Run the Alembic migrations from code, so that a diary database sets itself up on first use.

Several processes may open a new database at once (8 writers in the tests, a CLI next to the web
app), so the upgrade runs inside one locked transaction: ``BEGIN IMMEDIATE`` on SQLite, a
transaction-level advisory lock on PostgreSQL. Whoever gets the lock second finds the schema done.
Both databases have transactional DDL, so a failed upgrade leaves the previous schema intact.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from rugwijzer.storage.engine import WRITE_OPTION

SCRIPT_LOCATION = "rugwijzer.storage:migrations"
HEAD = "head"
# Any fixed number: the key of the PostgreSQL advisory lock that serialises migrations.
_PG_LOCK_KEY = 0x52756777  # "Rugw"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations folder has no revisions"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = HEAD) -> None:
    """Bring the schema to ``revision`` (default: the newest); a no-op when it is already there."""
    target = head_revision() if revision == HEAD else revision
    if current_revision(engine) == target:
        return
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")
        command.upgrade(alembic_config(conn), revision)
