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
from sqlalchemy.exc import ArgumentError

from rugwijzer.storage.errors import StorageError

ENV_URL = "RUGWIJZER_DATABASE_URL"
ENV_HOME = "RUGWIJZER_HOME"
DB_FILENAME = "diary.sqlite3"
SUPPORTED = ("sqlite", "postgresql")
ALLOWED_URLS = "sqlite:///PATH or postgresql+psycopg://USER@HOST/DATABASE"


def data_dir() -> Path:
    """The folder for the default SQLite database."""
    home = os.environ.get(ENV_HOME)
    if home:
        return Path(home)
    return Path(platformdirs.user_data_dir("rugwijzer", appauthor=False))


def database_url() -> URL:
    """The URL to use: the setting if present, else the SQLite file in the data folder. A setting
    that is not a URL, or names a database other than SQLite or PostgreSQL, is a StorageError."""
    configured = os.environ.get(ENV_URL, "").strip()
    if not configured:
        return sqlite_url(data_dir() / DB_FILENAME)
    try:
        url = make_url(configured)
    except ArgumentError:
        raise StorageError(f"{ENV_URL} is not a database URL (allowed: {ALLOWED_URLS})") from None
    if url.get_backend_name() not in SUPPORTED:
        raise StorageError(f"{ENV_URL} names the database {url.get_backend_name()!r}, which Rugwijzer does not "
                           f"support (allowed: {ALLOWED_URLS})")
    return url


def sqlite_url(path: Path) -> URL:
    return URL.create("sqlite", database=str(path))


def display_url(url: URL | str) -> str:
    """The URL with any password hidden, safe to show (never log it)."""
    return make_url(url).render_as_string(hide_password=True)


def prepare_data_dir(folder: Path) -> None:
    """Create the folder (0700) if needed; a StorageError when it cannot be a folder."""
    if folder.exists() and not folder.is_dir():
        raise StorageError(f"{folder} is not a folder: point {ENV_HOME} at a folder (or unset it)")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StorageError(f"the folder {folder} cannot be created: {exc.strerror or exc}") from None


def prepare_sqlite_file(path: Path) -> None:
    """Create the folder and an empty database file readable by this user only (health data)."""
    prepare_data_dir(path.parent)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
