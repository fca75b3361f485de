"""The shorter flow of issue 9 and the questions of clinical rules v2 (issue 8 §3).

- "Which of these apply?" checklists: an untouched list is an error, never "no"; "none of these"
  next to a sign is an error; a sign in a list still stops the flow at once.
- A typical self-care case (35 years, 3 days, nothing wrong) in the web app, walked from the
  contract's field names: at most 8 screens and 25 answers (counted exactly below), and an
  emergency (bladder + saddle numbness) reached on screen 2. The reading-time estimate is words on
  the screens at 200 words a minute plus 3 seconds an answer (a figure from counts, not a timing).
- "About N steps left" never grows by surprise.
- Every NSAID caution is asked before an anti-inflammatory is ever advised (clinical rules §5).
- Durations in days, weeks, months and years fall on the right side of every boundary (rules §1, §2).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rugwijzer.core.flow import NONE, AnswerValue, FieldError, Flow, Question, Screen, submit, token
from rugwijzer.core.intake import Intake
from rugwijzer.core.validation import parse_intake
from rugwijzer.knowledge import load_flow
from rugwijzer.languages import LANGS
from rugwijzer.services.assessing import Assessor
from support import TODAY

TYPICAL: dict[str, AnswerValue] = {  # 35 years, 3 days, no alarm signs (issue 9)
    "age": 35, "sex": "female", "duration_days": 3, "trauma": "none", "radiation": "none",
    "leg_weakness": "none", "numbness_tingling": "none", "is_pregnant": False, "pain_score": 4,
    "pain_trend": "stable", "first_episode": None, "risk_factors": [], "wants_startback": False,
}
EMERGENCY = {**TYPICAL, "bladder_problems": True, "saddle_numbness": True}
NSAID_CAUTION_FIELDS = ("stomach_ulcer_history", "kidney_disease", "heart_failure", "cardiovascular_disease",
                        "bp_or_water_tablets", "blood_thinners", "ssri_antidepressant", "long_term_steroids",
                        "nsaid_allergy_or_asthma")
PARACETAMOL_CAUTION_FIELDS = ("liver_disease", "heavy_alcohol_use", "body_weight_under_50kg")
WORDS_PER_MINUTE, SECONDS_PER_ANSWER = 200, 3


@pytest.fixture(scope="module")
def flow() -> Flow:
    return load_flow()


@pytest.fixture(scope="module")
def client() -> TestClient:
    from rugwijzer.http.web.app import create_app

    return TestClient(create_app())


# ---- the form a browser sends, from the contract's field names -------------------------------

def form_values(question: Question, wanted: dict[str, AnswerValue]) -> dict[str, list[str]]:
    """The form strings for a question; "no" (or "none of these") wherever ``wanted`` says nothing."""
    if question.kind == "checklist":  # checkbox values are the contract's field names
        return {question.field: [i.field for i in question.items if wanted.get(i.field) is True] or [NONE]}
    value = wanted.get(question.field, False)
    if question.kind == "multi":
        assert isinstance(value, list)
        return {question.field: [token(v) for v in value]}
    if question.kind == "duration":
        return {question.field: [str(value)], question.unit_field: ["days"]}
    return {question.field: [token(value)]}


class Page(HTMLParser):
    """The form of a question screen: hidden fields, the names of its controls, checkbox values."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.names: list[str] = []
        self.values: dict[str, list[str]] = {}
        self.in_flow = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.in_flow = a.get("id") == "flow"
        if not self.in_flow or tag not in ("input", "select"):
            return
        if a.get("type") == "hidden":
            self.hidden[a["name"]] = a.get("value", "")
        elif a["name"] not in self.names:
            self.names.append(a["name"])
        self.values.setdefault(a["name"], []).append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_flow = False


@dataclass
class Run:
    screens: list[str] = field(default_factory=list)
    answers: int = 0
    words: int = 0
    steps_left: list[int] = field(default_factory=list)
    html: str = ""

    @property
    def seconds(self) -> float:
        return self.words / WORDS_PER_MINUTE * 60 + self.answers * SECONDS_PER_ANSWER


def words_on(flow: Flow, screen: Screen, answers: dict[str, AnswerValue], lang: str) -> int:
    """Words a person reads on a screen: title, intro, notice, questions and their answers (help
    texts stay folded; buttons and footer are not counted)."""
    texts = [screen.title[lang], *(t[lang] for t in (screen.intro, screen.notice) if t)]  # type: ignore[index]
    for question in flow.active_questions(screen, answers):
        texts += [question.label[lang] if question.label else "", *(o.label[lang] for o in question.options if o.label)]
        if question.kind == "duration":
            texts += [u.label[lang] for u in question.units]
    return sum(len(t.split()) for t in texts)


def walk_web(client: TestClient, flow: Flow, wanted: dict[str, AnswerValue], lang: str = "nl") -> Run:
    """The self-check in the web app, screen by screen, answering from the contract's field names."""
    start = client.post("/check", data={"lang": lang, "region": "be", "view": "start"})
    page, run = Page(start.text), Run()
    html = start.text
    while "screen" in page.hidden:
        screen = flow.screen(page.hidden["screen"])
        answers = json.loads(page.hidden["answers"])
        run.screens.append(screen.id)
        run.words += words_on(flow, screen, answers, lang)
        left = re.search(r'<p class="step">([^<]*)</p>', html)
        assert left is not None
        run.steps_left.append(int(m.group(0)) if (m := re.search(r"\d+", left.group(1))) else 1)
        data: dict[str, Any] = {**page.hidden, "action": "next"}
        for name in page.names:
            if name.endswith("__unit"):
                continue
            question = flow.question(name)
            if question.kind == "checklist":  # the form's values are the contract's fields, and "none"
                assert set(page.values[name]) == {*(i.field for i in question.items), NONE}
            data.update(form_values(question, wanted))
            run.answers += max(1, len(data[name])) if question.kind == "checklist" else 1
        response = client.post("/check", data=data)
        assert response.status_code == 200
        html = response.text
        page = Page(html)
    run.html = html
    return run


# ---- issue 9: screens, answers, reading time ---------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_a_typical_self_care_case_is_six_screens_and_sixteen_answers(client: TestClient, flow: Flow,
                                                                      lang: str) -> None:
    run = walk_web(client, flow, TYPICAL, lang)
    assert run.screens == ["about_you", "warning_signs", "health", "pain_now", "medicines", "work_and_care"]
    assert run.answers == 16  # 5 + 4 (with "are you pregnant?") + 1 + 3 + 1 + 2
    assert len(run.screens) <= 8 and run.answers <= 25  # issue 9
    assert 'class="urgency urgency-self_care"' in run.html or "urgency-self_care" in run.html
    assert run.seconds <= 180, f"{lang}: {run.words} words, {run.answers} answers: {run.seconds:.0f} s"
    male = walk_web(client, flow, {**TYPICAL, "sex": "male"}, lang)
    assert len(male.screens) == 6 and male.answers == 15  # no pregnancy question


def test_an_emergency_is_reached_on_screen_two(client: TestClient, flow: Flow) -> None:
    run = walk_web(client, flow, EMERGENCY, "en")
    assert run.screens == ["about_you", "warning_signs"]
    assert run.answers == 10  # 5 + the checklist with two signs ticked + legs + pregnancy
    assert "urgency-emergency" in run.html and 'href="tel:112"' in run.html


def test_a_major_accident_today_is_an_emergency_on_screen_one(client: TestClient, flow: Flow) -> None:
    run = walk_web(client, flow, {**TYPICAL, "trauma": "major", "duration_days": 0}, "en")
    assert run.screens == ["about_you"] and "urgency-emergency" in run.html


def test_steps_left_only_drop_in_the_web_app(client: TestClient, flow: Flow) -> None:
    run = walk_web(client, flow, TYPICAL, "en")
    assert run.steps_left == sorted(run.steps_left, reverse=True)
    assert all(a > b for a, b in zip(run.steps_left, run.steps_left[1:], strict=False))
    assert run.steps_left[-1] == 1  # "Last step" on the last screen


# ---- checklists --------------------------------------------------------------------------------

def test_an_untouched_checklist_is_an_error_not_no(flow: Flow, assessor: Assessor) -> None:
    signs = flow.question("alarm_signs")
    assert flow.parse_answer(signs, []) == FieldError("alarm_signs", "required")
    assert flow.parse_answer(signs, [NONE, "fever"]) == FieldError("alarm_signs", "none_and_more")
    assert flow.parse_answer(signs, ["burning"]) == FieldError("alarm_signs", "choose")
    assert flow.parse_answer(signs, ["saddle_numbness", "bladder_problems"]) == [
        "bladder_problems", "saddle_numbness"]
    assert flow.parse_answer(signs, [NONE]) == [NONE]
    form = {name: values for q in flow.screen("about_you").questions
            for name, values in form_values(q, TYPICAL).items()}
    first = submit(flow, assessor.engine, flow.screen("about_you"), form, {}, TODAY)
    step = submit(flow, assessor.engine, flow.screen("warning_signs"),
                  {"leg_weakness": ["none"], "numbness_tingling": ["none"], "is_pregnant": ["false"]},
                  first.answers, TODAY)
    assert step.errors["alarm_signs"].code == "required" and step.next is None
    assert "bladder_problems" not in flow.to_intake(step.answers)  # still unknown, not "no"


def test_every_checklist_demands_none_of_these(flow: Flow) -> None:
    checklists = [q for _, q in flow.questions() if q.kind == "checklist"]
    names = {q.field for q in checklists}
    assert {"alarm_signs", "health_conditions", "painkiller_cautions"} <= names
    for question in checklists:
        assert question.options[-1].value == NONE
        assert flow.parse_answer(question, []) == FieldError(question.field, "required")
        for item in question.items:  # each item is a yes/no contract field (for the diary and FHIR)
            assert Intake.model_fields[item.field].annotation is bool
            assert flow.question(item.field) is item and [o.value for o in item.options] == [False, True]


def test_a_checklist_becomes_true_and_false_in_the_intake(flow: Flow) -> None:
    intake = flow.to_intake({"alarm_signs": ["fever"], "painkiller_cautions": [NONE]})
    assert intake["fever"] is True and intake["bladder_problems"] is False and intake["saddle_numbness"] is False
    assert intake["faint_or_clammy"] is False and intake["ssri_antidepressant"] is False
    assert "cancer_history" not in intake  # not answered: unknown
    # Answered item by item (as a FHIR response does) works the same.
    assert flow.to_intake({"fever": True})["fever"] is True
    assert flow.clean({"alarm_signs": [NONE, "fever"], "health_conditions": []}) == {}  # invalid: dropped


def test_form_fields_are_named_after_the_contract(flow: Flow) -> None:
    allowed = {*Intake.model_fields, "is_pregnant", "wants_startback"}
    for _, question in flow.questions():
        if question.kind == "checklist":
            assert question.field not in Intake.model_fields
            assert {o.value for o in question.options} <= {*Intake.model_fields, NONE}
        else:
            assert question.field in allowed or question.field.startswith("startback."), question.field


# ---- v2 questions --------------------------------------------------------------------------------

@pytest.mark.parametrize("weakness", ["none", "one_leg", "both_legs"])
@pytest.mark.parametrize("numbness", ["none", "one_leg", "both_legs"])
def test_different_legs_is_asked_only_when_both_are_one_leg(flow: Flow, weakness: str, numbness: str) -> None:
    answers: dict[str, AnswerValue] = {"leg_weakness": weakness, "numbness_tingling": numbness}
    asked = flow.applies(flow.question("neuro_signs_in_different_legs"), answers)
    assert asked is (weakness == numbness == "one_leg")


def test_different_legs_is_an_emergency_on_the_follow_up_screen(flow: Flow, assessor: Assessor) -> None:
    answers = {**{k: v for k, v in TYPICAL.items() if k in ("age", "sex", "duration_days", "trauma", "radiation")},
               "alarm_signs": [NONE], "leg_weakness": "one_leg", "numbness_tingling": "one_leg",
               "is_pregnant": False}
    assert flow.next_screen(answers) == flow.screen("follow_up")
    step = submit(flow, assessor.engine, flow.screen("follow_up"),
                  {"neuro_signs_in_different_legs": ["true"]}, answers, TODAY)
    assert step.emergency is not None and "bilateral_leg_symptoms" in {f.id for f in step.emergency.flags}


def test_the_bladder_question_is_not_about_burning(flow: Flow) -> None:
    bladder = flow.question("bladder_problems")
    assert bladder.label is not None and bladder.help is not None
    assert "je voelt niet meer goed dat je plast" in bladder.label.nl
    for lang, words in (("nl", ("niet plassen", "verliest urine", "op te houden")),
                        ("fr", ("Impossible d'uriner", "perte d'urine", "retenir")),
                        ("en", ("cannot pass urine", "lose urine", "holding"))):
        assert all(w in bladder.label[lang] for w in words), lang  # the contract's three meanings
        assert not re.search(r"brand|brûl|burn", bladder.label[lang])
    assert "Een branderig gevoel of vaak moeten plassen telt niet." in bladder.help.nl


@pytest.mark.parametrize(("number", "unit", "days", "episode"), [
    (0, "days", 0, "acute"), (2, "days", 2, "acute"), (3, "days", 3, "acute"), (1, "weeks", 7, "acute"),
    (2, "weeks", 14, "acute"), (3, "weeks", 21, "acute"), (6, "weeks", 42, "acute"), (42, "days", 42, "acute"),
    (43, "days", 43, "subacute"), (7, "weeks", 49, "subacute"), (2, "months", 60, "subacute"),
    (12, "weeks", 84, "subacute"), (84, "days", 84, "subacute"), (85, "days", 85, "chronic"),
    (13, "weeks", 91, "chronic"), (3, "months", 90, "chronic"), (1, "years", 365, "chronic"),
    (1, "months", 30, "acute"),
])
def test_durations_fall_on_the_right_side_of_every_boundary(flow: Flow, assessor: Assessor, number: int,
                                                           unit: str, days: int, episode: str) -> None:
    """Rules §1: "three months" is 85 days or more; 6 weeks is still acute, 12 weeks still subacute."""
    duration = flow.question("duration_days")
    assert flow.parse_answer(duration, [str(number)], unit) == days
    intake = {**flow.to_intake({}), **{k: v for k, v in ORDINARY.items()}, "duration_days": days}
    assert assessor.assessment(intake, TODAY).episode == episode


@pytest.mark.parametrize(("days", "fires", "quiet"), [
    (2, {"major_trauma"}, {"major_trauma_earlier"}), (3, {"major_trauma_earlier"}, {"major_trauma"}),
])
def test_the_time_window_of_a_major_accident(assessor: Assessor, days: int, fires: set[str], quiet: set[str]) -> None:
    flags = {f.id for f in assessor.assessment({**ORDINARY, "trauma": "major", "duration_days": days}, TODAY).flags}
    assert fires <= flags and not quiet & flags


ORDINARY: dict[str, Any] = {
    "age": 35, "duration_days": 3, "pain_score": 4, "pain_trend": "stable", "pain_at_rest": False,
    "night_pain": False, "radiation": "none", "leg_pain_both_sides": False, "numbness_tingling": "none",
    "leg_weakness": "none", "saddle_numbness": False, "bladder_problems": False, "bowel_incontinence": False,
    "trauma": "none", "unexplained_weight_loss": False, "fever": False, "cancer_history": False,
    "sudden_severe_constant_pain": False, "recent_spinal_procedure": False,
}


# ---- clinical rules §5: no NSAID on an unasked caution -------------------------------------------

def random_walks(flow: Flow, assessor: Assessor, count: int) -> Iterator[tuple[dict[str, AnswerValue], set[str]]]:
    """Finished walks with random answers (seeded): the answers and the fields that were asked."""
    rng = random.Random(9)
    for _ in range(count):
        answers: dict[str, AnswerValue] = {}
        asked: set[str] = set()
        screen = flow.next_screen(answers)
        stopped = False
        while screen is not None and not stopped:
            form: dict[str, list[str]] = {}
            drawn = dict(answers)
            for question in flow.active_questions(screen, answers):
                value = random_answer(question, drawn, rng)
                drawn[question.field] = value
                form.update(form_values(question, {question.field: value, **_ticks(question, value)}))
                asked.update(q.field for q in question.items or [question])
            step = submit(flow, assessor.engine, screen, form, answers, TODAY)
            assert not step.errors, step.errors
            answers, stopped, screen = step.answers, step.emergency is not None, step.next
        if not stopped:
            yield answers, asked


def _ticks(question: Question, value: AnswerValue) -> dict[str, AnswerValue]:
    return {i.field: True for i in question.items if isinstance(value, list) and i.field in value}


def random_answer(question: Question, answers: dict[str, AnswerValue], rng: random.Random) -> AnswerValue:
    if question.kind == "checklist":
        picked = [i.field for i in question.items if rng.random() < 0.03]
        return picked or [NONE]
    if question.kind == "multi":
        return [str(o.value) for o in question.options if rng.random() < 0.2]
    if question.field == "age":
        return rng.choice([5, 15, 35, 64, 75])
    if question.field == "duration_days":
        return rng.choice([1, 5, 30, 100])
    if question.kind == "integer":
        return rng.randint(question.min or 0, question.max or 10)
    if question.field in ("leg_weakness", "numbness_tingling", "trauma"):
        return "none" if rng.random() < 0.85 else "one_leg" if question.field != "trauma" else "minor"
    return rng.choice([o.value for o in question.options])


def test_an_nsaid_is_never_advised_on_an_unasked_caution(flow: Flow, assessor: Assessor) -> None:
    seconds = 0
    for answers, asked in random_walks(flow, assessor, 150):
        intake = flow.to_intake(answers)
        parse_intake(intake, allow_partial=False)
        assessment = assessor.assessment(intake, TODAY)
        if assessment.medication is None or assessment.medication.nsaid != "second_choice":
            continue
        seconds += 1
        assert set(NSAID_CAUTION_FIELDS) <= asked
        assert "age" in asked and ("is_pregnant" in asked or answers.get("sex") == "male"
                                   or not 10 <= int(str(answers["age"])) <= 60)
    assert seconds >= 5  # the property was really exercised


def test_every_caution_is_asked_on_every_path_that_is_not_an_emergency(flow: Flow) -> None:
    answers: dict[str, AnswerValue] = {**TYPICAL, "alarm_signs": [NONE], "health_conditions": [NONE]}
    for name in (*NSAID_CAUTION_FIELDS, *PARACETAMOL_CAUTION_FIELDS):
        owner = flow.checklist_of(name)
        assert owner is not None and owner.ask_when is None, name
        assert flow.applies(flow.question(name), answers)
    assert all(s.ask_when is None for s in (flow.screen("medicines"), flow.screen("health")))


# ---- the diary start uses the same flow ----------------------------------------------------------

def test_the_diary_start_walks_the_same_checklists(flow: Flow, assessor: Assessor) -> None:
    """The diary asks its alarm fields one by one: each checklist item is a question of its own."""
    for name in ("bladder_problems", "saddle_numbness", "fever", "night_pain", "pain_at_rest",
                 "unexplained_weight_loss", "pain_uncontrolled_by_painkillers", "faint_or_clammy"):
        question = flow.question(name)
        assert question.kind == "boolean" and flow.parse_answer(question, ["true"]) is True
        assert flow.to_intake({name: True})[name] is True  # answered on its own, as the diary does


# ---- "about N steps left" ------------------------------------------------------------------------

def test_steps_left_never_grow_by_surprise(flow: Flow, assessor: Assessor) -> None:
    """On every path the estimate drops by at least one a screen; it grows only when the person
    chooses the offered STarT Back extra, by the two steps the offer names."""
    rng = random.Random(3)
    for _ in range(120):
        answers: dict[str, AnswerValue] = {}
        screen = flow.next_screen(answers)
        before: int | None = None
        chose_extra = stopped = False
        while screen is not None:
            left = flow.steps_left(screen.id, answers)
            done, total = flow.progress(screen.id, answers)
            assert total == done - 1 + left
            if before is not None:
                assert left <= before - 1 + (2 if chose_extra else 0), screen.id
            form: dict[str, list[str]] = {}
            drawn = dict(answers)
            for question in flow.active_questions(screen, answers):
                value = random_answer(question, drawn, rng)
                drawn[question.field] = value
                form.update(form_values(question, {question.field: value, **_ticks(question, value)}))
            step = submit(flow, assessor.engine, screen, form, answers, TODAY)
            chose_extra = drawn.get("wants_startback") is True and "wants_startback" not in answers
            before, answers, stopped = left, step.answers, step.emergency is not None
            screen = None if stopped else step.next
        assert stopped or before == 1  # the last screen of a finished path says "last step"


@pytest.mark.parametrize(("ticked", "message"), [
    ([], "Duid aan wat klopt, of “geen van deze”."),
    ([NONE, "fever"], "Je duidde “geen van deze” en nog iets anders aan. Haal een van de twee weg."),
])
def test_the_web_page_names_a_checklist_left_empty_or_contradicted(client: TestClient, flow: Flow,
                                                                  ticked: list[str], message: str) -> None:
    start = client.post("/check", data={"lang": "nl", "region": "be", "view": "start"})
    page = Page(start.text)
    data: dict[str, Any] = {**page.hidden, "action": "next"}
    for question in flow.screen("about_you").questions:
        data.update(form_values(question, TYPICAL))
    page = Page(client.post("/check", data=data).text)
    assert page.hidden["screen"] == "warning_signs"
    data = {**page.hidden, "action": "next", "alarm_signs": ticked, "leg_weakness": "none",
            "numbness_tingling": "none", "is_pregnant": "false"}
    response = client.post("/check", data=data)
    assert message in response.text
    assert 'href="#q-alarm-signs-0"' in response.text  # the error summary leads to the list
    assert Page(response.text).hidden["screen"] == "warning_signs"  # not a step further
