"""German (de-BE) everywhere: the command line, the rules, the web app, the PDF's page, the FHIR
Questionnaire and the CDS cards speak German, with nothing left in another language.

Two checks on every German surface. (1) No text of another language: no knowledge text and no
interface string as written in nl, fr or en (where the German one differs). (2) No English or Dutch
words: small words that are never German (the, you, your, je, een, niet ...), after taking out what
stays as it is in every language (the full citations of the sources, names such as Keele University).
"""

from __future__ import annotations

import html
import json
import re
import string
from collections.abc import Iterator
from typing import Any

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from rugwijzer.cli.app import app
from rugwijzer.core.knowledge import texts_of
from rugwijzer.http.api.examples import STARTBACK_HIGH, intake
from rugwijzer.http.web.app import create_app
from rugwijzer.i18n import DOMAINS, LOCALE_DIR
from rugwijzer.knowledge import load_flow, load_knowledge
from rugwijzer.report.pdf import assessment_context, render_html
from rugwijzer.services.assessing import default_assessor
from test_cds import call, response_for
from test_web_pages import Page, answer_screen, check_page, post

OTHERS = ("nl", "fr", "en")
TODAY = "2026-11-25"

# Small words that are never German, in English and in Dutch.
FOREIGN_WORDS = re.compile(
    r"\b(the|you|your|with|and|of|is|are|not|when|what|this|that|for|to|if|"  # English
    r"je|jij|jouw|een|het|niet|naar|voor|wordt|bent|heb|hebt|ook|maar|deze|dit|wat|bij|zijn|of|van)\b")

# What stays the same in every language: the full citation of each source, and names.
KEPT = ["Rugwijzer", "STarT Back Tool", "STarT Back", "Keele University", "Arthritis Research UK", "Keele"]


def _fragments(text: str) -> Iterator[str]:
    """The pieces of a text between its placeholders ({physio}, %(n)s), as they appear on a page."""
    for piece in re.split(r"\{\w+\}|%\(\w+\)[sd]|%[sd]", text):
        piece = piece.strip(" .,:;()")
        if len(piece) > 15:
            yield piece


def _foreign_texts() -> set[str]:
    kb, flow = load_knowledge(), load_flow()
    found: set[str] = set()
    for _, text in [*texts_of(kb), *texts_of(flow)]:
        german = set(_fragments(text["de"]))
        for lang in OTHERS:
            found |= {f for f in _fragments(text[lang]) if f not in german}
    for domain in DOMAINS:
        with (LOCALE_DIR / "de" / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
            german_catalogue = read_po(handle)
        for lang in OTHERS:
            with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
                for message in read_po(handle):
                    ours = german_catalogue.get(message.id)
                    if not message.id or ours is None:
                        continue
                    theirs = message.string if isinstance(message.string, tuple) else (message.string,)
                    mine = ours.string if isinstance(ours.string, tuple) else (ours.string,)
                    german = {f for s in mine for f in _fragments(s)}
                    found |= {f for s in theirs for f in _fragments(s) if f not in german}
    return found


FOREIGN = _foreign_texts()


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def plain(page: str) -> str:
    """The words of an HTML page, as a reader sees them."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return flat(html.unescape(re.sub(r"<[^>]+>", " ", page)))


def assert_german(surface: str, text: str) -> None:
    text = flat(text)
    left = [f for f in FOREIGN if f in text]
    assert left == [], f"{surface}: text of another language: {left[:5]}"
    # The full citations, and the source notes (which quote the article's Dutch titles), stay as written.
    for kept in sorted(_sources(load_knowledge().model_dump()), key=len, reverse=True):
        text = text.replace(flat(kept), " ")
    for name in KEPT:
        text = text.replace(name, " ")
    words = sorted({m.group(0) for m in FOREIGN_WORDS.finditer(text)})
    assert words == [], f"{surface}: English or Dutch words {words}: ...{_around(text, words[0])}..."


def _around(text: str, word: str) -> str:
    at = re.search(rf"\b{word}\b", text)
    return text[max(0, at.start() - 80):at.end() + 80] if at else ""


def test_the_check_itself_finds_another_language() -> None:
    english = default_assessor().assess(intake(fever=True), None, "en", "be")
    with pytest.raises(AssertionError, match="another language"):
        assert_german("en", json.dumps(english, ensure_ascii=False))
    with pytest.raises(AssertionError, match="English or Dutch words"):
        assert_german("mixed", "Rufen Sie heute an, and then the doctor")
    assert len(FOREIGN) > 1000


CASES: dict[str, dict[str, Any]] = {
    "self_care": intake(risk_factors=["sedentary_work", "little_exercise", "overweight", "stress_or_fatigue",
                                      "heavy_lifting_work", "twisting_bending", "vibration_exposure",
                                      "weak_trunk_muscles"]),
    "routine": intake(duration_days=60, first_episode=False),
    "soon": intake(unexplained_weight_loss=True, age=60),
    "urgent": intake(fever=True, stomach_ulcer_history=True, blood_thinners=True),
    "emergency": intake(bladder_problems=True, fever=True, age=70),
    "aneurysm": intake(age=60, sudden_severe_constant_pain=True, faint_or_clammy=True),
    "pregnant": intake(sex="female", pregnancy_weeks=24, pregnancy_warning_signs=False),
    "child": intake(age=12),
    "startback": intake(startback=STARTBACK_HIGH),
    "chronic": intake(duration_days=200, morning_stiffness_over_30min=True, better_with_exercise_not_rest=True,
                      age=30),
}


def _valid(data: dict[str, Any]) -> dict[str, Any]:
    """A case as the engine takes it (fields it does not know left out, so the examples stay simple)."""
    from rugwijzer.core.intake import Intake

    return {k: v for k, v in data.items() if k in Intake.model_fields}


@pytest.mark.parametrize("case", CASES)
def test_the_command_line_speaks_german(case: str) -> None:
    result = CliRunner().invoke(app, ["assess", "--lang", "de", "--date", TODAY, "-"],
                                input=json.dumps(_valid(CASES[case])))
    assert result.exit_code == 0, result.output
    assert_german(f"rugwijzer assess ({case})", result.stdout)


def test_command_line_errors_speak_german() -> None:
    result = CliRunner().invoke(app, ["assess", "--lang", "de", "-"], input=json.dumps(intake(fever="maybe")))
    assert result.exit_code == 2
    assert "Die Angaben sind nicht gültig" in flat(result.stderr)
    assert_german("rugwijzer assess (invalid)", result.stderr.replace("fever", " "))


def test_the_rules_speak_german() -> None:
    result = CliRunner().invoke(app, ["rules", "--lang", "de", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    # The rules keep their conditions, ids and source notes as written: only check for texts of another
    # language here (every text and heading comes from the knowledge base or the cli catalogue).
    out = flat(result.stdout)
    for source in sorted(_sources(load_knowledge().model_dump()), key=len, reverse=True):
        out = out.replace(flat(source), " ")  # source notes quote the article's Dutch titles
    left = [f for f in FOREIGN if f in out]
    assert left == []
    assert "Rugwijzer-Wissensbasis zu Kreuzschmerzen" in result.stdout


def _sources(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith(("source", "citation")) and isinstance(value, str):
                yield value
            else:
                yield from _sources(value)
    elif isinstance(node, list):
        for value in node:
            yield from _sources(value)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(), raise_server_exceptions=False)


def _walk(client: TestClient, wanted: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every page of a self-check in German, from the start page to the result."""
    response = client.get("/?lang=de")
    check_page(response)
    page = Page(response.text)
    yield "start", page.html
    page = post(client, page.forms[-1], {"region": "be"})
    flow, screens = load_flow(), 0
    while "flow" in page.ids:
        screens += 1
        assert screens <= len(flow.screens), plain(page.html)[:1500]  # an answer was refused
        yield "screen", page.html
        page = answer_screen(client, flow, page, wanted)
    yield "result", page.html


@pytest.mark.parametrize("case", ["self_care", "urgent", "emergency", "startback", "pregnant", "chronic"])
def test_the_web_app_speaks_german(client: TestClient, case: str) -> None:
    wanted = {"sex": "male", "risk_factors": [], **CASES[case], "is_pregnant": CASES[case].get("sex") == "female",
              "wants_startback": case == "startback",
              **{f"startback.{k}": v for k, v in CASES[case].get("startback", {}).items()}}
    for name, page in _walk(client, wanted):
        assert '<html lang="de">' in page
        assert_german(f"web {case} {name}", plain(page))


def test_web_errors_speak_german(client: TestClient) -> None:
    missing = client.get("/no-such-page", headers={"Accept-Language": "de-BE,de;q=0.9"})
    assert missing.status_code == 404 and '<html lang="de">' in missing.text
    assert_german("404 page", plain(missing.text))


@pytest.mark.parametrize("case", CASES)
def test_the_pdf_speaks_german(case: str) -> None:
    data = _valid(CASES[case])
    answer = default_assessor().assess(data, None, "de", "be")
    page = render_html("assessment.html.j2", assessment_context(answer, data, "de"), "de")
    assert '<html lang="de">' in page
    assert_german(f"PDF {case}", plain(page))


def _fhir_texts(item: Any) -> Iterator[str]:
    """The texts a form shows (not the translation extensions, which hold the other languages)."""
    if isinstance(item, dict):
        for key, value in item.items():
            if key in ("text", "title", "display", "description") and isinstance(value, str):
                yield value
            elif not key.startswith("_"):
                yield from _fhir_texts(value)
    elif isinstance(item, list):
        for value in item:
            yield from _fhir_texts(value)


def test_the_fhir_questionnaire_speaks_german(client: TestClient) -> None:
    questionnaire = client.get("/fhir/Questionnaire/rugwijzer-intake?lang=de").json()
    assert questionnaire["language"] == "de"
    texts = list(_fhir_texts(questionnaire))
    assert len(texts) > 100
    assert_german("FHIR Questionnaire", "\n".join(t for t in texts if not t.startswith("http")))


@pytest.mark.parametrize("case", ["self_care", "urgent", "emergency", "startback"])
def test_the_cds_cards_speak_german(client: TestClient, case: str) -> None:
    response = call(client, response_for(_valid(CASES[case])), query="?lang=de")
    assert response.status_code == 200, response.text
    for card in response.json()["cards"]:
        assert_german(f"CDS card {case}", " ".join([card["summary"], card.get("detail", ""),
                                                    *(link["label"] for link in card.get("links", []))]))


def test_the_german_texts_keep_the_numbers_and_placeholders_of_the_others() -> None:
    """Translated meaning, kept facts: every number (doses, days, ages, 112, 1733) and every placeholder
    of a text is in its German text too."""
    kb, flow = load_knowledge(), load_flow()
    for where, text in [*texts_of(kb), *texts_of(flow)]:
        numbers = set(re.findall(r"\d+", text["en"]))
        assert numbers <= set(re.findall(r"\d+", text["de"])), where
        names = {f[1] for f in string.Formatter().parse(text["en"]) if f[1]}
        assert names == {f[1] for f in string.Formatter().parse(text["de"]) if f[1]}, where


def test_the_terminal_self_check_speaks_german() -> None:
    # 35, male, 3 days, no alarm signs, pain 4, about the same, then "0" (no / none of these) to the end.
    answers = "35\n2\n3\n1\n0\n0\n0\n0\n0\n0\n4\n2\n" + "0\n" * 40
    result = CliRunner().invoke(app, ["check", "--lang", "de", "--date", TODAY], input=answers)
    assert result.exit_code == 0, result.output
    assert "Rugwijzer-Selbsttest" in result.stdout and "Selbst behandeln" in result.stdout
    assert_german("rugwijzer check", result.stdout)
