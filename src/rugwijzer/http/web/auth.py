"""Who may read the diary: the person who owns the data folder, and nobody else on this machine.

Loopback alone is not enough: every account on the machine can reach 127.0.0.1. So the diary needs
a secret that only its owner can read:

- **The key**: 32 random bytes in ``<data folder>/diary.key``, created on first use with mode 0600
  in a 0700 folder, next to the diary database. The JSON API takes it as
  ``Authorization: Bearer <key>``; the login page takes it pasted into its form.
- **The login link**: ``rugwijzer serve`` prints ``/diary/login?code=...`` with a code that works
  once and only in that server process. Opening it sets a session cookie and goes to the diary.
- **The session cookie** (``rugwijzer_diary``): a random session id, not the key, HttpOnly,
  SameSite=Strict, Path=/, for 30 days or until the server stops (sessions live in memory). A
  browser sends it to every port of 127.0.0.1, so a leaked cookie is worth at most one run of the
  server; the key itself never goes to the browser.
"""

from __future__ import annotations

import hmac
import os
import secrets
import stat
import threading
from collections import OrderedDict
from pathlib import Path

from fastapi import Request

from rugwijzer.storage.config import data_dir, prepare_data_dir
from rugwijzer.storage.errors import StorageError

KEY_FILE = "diary.key"
COOKIE = "rugwijzer_diary"
SESSION_SECONDS = 30 * 24 * 3600
MAX_SESSIONS = 64  # the oldest is dropped beyond this (one person, a few browsers)

_lock = threading.Lock()
_codes: set[str] = set()
_sessions: OrderedDict[str, None] = OrderedDict()


def key_path() -> Path:
    return data_dir() / KEY_FILE


def owner_key() -> str:
    """The key, created (0600) on first use. Raises StorageError when the folder cannot be used."""
    path = key_path()
    try:
        prepare_data_dir(path.parent)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return _read_key(path)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_urlsafe(32) + "\n")
        return _read_key(path)
    except OSError as exc:
        raise StorageError(f"the diary key {path} cannot be used: {exc.strerror or exc}") from None


def _read_key(path: Path) -> str:
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        path.chmod(0o600)  # readable by others: make it private again before trusting it
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise StorageError(f"the diary key {path} is too short: delete the file and start again")
    return key


def equal(given: str, expected: str) -> bool:
    """Constant-time comparison of two texts (any characters; never raises)."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))


def new_login_code() -> str:
    """A code for one login, valid in this process only (printed by ``rugwijzer serve``)."""
    code = secrets.token_urlsafe(32)
    with _lock:
        _codes.add(code)
    return code


def use_login_code(code: str) -> bool:
    """True once per code handed out by :func:`new_login_code`."""
    with _lock:
        found = next((c for c in _codes if equal(code, c)), None)
        if found is not None:
            _codes.discard(found)
    return found is not None


def new_session() -> str:
    session = secrets.token_urlsafe(32)
    with _lock:
        _sessions[session] = None
        while len(_sessions) > MAX_SESSIONS:
            _sessions.popitem(last=False)
    return session


def end_session(session: str) -> None:
    with _lock:
        _sessions.pop(session, None)


def _valid_session(session: str) -> bool:
    with _lock:
        return any(equal(session, s) for s in _sessions)


def bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def is_owner(request: Request) -> bool:
    """The request carries a live session cookie or the key as a bearer token."""
    session = request.cookies.get(COOKIE)
    if session and _valid_session(session):
        return True
    token = bearer(request)
    return token is not None and equal(token, owner_key())
