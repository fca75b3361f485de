"""Issue 10: the local diary is private to its owner; exports are bounded; bodies are counted as they
stream; storage failures and misconfiguration are clear errors.

Real parts only: the app in process or under uvicorn on a free loopback port, real SQLite files,
a second OS account through ``runuser`` (skipped, saying why, when the tests do not run as root or
runuser is absent), ``rugwijzer`` started as a real process.
"""

from __future__ import annotations

import asyncio
import os
import select
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

import rugwijzer.http.web.diary_export as web_export
from diary_support import all_clear, baseline, log_in
from live import serving
from rugwijzer.diary.model import NewEntry
from rugwijzer.diary.service import DiaryService
from rugwijzer.http.web import auth
from rugwijzer.http.web.app import create_app
from rugwijzer.storage import ENV_HOME, ENV_URL, Database

LOCAL = "http://127.0.0.1:8000"
TODAY = date.today()
RUNUSER = shutil.which("runuser")
AS_ANOTHER_USER = pytest.mark.skipif(
    os.geteuid() != 0 or RUNUSER is None or not Path("/usr/bin/python3").exists(),
    reason="needs root, runuser and /usr/bin/python3 to act as a second OS account (nobody)")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.setenv(ENV_HOME, str(tmp_path))
    return tmp_path


@pytest.fixture
def anonymous(home: Path) -> Iterator[TestClient]:
    """A local client that does not carry the diary's key or cookie."""
    with TestClient(create_app(), base_url=LOCAL, client=("127.0.0.1", 50140),
                    headers={"Accept-Language": "en"}) as client:
        yield client


def seed(entries: int = 2) -> DiaryService:
    """A diary with an open episode and ``entries`` entries, written through the real service."""
    service = DiaryService(Database())
    onset = TODAY - timedelta(days=entries + 2)
    service.start(onset, baseline(), TODAY, "en", "be")
    for n in range(entries):
        service.add(NewEntry(onset + timedelta(days=n + 1), 5, "walked", "", f"entry {n}",
                             alarm_answers=all_clear()), TODAY, "en", "be")
    return service


# ---- item 1: only the owner ------------------------------------------------------------------

def test_without_the_key_nothing_of_the_diary_is_served(anonymous: TestClient) -> None:
    seed()
    for path in ("/diary?lang=en", "/diary/delete?lang=en", "/diary/export/json", "/diary/export/pdf"):
        response = anonymous.get(path)
        assert response.status_code == 401, path
        assert "Open your diary" in response.text and 'name="token"' not in response.text
        assert "entry 0" not in response.text
    api = anonymous.get("/api/v1/diary")
    assert api.status_code == 401 and api.json()["error"]["fields"] == ["authorization"]
    assert api.headers["www-authenticate"].startswith("Bearer")
    assert anonymous.delete("/api/v1/diary").status_code == 401
    assert anonymous.post("/diary/delete", data={"confirm": "yes"}).status_code == 401
    assert len(DiaryService(Database()).episodes()) == 1  # nothing was deleted


def test_the_self_check_and_the_stateless_routes_stay_open(anonymous: TestClient) -> None:
    from rugwijzer.http.api.examples import ORDINARY

    assert anonymous.get("/").status_code == 200
    assert anonymous.post("/api/v1/assessments", json=ORDINARY).status_code == 200
    assert anonymous.get("/fhir/Questionnaire/rugwijzer-intake").status_code == 200
    assert anonymous.get("/cds-services").status_code == 200


def test_the_key_file_is_readable_by_its_owner_only(home: Path) -> None:
    key = auth.owner_key()
    path = home / auth.KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(key) >= 40
    assert auth.owner_key() == key  # made once, then read
    path.chmod(0o644)
    auth.owner_key()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # made private again before it is trusted


def test_the_api_opens_with_the_key_as_a_bearer_token(anonymous: TestClient) -> None:
    seed()
    wrong = anonymous.get("/api/v1/diary", headers={"Authorization": "Bearer " + "x" * 43})
    assert wrong.status_code == 401
    right = anonymous.get("/api/v1/diary", headers={"Authorization": f"Bearer {auth.owner_key()}"})
    assert right.status_code == 200 and right.json()["episodes"][0]["entries"][0]["notes"] == "entry 0"


def test_a_login_link_works_once_and_sets_a_strict_http_only_cookie(anonymous: TestClient) -> None:
    code = auth.new_login_code()
    first = anonymous.get(f"/diary/login?code={code}&lang=en", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/diary?lang=en"
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict") and "Path=/" in cookie
    assert auth.owner_key() not in cookie  # the session id, never the key
    assert anonymous.get("/diary?lang=en").status_code == 200
    anonymous.cookies.clear()
    again = anonymous.get(f"/diary/login?code={code}&lang=en", follow_redirects=False)
    assert again.status_code == 401 and "used already" in again.text


def test_the_pasted_key_logs_in_and_a_wrong_one_does_not(anonymous: TestClient) -> None:
    wrong = anonymous.post("/diary/login", data={"key": "guess", "lang": "en"}, follow_redirects=False)
    assert wrong.status_code == 401 and "This is not the key" in wrong.text
    right = anonymous.post("/diary/login", data={"key": auth.owner_key() + "\n", "lang": "en"},
                           follow_redirects=False)
    assert right.status_code == 303 and anonymous.get("/diary").status_code == 200


def test_logging_out_ends_the_session(anonymous: TestClient) -> None:
    from test_diary_web import token

    log_in(anonymous)
    page = anonymous.get("/diary?lang=en")
    out = anonymous.post("/diary/logout", data={"token": token(page.text), "lang": "en"}, follow_redirects=False)
    assert out.status_code == 303
    assert anonymous.get("/diary").status_code == 401


@AS_ANOTHER_USER
def test_another_account_on_this_machine_cannot_read_or_delete_the_diary(monkeypatch: pytest.MonkeyPatch) -> None:
    folder = Path(tempfile.mkdtemp(prefix="rugwijzer-shared-"))
    try:
        folder.chmod(0o755)  # even a folder others may enter does not give the key away
        monkeypatch.delenv(ENV_URL, raising=False)
        monkeypatch.setenv(ENV_HOME, str(folder))
        seed()
        key = auth.owner_key()
        with serving(create_app()) as base:
            script = NOBODY.format(base=base, key_file=folder / auth.KEY_FILE)
            done = subprocess.run([RUNUSER, "-u", "nobody", "--", "/usr/bin/python3", "-c", script],
                                  capture_output=True, text=True, timeout=60, check=False)
            assert done.returncode == 0, done.stderr
            lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
            assert lines["key"] == "denied"
            for path in ("/api/v1/diary", "/diary", "/diary/delete", "/diary/export/json", "/diary/export/pdf"):
                assert lines[f"GET{path}"] == "401 no-data", path
            assert lines["DELETE/api/v1/diary"] == "401 no-data"
            assert lines["POST/diary/login"] == "401 no-data"
            owner = httpx.get(f"{base}/api/v1/diary", headers={"Authorization": f"Bearer {key}"})
            assert owner.status_code == 200 and len(owner.json()["episodes"]) == 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


NOBODY = '''
import urllib.error, urllib.request
try:
    open("{key_file}").read()
    print("key readable")
except PermissionError:
    print("key denied")
def call(method, path, data=None):
    request = urllib.request.Request("{base}" + path, data=data, method=method)
    try:
        with urllib.request.urlopen(request) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    leaked = b"entry 0" in body or b'name="token"' in body or b"episodes" in body
    print(method + path, status, "LEAK" if leaked else "no-data")
for path in ("/api/v1/diary", "/diary", "/diary/delete", "/diary/export/json", "/diary/export/pdf"):
    call("GET", path)
call("DELETE", "/api/v1/diary")
call("POST", "/diary/login", b"key=guess")
'''


def test_serve_prints_a_login_link_that_opens_the_diary(home: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, ENV_HOME: str(home)}
    env.pop(ENV_URL, None)
    server = subprocess.Popen([sys.executable, "-m", "rugwijzer", "serve", "--port", str(port), "--lang", "en"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert server.stdout is not None
        link = ""
        while not link:
            line = server.stdout.readline()
            assert line, server.stderr.read() if server.stderr else "serve stopped"
            link = next((word for word in line.split() if "/diary/login?code=" in word), "")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as browser:
            opened = _get_when_up(browser, link)
            assert opened.status_code == 200 and "Pain diary" in opened.text
            assert browser.get(urlsplit(link).path + "?" + urlsplit(link).query).status_code == 401
        assert stat.S_IMODE((home / auth.KEY_FILE).stat().st_mode) == 0o600
    finally:
        server.terminate()
        server.wait(timeout=30)


def _get_when_up(client: httpx.Client, url: str) -> httpx.Response:
    deadline = time.monotonic() + 60
    while True:
        try:
            return client.get(url, follow_redirects=True)
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


# ---- item 2: exports -------------------------------------------------------------------------

@pytest.fixture
def owner(home: Path) -> Iterator[TestClient]:
    with TestClient(create_app(), base_url=LOCAL, client=("127.0.0.1", 50141)) as client:
        log_in(client)
        yield client


def test_an_export_from_another_site_is_refused(owner: TestClient) -> None:
    seed()
    response = owner.get("/diary/export/pdf?lang=en", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert owner.get("/diary/export/csv", headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200


def test_one_export_at_a_time(owner: TestClient) -> None:
    seed()
    with web_export.exclusive() as mine:
        assert mine
        busy = owner.get("/diary/export/pdf?lang=en")
        assert busy.status_code == 429 and busy.headers["retry-after"]
        assert "already being prepared" in busy.text
    assert owner.get("/diary/export/csv").status_code == 200


def test_a_streamed_export_stops_when_the_browser_goes_away() -> None:
    reached: list[int] = []
    gate = threading.Event()

    def long_job(progress: Any, phase: Any) -> bytes:
        for n in range(10_000):
            progress(n, 10_000)
            reached.append(n)
            if n == 1:
                gate.wait(30)
        return b"%PDF"

    texts = dict.fromkeys(("progress", "layout", "ready", "download", "failed", "busy"), "%(done)s")

    async def browser_reads_a_little_then_leaves() -> None:
        page = web_export.stream(f"<ol>{web_export.MARKER}</ol>", long_job, "x.pdf", str, texts)
        assert "<ol>" in await anext(page)
        assert "<li>" in await anext(page)
        await page.aclose()  # what the server does when the connection is gone

    asyncio.run(browser_reads_a_little_then_leaves())
    gate.set()
    deadline = time.monotonic() + 60
    while web_export.busy() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not web_export.busy()
    assert len(reached) < 10  # stopped at the next step, not after 10,000
    assert not web_export._ready


def test_finished_files_are_capped() -> None:
    names = [web_export.keep(f"pdf {n}".encode(), f"{n}.pdf") for n in range(web_export.MAX_KEPT + 2)]
    assert web_export.take(names[0]) is None and web_export.take(names[1]) is None
    assert [web_export.take(name) for name in names[2:]] == [(f"pdf {n}".encode(), f"{n}.pdf")
                                                            for n in range(2, web_export.MAX_KEPT + 2)]


def test_a_closed_connection_frees_the_export_slot(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(entries=12)
    monkeypatch.setattr(web_export, "STREAM_ABOVE", 0)  # stream even this short diary
    with serving(create_app()) as base, httpx.Client(base_url=base) as browser:
        assert browser.get(f"/diary/login?code={auth.new_login_code()}").status_code == 303
        with browser.stream("GET", "/diary/export/pdf?lang=en") as response:
            assert response.status_code == 200
            seen = b""
            # Read until the export is under way and holds the slot (a list item in the page's head
            # is not enough: leaving before the slot is taken would let the export start after the
            # browser left, and the check below would race it); then the browser leaves.
            for chunk in response.iter_bytes():
                seen += chunk
                if b"<li>" in seen and web_export.busy():
                    break
        deadline = time.monotonic() + 120
        while web_export.busy() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not web_export.busy()
        assert browser.get("/diary/export/csv").status_code == 200


# ---- item 4: bodies counted as they stream -----------------------------------------------------

def chunked_upload(base: str, path: str, headers: dict[str, str], total: int = 50 * 2**20) -> tuple[int, int]:
    """POST ``total`` bytes with Transfer-Encoding: chunked; stops sending once the server answers.
    Returns the status and how many bytes were sent."""
    parts = urlsplit(base)
    headers = {"Content-Type": "application/x-www-form-urlencoded", **headers}
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    chunk = b"notes=" + b"x" * (16 * 1024 - 6)
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    sent = 0
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nTransfer-Encoding: chunked\r\n"
                     f"{extra}\r\n".encode())
        try:
            while sent < total and not select.select([sock], [], [], 0)[0]:
                sock.sendall(frame)
                sent += len(chunk)
            if sent >= total:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed: the answer is waiting to be read
        answer = sock.recv(4096)
    return int(answer.split(b" ", 2)[1]), sent


def test_a_chunked_50_mb_upload_is_cut_off_at_64_kb(home: Path) -> None:
    with serving(create_app()) as base, httpx.Client(base_url=base) as browser:
        browser.get(f"/diary/login?code={auth.new_login_code()}")
        cookie = f"{auth.COOKIE}={browser.cookies[auth.COOKIE]}"
        for path, headers in (("/check", {}), ("/report.pdf", {}), ("/diary/entries", {"Cookie": cookie}),
                              ("/api/v1/assessments", {"Content-Type": "application/json"})):
            status, sent = chunked_upload(base, path, headers)
            assert status == 413, path
            assert sent < 25 * 2**20, path  # answered while the upload went on (the rest is socket buffers)
        status, sent = chunked_upload(base, "/diary/entries", {})
        assert status == 401 and sent < 25 * 2**20  # who it is comes first, before any form is read


# ---- item 6: storage failures and misconfiguration -----------------------------------------------

def test_a_garbage_database_file_is_a_503_in_each_routes_format(owner: TestClient, home: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    garbage = home / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database, and it must stay as it is" * 100)
    monkeypatch.setenv(ENV_URL, f"sqlite:///{garbage}")
    api = owner.get("/api/v1/diary", headers={"Authorization": f"Bearer {auth.owner_key()}"})
    assert api.status_code == 503 and "file is not a database" in api.json()["error"]["message"]
    page = owner.get("/diary?lang=en")
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    assert "The diary cannot be opened right now" in page.text and "file is not a database" in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert garbage.read_bytes().startswith(b"this is not a database")


def test_an_unreachable_postgresql_is_a_503(owner: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv(ENV_URL, f"postgresql+psycopg://nobody@127.0.0.1:{port}/diary")
    api = owner.get("/api/v1/diary", headers={"Authorization": f"Bearer {auth.owner_key()}"})
    assert api.status_code == 503 and "failed" in api.json()["error"]["message"]
    assert owner.get("/diary").status_code == 503


def test_a_read_only_database_is_a_503_and_keeps_its_entries(owner: TestClient, home: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from test_diary_web import token

    seed(entries=1)
    monkeypatch.setenv(ENV_URL, f"sqlite:///file:{home / 'diary.sqlite3'}?mode=ro&uri=true")
    page = owner.get("/diary?lang=en")
    assert page.status_code == 200 and "entry 0" in page.text  # reading still works
    added = owner.post("/api/v1/diary/entries", json={"date": TODAY.isoformat(), "pain": 4},
                       headers={"Authorization": f"Bearer {auth.owner_key()}"})
    assert added.status_code == 503 and "readonly" in added.json()["error"]["message"]
    deleted = owner.post("/diary/delete?lang=en", data={"token": token(page.text), "confirm": "yes"})
    assert deleted.status_code == 503 and "readonly" in deleted.text
    monkeypatch.delenv(ENV_URL)
    assert len(DiaryService(Database()).histories("en", "be")[0].steps) == 2  # the start and the entry


@pytest.mark.parametrize(("setting", "value", "says"), [
    (ENV_HOME, "FILE", "is not a folder"),
    (ENV_URL, "::not a url", "is not a database URL"),
    (ENV_URL, "mysql://someone@localhost/diary", "does not support"),
])
@pytest.mark.parametrize("command", [["diary", "show"], ["serve", "--port", "1"]])
def test_misconfiguration_is_one_line_and_exit_1(tmp_path: Path, setting: str, value: str, says: str,
                                                 command: list[str]) -> None:
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    env = {**os.environ, ENV_HOME: str(tmp_path / "home"), "COLUMNS": "60"}
    env.pop(ENV_URL, None)
    env[setting] = str(a_file) if value == "FILE" else value
    done = subprocess.run([sys.executable, "-m", "rugwijzer", *command], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and says in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
