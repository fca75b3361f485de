"""A real FHIR forms client: NLM LHC-Forms renders /fhir/Questionnaire/rugwijzer-intake in headless
Chromium, the test fills it in by clicking and typing, and the QuestionnaireResponse that LHC-Forms
produces goes to /fhir/QuestionnaireResponse/$assess from the page itself.

Runs the real app with uvicorn on a free loopback port; LHC-Forms is served from the vendored copy in
``assets/`` (no CDN, no network). Needs Debian's /usr/bin/chromium (never ``playwright install``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from live import BROWSER_TESTS, chromium, serving
from rugwijzer.http.api.examples import ORDINARY
from rugwijzer.http.web.app import create_app

LFORMS_VERSION = "40.1.3"
ASSETS = Path(__file__).parent / "assets" / f"lforms-{LFORMS_VERSION}"
CODES = "http://rugwijzer.local/fhir/CodeSystem/"

pytestmark = BROWSER_TESTS

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LHC-Forms</title>
<link href="/_lforms/styles.css" rel="stylesheet"></head>
<body><div id="form"></div>
<script src="/_lforms/zone.min.js"></script>
<script src="/_lforms/lhc-forms.js"></script>
<script src="/_lforms/lformsFHIR.min.js"></script>
</body></html>"""

RENDER = """async (lang) => {
  const q = await (await fetch('/fhir/Questionnaire/rugwijzer-intake?lang=' + lang)).json();
  await LForms.Util.addFormToPage(q, 'form', {fhirVersion: 'R4'});
  return q;
}"""

ASSESS = """async () => {
  const qr = LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', document.getElementById('form'));
  const r = await fetch('/fhir/QuestionnaireResponse/$assess?lang=en',
                        {method: 'POST', headers: {'Content-Type': 'application/fhir+json'},
                         body: JSON.stringify(qr)});
  return {status: r.status, qr: qr, body: await r.json()};
}"""


def build_app() -> FastAPI:
    app = create_app()
    app.mount("/_lforms", StaticFiles(directory=ASSETS), name="lforms")

    @app.get("/_lforms_page", include_in_schema=False)
    def page() -> HTMLResponse:
        return HTMLResponse(PAGE)

    return app


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The real app under uvicorn on a free loopback port, always shut down afterwards."""
    with serving(build_app()) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:

    with chromium() as launched:
        yield launched


class Form:
    """The rendered Questionnaire in one page; answers are given the way a person gives them."""

    def __init__(self, page: Any, questionnaire: dict[str, Any]) -> None:
        self.page = page
        self.items = {i["linkId"]: i for i, _ in _flatten(questionnaire["item"])}
        # LHC-Forms ids: linkId and a "/1" per level (screen group, checklist group, item).
        self.ids = {i["linkId"]: i["linkId"] + "/1" * depth for i, depth in _flatten(questionnaire["item"])}

    def shown(self, link_id: str) -> bool:
        return bool(self.page.locator(f'[id^="{self.ids[link_id]}"]').count())

    def answer(self, link_id: str, value: Any) -> None:
        item, element = self.items[link_id], self.ids[link_id]
        if item["type"] == "boolean":
            self._click(f"{element}|{'true' if value else 'false'}")
        elif item["type"] == "choice":
            system = item["answerOption"][0]["valueCoding"]["system"]
            for code in value if isinstance(value, list) else [value]:
                self._click(f"{element}|{system}|{_token(code)}")
        else:
            field = self.page.locator(f'[id="{element}"]')
            field.fill(str(value))
            field.press("Tab")

    def _click(self, element_id: str) -> None:
        self.page.locator(f'[id="{element_id}"]').click()

    def fill(self, answers: dict[str, Any]) -> list[str]:
        """Answer every question that is shown and has an answer here, in the order of the form
        (a question appears once the answers it depends on are given). Returns what was answered."""
        done = []
        for link_id, item in self.items.items():
            if item["type"] in ("group", "display") or link_id not in answers or not self.shown(link_id):
                continue
            self.answer(link_id, answers[link_id])
            done.append(link_id)
        return done

    def assess(self) -> dict[str, Any]:
        result: dict[str, Any] = self.page.evaluate(ASSESS)
        return result


def _flatten(items: list[dict[str, Any]], depth: int = 1) -> Iterator[tuple[dict[str, Any], int]]:
    for item in items:
        yield item, depth
        yield from _flatten(item.get("item", []), depth + 1)


def _token(value: Any) -> str:
    return {True: "true", False: "false", None: "null"}.get(value, value) if not isinstance(value, str) else value


@pytest.fixture()
def form(browser: Any, base_url: str) -> Iterator[Form]:
    page = browser.new_page()
    try:
        page.goto(f"{base_url}/_lforms_page")
        page.wait_for_function("typeof LForms !== 'undefined' && !!LForms.Util && !!LForms.Util.addFormToPage")
        questionnaire = page.evaluate(RENDER, "en")
        page.wait_for_selector('[id^="age/1/1"]')
        yield Form(page, questionnaire)
    finally:
        page.close()


NEUTRAL_FORM: dict[str, Any] = {**ORDINARY, "sex": "male", "first_episode": True, "risk_factors": [],
                                "wants_startback": False, "leg_pain_both_sides": False}
NO_TO_THE_REST = ["pregnancy_warning_signs", "faint_or_clammy", "known_aortic_aneurysm", "immunosuppressed",
                  "iv_drug_use", "pain_uncontrolled_by_painkillers", "osteoporosis", "long_term_steroids",
                  "morning_stiffness_over_30min", "better_with_exercise_not_rest", "wakes_second_half_night",
                  "alternating_buttock_pain", "stomach_ulcer_history", "kidney_disease", "heart_failure",
                  "blood_thinners", "nsaid_allergy_or_asthma", "off_work_because_of_pain",
                  "seen_doctor_this_episode", "cardiovascular_disease", "bp_or_water_tablets",
                  "ssri_antidepressant", "liver_disease", "heavy_alcohol_use", "body_weight_under_50kg"]


def answers(**changes: Any) -> dict[str, Any]:
    return {**NEUTRAL_FORM, **dict.fromkeys(NO_TO_THE_REST, False), **changes}


def risk_assessment(bundle: dict[str, Any]) -> dict[str, Any]:
    resource: dict[str, Any] = bundle["entry"][0]["resource"]
    assert resource["resourceType"] == "RiskAssessment"
    return resource


def urgency_of(bundle: dict[str, Any]) -> str:
    code: str = risk_assessment(bundle)["prediction"][0]["outcome"]["coding"][0]["code"]
    return code


def flags_of(bundle: dict[str, Any]) -> set[str]:
    return {p["outcome"]["coding"][0]["code"] for p in risk_assessment(bundle)["prediction"]
            if p["outcome"]["coding"][0]["system"] == CODES + "flag"}


def test_the_questionnaire_renders_with_every_question(form: Form) -> None:
    assert form.page.locator("lhc-item").count() > 40
    assert form.shown("bladder_problems") and form.shown("age")
    assert not form.shown("startback.leg_pain"), "STarT Back waits for wants_startback"


def test_enable_when_shows_and_hides_questions(form: Form) -> None:
    assert not form.shown("leg_pain_both_sides")
    form.answer("radiation", "below_knee")
    assert form.shown("leg_pain_both_sides")
    form.answer("age", 30)
    form.answer("sex", "female")
    assert form.shown("is_pregnant")
    form.answer("sex", "male")
    assert not form.shown("is_pregnant")


def test_a_complete_ordinary_form_is_self_care(form: Form) -> None:
    form.fill(answers())
    result = form.assess()
    assert result["status"] == 200, result["body"]
    assert result["qr"]["questionnaire"].startswith("http://rugwijzer.local/fhir/Questionnaire/rugwijzer-intake")
    assert urgency_of(result["body"]) == "self_care"
    assert risk_assessment(result["body"])["status"] == "final"
    plan = result["body"]["entry"][1]["resource"]
    assert plan["resourceType"] == "CarePlan" and plan["activity"]


def test_fever_makes_it_urgent(form: Form) -> None:
    form.fill(answers(fever=True))
    result = form.assess()
    assert result["status"] == 200, result["body"]
    assert urgency_of(result["body"]) == "urgent"
    assert "fever" in flags_of(result["body"])


def test_pregnancy_warning_signs_are_an_emergency(form: Form) -> None:
    done = form.fill(answers(sex="female", age=31, is_pregnant=True, pregnancy_weeks=30,
                             pregnancy_warning_signs=True))
    assert {"is_pregnant", "pregnancy_weeks", "pregnancy_warning_signs"} <= set(done)
    result = form.assess()
    assert result["status"] == 200, result["body"]
    assert urgency_of(result["body"]) == "emergency"
    assert "pregnancy_warning" in flags_of(result["body"])


def test_a_half_filled_form_with_an_emergency_is_answered_at_once(form: Form) -> None:
    form.fill({"age": 47, "radiation": "below_knee", "leg_pain_both_sides": True})
    result = form.assess()
    assert result["status"] == 200, result["body"]
    assert urgency_of(result["body"]) == "emergency"
    assert "bilateral_sciatica" in flags_of(result["body"])
    assert risk_assessment(result["body"])["status"] == "preliminary"  # contract §4: complete=false


def test_a_half_filled_form_without_an_emergency_names_what_is_missing(form: Form) -> None:
    form.fill({"age": 47, "radiation": "none"})
    result = form.assess()
    assert result["status"] == 422
    assert result["body"]["resourceType"] == "OperationOutcome"
    assert "pain_score" in str(result["body"])


def test_start_back_answers_reach_the_risk_assessment(form: Form) -> None:
    startback = {"startback.leg_pain": True, "startback.shoulder_neck_pain": False,
                 "startback.walk_short_distances": True, "startback.dress_slowly": False,
                 "startback.not_safe_active": True, "startback.worrying_thoughts": True,
                 "startback.never_better": True, "startback.no_enjoyment": True,
                 "startback.bothersomeness": "extremely"}
    done = form.fill(answers(wants_startback=True, **startback))
    assert set(startback) <= set(done)
    result = form.assess()
    assert result["status"] == 200, result["body"]
    predictions = risk_assessment(result["body"])["prediction"]
    risk = [p for p in predictions if p["outcome"]["coding"][0]["code"] == "startback"]
    assert risk and risk[0]["qualitativeRisk"]["coding"][0]["code"] == "high"
    assert "startback_high" in flags_of(result["body"])
