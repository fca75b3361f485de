"""Alembic migrations of the diary database; run programmatically by :mod:`rugwijzer.storage.migrate`."""
