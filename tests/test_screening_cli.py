"""``rugwijzer screen``: files, exit status, the call-back list, options and their messages."""

from __future__ import annotations

import csv
import stat
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pytest
from typer.testing import CliRunner

from rugwijzer.cli.app import app
from rugwijzer.languages import LANGS
from rugwijzer.screening.inputs import quote_path
from support import NEUTRAL

runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, ["screen", *args])


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return path


ROWS = [{**NEUTRAL, "id": "a7", "department": "depot"},
        {**NEUTRAL, "id": "a2", "department": "depot", "bladder_problems": True},
        {**NEUTRAL, "id": "a1", "department": "office", "leg_weakness": "one_leg"},
        {**NEUTRAL, "id": "a9", "department": "office", "age": 70}]


def test_screen_writes_results_and_a_sorted_call_back_list(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "in.jsonl", ROWS)
    result = run(str(source), "-o", str(tmp_path / "out.parquet"), "--group-by", "department", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Screened 4 intakes: 0 not valid, 3 to call back." in result.output
    rows = duckdb.sql(f"SELECT id, urgency, department FROM {quote_path(tmp_path / 'out.parquet')}").fetchall()
    assert rows == [("a7", "self_care", "depot"), ("a2", "emergency", "depot"), ("a1", "urgent", "office"),
                    ("a9", "soon", "office")]
    with (tmp_path / "out.callback.csv").open() as handle:
        back = list(csv.DictReader(handle))
    assert [(r["id"], r["urgency"], r["department"]) for r in back] == [
        ("a2", "emergency", "depot"), ("a1", "urgent", "office"), ("a9", "soon", "office")]
    assert back[0]["flags"] == "cauda_equina_bladder"
    for name in ("out.parquet", "out.callback.csv"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600


def test_invalid_rows_exit_2_and_the_valid_ones_are_still_written(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "in.jsonl", [{**NEUTRAL, "pain_score": 11}, NEUTRAL])
    result = run(str(source), "-o", str(tmp_path / "out.csv"), "--lang", "en")
    assert result.exit_code == 2
    with (tmp_path / "out.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["error_fields"] == "pain_score" and "a whole number from 0 to 10" in rows[0]["error"]
    assert rows[1]["urgency"] == "self_care" and rows[1]["error"] == ""
    assert rows[1]["plan"].startswith("stay_active;")


def test_an_unknown_column_stops_the_whole_file_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,age,bladder_problem\n1,40,true\n")
    result = run(str(path), "-o", str(tmp_path / "out.parquet"), "--lang", "en")
    assert result.exit_code == 2
    assert "bladder_problem" in result.output
    assert not (tmp_path / "out.parquet").exists()
    named = run(str(path), "-o", str(tmp_path / "out.parquet"), "--group-by", "bladder_problem")
    assert named.exit_code == 2  # the row is partial and shows no emergency: an error row, not a stop
    assert (tmp_path / "out.parquet").exists()


@pytest.mark.parametrize(("args", "named"), [
    (["--engine", "postgres"], "duckdb, spark"), (["--lang", "es"], ", ".join(LANGS)),
    (["--min-cell", "0"], "--min-cell"),
    (["-o", "out.xlsx"], ".parquet"), (["--id", "nummer"], "nummer"), (["--group-by", "afdeling"], "afdeling")])
def test_bad_options_exit_2_naming_the_option_and_what_is_allowed(tmp_path: Path, args: list[str], named: str) -> None:
    source = _jsonl(tmp_path / "in.csv", [])
    source.write_text("id,age\n1,40\n")
    out = ["-o", str(tmp_path / "out.parquet")] if "-o" not in args else []
    lang = ["--lang", "en"] if "--lang" not in args else []
    result = run(str(source), *out, *args, *lang)
    assert result.exit_code == 2
    assert named in result.output


def test_messages_follow_the_language(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "in.jsonl", [NEUTRAL])
    dutch = run(str(source), "-o", str(tmp_path / "out.parquet"))
    french = run(str(source), "-o", str(tmp_path / "out.parquet"), "--lang", "fr")
    assert dutch.exit_code == french.exit_code == 0
    assert dutch.output != french.output and "1" in dutch.output
