"""The command line (contract §3): output, exit codes and error messages, run as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rugwijzer.cli.app import app
from support import NEUTRAL, intake

runner = CliRunner()


def run(args: list[str], stdin: str | None = None) -> Any:
    return runner.invoke(app, args, input=stdin)


def test_json_output_has_the_contract_keys() -> None:
    result = run(["assess", "--json", "-"], json.dumps(intake()))
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    for key in ("urgency", "flags", "episode", "suspected", "startback", "medication", "plan", "avoid", "tips",
                "risk_factors", "knowledge_version", "complete"):
        assert key in answer
    assert answer["urgency"] == "self_care" and answer["complete"] is True


@pytest.mark.parametrize(("lang", "words"), [
    ("nl", ["112", "huisarts"]),
    ("fr", ["112", "médecin"]),
    ("en", ["112", "doctor"]),
])
def test_readable_summary_in_each_language(lang: str, words: list[str]) -> None:
    result = run(["assess", "--lang", lang, "-"], json.dumps(intake(fever=True)))
    assert result.exit_code == 0, result.output
    for word in words:
        assert word in result.stdout


def test_summary_puts_the_action_first_and_the_disclaimer_last(assessor: Any) -> None:
    result = run(["assess", "--lang", "en", "-"], json.dumps(intake(bladder_problems=True)))
    answer = assessor.assess(intake(bladder_problems=True), lang="en")
    out = result.stdout
    flag_title = answer["flags"][0]["title"]
    assert out.index(answer["action"]["name"]) < out.index(flag_title)
    assert out.index(flag_title) < out.rindex(answer["disclaimer"][:20])


def test_region_changes_the_out_of_hours_number() -> None:
    be = run(["assess", "--json", "--region", "be", "-"], json.dumps(intake(fever=True)))
    nl = run(["assess", "--json", "--region", "nl", "-"], json.dumps(intake(fever=True)))
    assert "1733" in json.loads(be.stdout)["action"]["action"]
    assert "1733" not in json.loads(nl.stdout)["action"]["action"]


def test_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(intake(radiation="toes")), encoding="utf-8")
    result = run(["assess", "--json", str(path)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["urgency"] == "soon"


def test_missing_file_is_exit_2(tmp_path: Path) -> None:
    result = run(["assess", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "cannot read" in result.stderr


def test_invalid_single_intake_exits_2_naming_fields_and_allowed_values() -> None:
    result = run(["assess", "--lang", "en", "-"], json.dumps(intake(pain_score=11, radiation="knee")))
    assert result.exit_code == 2
    assert "pain_score" in result.stderr and "0 to 10" in result.stderr
    assert "radiation" in result.stderr and "below_knee" in result.stderr
    assert "Traceback" not in result.output


def test_invalid_json_exits_2() -> None:
    result = run(["assess", "-"], "{not json")
    assert result.exit_code == 2
    assert "intake" in result.stderr


def test_jsonl_one_line_per_input_line_in_order() -> None:
    lines = [json.dumps(intake()), json.dumps(intake(age="old")), "", json.dumps(intake(bladder_problems=True))]
    result = run(["assess", "--jsonl", "-"], "\n".join(lines) + "\n")
    assert result.exit_code == 2
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 4
    assert out[0]["urgency"] == "self_care"
    assert out[1]["error"]["line"] == 2 and "age" in out[1]["error"]["fields"]
    assert out[2]["error"]["line"] == 3
    assert out[3]["urgency"] == "emergency"


def test_jsonl_all_valid_exits_0() -> None:
    result = run(["assess", "--jsonl", "-"], "\n".join(json.dumps(intake(age=a)) for a in (30, 60)) + "\n")
    assert result.exit_code == 0
    assert [json.loads(x)["urgency"] for x in result.stdout.splitlines()] == ["self_care", "soon"]


def test_partial_emergency_from_the_cli() -> None:
    result = run(["assess", "--json", "-"], json.dumps({"saddle_numbness": True}))
    assert result.exit_code == 0
    answer = json.loads(result.stdout)
    assert answer["urgency"] == "emergency" and answer["complete"] is False


def test_partial_without_emergency_names_missing_fields() -> None:
    data = dict(NEUTRAL)
    del data["night_pain"]
    result = run(["assess", "--lang", "en", "-"], json.dumps(data))
    assert result.exit_code == 2
    assert "night_pain" in result.stderr


def test_bad_option_value_is_exit_2() -> None:
    result = run(["assess", "--lang", "de", "-"], json.dumps(intake()))
    assert result.exit_code == 2


def test_date_option_sets_the_milestones() -> None:
    result = run(["assess", "--json", "--date", "2026-01-10", "-"], json.dumps(intake(duration_days=10)))
    answer = json.loads(result.stdout)
    assert answer["onset"] == "2025-12-31"
    assert [m["date"] for m in answer["milestones"]] == ["2026-01-07", "2026-01-21", "2026-02-12", "2026-03-26"]
    assert [m["reached"] for m in answer["milestones"]] == [True, False, False, False]
    assert run(["assess", "--date", "10/01/2026", "-"], json.dumps(intake())).exit_code == 2


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_rules_lists_every_flag_with_condition_and_source(lang: str, assessor: Any) -> None:
    result = run(["rules", "--lang", lang, "--format", "json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    flags = next(s for s in doc["sections"] if s["key"] == "flags")
    assert {r["id"] for r in flags["rows"]} == {f.id for f in assessor.kb.flags}
    assert all(r["condition"] and r["source"] and r["why"] for r in flags["rows"])


def test_rules_table_renders() -> None:
    result = run(["rules", "--lang", "en"])
    assert result.exit_code == 0
    assert "cauda_equina_bladder" in result.stdout and "BASS2018" in result.stdout


def test_version() -> None:
    result = run(["--version"])
    assert result.exit_code == 0
    assert "rugwijzer" in result.stdout and "knowledge base" in result.stdout


def test_python_dash_m_and_console_script_work_the_same() -> None:
    data = json.dumps(intake(night_pain=True))
    by_module = subprocess.run([sys.executable, "-m", "rugwijzer", "assess", "--json", "-"], input=data,
                               capture_output=True, text=True, check=True)
    script = Path(sys.executable).with_name("rugwijzer")
    by_script = subprocess.run([str(script), "assess", "--json", "-"], input=data, capture_output=True,
                               text=True, check=True)
    a, b = json.loads(by_module.stdout), json.loads(by_script.stdout)
    assert a["urgency"] == b["urgency"] == "soon"
    assert a["flags"] == b["flags"]


def test_invalid_line_with_an_emergency_says_so() -> None:
    typo = {k: v for k, v in intake(bladder_problem=True, saddle_numbness=True).items() if k != "bladder_problems"}
    lines = ["{", json.dumps(typo)]
    result = run(["assess", "--jsonl", "-"], "\n".join(lines) + "\n")
    first, second = (json.loads(x) for x in result.stdout.splitlines())
    assert "emergency" not in first["error"]
    assert second["error"]["emergency"]["flags"] == ["cauda_equina_saddle"]
    assert {"bladder_problem", "bladder_problems"} <= set(second["error"]["fields"])
    single = run(["assess", "--lang", "en", "-"], lines[1])
    assert single.exit_code == 2
    assert "112" in single.stderr and "bladder_problem" in single.stderr

