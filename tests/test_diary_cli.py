"""``rugwijzer diary``: start, add, show, export, end and delete from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from diary_support import all_clear, baseline, day
from rugwijzer.cli.app import app
from rugwijzer.core.flow import token
from rugwijzer.knowledge import load_flow
from rugwijzer.languages import LANGS
from rugwijzer.services.assessing import default_assessor
from rugwijzer.storage import ENV_HOME, ENV_URL

runner = CliRunner()


@pytest.fixture(autouse=True)
def diary_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.setenv(ENV_HOME, str(tmp_path / "home"))
    return tmp_path


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["diary", *args, "--lang", "en"], input=input)
    return result.exit_code, result.output


def alarms() -> list[str]:
    out = []
    for name, value in all_clear().items():
        out += ["--alarm", f"{name}={'no' if value is False else value}"]
    return out


@pytest.fixture
def started(tmp_path: Path) -> Path:
    intake = tmp_path / "intake.json"
    intake.write_text(json.dumps(baseline()))
    code, out = run("start", "--onset", day(0).isoformat(), "--intake", str(intake), "--today", day(0).isoformat())
    assert code == 0, out
    assert "Diary started" in out and "does not replace a doctor" in out
    return intake


def add(n: int, pain: int, *extra: str) -> tuple[int, str]:
    return run("add", "--date", day(n).isoformat(), "--pain", str(pain), "--today", day(n).isoformat(),
               "--no-interactive", *extra)


def show_json() -> dict:  # type: ignore[type-arg]
    code, out = run("show", "--json")
    assert code == 0, out
    return json.loads(out)  # type: ignore[no-any-return]


def test_a_diary_kept_from_the_command_line_brings_the_six_weeks_advice(started: Path) -> None:
    assert add(3, 5, "--activity", "short walk", "--medication", "paracetamol 1 g", "--notes", "stiff")[0] == 0
    assert add(21, 5, *alarms())[0] == 0
    code, out = add(43, 5, *alarms())
    assert code == 0, out
    assert "Pain for more than six weeks" in out and "See your GP within a few days" in out
    document = show_json()
    assert document["advice"]["urgency"] == "soon"
    assert [f["id"] for f in document["changes"]["new_flags"]] == ["over_six_weeks"]
    assert document["episode"]["entries"][0]["activity"] == "short walk"
    code, out = run("show")
    assert code == 0 and "stiff" in out and "Next milestone" in out


def test_seen_doctor_turns_the_six_weeks_flag_to_routine(started: Path) -> None:
    add(43, 5, *alarms())
    code, out = add(44, 5, "--seen-doctor")
    assert code == 0, out
    assert show_json()["advice"]["urgency"] == "routine"


@pytest.mark.parametrize(("args", "field"), [
    (["--pain", "11"], "pain"),
    (["--pain", "-1"], "pain"),
    (["--date", "2026-13-01", "--pain", "5"], "--date"),
    (["--date", "2026-08-01", "--pain", "5"], "date"),
    (["--pain", "5", "--alarm", "fever=maybe"], "fever"),
    (["--pain", "5", "--alarm", "bladder=no"], "bladder"),
])
def test_bad_input_exits_2_naming_the_field_and_changes_nothing(started: Path, args: list[str],
                                                                 field: str) -> None:
    code, out = run("add", "--today", day(3).isoformat(), "--no-interactive", *args)
    assert code == 2, out
    assert field in out and "allowed" in out
    assert show_json()["episode"]["entries"] == []


def test_due_alarm_questions_without_answers_exit_2_and_list_them(started: Path) -> None:
    code, out = add(8, 5)
    assert code == 2
    assert "--alarm bladder_problems=" in out and "yes or no" in out
    assert "pregnancy_warning_signs" not in out  # only the questions that apply to this person
    assert show_json()["episode"]["entries"] == []


def test_an_emergency_alarm_answer_shows_the_emergency_advice_at_once(started: Path) -> None:
    # Interactive: not seen a doctor (n), then "yes" to the first alarm question (bladder).
    code, out = run("add", "--date", day(8).isoformat(), "--pain", "5", "--today", day(8).isoformat(),
                    "--interactive", input="n\nyes\n")
    assert code == 0, out
    assert "112" in out and "Emergency" in out
    bladder = load_flow().question("bladder_problems").label.en  # type: ignore[union-attr]
    assert " ".join(out.split()).count(bladder) == 1  # no further alarm questions were asked
    assert show_json()["advice"]["urgency"] == "emergency"


def test_interactive_start_walks_the_self_check_and_stops_at_an_emergency() -> None:
    text, _asked = typed({**baseline(), "sex": "male", "first_episode": False, "bladder_problems": True,
                         "risk_factors": ["sedentary_work"]}, 2)
    code, out = run("start", "--onset", day(0).isoformat(), "--today", day(2).isoformat(), "--interactive",
                    input=text)
    assert code == 0, out
    assert "112" in out and "not started" in out
    code, _ = run("show")
    assert code == 2  # nothing stored


def typed(wanted: dict[str, Any], days: int) -> tuple[str, list[str]]:
    """What a person types in the terminal interview to give ``wanted`` (by field name, so the test
    follows the flow whatever its order): each option by its number. Returns the input and the
    fields asked."""
    flow = load_flow()
    answers: dict[str, Any] = {"duration_days": days}
    lines, asked = [], []
    while (screen := flow.next_screen(answers)) is not None:
        for question in flow.active_questions(screen, answers):
            if question.field in answers:
                continue
            value = wanted.get(question.field, False)
            if question.kind == "checklist":  # the fields that are true, or "none of these"
                value = [i.field for i in question.items if wanted.get(i.field) is True] or ["none"]
            answers[question.field] = value
            asked.append(question.field)
            if question.options:
                values = [token(v) for v in (value if isinstance(value, list) else [value])]
                numbers = [str(i) for i, o in enumerate(question.options, 1) if token(o.value) in values]
                assert len(numbers) == len(values), (question.field, value)
                lines.append(" ".join(numbers))
            else:
                lines.append(str(value))
    return "\n".join(lines) + "\n", asked


def test_interactive_start_asks_every_question_that_applies() -> None:
    wanted = {**baseline(), "sex": "female", "first_episode": False, "risk_factors": ["sedentary_work"],
              "is_pregnant": False, "wants_startback": False}
    text, asked = typed(wanted, 2)
    assert {"age", "first_episode", "risk_factors"} <= set(asked)
    code, out = run("start", "--onset", day(0).isoformat(), "--today", day(2).isoformat(), "--interactive",
                    input=text)
    assert code == 0, out
    assert "Diary started" in out
    answers = show_json()["episode"]["answers"]
    assert answers["first_episode"] is False and answers["risk_factors"] == ["sedentary_work"]
    assert answers["bladder_problems"] is False and answers["sex"] == "female"


def test_start_without_answers_outside_a_terminal_says_what_to_give() -> None:
    code, out = run("start", "--onset", day(0).isoformat(), "--no-interactive")
    assert code == 2 and "--intake" in out


def test_add_before_start_explains_how_to_start() -> None:
    code, out = add(1, 4)
    assert code == 2 and "diary start" in out


def test_export_every_format_then_delete_everything(started: Path, tmp_path: Path) -> None:
    add(2, 4, "--notes", "private words")
    for fmt in ("csv", "json", "pdf"):
        target = tmp_path / f"diary.{fmt}"
        code, out = run("export", "--format", fmt, "-o", str(target), "--today", day(2).isoformat())
        assert code == 0, out
        assert target.stat().st_mode & 0o077 == 0  # private file
    assert b"private words" in (tmp_path / "diary.csv").read_bytes()
    assert json.loads((tmp_path / "diary.json").read_text())["episodes"][0]["entries"][0]["pain"] == 4
    assert (tmp_path / "diary.pdf").read_bytes().startswith(b"%PDF-")
    code, out = run("delete", "--no-interactive")
    assert code == 2 and "--yes" in out
    code, _ = run("delete", "--interactive", input="n\n")
    assert code == 1 and show_json()["episode"]["entries"]
    code, out = run("delete", "--yes")
    assert code == 0 and "1 episode" in out
    assert run("show")[0] == 2


def test_after_recovery_the_next_episode_is_not_the_first(started: Path) -> None:
    assert add(10, 1, *alarms())[0] == 0
    code, out = run("start", "--onset", day(20).isoformat(), "--intake", str(started), "--today", day(20).isoformat())
    assert code == 2 and "diary end" in out
    assert run("end", "--date", day(12).isoformat(), "--today", day(12).isoformat())[0] == 0
    code, out = run("start", "--onset", day(200).isoformat(), "--intake", str(started),
                    "--today", day(200).isoformat())
    assert code == 0, out
    assert show_json()["episode"]["answers"]["first_episode"] is False
    code, out = run("show", "--episode", "1")
    assert code == 0 and "ended (recovered)" in out
    code, out = run("show", "--episode", "7")
    assert code == 2 and "--episode" in out and "1, 2" in out


def test_a_bad_intake_file_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**baseline(), "pain_score": "high"}))
    code, out = run("start", "--onset", day(0).isoformat(), "--intake", str(bad), "--today", day(0).isoformat())
    assert code == 2 and "pain_score" in out


@pytest.mark.parametrize("lang", LANGS)
def test_an_emergency_entry_ends_with_the_112_line_and_shows_no_milestones(started: Path, lang: str) -> None:
    emergency = [a.replace("bladder_problems=no", "bladder_problems=yes").replace("fever=no", "fever=yes")
                 for a in alarms()]
    result = runner.invoke(app, ["diary", "add", "--date", day(8).isoformat(), "--pain", "5", "--today",
                                 day(8).isoformat(), "--no-interactive", *emergency, "--lang", lang])
    assert result.exit_code == 0, result.output
    explainer = default_assessor().explainer(lang)  # type: ignore[arg-type]
    out = " ".join(result.output.split())
    lines = [line.strip() for line in result.output.splitlines() if line.strip()]
    assert "112" in lines[-1]  # the last thing on the screen: where to go, which number to call
    assert not [t for t in explainer.milestones.values() if t in out]
    assert not [t["heading"] for t in explainer.safety_tiers if t["heading"] in out]
    assert "[" not in result.output.replace("[ ", "")  # no level ids such as [urgent]
    assert " ".join(explainer.also_tell_heading.split()) in out  # the fever: "also tell the doctor"
    shown = runner.invoke(app, ["diary", "show", "--lang", lang])
    assert shown.exit_code == 0
    assert "112" in [line.strip() for line in shown.output.splitlines() if line.strip()][-1]


def test_a_calm_entry_shows_the_next_milestone_and_the_safety_net_tiers(started: Path) -> None:
    code, out = add(2, 4)
    assert code == 0, out
    explainer = default_assessor().explainer("en")
    flat = " ".join(out.split())
    assert "Next milestone" in flat
    assert all(" ".join(t["heading"].split()) in flat for t in explainer.safety_tiers)


def test_a_start_from_a_file_with_a_past_onset_is_dated_at_the_onset(tmp_path: Path) -> None:
    """Issue 9 §4: the start's pain must not land after entries written for earlier days."""
    intake = tmp_path / "intake.json"
    intake.write_text(json.dumps(baseline(pain_score=7)))
    code, out = run("start", "--onset", day(0).isoformat(), "--intake", str(intake), "--today", day(20).isoformat())
    assert code == 0, out
    assert f"count for {day(0).isoformat()}" in out
    for n, pain in ((3, 6), (10, 5)):
        code, out = run("add", "--date", day(n).isoformat(), "--pain", str(pain), "--today", day(20).isoformat(),
                        "--no-interactive", *alarms())
        assert code == 0, out
    document = show_json()["episode"]
    assert document["started_on"] == day(0).isoformat()
    steps = document["assessments"]
    assert [(s["date"], s["pain"]) for s in steps] == [(day(0).isoformat(), 7), (day(3).isoformat(), 6),
                                                       (day(10).isoformat(), 5)]
    assert steps[0]["day"] == 0


def test_started_on_says_which_day_the_answers_describe(tmp_path: Path) -> None:
    intake = tmp_path / "intake.json"
    intake.write_text(json.dumps(baseline()))
    code, out = run("start", "--onset", day(0).isoformat(), "--intake", str(intake), "--started-on", "today",
                    "--today", day(20).isoformat())
    assert code == 0, out
    assert show_json()["episode"]["started_on"] == day(20).isoformat()


@pytest.mark.parametrize("when", [-1, 21])
def test_a_started_on_outside_the_episode_exits_2_and_stores_nothing(tmp_path: Path, when: int) -> None:
    intake = tmp_path / "intake.json"
    intake.write_text(json.dumps(baseline()))
    code, out = run("start", "--onset", day(0).isoformat(), "--intake", str(intake),
                    "--started-on", day(when).isoformat(), "--today", day(20).isoformat())
    assert code == 2 and "started_on" in out and day(0).isoformat() in out
    assert run("show")[0] == 2  # no episode
