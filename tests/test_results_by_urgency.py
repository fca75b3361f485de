"""Clinical rules v2 §10 on every surface: an emergency or urgent result says one thing.

Property: for any intake whose result is ``emergency`` or ``urgent``, no surface (the JSON answer,
the terminal, the web result page, the doctor's PDF) shows the self-care content v2 removed: no
"what to expect", no milestones, no anti-inflammatory as a second choice, no muscle-relaxant note;
and for an emergency no medication text at all. The forbidden texts are taken from the knowledge
base itself, in the answer's language, so a reworded text stays covered.
"""

from __future__ import annotations

import html
import json
import re
from io import BytesIO
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from typer.testing import CliRunner

from rugwijzer.cli.app import app as cli
from rugwijzer.core.knowledge import REGIONS as REGION_CODES
from rugwijzer.core.knowledge import KnowledgeBase, Text
from rugwijzer.http.web.app import create_app
from rugwijzer.knowledge import load_flow, load_knowledge
from rugwijzer.languages import LANGS
from rugwijzer.report import render_pdf
from rugwijzer.services.assessing import default_assessor
from strategies import intakes
from support import TODAY

LANGS = st.sampled_from(LANGS)
REGIONS = st.sampled_from(["be", "nl"])


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text))).strip()


def _start(text: Text, lang: str) -> str:
    """A knowledge-base text up to its first placeholder (filled in per region)."""
    plain = text[lang].split("{")[0]  # type: ignore[index]
    return _words(plain)


def forbidden(kb: KnowledgeBase, urgency: str, lang: str) -> list[str]:
    med = kb.medication
    texts = [*kb.messages.prognosis, *(m.text for m in kb.messages.milestones),
             med.nsaid_second_choice_text, med.nsaid_avoid_text, med.muscle_relaxants_text]
    if urgency == "emergency":
        texts += [med.paracetamol_standard_text, med.paracetamol_reduced_text, med.nsaid_avoid_urgent_text]
    # The matched STarT Back care is self-care advice; filled in with each region's words.
    care = [_words(default_assessor().explainer(lang, region).t(stratum.care))  # type: ignore[arg-type]
            for stratum in kb.startback.strata for region in REGION_CODES]
    return [*(_start(t, lang) for t in texts), *care]


def _check(surface: str, shown: str, urgency: str, lang: str) -> None:
    words = _words(shown)
    for text in forbidden(load_knowledge(), urgency, lang):
        assert text not in words, f"{surface} ({urgency}, {lang}) shows {text!r}"
    if urgency == "emergency":
        for name in ("paracetamol", "paracétamol", "ibuprofen", "ibuprofène"):
            assert name not in words.lower(), f"{surface} ({lang}) names {name} in an emergency"
        assert "112" in words


def doctor_needed() -> st.SearchStrategy[dict[str, Any]]:
    """Intakes whose result is emergency or urgent (about half of all generated ones)."""
    return intakes().filter(lambda d: default_assessor().assess(d, TODAY)["urgency"] in ("emergency", "urgent"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=doctor_needed(), lang=LANGS, region=REGIONS)
def test_json_and_terminal(data: dict[str, Any], lang: str, region: str) -> None:
    answer = default_assessor().assess(data, TODAY, lang, region)  # type: ignore[arg-type]
    urgency = answer["urgency"]
    assert answer["prognosis"] == [] and answer["milestones"] == [] and not answer["expectations"]
    assert answer["plan"] == [] and answer["avoid"] == [] and answer["tips"] == []
    if urgency == "emergency":
        assert answer["medication"] is None and answer["safety_net"] == []
    else:
        assert answer["medication"]["nsaid"] == "avoid"
        assert [tier["level"] for tier in answer["safety_net"]] == ["emergency"]
    _check("JSON", json.dumps(answer, ensure_ascii=False), urgency, lang)
    run = CliRunner().invoke(cli, ["assess", "-", "--lang", lang, "--region", region, "--date", TODAY.isoformat()],
                             input=json.dumps(data))
    assert run.exit_code == 0, run.output
    _check("terminal", run.output, urgency, lang)
    if urgency == "emergency":  # the output ends with where to go now (it may wrap over a few lines)
        assert "112" in " ".join(run.output.strip().splitlines()[-3:])


def _flow_answers(data: dict[str, Any]) -> dict[str, Any]:
    """The self-check's answers for an intake: checklists list the fields that are true."""
    flow, answers = load_flow(), {}
    for screen in flow.screens:
        for question in flow.active_questions(screen, answers):
            if question.kind == "checklist":
                answers[question.field] = [i.field for i in question.items if data.get(i.field) is True] or ["none"]
            elif question.field in data:
                answers[question.field] = data[question.field]
    return answers


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.filter_too_much,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=doctor_needed(), lang=LANGS)
def test_web_result_page(client: TestClient, data: dict[str, Any], lang: str) -> None:
    answers = _flow_answers(data)
    response = client.post("/check", data={"view": "result", "lang": lang, "region": "be",
                                           "answers": json.dumps(answers)})
    assert response.status_code == 200
    page = response.text
    urgency = next((u for u in ("emergency", "urgent") if f'class="urgency urgency-{u}"' in page), None)
    assume(urgency is not None)  # the flow's own intake may differ (e.g. its duration words)
    assert urgency is not None
    _check("web", page, urgency, lang)
    if urgency == "emergency":
        main = page[page.index("<main"):]
        first_paragraph = re.search(r"<p[^>]*>(.*?)</p>", main, re.S)
        assert first_paragraph is not None and "112" in first_paragraph.group(1)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=doctor_needed(), lang=LANGS)
def test_doctors_pdf(data: dict[str, Any], lang: str) -> None:
    answer = default_assessor().assess(data, TODAY, lang)  # type: ignore[arg-type]
    pdf = render_pdf(answer, data, lang)
    text = " ".join(page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages)
    _check("PDF", text, answer["urgency"], lang)
