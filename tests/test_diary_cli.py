"""``rugwijzer diary``: start, add, show, export, end and delete from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diary_support import all_clear, baseline, day
from rugwijzer.cli.app import app
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
                    "--interactive", input="n\n1\n")
    assert code == 0, out
    assert "112" in out and "Emergency" in out
    assert out.count("new problems passing urine") == 1  # no further alarm questions were asked
    assert show_json()["advice"]["urgency"] == "emergency"


def test_interactive_start_walks_the_self_check_and_stops_at_an_emergency() -> None:
    # age 40, sex male, pain only in the back, stable, not the first time, then "yes" to bladder.
    code, out = run("start", "--onset", day(0).isoformat(), "--today", day(2).isoformat(), "--interactive",
                    input="40\n2\n1\n2\n2\n1\n2\n2\n")
    assert code == 0, out
    assert "112" in out and "not started" in out
    code, _ = run("show")
    assert code == 2  # nothing stored


def test_interactive_start_asks_every_question_that_applies() -> None:
    code, out = run("start", "--onset", day(0).isoformat(), "--today", day(2).isoformat(), "--interactive",
                    input="2\n" * 80)  # the second option (or the number 2) everywhere
    assert code == 0, out
    assert "Diary started" in out
    assert show_json()["episode"]["answers"]["first_episode"] is False


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
