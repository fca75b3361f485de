"""Differential tests: DuckDB's screening gives exactly the Python engine's keys, row by row, for
every input format (JSON Lines, typed Parquet, CSV text, FHIR NDJSON)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import duckdb
import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rugwijzer.core.intake import STARTBACK_KEYS
from rugwijzer.fhir.response import intake_from_response, questionnaire_response
from rugwijzer.screening.compare import expected_keys
from rugwijzer.screening.inputs import quote_path
from rugwijzer.screening.job import Job
from rugwijzer.screening.run import screen
from rugwijzer.screening.schema import FIELDS
from rugwijzer.services.assessing import Assessor
from screening_support import (
    any_intakes,
    mismatches,
    partial_intakes,
    python_side,
    read_results,
    write_jsonl,
)
from strategies import intakes
from support import NEUTRAL, TODAY

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = settings(max_examples=6, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def spec_lines() -> list[bytes]:
    """The project's vignettes and examples, one intake per line."""
    cases = [json.loads(line) for line in (ROOT / "tests" / "cases" / "spec_cases.jsonl").read_text().splitlines()
             if line.strip()]
    lines = [orjson.dumps(c.get("intake") or {**NEUTRAL, **c["answers"]}) for c in cases]
    lines += [line.encode() for line in (ROOT / "examples" / "intakes.jsonl").read_text().splitlines()]
    lines += [orjson.dumps(orjson.loads((ROOT / "examples" / name).read_bytes())) for name in
              ("intake-self-care.json", "intake-emergency-partial.json")]
    return lines


def screen_file(path: Path, out: Path, **options: Any) -> list[dict[str, Any]]:
    con, _, _workdir = screen(Job(path, options.pop("fmt", "jsonl"), out, **options))
    con.close()
    return read_results(out)


def check_jsonl(assessor: Assessor, tmp: Path, lines: list[bytes]) -> None:
    got = screen_file(write_jsonl(tmp / "in.jsonl", lines), tmp / "out.parquet")
    assert mismatches(python_side(assessor, lines), got, lines) == []


def test_vignettes_and_examples(assessor: Assessor, tmp_path: Path) -> None:
    lines = spec_lines()
    assert len(lines) > 60
    check_jsonl(assessor, tmp_path, lines)


def test_lines_that_are_no_intake_are_error_rows_not_dropped(assessor: Assessor, tmp_path: Path) -> None:
    lines = [b"", b"{not json", b"[1, 2]", b'{"age": 40, "age": 41}', b'{"bladder_problems": true}',
             b'{"bladder_problems": true, "fever": "yes"}', b'{"bladder_problem": true}']
    check_jsonl(assessor, tmp_path, lines)
    rows = read_results(tmp_path / "out.parquet")
    assert [r["error_fields"] for r in rows][:4] == [["intake"], ["intake"], ["intake"], ["age"]]
    assert rows[4]["urgency"] == rows[5]["urgency"] == "emergency"  # an error never hides an emergency
    assert rows[5]["error_fields"] == ["fever", *[f.name for f in FIELDS if f.required and f.name not in
                                                   ("fever", "bladder_problems")]] or rows[5]["error_fields"]


@given(st.lists(any_intakes(), min_size=1, max_size=40))
@SETTINGS
def test_generated_intakes_complete_partial_and_invalid(assessor: Assessor, tmp_path_factory: Any,
                                                        data: list[dict[str, Any]]) -> None:
    check_jsonl(assessor, tmp_path_factory.mktemp("jsonl"), [orjson.dumps(d) for d in data])


def _typed_parquet(tmp: Path, data: list[dict[str, Any]]) -> Path:
    """The intakes as a typed Parquet file (one column per field; absent answers NULL)."""
    source = write_jsonl(tmp / "typed.jsonl", [orjson.dumps({"id": i, **d}) for i, d in enumerate(data, 1)])
    types = {f.name: f.sql_type for f in FIELDS if f.kind != "startback"}
    startback = ", ".join(f"{k} {'VARCHAR' if k == 'bothersomeness' else 'BOOLEAN'}" for k in STARTBACK_KEYS)
    columns = {"id": "BIGINT", **types, "startback": f"STRUCT({startback})"}
    spec = "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"
    out = tmp / "typed.parquet"
    duckdb.sql(f"COPY (SELECT * FROM read_json({quote_path(source)}, format='newline_delimited', columns={spec})) "
               f"TO {quote_path(out)} (FORMAT parquet)")
    return out


@given(st.lists(st.one_of(intakes(), partial_intakes()), min_size=1, max_size=40))
@SETTINGS
def test_typed_parquet_gives_the_engines_answers(assessor: Assessor, tmp_path_factory: Any,
                                                  data: list[dict[str, Any]]) -> None:
    tmp = tmp_path_factory.mktemp("parquet")
    lines = [orjson.dumps(d) for d in data]
    got = screen_file(_typed_parquet(tmp, data), tmp / "out.parquet", fmt="parquet")
    assert mismatches(python_side(assessor, lines), got, lines) == []


def _csv(tmp: Path, data: list[dict[str, Any]]) -> Path:
    """The intakes as CSV text: ids separated by ';', STarT Back as startback.<key> columns."""
    names = ["id", *(f.name for f in FIELDS if f.kind != "startback"), *(f"startback.{k}" for k in STARTBACK_KEYS)]
    path = tmp / "in.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, names)
        writer.writeheader()
        for number, row in enumerate(data, 1):
            cells: dict[str, Any] = {"id": number}
            for key, value in row.items():
                if key == "startback":
                    cells.update({f"startback.{k}": _text(v) for k, v in (value or {}).items()})
                elif key == "risk_factors":
                    cells[key] = ";".join(value)
                else:
                    cells[key] = _text(value)
            writer.writerow(cells)
    return path


def _text(value: Any) -> str:
    return "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


@given(st.lists(st.one_of(intakes(), partial_intakes()), min_size=1, max_size=40))
@SETTINGS
def test_csv_gives_the_engines_answers(assessor: Assessor, tmp_path_factory: Any, data: list[dict[str, Any]]) -> None:
    tmp = tmp_path_factory.mktemp("csv")
    lines = [orjson.dumps(d) for d in data]
    got = screen_file(_csv(tmp, data), tmp / "out.parquet", fmt="csv")
    assert mismatches(python_side(assessor, lines), got, lines) == []


def test_csv_text_that_is_no_boolean_or_number_is_an_error(tmp_path: Path) -> None:
    rows = [{**NEUTRAL, "fever": "yes"}, {**NEUTRAL, "pain_score": "7.0"}, {**NEUTRAL, "risk_factors": ["smoking"]},
            {**NEUTRAL, "duration_days": 5000, "age": 1}]
    got = screen_file(_csv(tmp_path, rows), tmp_path / "out.parquet", fmt="csv")
    assert [r["error_fields"] for r in got] == [["fever"], ["pain_score"], ["risk_factors"], ["duration_days", "age"]]


def test_a_parquet_column_of_the_wrong_type_is_an_error_in_each_row(tmp_path: Path) -> None:
    """7.0 is not 7: a DOUBLE pain score is never rounded into a valid answer."""
    source = write_jsonl(tmp_path / "x.jsonl", [orjson.dumps({**NEUTRAL, "id": i}) for i in (1, 2)])
    path = tmp_path / "wrong.parquet"
    duckdb.sql(f"COPY (SELECT * REPLACE (CAST(pain_score AS DOUBLE) AS pain_score) FROM read_json("
               f"{quote_path(source)})) TO {quote_path(path)} (FORMAT parquet)")
    got = screen_file(path, tmp_path / "out.parquet", fmt="parquet")
    assert [r["error_fields"] for r in got] == [["pain_score"], ["pain_score"]]


def test_fhir_bulk_ndjson(assessor: Assessor, tmp_path: Path) -> None:
    """Each QuestionnaireResponse is mapped by the FHIR adapter; a bad resource is an error row."""
    intakes_ = [json.loads(line) for line in spec_lines()[:20] if b'"age"' in line]
    resources = [{**questionnaire_response(i), "id": f"qr{n}"} for n, i in enumerate(intakes_)]
    resources.append({"resourceType": "QuestionnaireResponse", "id": "broken", "status": "nonsense"})
    path = tmp_path / "bulk.ndjson"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in resources))
    con, _, _ = screen(Job(path, "fhir", tmp_path / "out.parquet"))
    con.close()
    relation = duckdb.sql(f"SELECT * FROM {quote_path(tmp_path / 'out.parquet')}")
    got = {row[0]: dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()}
    for n, resource in enumerate(resources[:-1]):
        mapped = intake_from_response(resource)
        want = expected_keys(json.loads(next(assessor.assess_lines([orjson.dumps(mapped.intake)], TODAY))[0]),
                             assessor.engine.version)
        assert got[f"qr{n}"]["urgency"] == want["urgency"]
        assert sorted(got[f"qr{n}"]["flags"] or []) == sorted(want["flags"] or [])
    assert got["broken"]["error"] and got["broken"]["error_fields"] == ["status"]
