"""The self-check question flow (questions.yaml + rugwijzer.core.flow): order, skipping, stopping.

The property tests walk the flow the way the web app and the CLI do (``submit`` with form strings)
with answers drawn by Hypothesis, and check every path against the engine.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from rugwijzer.core.flow import (
    AnswerValue,
    FieldError,
    Flow,
    FlowError,
    Question,
    Screen,
    build_flow,
    emergency_stop,
    split_duration,
    submit,
    token,
)
from rugwijzer.core.intake import OPTIONAL_FIELDS, REQUIRED_FIELDS, STARTBACK_KEYS
from rugwijzer.core.validation import IntakeError, parse_intake
from rugwijzer.knowledge import load_flow, load_knowledge, read_questions
from rugwijzer.languages import LANGS
from rugwijzer.services.assessing import Assessor
from support import TODAY, examples

PREGNANCY_FIELDS = {"is_pregnant", "pregnancy_warning_signs", "pregnancy_weeks"}


@pytest.fixture(scope="module")
def flow() -> Flow:
    return load_flow()


# ---- walking the flow --------------------------------------------------------------------------

def benign(question: Question) -> AnswerValue:
    """The answer that raises no alarm: no, none, the first option."""
    values = [o.value for o in question.options]
    if question.kind == "multi":
        return []
    if question.kind == "checklist":
        return ["none"]
    if question.kind in ("integer", "duration"):
        return 3
    return False if False in values else values[0]


def draw_answer(data: st.DataObject, question: Question, answers: dict[str, Any], risk: int) -> AnswerValue:
    """A random answer; with probability 1 - risk/100 the benign one, so that paths get far."""
    if question.kind == "multi":
        picked = data.draw(st.lists(st.sampled_from([o.value for o in question.options]), unique=True))
        return [o.value for o in question.options if o.value in picked]
    if question.kind == "checklist":
        if data.draw(st.integers(0, 99)) >= risk:
            return ["none"]
        items = [i.field for i in question.items]
        picked = data.draw(st.lists(st.sampled_from(items), unique=True, min_size=1))
        return [f for f in items if f in picked]
    if question.kind in ("integer", "duration"):
        low, high = question.min or 0, question.max or 0
        if question.field == "duration_days":  # never longer than the person's life (contract §1)
            high = min(high, (int(answers["age"]) + 1) * 366)
        return data.draw(st.integers(low, high))
    if data.draw(st.integers(0, 99)) >= risk:
        return benign(question)
    return data.draw(st.sampled_from([o.value for o in question.options]))


def form_for(question: Question, value: AnswerValue) -> dict[str, list[str]]:
    """The form strings a browser would send for this answer."""
    if question.kind in ("multi", "checklist"):
        assert isinstance(value, list)
        return {question.field: [token(v) for v in value]}
    if question.kind == "duration":
        return {question.field: [str(value)], question.unit_field: ["days"]}
    if value is None and question.kind == "integer":
        return {question.field: [""]}
    return {question.field: [token(value)]}


class Walk:
    """One path through the flow: what was asked, screen by screen, and how it ended."""

    def __init__(self) -> None:
        self.answers: dict[str, AnswerValue] = {}
        self.screens: list[tuple[Screen, dict[str, AnswerValue]]] = []  # answers after each screen
        self.asked: list[str] = []
        self.emergency: Any = None


def walk(flow: Flow, assessor: Assessor, data: st.DataObject, risk: int,
         fixed: dict[str, AnswerValue] | None = None) -> Walk:
    path = Walk()
    screen = flow.next_screen({})
    while screen is not None:
        form: dict[str, list[str]] = {}
        drawn = dict(path.answers)  # with this screen's answers so far (age before duration)
        for question in flow.active_questions(screen, path.answers):
            value = (fixed or {}).get(question.field, None)
            if fixed is None or question.field not in fixed:
                value = draw_answer(data, question, drawn, risk)
            drawn[question.field] = value
            form.update(form_for(question, value))
            path.asked.extend(q.field for q in question.items or [question])
        step = submit(flow, assessor.engine, screen, form, path.answers, TODAY)
        assert not step.errors, f"{screen.id}: {step.errors}"
        path.answers = step.answers
        path.screens.append((screen, dict(step.answers)))
        if step.emergency is not None:
            path.emergency = step.emergency
            event(f"emergency stop at {screen.id}")
            return path
        screen = step.next
    event("finished")
    return path


def fired(assessor: Assessor, intake: dict[str, Any]) -> set[str]:
    return {f.id for f in assessor.assessment(intake, TODAY).flags}


RISKS = st.sampled_from([2, 10, 40])
PROPERTY = settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---- properties --------------------------------------------------------------------------------

@PROPERTY
@given(data=st.data(), risk=RISKS)
def test_every_finished_path_yields_a_valid_complete_intake(flow: Flow, assessor: Assessor,
                                                            data: st.DataObject, risk: int) -> None:
    path = walk(flow, assessor, data, risk)
    if path.emergency is not None:
        return
    assert flow.is_finished(path.answers)
    intake = flow.to_intake(path.answers)
    assert set(REQUIRED_FIELDS) <= set(intake)
    parsed = parse_intake(intake, allow_partial=False)  # raises if anything is wrong
    assessment = assessor.engine.assess(parsed, TODAY)
    assert assessment.complete
    assert assessment.urgency != "emergency"  # an emergency would have stopped the flow
    assert not {"is_pregnant", "wants_startback"} & set(intake)  # helpers stay in the flow


@PROPERTY
@given(data=st.data(), risk=RISKS)
def test_no_path_skips_an_alarm_question_unless_an_emergency_stopped_it(
        flow: Flow, assessor: Assessor, data: st.DataObject, risk: int) -> None:
    path = walk(flow, assessor, data, risk)
    if path.emergency is not None:
        return
    alarm = [q for _, q in flow.fields() if q.alarm]
    skipped = [q for q in alarm if q.field not in path.asked]
    unconditional = [q for s, q in flow.fields() if q.alarm and s.ask_when is None and q.ask_when is None
                     and (flow.checklist_of(q.field) is None or flow.checklist_of(q.field).ask_when is None)]  # type: ignore[union-attr]
    assert all(q.field in path.asked for q in unconditional)
    intake = flow.to_intake(path.answers)
    before = fired(assessor, intake)
    for question in skipped:
        if question.field in PREGNANCY_FIELDS:
            # Skipped only when a pregnancy is not possible: not for women, other, or unsaid.
            age, sex = path.answers["age"], path.answers["sex"]
            assert sex == "male" or not 10 <= int(str(age)) <= 60 or "is_pregnant" in path.asked
            continue
        if question.field == "neuro_signs_in_different_legs":
            # Skipped only when weakness and numbness are not both in one leg: then "in different
            # legs" cannot be true (it needs a weak leg and a numb leg).
            assert (path.answers["leg_weakness"], path.answers["numbness_tingling"]) != ("one_leg", "one_leg")
            continue
        # A skipped alarm question must not matter: no other answer would change the flags.
        for value in alternatives(question):
            assert fired(assessor, {**intake, question.field: value}) == before, (question.field, value)
    # All skipped yes/no alarm questions "yes" at once (e.g. two of the four stiffness signs).
    flipped = {q.field: True for q in skipped if q.kind == "boolean"
               and q.field not in {*PREGNANCY_FIELDS, "neuro_signs_in_different_legs"}}
    assert fired(assessor, {**intake, **flipped}) == before


def not_an_emergency(assessor: Assessor, intake: dict[str, Any]) -> bool:
    """The engine finds no emergency: it asks for more answers, or the full answer is not one."""
    try:
        return assessor.assessment(intake, TODAY).urgency != "emergency"
    except IntakeError:
        return True


def alternatives(question: Question) -> list[AnswerValue]:
    if question.kind in ("integer", "duration"):
        return [question.min, question.max]
    return [o.value for o in question.options]


@PROPERTY
@given(data=st.data(), risk=st.sampled_from([10, 40, 80]))
def test_the_emergency_stop_comes_with_the_first_emergency_answer(
        flow: Flow, assessor: Assessor, data: st.DataObject, risk: int) -> None:
    path = walk(flow, assessor, data, risk)
    for _, answers in path.screens[:-1]:
        assert not_an_emergency(assessor, flow.to_intake(answers))
    last_screen, last = path.screens[-1]
    if path.emergency is None:
        assert assessor.assessment(flow.to_intake(last), TODAY).urgency != "emergency"
        return
    independent = assessor.assessment(flow.to_intake(last), TODAY)
    assert (independent.urgency == "emergency" and not independent.complete) or flow.is_finished(last)
    # The stop is sound: however the remaining questions would have been answered, it is an emergency.
    completed = dict(last)
    screen = flow.next_screen(completed)
    while screen is not None:
        for question in flow.active_questions(screen, completed):
            completed[question.field] = draw_answer(data, question, completed, 30)
        screen = flow.next_screen(completed)
    assert assessor.assessment(flow.to_intake(completed), TODAY).urgency == "emergency", last_screen.id


# ---- every emergency answer stops the flow on its own screen -----------------------------------

def emergency_answers(flow: Flow, assessor: Assessor) -> list[tuple[str, AnswerValue]]:
    """Answers that are an emergency by themselves, according to the engine (not a second list)."""
    found = []
    for _, question in flow.fields():
        if question.helper or question.kind not in ("boolean", "choice") or "." in question.field:
            continue
        for option in question.options:
            if emergency_stop(assessor.engine, flow, {question.field: option.value}, TODAY):
                found.append((question.field, option.value))
    return found


def test_the_engine_knows_the_expected_emergency_answers(flow: Flow, assessor: Assessor) -> None:
    found = set(emergency_answers(flow, assessor))
    assert {("bladder_problems", True), ("bowel_incontinence", True), ("saddle_numbness", True),
            ("leg_weakness", "both_legs"), ("numbness_tingling", "both_legs"),
            ("neuro_signs_in_different_legs", True), ("pregnancy_warning_signs", True)} <= found
    # A major accident is an emergency in its first 2 days (v2): duration is on the same screen.
    assert emergency_stop(assessor.engine, flow, {"trauma": "major", "duration_days": 2}, TODAY)
    assert not emergency_stop(assessor.engine, flow, {"trauma": "major", "duration_days": 3}, TODAY)


@pytest.mark.parametrize("age", [8, 35, 67])
def test_each_emergency_answer_stops_the_flow_at_once(flow: Flow, assessor: Assessor, age: int) -> None:
    for field, value in emergency_answers(flow, assessor):
        answers: dict[str, AnswerValue] = {}
        screen = flow.next_screen(answers)
        base: dict[str, AnswerValue] = {"age": age, "sex": "female" if field.startswith("pregnancy") else "male",
                                        "is_pregnant": True, "pregnancy_weeks": 20}
        if field == "neuro_signs_in_different_legs":  # asked only when both are in one leg
            base.update(leg_weakness="one_leg", numbness_tingling="one_leg")
        stopped_at = None
        while screen is not None:
            form: dict[str, list[str]] = {}
            for question in flow.active_questions(screen, answers):
                chosen = value if question.field == field else base.get(question.field, benign(question))
                if question.items and field in {i.field for i in question.items}:
                    chosen = [field]  # ticked in its checklist
                if question.kind in ("integer", "duration") and question.field not in base:
                    chosen = 3
                form.update(form_for(question, chosen))
            step = submit(flow, assessor.engine, screen, form, answers, TODAY)
            assert not step.errors
            answers = step.answers
            if step.emergency is not None:
                stopped_at = screen
                break
            screen = step.next
        if field.startswith("pregnancy") and not 10 <= age <= 60:
            assert stopped_at is None  # not asked: pregnancy is not possible at this age
            continue
        on_screen = {f.field for q in stopped_at.questions for f in (q, *q.items)} if stopped_at else set()
        assert field in on_screen, (field, age)


# ---- order and skipping ------------------------------------------------------------------------

def test_the_most_urgent_alarm_questions_come_first(flow: Flow) -> None:
    order = [q.field for _, q in flow.fields()]
    screen_of_field = {q.field: s.id for s, q in flow.fields()}
    first_alarm = order.index("bladder_problems")
    # Age and duration before the alarm signs: the time-window flags fire at once (rules §2).
    assert order[:first_alarm] == ["age", "sex", "duration_days", "trauma", "radiation"]
    for sign in ("bladder_problems", "bowel_incontinence", "saddle_numbness", "leg_weakness",
                 "numbness_tingling", "sudden_severe_constant_pain", "fever", "leg_pain_both_sides"):
        assert screen_of_field[sign] == "warning_signs", sign  # every emergency sign on screen 2
    for later in ("cancer_history", "pain_score", "osteoporosis", "risk_factors", "kidney_disease"):
        assert order.index("saddle_numbness") < order.index(later)
        assert order.index("leg_weakness") < order.index(later)
    assert order.index("startback.bothersomeness") == len(order) - 1


@pytest.mark.parametrize("age", [0, 18, 40, 41, 90, 120])
def test_sudden_extreme_pain_is_asked_at_every_age(flow: Flow, age: int) -> None:
    assert flow.applies(flow.question("sudden_severe_constant_pain"), {"age": age, "sex": "male"})


@pytest.mark.parametrize(("sex", "age", "asked"), [
    ("female", 30, True), ("other", 30, True), (None, 30, True), ("female", 12, True),
    ("female", 55, True), ("female", 60, True), ("male", 30, False), ("female", 61, False),
    ("female", 9, False), (None, 75, False),
])
def test_pregnancy_is_asked_when_it_is_possible(flow: Flow, sex: str | None, age: int, asked: bool) -> None:
    answers: dict[str, AnswerValue] = {"sex": sex, "age": age}
    assert flow.applies(flow.question("is_pregnant"), answers) is asked
    assert flow.applies(flow.question("pregnancy_weeks"), {**answers, "is_pregnant": True}) is asked
    assert flow.applies(flow.question("pregnancy_warning_signs"), {**answers, "is_pregnant": True}) is asked
    assert not flow.applies(flow.question("pregnancy_weeks"), {**answers, "is_pregnant": False})


def test_unknown_answers_never_hide_a_question(flow: Flow) -> None:
    assert flow.applies(flow.question("is_pregnant"), {})
    assert flow.applies(flow.question("leg_pain_both_sides"), {})
    assert flow.applies(flow.question("neuro_signs_in_different_legs"), {})
    assert flow.applies(flow.screen("follow_up"), {})


def test_going_back_and_changing_an_answer_drops_what_no_longer_applies(flow: Flow) -> None:
    answers = {"age": 30, "sex": "female", "is_pregnant": True, "pregnancy_weeks": 12,
               "pregnancy_warning_signs": False, "radiation": "toes", "leg_pain_both_sides": False}
    cleaned = flow.clean({**answers, "sex": "male", "radiation": "none"})
    assert "is_pregnant" not in cleaned and "pregnancy_weeks" not in cleaned
    assert "leg_pain_both_sides" not in cleaned
    assert flow.to_intake(cleaned)["leg_pain_both_sides"] is False  # skipped: its skip value


def test_clean_refuses_invalid_or_unknown_carried_answers(flow: Flow) -> None:
    cleaned = flow.clean({"age": "40", "radiation": "toe", "bladder_problems": 1, "typo": True,
                          "pain_score": 11, "risk_factors": ["overweight", "overweight"], "sex": None})
    assert cleaned == {"sex": None}


def test_helpers_and_startback(flow: Flow) -> None:
    answers: dict[str, AnswerValue] = {"wants_startback": True}
    answers.update({f"startback.{k}": False for k in STARTBACK_KEYS if k != "bothersomeness"})
    assert "startback" not in flow.to_intake(answers)  # eight of nine: no object
    answers["startback.bothersomeness"] = "slightly"
    intake = flow.to_intake(answers)
    assert intake["startback"]["bothersomeness"] == "slightly"
    assert "wants_startback" not in intake
    assert "startback" not in flow.to_intake({"wants_startback": False})


def test_startback_screens_carry_the_keele_notice_and_our_paraphrase(flow: Flow) -> None:
    kb = load_knowledge()
    screen = flow.screen("startback_mind")
    assert screen.notice == kb.startback.notice
    assert flow.question("startback.never_better").label == next(
        i.paraphrase for i in kb.startback.items if i.key == "never_better")


def test_a_typical_self_care_path_has_at_most_eight_screens(flow: Flow) -> None:
    answers: dict[str, AnswerValue] = {
        "age": 40, "sex": "male", "radiation": "none", "duration_days": 3, "alarm_signs": ["none"],
        "leg_weakness": "none", "numbness_tingling": "none", "wants_startback": False}
    assert len(flow.active_screens(answers)) <= 8  # counted screen by screen in test_flow_short.py


# ---- form strings ------------------------------------------------------------------------------

def test_parse_answer_names_the_field_and_the_problem(flow: Flow) -> None:
    age = flow.question("age")
    assert flow.parse_answer(age, ["42"]) == 42
    assert flow.parse_answer(age, []) == FieldError("age", "required")
    assert flow.parse_answer(age, ["4x"]) == FieldError("age", "whole_number", 0, 120)
    assert flow.parse_answer(age, ["-3"]) == FieldError("age", "whole_number", 0, 120)
    assert flow.parse_answer(age, ["121"]) == FieldError("age", "range", 0, 120)
    assert flow.parse_answer(age, ["٣"]) == FieldError("age", "whole_number", 0, 120)
    radiation = flow.question("radiation")
    assert flow.parse_answer(radiation, ["toes"]) == "toes"
    assert flow.parse_answer(radiation, ["toe"]) == FieldError("radiation", "choose")
    assert flow.parse_answer(flow.question("sex"), ["null"]) is None
    assert flow.parse_answer(flow.question("fever"), ["true"]) is True
    assert flow.parse_answer(flow.question("fever"), ["yes"]) == FieldError("fever", "choose")


def test_durations_and_lists(flow: Flow) -> None:
    duration = flow.question("duration_days")
    assert flow.parse_answer(duration, ["3"], "weeks") == 21
    assert flow.parse_answer(duration, ["2"], "months") == 60
    assert flow.parse_answer(duration, ["2"], "fortnights") == FieldError("duration_days", "unit")
    assert flow.parse_answer(duration, ["101"], "years") == FieldError("duration_days", "range", 0, 36500)
    assert split_duration(duration, 21) == (3, "weeks")
    assert split_duration(duration, 10) == (10, "days")
    assert split_duration(duration, 0) == (0, "days")
    factors = flow.question("risk_factors")
    assert flow.parse_answer(factors, []) == []
    assert flow.parse_answer(factors, ["overweight", "sedentary_work", "overweight"]) == [
        "sedentary_work", "overweight"]
    assert flow.parse_answer(factors, ["ageing"]) == FieldError("risk_factors", "choose")


def test_a_screen_with_a_conflict_is_shown_again(flow: Flow, assessor: Assessor) -> None:
    form = {"age": ["10"], "sex": ["male"], "duration_days": ["20"], "duration_days__unit": ["years"],
            "trauma": ["none"], "radiation": ["none"]}
    step = submit(flow, assessor.engine, flow.screen("about_you"), form, {}, TODAY)
    assert step.errors["duration_days"].code == "conflict"
    assert step.errors["duration_days"].others == ("age",)
    assert step.next is None and not step.finished


# ---- the data is checked when it is loaded -----------------------------------------------------

def broken(change: Any) -> Any:
    document = copy.deepcopy(read_questions())
    change(document)
    return document


def screen_of(document: Any, screen_id: str) -> Any:
    return next(s for s in document["screens"] if s["id"] == screen_id)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: screen_of(d, "about_you")["questions"][4]["options"].pop(), "options must be exactly"),
    (lambda d: screen_of(d, "health")["questions"][0]["items"].pop(1), "no question asks ['unexplained_weight_loss']"),
    (lambda d: screen_of(d, "health")["questions"][0]["items"][0].update(field="cancer"), "not an intake field"),
    (lambda d: screen_of(d, "about_you")["questions"][1].update(ask_when="fever"), "unknown fact 'fever'"),
    (lambda d: screen_of(d, "warning_signs")["questions"][3].pop("skip_value"), "needs a valid skip_value"),
    (lambda d: screen_of(d, "about_you")["questions"][0].update(max=150), "min and max"),
    (lambda d: screen_of(d, "follow_up")["questions"][1].update(kind="choice"), "kind must be boolean"),
    (lambda d: screen_of(d, "health")["questions"][0]["items"].append(
        screen_of(d, "warning_signs")["questions"][0]["items"][0]), "asked twice"),
    (lambda d: screen_of(d, "health")["questions"][0]["items"][0]["label"].pop("fr"), "fr"),
    (lambda d: screen_of(d, "health")["questions"][0]["items"][0].update(kind="choice"),
     "a checklist item is a plain yes/no intake field"),
    (lambda d: screen_of(d, "health")["questions"][0].update(field="fever"), "a checklist has a name of its own"),
    (lambda d: d["texts"].pop("none_of_these"), "none_of_these"),
])
def test_a_broken_flow_is_refused_naming_the_entry(change: Any, message: str) -> None:
    with pytest.raises(FlowError, match=None) as info:
        build_flow(broken(change), load_knowledge())
    assert message in str(info.value)


def test_every_contract_field_is_asked(flow: Flow) -> None:
    asked = {q.field for _, q in flow.fields()}
    assert set(REQUIRED_FIELDS) | (set(OPTIONAL_FIELDS) - {"startback"}) <= asked
    assert {f"startback.{k}" for k in STARTBACK_KEYS} <= asked


def test_every_alarm_field_of_the_engine_is_marked(flow: Flow) -> None:
    alarm = {q.field for _, q in flow.fields() if q.alarm}
    assert {"bladder_problems", "saddle_numbness", "sudden_severe_constant_pain", "trauma",
            "fever", "cancer_history", "pregnancy_warning_signs", "leg_pain_both_sides"} <= alarm
    assert "risk_factors" not in alarm and "kidney_disease" not in alarm


def test_every_text_is_in_three_languages(flow: Flow) -> None:
    for screen, question in [*flow.questions(), *flow.fields()]:
        for text in (screen.title, question.label, *(o.label for o in question.options)):
            assert text is not None
            assert all(text[lang].strip() for lang in LANGS)
