"""The web diary: loopback only, forms without JavaScript, the advice changing as days pass, export
and delete with confirmation."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import rugwijzer.http.web.diary as diary_web
from diary_support import day, log_in
from rugwijzer import bootstrap
from rugwijzer.http.web.app import create_app
from rugwijzer.knowledge import load_knowledge
from rugwijzer.languages import LANGS
from rugwijzer.services.assessing import default_assessor
from rugwijzer.storage import ENV_HOME, ENV_URL

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
        log_in(test_client)
        yield test_client


def set_today(monkeypatch: pytest.MonkeyPatch, today: date) -> None:
    monkeypatch.setattr(bootstrap, "clock", lambda: today)


def token(html: str) -> str:
    return Form(html).hidden["token"][0]


# The self-check answered the ordinary way: 40 years, male, only in the back, no alarm signs.
CHOICES = {"age": "40", "sex": "male", "radiation": "none", "pain_trend": "stable", "first_episode": "true",
           "leg_weakness": "none", "numbness_tingling": "none", "trauma": "none", "pain_score": "5",
           "wants_startback": "false"}


def choose(name: str, values: list[str], wanted: dict[str, bool]) -> str | list[str]:
    """The answer to one question by field name: a yes/no question, a choice, or a checklist
    ("which of these apply?", whose values are field names and "none")."""
    if name in wanted:
        return "true" if wanted[name] else "false"
    if "none" in values and set(values) - {"none"} <= set(load_flow_fields()):  # a checklist
        return [v for v in values if wanted.get(v)] or ["none"]
    return CHOICES.get(name, "false" if "false" in values else "none" if "none" in values else values[0])


def load_flow_fields() -> list[str]:
    from rugwijzer.core.intake import Intake

    return list(Intake.model_fields)


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
                data[name] = choose(name, values, {})
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


PAINKILLER_WORDS = ("paracetamol", "paracétamol", "ibuprofen", "ibuprofène")


def calm_texts(lang: str) -> list[str]:
    """Texts only a calmer result shows: what to expect and the milestones."""
    explainer = default_assessor().explainer(lang)  # type: ignore[arg-type]
    return [*explainer.prognosis, *explainer.milestones.values()]


def plain(html_text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", html_text)))


@pytest.mark.parametrize("lang", LANGS)
def test_after_an_emergency_entry_the_diary_shows_no_self_care_milestones_or_safety_net(
        client: TestClient, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    start_diary(client, day(0))
    set_today(monkeypatch, day(8))
    add_entry(client, day(8), 5, bladder_problems="true", fever="true")
    page = client.get(f"/diary?lang={lang}").text
    advice = page[page.index('id="advice"'):page.index("</section>", page.index('id="advice"'))]
    assert 'href="tel:112"' in advice and "112" in plain(advice)
    text = plain(page).lower()
    assert not [w for w in PAINKILLER_WORDS if w in text]
    assert not [t for t in calm_texts(lang) if t.lower() in text]
    assert 'id="milestones-title"' not in page and 'id="safety-title"' not in page
    fever = next(f for f in load_knowledge().flags if f.id == "fever").title
    also_tell = page[page.index('id="also-tell-title"'):]
    assert getattr(fever, lang) in html.unescape(also_tell)  # a lower flag: "also tell the doctor"


def test_after_an_urgent_entry_the_diary_shows_the_112_tier_and_no_milestones(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    start_diary(client, day(0))
    set_today(monkeypatch, day(8))
    add_entry(client, day(8), 5, fever="true")
    page = client.get("/diary?lang=nl").text
    assert "urgency-urgent" in page and 'id="milestones-title"' not in page
    tiers = [t["heading"] for t in default_assessor().explainer("nl").safety_tiers]
    safety = html.unescape(page[page.index('id="safety-title"'):])
    assert tiers[0] in safety and tiers[1] not in safety and tiers[2] not in safety
    assert not [t for t in calm_texts("nl") if t in html.unescape(page)]


def test_a_calm_diary_shows_its_milestones_and_the_three_tiers(client: TestClient) -> None:
    page = start_diary(client, day(0))
    assert 'id="milestones-title"' in page
    explainer = default_assessor().explainer("en")
    assert explainer.milestones["three_weeks"] in html.unescape(page)
    safety = html.unescape(page[page.index('id="safety-title"'):])
    assert all(t["heading"] in safety for t in explainer.safety_tiers)
    advice = page[page.index('id="advice"'):page.index("</section>", page.index('id="advice"'))]
    assert "tel:" not in advice  # 112 is in the safety net, not in a calm headline


def test_an_emergency_in_the_self_check_stops_it_and_stores_nothing(client: TestClient) -> None:
    page = client.get("/diary?lang=en")
    response = client.post("/diary/start", data={"token": token(page.text), "lang": "en", "region": "be",
                                                 "onset": day(0).isoformat()})
    for _ in range(10):
        form = Form(response.text)
        data: dict[str, Any] = {k: v[-1] for k, v in form.hidden.items()}
        for name, values in form.radios.items():
            data[name] = choose(name, values, {"bladder_problems": True})
        for control in form.controls:
            if control.get("type") == "text":
                data[control["name"]] = CHOICES.get(control["name"], "")
        response = client.post("/diary/start", data=data)
        if "urgency-emergency" in response.text:
            break
    assert "urgency-emergency" in response.text and "was not started" in response.text
    main = response.text[response.text.index("<main"):]
    first_paragraph = re.search(r"<p[^>]*>(.*?)</p>", main, re.S)
    assert first_paragraph is not None and "112" in first_paragraph.group(1)
    assert main.index("<h1") < main.index("<p")
    assert not [w for w in PAINKILLER_WORDS if w in plain(main).lower()]
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


@pytest.mark.parametrize("lang", LANGS)
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
    import rugwijzer.http.web.diary_export as web_export

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


# ---- issue 9 §4: an entry that needs the alarm questions does not look saved --------------------

def test_an_entry_waiting_for_the_alarm_questions_says_not_saved_and_opens_at_them(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    start_diary(client, day(0))
    set_today(monkeypatch, day(1))
    page = client.get("/diary?lang=en").text
    assert 'action="/diary/entries#entry-check"' in page  # the answer opens at what needs doing
    first = add_entry(client, day(1), 8)
    text = first.text
    assert "<title>Not saved yet – " in text
    top = text.index("Not saved yet: answer these questions first.")
    assert top < text.index('id="advice"')  # at the top of the page, before the advice
    assert 'href="#entry-check"' in text
    section = re.search(r'<section class="alarm-check not-saved"[^>]*>', text)
    assert section and 'id="entry-check"' in section.group(0) and "autofocus" in section.group(0)
    assert text.count('id="entry-check"') == 1
    assert "Entry saved" not in text and "callout-ok" not in text
    assert client.get("/diary/export/json").json()["episodes"][0]["entries"] == []  # indeed not saved


def test_with_errors_the_page_opens_at_the_error_summary(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    start_diary(client, day(0))
    set_today(monkeypatch, day(1))
    form = Form(add_entry(client, day(1), 8).text)
    unanswered = client.post("/diary/entries", data={**{k: v for k, v in form.hidden.items()},
                                                      "entry_date": day(1).isoformat(), "pain_score": "8"})
    assert unanswered.status_code == 400
    summary = re.search(r'<div class="error-summary"[^>]*>', unanswered.text)
    assert summary and 'id="entry-check"' in summary.group(0)
    assert unanswered.text.count('id="entry-check"') == 1


@pytest.mark.parametrize("lang", ["nl", "fr", "de"])
def test_the_not_saved_message_is_translated(client: TestClient, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    start_diary(client, day(0), lang)
    set_today(monkeypatch, day(1))
    page = client.get(f"/diary?lang={lang}")
    data = {"token": token(page.text), "lang": lang, "region": "be", "entry_date": day(1).isoformat(),
            "pain_score": "8"}
    text = client.post("/diary/entries", data=data).text
    wanted = {"nl": "Nog niet bewaard: beantwoord eerst deze vragen.",
              "fr": "Pas encore enregistré : répondez d'abord à ces questions.",
              "de": "Noch nicht gespeichert: Beantworten Sie zuerst diese Fragen."}[lang]
    assert html.unescape(text).count(wanted) == 2  # at the top, and as the questions' heading


# ---- issue 9 §4: "keep a diary" from the self-check's result ----------------------------------

SELF_CHECK = {"age": 35, "duration_days": 3, "pain_score": 4, "pain_trend": "stable", "sex": "male",
              "radiation": "none", "leg_weakness": "none", "numbness_tingling": "none", "trauma": "none"}


def finished_answers(wanted: dict[str, Any] | None = None) -> dict[str, Any]:
    """A finished self-check (the flow's answers): ``SELF_CHECK``, ``wanted``, "no" to the rest."""
    from rugwijzer.knowledge import load_flow

    flow, answers, chosen = load_flow(), {}, {**SELF_CHECK, **(wanted or {})}
    for screen in flow.screens:
        for question in flow.active_questions(screen, answers):
            if question.kind == "checklist":
                answers[question.field] = [i.field for i in question.items if chosen.get(i.field) is True] or ["none"]
            elif question.field in chosen:
                answers[question.field] = chosen[question.field]
            elif question.kind == "multi":
                answers[question.field] = []
            else:
                options = [o.value for o in question.options]
                answers[question.field] = False if False in options else "none" if "none" in options else options[0]
    return answers


def self_check_result(client: TestClient, lang: str = "en", wanted: dict[str, Any] | None = None) -> str:
    """The self-check's result page for a finished set of answers, as its own forms post it."""
    answers = finished_answers(wanted)
    response = client.post("/check", data={"view": "result", "lang": lang, "region": "be",
                                           "answers": json.dumps(answers)})
    assert response.status_code == 200, response.text
    return response.text


def keep_form(result: str) -> dict[str, str]:
    form = result[result.index('action="/diary/from-check"'):]
    form = form[:form.index("</form>")]
    return {k: v[-1] for k, v in Form(form).hidden.items()}


def test_the_result_offers_a_diary_only_on_this_machine(client: TestClient) -> None:
    assert 'action="/diary/from-check"' in self_check_result(client)
    # Served to another machine the diary answers 404, so its button must not be offered there.
    with TestClient(create_app(), base_url="http://rugwijzer.example.org", client=("203.0.113.9", 50999)) as guest:
        result = self_check_result(guest)
    assert 'action="/diary/from-check"' not in result and 'action="/report.pdf"' in result


def test_keep_a_diary_from_the_result_starts_it_with_the_same_answers(client: TestClient) -> None:
    result = self_check_result(client)
    data = keep_form(result)
    answers = json.loads(data["answers"])
    confirm = client.post("/diary/from-check", data=data)
    assert confirm.status_code == 200, confirm.text
    assert "Keep a diary with these answers" in confirm.text
    onset = re.search(r'name="onset" value="([0-9-]+)"', confirm.text)
    assert onset is not None
    assert date.fromisoformat(onset.group(1)) == day(0) - diary_web.timedelta(days=answers["duration_days"])
    form = Form(confirm.text)
    started = client.post("/diary/start", data={**{k: v[-1] for k, v in form.hidden.items()},
                                                "onset": onset.group(1)}, follow_redirects=True)
    assert started.status_code == 200 and "The diary has started" in started.text  # no second self-check
    baseline = client.get("/diary/export/json").json()["episodes"][0]["answers"]
    assert baseline["age"] == SELF_CHECK["age"] and baseline["duration_days"] == answers["duration_days"]


def test_keep_a_diary_when_one_is_open_says_what_to_do(client: TestClient) -> None:
    start_diary(client, day(0))
    confirm = client.post("/diary/from-check", data=keep_form(self_check_result(client)))
    assert "already open" in confirm.text and 'action="/diary/start"' not in confirm.text


def test_keep_a_diary_before_logging_in_keeps_the_answers_through_the_key(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from rugwijzer.http.web import auth

    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.setenv(ENV_HOME, str(tmp_path))
    set_today(monkeypatch, day(0))
    with TestClient(create_app(), base_url=LOCAL, client=("127.0.0.1", 50123)) as guest:
        data = keep_form(self_check_result(guest))
        page = guest.post("/diary/from-check", data=data)
        assert page.status_code == 401 and str(auth.key_path()) in page.text
        assert Form(page.text).hidden["answers"] == [data["answers"]]  # kept in the page
        assert "token" not in Form(page.text).hidden  # nothing of the owner's on a guest page
        wrong = guest.post("/diary/from-check", data={**data, "key": "not the key"})
        assert wrong.status_code == 401 and 'aria-invalid="true"' in wrong.text
        right = guest.post("/diary/from-check", data={**data, "key": auth.owner_key()})
        assert right.status_code == 200 and "Keep a diary with these answers" in right.text
        assert guest.get("/diary?lang=en").status_code == 200  # logged in from now on


def test_the_result_offers_no_diary_for_an_emergency(client: TestClient) -> None:
    result = self_check_result(client, wanted={"bladder_problems": True, "saddle_numbness": True})
    assert "urgency-emergency" in result
    assert "/diary/from-check" not in result
