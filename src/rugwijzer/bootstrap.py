"""The one place that wires the services for every entrypoint (the command line, the web pages, the
JSON API, FHIR and CDS Hooks): which knowledge base, which engine, which storage.

Entrypoints ask here; nothing else builds a service. Each function imports what it wires when it is
first called, so that a command that needs no diary never loads SQLAlchemy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rugwijzer.diary.ports import DiaryStore
    from rugwijzer.diary.service import DiaryService
    from rugwijzer.services.assessing import Assessor

clock: Callable[[], date] = date.today
"""Today, for the diary's pages and API (tests set the date here)."""

_services: dict[str, DiaryService] = {}
_services_lock = threading.Lock()


def assessor() -> Assessor:
    """The assessor for the packaged knowledge base (one per process)."""
    from rugwijzer.services.assessing import default_assessor

    return default_assessor()


def diary_store(url: str | None = None) -> DiaryStore:
    """The diary's storage: the configured database (SQLite by default, PostgreSQL by setting)."""
    from rugwijzer.storage import Database

    return Database(url)


def diary_service() -> DiaryService:
    """The diary service on the configured database; one per database, shared by the web pages and
    the JSON API (tests switch databases through the settings, and get a service for each)."""
    from rugwijzer.diary.service import DiaryService
    from rugwijzer.storage import database_url

    url = database_url().render_as_string(hide_password=False)
    with _services_lock:
        if url not in _services:
            _services[url] = DiaryService(diary_store(url), assessor())
        return _services[url]


def new_diary_service() -> DiaryService:
    """A diary service of its own (the command line: one process, one command)."""
    from rugwijzer.diary.service import DiaryService

    return DiaryService(diary_store(), assessor())
