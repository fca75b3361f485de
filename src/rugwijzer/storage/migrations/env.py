"""Alembic environment. The app passes an open connection (already inside a locked transaction);
the ``alembic`` command line (for developers) gets one from the usual database setting."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from rugwijzer.storage.models import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode rebuilds the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from rugwijzer.storage.config import database_url
    from rugwijzer.storage.engine import create_db_engine

    engine = create_db_engine(database_url())
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


_main()
