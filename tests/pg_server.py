"""A real PostgreSQL server for the storage tests, started from Debian's binaries in a temp folder.

Import the fixtures into a test module (``from pg_server import pg_url, db_url  # noqa: F401``).
PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` system user
(``runuser``) in a folder that user owns, listening on 127.0.0.1 on a free port. The server is
started once per test session (even when several modules import the fixtures) and always stopped.
Tests are skipped only when no PostgreSQL binaries are installed; a server that fails to start is
a test failure.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_USER = "rugwijzer"


def find_pg_bin() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin with initdb and pg_ctl (or $RUGWIJZER_PG_BIN)."""
    configured = os.environ.get("RUGWIJZER_PG_BIN")
    candidates = [configured] if configured else glob.glob("/usr/lib/postgresql/*/bin")

    def version(path: str) -> float:
        try:
            return float(Path(path).parent.name)
        except ValueError:
            return 0.0

    for folder in sorted(candidates, key=version, reverse=True):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    bin_dir: Path
    base: Path
    port: int
    as_postgres: bool

    @property
    def data(self) -> Path:
        return self.base / "data"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        return subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120, check=False)

    def start(self) -> None:
        init = self.run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", PG_USER,
                        "-E", "UTF8", "--no-locale")
        if init.returncode != 0:
            raise RuntimeError(f"initdb failed: {init.stderr.strip()}")
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c max_connections=60"
        started = self.run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.base / "log"),
                           "-o", options, "-w", "-t", "60", "start")
        if started.returncode != 0:
            log = (self.base / "log").read_text(errors="replace") if (self.base / "log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {started.stderr.strip()} {log[-2000:]}")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={PG_USER} dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]


_server: PostgresServer | None = None


def _start_server(config: pytest.Config) -> PostgresServer:
    global _server
    if _server is not None:
        return _server
    bin_dir = find_pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL binaries not found in /usr/lib/postgresql/*/bin "
                    "(install Debian's 'postgresql' package to run these tests)")
    as_postgres = os.geteuid() == 0
    # Not under a 0700 temp folder: the postgres user must be able to reach its data folder.
    base = Path(tempfile.mkdtemp(prefix="rugwijzer-pg-", dir="/tmp"))
    if as_postgres:
        entry = pwd.getpwnam("postgres")
        os.chown(base, entry.pw_uid, entry.pw_gid)
    server = PostgresServer(bin_dir, base, _free_port(), as_postgres)
    config.add_cleanup(server.stop)  # runs at the end of the session, whatever happened
    server.start()
    _server = server
    return server


@pytest.fixture(scope="session")
def postgres_server(request: pytest.FixtureRequest) -> PostgresServer:
    """The session's PostgreSQL server (started on first use)."""
    return _start_server(request.config)


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database on the test server, dropped afterwards."""
    name = f"rw_{uuid.uuid4().hex[:12]}"
    postgres_server.admin(f'CREATE DATABASE "{name}"')
    yield postgres_server.url(name)
    postgres_server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test against an SQLite file and a real PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'diary.sqlite3'}"
    return str(request.getfixturevalue("pg_url"))
