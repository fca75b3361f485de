"""The diary as JSON (/api/v1/diary): local mode only, thin over the diary service."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from diary_support import log_in
from rugwijzer import bootstrap
from rugwijzer.http.api.examples import ORDINARY
from rugwijzer.http.web.app import create_app
from rugwijzer.storage import ENV_HOME, ENV_URL

LOCAL = "http://127.0.0.1:8000"
ONSET = date(2026, 11, 1)
ANSWERS = {k: v for k, v in ORDINARY.items() if k != "duration_days"}


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.setenv(ENV_HOME, str(tmp_path))
    monkeypatch.setattr(bootstrap, "clock", lambda: ONSET + timedelta(days=3))
    with TestClient(create_app(), base_url=LOCAL, client=("127.0.0.1", 50124)) as test_client:
        log_in(test_client)
        yield test_client


def start(client: TestClient, answers: dict[str, Any] | None = None) -> Any:
    return client.post("/api/v1/diary/episodes?lang=en", json={"onset": ONSET.isoformat(),
                                                                "answers": answers or ANSWERS})


def test_a_diary_is_started_added_to_read_ended_and_deleted(client: TestClient) -> None:
    started = start(client)
    assert started.status_code == 201, started.text
    assert started.json()["stored"] is True and started.json()["answer"]["urgency"] == "self_care"
    entry = client.post("/api/v1/diary/entries?lang=en", json={"date": "2026-11-04", "pain": 3, "notes": "walked"})
    assert entry.status_code == 201, entry.text
    assert entry.json()["answer"]["lang"] == "en" and entry.json()["entry_id"]
    diary = client.get("/api/v1/diary").json()
    assert len(diary["episodes"]) == 1 and diary["episodes"][0]["entries"][0]["notes"] == "walked"
    ended = client.post("/api/v1/diary/end", json={"date": "2026-11-04"})
    assert ended.status_code == 200 and ended.json()["episode"]["ended_on"] == "2026-11-04"
    deleted = client.delete("/api/v1/diary")
    assert deleted.json() == {"deleted_episodes": 1, "deleted_entries": 1}
    assert client.get("/api/v1/diary").json()["episodes"] == []


def test_an_emergency_at_the_start_is_answered_and_not_stored(client: TestClient) -> None:
    response = client.post("/api/v1/diary/episodes", json={"onset": ONSET.isoformat(),
                                                           "answers": {"age": 50, "bladder_problems": True}})
    assert response.status_code == 200
    assert response.json()["stored"] is False and response.json()["answer"]["urgency"] == "emergency"
    assert client.get("/api/v1/diary").json()["episodes"] == []


@pytest.mark.parametrize(("body", "field"), [
    ({"onset": "2026-11-01", "answers": {**ANSWERS, "fever": "no"}}, "fever"),
    ({"onset": "yesterday", "answers": ANSWERS}, "onset"),
    ({"onset": "2026-11-01", "answers": ANSWERS, "extra": 1}, "extra"),
])
def test_bad_input_names_the_field(client: TestClient, body: dict[str, Any], field: str) -> None:
    response = client.post("/api/v1/diary/episodes", json=body)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_entries_need_an_open_episode_and_valid_values(client: TestClient) -> None:
    none_yet = client.post("/api/v1/diary/entries", json={"date": "2026-11-03", "pain": 3})
    assert none_yet.status_code == 409 and none_yet.json()["error"]["fields"] == ["episode"]
    start(client)
    bad = client.post("/api/v1/diary/entries", json={"date": "2026-11-03", "pain": 11})
    assert bad.status_code == 422 and "pain" in bad.json()["error"]["fields"]
    future = client.post("/api/v1/diary/entries", json={"date": "2026-12-30", "pain": 3})
    assert future.status_code == 422 and "date" in future.json()["error"]["fields"]
    repeated = client.post("/api/v1/diary/entries", content=b'{"date": "2026-11-03", "pain": 3, "pain": 9}',
                           headers={"Content-Type": "application/json"})
    assert repeated.status_code == 422 and repeated.json()["error"]["fields"] == ["pain"]


def test_writes_must_be_json_from_this_site(client: TestClient) -> None:
    start(client)
    form = client.post("/api/v1/diary/entries", content=b'{"date": "2026-11-03", "pain": 3}',
                       headers={"Content-Type": "text/plain"})
    assert form.status_code == 415
    cross = client.delete("/api/v1/diary", headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403
    assert client.get("/api/v1/diary").json()["episodes"]


@pytest.mark.parametrize(("base_url", "address", "host"), [
    ("http://192.168.1.20:8000", ("127.0.0.1", 50000), None),   # reached over the network
    ("http://127.0.0.1:8000", ("192.168.1.30", 50000), None),   # a visitor from elsewhere
    ("http://127.0.0.1:8000", ("127.0.0.1", 50000), "evil.example:8000"),  # DNS rebinding
])
def test_the_diary_api_is_only_served_to_this_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      base_url: str, address: tuple[str, int],
                                                      host: str | None) -> None:
    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.setenv(ENV_HOME, str(tmp_path))
    headers = {"host": host} if host else {}
    with TestClient(create_app(), base_url=base_url, client=address) as remote:
        for response in (remote.get("/api/v1/diary", headers=headers),
                         remote.delete("/api/v1/diary", headers=headers),
                         remote.post("/api/v1/diary/episodes", json={"onset": "2026-11-01", "answers": ANSWERS},
                                     headers=headers)):
            assert response.status_code == 404
            assert response.json()["error"]["status"] == 404
