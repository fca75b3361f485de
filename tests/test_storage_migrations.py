"""Migrations: from an empty database, from the previous schema, and models that match them."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from pg_server import db_url, pg_url, postgres_server  # noqa: F401 (fixtures)
from rugwijzer.storage import Database
from rugwijzer.storage.migrate import alembic_config, current_revision, head_revision, upgrade
from rugwijzer.storage.models import Base


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:  # noqa: F811
    database = Database(db_url)
    yield database
    database.dispose()


def test_there_is_a_previous_schema_to_migrate_from() -> None:
    assert head_revision() != "0001"


def test_from_an_empty_database_the_schema_matches_the_models(db: Database) -> None:
    assert current_revision(db.engine) is None
    upgrade(db.engine)
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []


def test_upgrading_twice_is_harmless(db: Database) -> None:
    upgrade(db.engine)
    upgrade(db.engine)
    assert current_revision(db.engine) == head_revision()


def test_from_the_previous_schema_the_data_is_kept(db: Database) -> None:
    upgrade(db.engine, "0001")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO episodes (id, onset, started_on, baseline, created_at) "
                          "VALUES (1, '2026-01-05', '2026-01-06', :b, '2026-01-06 10:00:00')"),
                     {"b": json.dumps({"age": 52, "pain_score": 7})})
        conn.execute(text("INSERT INTO entries (episode_id, entry_date, pain, activity, medication, notes, "
                          "alarm_answers, created_at) VALUES (1, '2026-01-08', 6, 'shopping', 'ibuprofen', "
                          "'better', :a, '2026-01-08 09:00:00')"), {"a": json.dumps({"fever": False})})
    # First use by the application upgrades the old database by itself.
    entries = db.read(lambda uow: uow.diary.entries(1))
    assert current_revision(db.engine) == head_revision()
    [entry] = entries
    assert (entry.pain, entry.activity, entry.medication, entry.notes) == (6, "shopping", "ibuprofen", "better")
    assert entry.alarm_answers == {"fever": False}
    assert entry.seen_doctor is False and entry.urgency is None and entry.flag_ids is None
    [episode] = db.read(lambda uow: uow.diary.episodes())
    assert episode.baseline == {"age": 52, "pain_score": 7}


def test_downgrade_to_the_previous_schema_and_back(db: Database) -> None:
    upgrade(db.engine)
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    assert current_revision(db.engine) == "0001"
    upgrade(db.engine)
    assert current_revision(db.engine) == head_revision()
