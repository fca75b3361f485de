"""Where the diary lives: the user's data folder by default, or the database a setting names.

- ``RUGWIJZER_DATABASE_URL``: any SQLAlchemy URL, e.g. ``postgresql+psycopg://user@host/db``.
- ``RUGWIJZER_HOME``: a folder to use instead of the platform's user data folder (tests, portable use).
- Otherwise ``<user data dir>/rugwijzer/diary.sqlite3`` (platformdirs), created private (0700/0600).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from sqlalchemy.engine import URL, make_url

ENV_URL = "RUGWIJZER_DATABASE_URL"
ENV_HOME = "RUGWIJZER_HOME"
DB_FILENAME = "diary.sqlite3"


def data_dir() -> Path:
    """The folder for the default SQLite database."""
    home = os.environ.get(ENV_HOME)
    if home:
        return Path(home)
    return Path(platformdirs.user_data_dir("rugwijzer", appauthor=False))


def database_url() -> URL:
    """The URL to use: the setting if present, else the SQLite file in the data folder."""
    configured = os.environ.get(ENV_URL, "").strip()
    if configured:
        return make_url(configured)
    return sqlite_url(data_dir() / DB_FILENAME)


def sqlite_url(path: Path) -> URL:
    return URL.create("sqlite", database=str(path))


def display_url(url: URL | str) -> str:
    """The URL with any password hidden, safe to show (never log it)."""
    return make_url(url).render_as_string(hide_password=True)


def prepare_sqlite_file(path: Path) -> None:
    """Create the folder and an empty database file readable by this user only (health data)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
