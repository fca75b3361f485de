"""Storage errors: lower-level driver errors are mapped to these, with no personal data in them."""

from __future__ import annotations

from rugwijzer.core.errors import OperationalError


class StorageError(OperationalError):
    """The diary database cannot be used (unreachable, locked for too long, corrupt, too new)."""


class DatabaseBusyError(StorageError):
    """Another writer held the database for longer than the busy timeout, even after retries."""
