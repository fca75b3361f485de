"""The web diary: loopback only, forms without JavaScript, the advice changing as days pass, export
and delete with confirmation."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import rugwijzer.diary.web as diary_web
from diary_support import day
from rugwijzer.storage import ENV_HOME, ENV_URL
from rugwijzer.web.app import create_app

LOCAL = "http://127.0.0.1:8000"


class Form(HTMLParser):
    """The inputs of one page: hidden values, radio groups, text fields, labels and ids."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.hidden: dict[str, list[str]] = {}
        self.radios: dict[str, list[str]] = {}
        self.ids: list[str] = []
        self.controls: list[dict[str, str]] = []
        self.labels: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "label" and "for" in a:
            self.labels.add(a["for"])
        if tag in ("input", "textarea", "select"):
            if a.get("type") == "hidden":
                self.hidden.setdefault(a["name"], []).append(a.get("value", ""))
                return
            self.controls.append(a)
            if a.get("type") in ("radio", "checkbox"):
                self.radios.setdefault(a["name"], []).append(a["value"])


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.setenv(ENV_HOME, str(tmp_path))
    set_today(monkeypatch, day(0))
    with TestClient(create_app(), base_url=LOCAL, client=("127.0.0.1", 50123)) as test_client:
        yield test_client


def set_today(monkeypatch: pytest.MonkeyPatch, today: date) -> None:
    monkeypatch.setattr(diary_web, "clock", lambda: today)


def token(html: str) -> str:
    return Form(html).hidden["token"][0]


# The self-check answered the ordinary way: 40 years, male, only in the back, no alarm signs.
CHOICES = {"age": "40", "sex": "male", "radiation": "none", "pain_trend": "stable", "first_episode": "true",
           "leg_weakness": "none", "numbness_tingling": "none", "trauma": "none", "pain_score": "5",
           "wants_startback": "false"}


def start_diary(client: TestClient, onset: date, lang: str = "en") -> str:
    page = client.get(f"/diary?lang={lang}")
    response = client.post("/diary/start", data={"token": token(page.text), "lang": lang, "region": "be",
                                                  "onset": onset.isoformat()})
    for _ in range(40):
        assert response.status_code == 200, response.text
        if "/diary/start" not in response.text:
            return response.text
        form = Form(response.text)
        data: dict[str, Any] = {k: v[-1] for k, v in form.hidden.items()}
        for name, values in form.radios.items():
            if name != "risk_factors":
                data[name] = CHOICES.get(name, "false" if "false" in values else values[0])
        for control in form.controls:
            if control.get("type") == "text":
                data[control["name"]] = CHOICES.get(control["name"], "")
        response = client.post("/diary/start", data=data)
    raise AssertionError("the self-check did not end")


def add_entry(client: TestClient, on: date, pain: int, **fields: str) -> Any:
    page = client.get("/diary?lang=en")
    form = Form(page.text)
    data = {"token": token(page.text), "lang": "en", "region": "be", "entry_date": on.isoformat(),
            "pain_score": str(pain), **fields}
    data["alarm_fields"] = form.hidden.get("alarm_fields", [])  # type: ignore[assignment]
    for name in form.hidden.get("alarm_fields", []):
        data.setdefault(name, "none" if "none" in form.radios[name] else "false")
    return client.post("/diary/entries", data=data)


def test_a_new_user_keeps_a_diary_and_sees_the_advice_change(client: TestClient,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    page = start_diary(client, day(0))
    assert "The diary has started" in page and "Self-care" in page
    set_today(monkeypatch, day(3))
    saved = add_entry(client, day(3), 5, activity="walked to the shop", notes="stiff <morning>")
    assert saved.status_code == 200 and "Entry saved" in saved.text
    assert "stiff &lt;morning&gt;" in saved.text
    set_today(monkeypatch, day(43))
    assert "The alarm questions again" in client.get("/diary?lang=en").text  # weekly check due
    six = add_entry(client, day(43), 5)
    assert "Entry saved" in six.text, six.text
    assert "Pain for more than six weeks" in six.text and "See your GP within a few days" in six.text
    assert "What changed since the previous entry" in six.text
    assert "<svg" in six.text and "Day 43" in six.text and "<table" in six.text


def test_seeing_a_doctor_is_asked_until_yes(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    set_today(monkeypatch, day(40))
    start_diary(client, day(0))
    set_today(monkeypatch, day(44))
    page = client.get("/diary?lang=en").text
    assert 'name="seen_doctor_this_episode"' in page
    saved = add_entry(client, day(44), 5, seen_doctor_this_episode="true")
    assert "Self-care, and plan a visit" in saved.text  # over six weeks, but a doctor has seen it
    assert 'name="seen_doctor_this_episode"' not in saved.text


def test_a_pain_rise_brings_the_alarm_questions_before_saving(client: TestClient,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    start_diary(client, day(0))
    set_today(monkeypatch, day(1))
    first = add_entry(client, day(1), 8)
    assert first.status_code == 200 and "Your pain is higher" in first.text
    assert "Entry saved" not in first.text
    form = Form(first.text)
    assert "saddle_numbness" in form.hidden["alarm_fields"]
    assert 'value="8" checked' in first.text  # what was typed is kept
    unanswered = client.post("/diary/entries", data={**{k: v for k, v in form.hidden.items()},
                                                      "entry_date": day(1).isoformat(), "pain_score": "8"})
    assert unanswered.status_code == 400 and "Please check these answers" in unanswered.text
    assert 'aria-describedby="q-bladder-problems-error' in unanswered.text
    assert "Your pain is higher" in unanswered.text
    assert add_entry(client, day(1), 8).status_code == 200  # the helper answers them: saved
    assert "Entry saved" in client.get("/diary?lang=en&saved=entry").text


def test_an_emergency_answer_shows_the_emergency_at_once(client: TestClient,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    start_diary(client, day(0))
    set_today(monkeypatch, day(8))
    page = add_entry(client, day(8), 5, bladder_problems="true")
    assert "urgency-emergency" in page.text and "tel:112" in page.text
    assert page.text.index("urgency-emergency") < page.text.index("Add an entry")


def test_an_emergency_in_the_self_check_stops_it_and_stores_nothing(client: TestClient) -> None:
    page = client.get("/diary?lang=en")
    response = client.post("/diary/start", data={"token": token(page.text), "lang": "en", "region": "be",
                                                 "onset": day(0).isoformat()})
    for _ in range(10):
        form = Form(response.text)
        data: dict[str, Any] = {k: v[-1] for k, v in form.hidden.items()}
        for name, values in form.radios.items():
            data[name] = "true" if name == "bladder_problems" else CHOICES.get(
                name, "false" if "false" in values else values[0])
        for control in form.controls:
            if control.get("type") == "text":
                data[control["name"]] = CHOICES.get(control["name"], "")
        response = client.post("/diary/start", data=data)
        if "urgency-emergency" in response.text:
            break
    assert "urgency-emergency" in response.text and "was not started" in response.text
    assert "Start a diary for this episode" in client.get("/diary?lang=en").text


@pytest.mark.parametrize(("fields", "message"), [
    ({"pain_score": ""}, "q-pain-score"),
    ({"pain_score": "11"}, "q-pain-score"),
    ({"entry_date": "yesterday"}, "d-entry-date"),
    ({"entry_date": "2026-08-01"}, "d-entry-date"),
    ({"notes": "x" * 2500}, "d-notes"),
])
def test_bad_entries_are_refused_with_the_error_at_the_field(client: TestClient, monkeypatch: pytest.MonkeyPatch,
                                                             fields: dict[str, str], message: str) -> None:
    start_diary(client, day(0))
    set_today(monkeypatch, day(2))
    page = client.get("/diary?lang=en").text
    data = {"token": token(page), "lang": "en", "region": "be", "entry_date": day(2).isoformat(),
            "pain_score": "4", **fields}
    response = client.post("/diary/entries", data=data)
    assert response.status_code == 400
    assert (f'href="#{message}"' in response.text and 'aria-invalid="true"' in response.text) or \
        f'href="#{message}' in response.text
    export = json.loads(client.get("/diary/export/json").content)
    assert export["episodes"][0]["entries"] == []


def test_the_onset_must_be_a_past_date(client: TestClient) -> None:
    page = client.get("/diary?lang=en").text
    response = client.post("/diary/start", data={"token": token(page), "lang": "en", "onset": "2099-01-01"})
    assert response.status_code == 400 and 'href="#d-onset"' in response.text


def test_export_every_format(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    start_diary(client, day(0))
    set_today(monkeypatch, day(2))
    add_entry(client, day(2), 4, notes="private words")
    for fmt, media in (("csv", "text/csv"), ("json", "application/json"), ("pdf", "application/pdf")):
        response = client.get(f"/diary/export/{fmt}?lang=en")
        assert response.status_code == 200 and response.headers["content-type"].startswith(media)
        assert "attachment" in response.headers["content-disposition"]
        assert response.headers["cache-control"] == "no-store"
    assert b"private words" in client.get("/diary/export/csv").content
    assert client.get("/diary/export/xml").status_code == 404


def test_delete_needs_a_confirmation(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    start_diary(client, day(0))
    set_today(monkeypatch, day(1))
    add_entry(client, day(1), 4)
    confirm = client.get("/diary/delete?lang=en")
    assert ("1 episode(s) and 1 entry(ies)" in confirm.text and "Export first" in confirm.text) or \
        "export first" in confirm.text.lower()
    refused = client.post("/diary/delete", data={"token": token(confirm.text), "lang": "en"})
    assert refused.status_code == 400 and 'href="#d-confirm"' in refused.text
    assert json.loads(client.get("/diary/export/json").content)["episodes"]
    done = client.post("/diary/delete", data={"token": token(confirm.text), "lang": "en", "confirm": "yes"})
    assert done.status_code == 200 and "Nothing of the diary is left" in done.text
    assert json.loads(client.get("/diary/export/json").content)["episodes"] == []


def test_ending_an_episode_lets_a_new_one_start_not_as_the_first(client: TestClient,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    start_diary(client, day(0))
    set_today(monkeypatch, day(10))
    page = client.get("/diary?lang=en").text
    ended = client.post("/diary/end", data={"token": token(page), "lang": "en", "end_date": day(10).isoformat()})
    assert "The episode is ended" in ended.text and "Start a diary for this episode" in ended.text
    set_today(monkeypatch, day(200))
    start_diary(client, day(199))
    document = json.loads(client.get("/diary/export/json").content)
    assert [e["answers"].get("first_episode") for e in document["episodes"]] == [True, False]


@pytest.mark.parametrize(("base_url", "address"), [
    ("http://192.168.1.20:8000", ("127.0.0.1", 50000)),   # reached over the network
    ("http://127.0.0.1:8000", ("192.168.1.30", 50000)),   # a visitor from elsewhere
])
def test_the_diary_is_only_served_to_this_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  base_url: str, address: tuple[str, int]) -> None:
    monkeypatch.setenv(ENV_HOME, str(tmp_path))
    with TestClient(create_app(), base_url=base_url, client=address) as remote:
        assert remote.get("/diary").status_code == 404
        assert remote.get("/diary/export/json").status_code == 404
        assert remote.post("/diary/delete", data={"confirm": "yes"}).status_code == 404


def test_a_foreign_host_name_is_refused(client: TestClient) -> None:
    """DNS rebinding: a page from evil.example resolving to 127.0.0.1 must not read the diary."""
    assert client.get("/diary", headers={"host": "evil.example:8000"}).status_code == 404


def test_a_post_without_the_page_token_is_refused(client: TestClient) -> None:
    start_diary(client, day(0))
    response = client.post("/diary/delete", data={"confirm": "yes", "lang": "en"})
    assert response.status_code == 403
    assert json.loads(client.get("/diary/export/json").content)["episodes"]


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_every_page_has_the_disclaimer_labels_and_no_script(client: TestClient, monkeypatch: pytest.MonkeyPatch,
                                                            lang: str) -> None:
    start_diary(client, day(0), lang)
    set_today(monkeypatch, day(8))
    for url in (f"/diary?lang={lang}", f"/diary/delete?lang={lang}"):
        html = client.get(url).text
        assert "<script" not in html and f'<html lang="{lang}">' in html
        assert 'class="disclaimer"' in html
        form = Form(html)
        unlabelled = [c for c in form.controls if c.get("type") not in ("radio", "checkbox")
                      and c.get("id") not in form.labels]
        assert unlabelled == []
        radios = [c for c in form.controls if c.get("type") in ("radio", "checkbox")]
        assert all(c["id"] in form.labels for c in radios)
    assert re.search(r"<fieldset[^>]*>\s*<legend>", client.get(f"/diary?lang={lang}").text)


def test_a_long_diary_pdf_shows_its_progress_then_a_link(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    import rugwijzer.diary.web_export as web_export

    monkeypatch.setattr(web_export, "STREAM_ABOVE", 0)  # treat any diary as long
    start_diary(client, day(0))
    set_today(monkeypatch, day(2))
    add_entry(client, day(2), 4)
    page = client.get("/diary/export/pdf?lang=en")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Re-assessed 2 of 2 entries" in page.text and "Laying out the PDF pages" in page.text
    link = re.search(r'href="(/diary/export/ready/[^"]+)"', page.text)
    assert link is not None and page.text.rstrip().endswith("</html>")
    pdf = client.get(link.group(1))
    assert pdf.content.startswith(b"%PDF-") and "attachment" in pdf.headers["content-disposition"]
    assert client.get(link.group(1)).status_code == 404  # one download: then it is gone from memory
