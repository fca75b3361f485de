"""``rugwijzer check``: the interactive self-check in the terminal, driven through standard input."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rugwijzer.cli.app import app
from rugwijzer.cli.interview import choices_for
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


def number_of(question: Question, value: str) -> int:
    return next(c.number for c in choices_for(question, "en") if c.value == value)


def line_for(question: Question, value: AnswerValue) -> list[str]:
    """What a person types for this answer: the number of the option (0 = no / none of these)."""
    if question.kind in ("multi", "checklist"):
        assert isinstance(value, list)
        return [", ".join(str(number_of(question, token(v))) for v in value) or "0"]
    if question.kind == "duration":
        return [str(value), "1"]  # days
    if question.kind == "integer":
        return [str(value)]
    return [str(number_of(question, token(value)))]


def value_for(question: Question, wanted: dict[str, AnswerValue]) -> AnswerValue:
    """The answer to a question for the contract's fields in ``wanted`` ("no" where it says nothing)."""
    if question.kind == "checklist":
        return [i.field for i in question.items if wanted.get(i.field) is True] or ["none"]
    return wanted.get(question.field, False)


def script(flow: Flow, wanted: dict[str, AnswerValue]) -> tuple[str, dict[str, AnswerValue]]:
    """The input lines that answer every question the flow asks, with 'no' wherever ``wanted``
    says nothing; also the answers as the flow will hold them."""
    lines: list[str] = []
    answers: dict[str, AnswerValue] = {}
    screen = flow.next_screen(answers)
    while screen is not None:
        for question in flow.active_questions(screen, answers):
            value = value_for(question, wanted)
            answers[question.field] = value
            lines.extend(line_for(question, value))
        screen = flow.next_screen(answers)
    return "\n".join(lines) + "\n", answers


def run(*args: str, input: str) -> Any:
    return runner.invoke(app, ["check", "--date", DAY, *args], input=input)


def test_a_self_care_check_ends_with_the_same_result_as_assess(flow: Flow, tmp_path: Path) -> None:
    text, answers = script(flow, SELF_CARE)
    saved = tmp_path / "answers.json"
    result = run("--lang", "en", "--save", str(saved), input=text)
    assert result.exit_code == 0, result.output
    assert "Rugwijzer self-check" in result.output
    assert "Your back pain (about 8 steps left)" in result.output
    assert "(last step)" in result.output
    intake = flow.to_intake(answers)
    assert json.loads(saved.read_text(encoding="utf-8")) == intake  # --save: the intake, as assess reads it
    assess = runner.invoke(app, ["assess", str(saved), "--lang", "en", "--date", DAY])
    assert assess.exit_code == 0
    assert assess.output.strip() in result.output  # the same rendering, word for word


def test_the_saved_answers_work_for_report_and_the_diary(flow: Flow, tmp_path: Path) -> None:
    text, _ = script(flow, SELF_CARE)
    saved = tmp_path / "answers.json"
    assert run("--lang", "nl", "--save", str(saved), input=text).exit_code == 0
    started = runner.invoke(app, ["diary", "start", "--onset", "2026-11-22", "--intake", str(saved),
                                  "--today", DAY], env={"RUGWIJZER_HOME": str(tmp_path), "RUGWIJZER_DATABASE_URL": ""})
    assert started.exit_code == 0, started.output


def test_the_check_stops_at_the_first_emergency_answer(flow: Flow, tmp_path: Path) -> None:
    # 60 years, male, 3 days, no accident, lower back only; then the bladder sign (1) and saddle (3).
    lines = ["60", "2", "3", "1", "0", "0", "1, 3"]
    saved = tmp_path / "answers.json"
    result = run("--lang", "en", "--save", str(saved), input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert "112" in result.output.strip().splitlines()[-1]  # the 112 line stays last, after "saved"
    intake = json.loads(saved.read_text(encoding="utf-8"))
    assert intake["bladder_problems"] is True and intake["saddle_numbness"] is True and "pain_score" not in intake
    assert "Call 112 now" in result.output
    assert "Not all questions were answered" in result.output
    # Nothing after the checklist was asked: the result came on screen 2.
    assert "Has a leg or foot recently become weak" not in result.output
    assert "Your health" not in result.output


def test_numbers_mean_the_same_everywhere(flow: Flow) -> None:
    """0 is always the "no" answer; the others count from 1 (issue 9: no "1) Yes 2) No" next to
    "1) No 2) Yes, in one leg")."""
    for _, question in flow.questions():
        choices = choices_for(question, "en")
        if not choices:
            continue
        numbers = [c.number for c in choices]
        no = [c for c in choices if c.value in ("false", "none", "")]
        if no:
            assert numbers == list(range(len(choices))) and no[0].number == 0, question.field
        else:
            assert numbers == list(range(1, len(choices) + 1)), question.field
    assert [(c.number, c.label) for c in choices_for(flow.question("leg_weakness"), "en")][:2] == [
        (0, "No"), (1, "Yes, one leg")]
    assert [(c.number, c.label) for c in choices_for(flow.question("off_work_because_of_pain"), "en")] == [
        (0, "No"), (1, "Yes")]
    assert choices_for(flow.question("alarm_signs"), "en")[0].label == "None of these"


def test_a_wrong_answer_is_refused_at_once_and_asked_again(flow: Flow) -> None:
    text, _ = script(flow, SELF_CARE)
    result = run("--lang", "en", input="abc\n130\n\n" + text)
    assert result.exit_code == 0, result.output
    assert "A whole number from 0 to 120" in result.output
    assert result.output.count("Type a whole number from 0 to 120.") == 3
    assert not re.search(r"\bNone\b(?! of these)", result.output)  # no Python None shown
    # A number that is not on the list is refused before anything else is asked.
    lines = text.split("\n")
    result = run("--lang", "en", input="\n".join([lines[0], "7", *lines[1:]]))
    assert "Type a number from 1 to 4." in result.output and result.exit_code == 0
    # A duration that is not a whole number is refused before the unit is asked.
    result = run("--lang", "en", input="\n".join([*lines[:2], "three", *lines[2:]]))
    assert result.output.count("Unit:") == 1 and result.exit_code == 0
    # "none of these" next to a sign is refused.
    result = run("--lang", "en", input="\n".join([*lines[:6], "0, 2", *lines[6:]]))
    assert "0 means none of these" in result.output and result.exit_code == 0


def test_back_goes_one_question_back(flow: Flow) -> None:
    text, _ = script(flow, SELF_CARE)
    lines = text.split("\n")
    # Age 70, "<" back to the age, then the real answers.
    result = run("--lang", "en", input="\n".join(["70", "<", *lines]))
    assert result.exit_code == 0, result.output
    assert result.output.count("How old are you?") == 2
    assert "This is the first question." not in result.output
    assert "Rugwijzer self-check" in result.output
    result = run("--lang", "en", input="\n".join(["<", *lines]))
    assert "This is the first question." in result.output and result.exit_code == 0


def test_pain_longer_than_life_is_refused(flow: Flow) -> None:
    text, _ = script(flow, {**SELF_CARE, "age": 5, "duration_days": 12})
    lines = text.split("\n")
    # 5 years old, male, pain for 10 years (refused), then 12 days and the rest.
    result = run("--lang", "en", input="\n".join([*lines[:2], "10", "4", *lines[2:]]))
    assert "This is longer than your life so far" in result.output
    assert result.exit_code == 0, result.output


def test_question_mark_explains_the_medical_word(flow: Flow) -> None:
    text, _ = script(flow, SELF_CARE)
    lines = text.split("\n")
    # Line 2 answers the sex question, which has an explanation; line 7 the alarm signs.
    result = run("--lang", "nl", input="\n".join([lines[0], "?", *lines[1:6], "?", *lines[6:]]))
    assert "We vragen dit alleen om te weten of de vragen over zwangerschap" in result.output
    assert "zadelanesthesie" in result.output  # the checklist explains its items
    assert result.exit_code == 0


@pytest.mark.parametrize(("lang", "words"), [
    ("nl", ["Rugwijzer-zelftest", "nog ongeveer 8 stappen", "Hoe oud ben je?", "Zelfzorg", "0) Geen van deze"]),
    ("fr", ["Autotest Rugwijzer", "encore environ 8 étapes", "Quel âge avez-vous ?", "Prendre soin de vous",
            "0) Aucun de ces points"]),
    ("en", ["Rugwijzer self-check", "about 8 steps left", "How old are you?", "Self-care", "0) None of these"]),
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
