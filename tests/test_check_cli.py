"""``rugwijzer check``: the interactive self-check in the terminal, driven through standard input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from rugwijzer.cli.app import app
from rugwijzer.core.flow import AnswerValue, Flow, Question, token
from rugwijzer.knowledge import load_flow

DAY = "2026-11-25"
runner = CliRunner()

SELF_CARE: dict[str, AnswerValue] = {
    "age": 40, "sex": "male", "radiation": "none", "duration_days": 3, "pain_trend": "stable",
    "first_episode": None, "leg_weakness": "none", "numbness_tingling": "none", "trauma": "none",
    "pain_score": 4, "risk_factors": ["sedentary_work"], "wants_startback": False,
}


@pytest.fixture(scope="module")
def flow() -> Flow:
    return load_flow()


def line_for(question: Question, value: AnswerValue) -> list[str]:
    """What a person types for this answer: the number of the option (or the value itself)."""
    if question.kind == "multi":
        assert isinstance(value, list)
        values = [token(o.value) for o in question.options]
        return [", ".join(str(values.index(v) + 1) for v in value)]
    if question.kind == "duration":
        return [str(value), "1"]  # days
    if question.kind == "integer":
        return [str(value)]
    numbers = [token(o.value) for o in question.options]
    return [str(numbers.index(token(value)) + 1)]


def script(flow: Flow, wanted: dict[str, AnswerValue]) -> tuple[str, dict[str, AnswerValue]]:
    """The input lines that answer every question the flow asks, with 'no' wherever ``wanted``
    says nothing; also the answers as the flow will hold them."""
    lines: list[str] = []
    answers: dict[str, AnswerValue] = {}
    screen = flow.next_screen(answers)
    while screen is not None:
        for question in flow.active_questions(screen, answers):
            value = wanted.get(question.field, False)
            answers[question.field] = value
            lines.extend(line_for(question, value))
        screen = flow.next_screen(answers)
    return "\n".join(lines) + "\n", answers


def run(*args: str, input: str) -> Any:
    return runner.invoke(app, ["check", "--date", DAY, *args], input=input)


def test_a_self_care_check_ends_with_the_same_result_as_assess(flow: Flow) -> None:
    text, answers = script(flow, SELF_CARE)
    result = run("--lang", "en", input=text)
    assert result.exit_code == 0, result.output
    assert "Rugwijzer self-check" in result.output
    assert "Step 1 of 15: About you" in result.output
    intake = flow.to_intake(answers)
    assess = runner.invoke(app, ["assess", "-", "--lang", "en", "--date", DAY], input=json.dumps(intake))
    assert assess.exit_code == 0
    assert result.output.endswith(assess.output)  # the same rendering, word for word


def test_the_check_stops_at_the_first_emergency_answer(flow: Flow) -> None:
    lines = ["60", "2", "1", "3", "1", "2", "3", "1"]  # ... then "yes" to the bladder question
    result = run("--lang", "en", input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert "Call 112 now" in result.output
    assert "Not all questions were answered" in result.output
    # Nothing after the bladder question was asked.
    assert "lost control over your bowels" not in result.output
    assert "Step 5" not in result.output


def test_a_wrong_answer_is_asked_again(flow: Flow) -> None:
    text, _ = script(flow, SELF_CARE)
    result = run("--lang", "en", input="abc\n130\n\n" + text)
    assert result.exit_code == 0, result.output
    assert "A whole number from 0 to 120" in result.output
    assert result.output.count("Type a whole number from 0 to 120.") == 3
    assert "None" not in result.output


def test_pain_longer_than_life_is_refused(flow: Flow) -> None:
    lines = ["5", "2", "1", "10", "4", "12", "1"]  # 5 years old, pain for 10 years, then 12 days
    text, _ = script(flow, {**SELF_CARE, "age": 5, "duration_days": 12})
    rest = text.split("\n", 5)[5]  # the script after its age, sex, radiation and duration lines
    result = run("--lang", "en", input="\n".join(lines) + "\n" + rest)
    assert "This is longer than your life so far" in result.output
    assert result.exit_code == 0, result.output


def test_question_mark_explains_the_medical_word(flow: Flow) -> None:
    text, _ = script(flow, SELF_CARE)
    lines = text.split("\n")
    # Line 2 answers the sex question, which has an explanation.
    result = run("--lang", "nl", input="\n".join([lines[0], "?", *lines[1:]]))
    assert "We vragen dit alleen om te weten of de vragen over zwangerschap" in result.output
    assert result.exit_code == 0


@pytest.mark.parametrize(("lang", "words"), [
    ("nl", ["Rugwijzer-zelftest", "Stap 1 van", "Hoe oud ben je?", "Zelfzorg"]),
    ("fr", ["Autotest Rugwijzer", "Étape 1 sur", "Quel âge avez-vous ?", "Prendre soin de vous"]),
    ("en", ["Rugwijzer self-check", "Step 1 of", "How old are you?", "Self-care"]),
])
def test_the_check_speaks_each_language(flow: Flow, lang: str, words: list[str]) -> None:
    text, _ = script(flow, SELF_CARE)
    result = run("--lang", lang, input=text)
    assert result.exit_code == 0
    for word in words:
        assert word in result.output


def test_running_out_of_answers_gives_no_advice() -> None:
    result = run("--lang", "en", input="40\n")
    assert result.exit_code == 1
    assert "no advice was given" in result.output


def test_pregnancy_questions_and_startback(flow: Flow) -> None:
    wanted = {**SELF_CARE, "sex": "female", "age": 30, "is_pregnant": True, "pregnancy_weeks": 20,
              "wants_startback": True, "startback.bothersomeness": "moderately"}
    text, answers = script(flow, wanted)
    result = run("--lang", "en", input=text)
    assert result.exit_code == 0, result.output
    assert "How many weeks pregnant are you?" in result.output
    assert "STarT Back" in result.output
    intake = flow.to_intake(answers)
    assert intake["pregnancy_weeks"] == 20 and intake["startback"]["bothersomeness"] == "moderately"
