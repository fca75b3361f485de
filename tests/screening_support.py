"""Helpers for the screening tests: intakes of every kind, and both sides of the comparison."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import orjson
from hypothesis import strategies as st

from rugwijzer.core.intake import Intake
from rugwijzer.screening.compare import actual_keys, expected_keys
from rugwijzer.screening.inputs import quote_path
from rugwijzer.services.assessing import Assessor
from strategies import intakes
from support import TODAY

# Read from the intake model, so that a new required field is left out and broken here too.
REQUIRED = [name for name, info in Intake.model_fields.items() if info.is_required()]
# Values of the wrong type or out of range, as a record system might send them.
WRONG: list[Any] = [None, "yes", "true", 7.0, -1, 121, 99999, True, "", [], {}, "toe", 3]


@st.composite
def partial_intakes(draw: st.DrawFn) -> dict[str, Any]:
    """A valid intake with some required answers left out (contract §4)."""
    data = draw(intakes())
    for name in draw(st.lists(st.sampled_from(REQUIRED), min_size=1, unique=True)):
        data.pop(name, None)
    return data


@st.composite
def invalid_intakes(draw: st.DrawFn) -> dict[str, Any]:
    """A valid or partial intake with one to three things wrong (contract §1)."""
    data = draw(st.one_of(intakes(), partial_intakes()))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["value", "unknown", "startback", "risk", "life"]))
        if kind == "value":
            data[draw(st.sampled_from([*REQUIRED, "sex", "first_episode", "pregnancy_weeks", "fever",
                                       "seen_doctor_this_episode", "known_aortic_aneurysm"]))] = draw(
                st.sampled_from(WRONG))
        elif kind == "unknown":
            data[draw(st.sampled_from(["bladder_problem", "startback_total", "notes"]))] = True
        elif kind == "startback":
            data["startback"] = draw(st.sampled_from(
                [{"leg_pain": True}, "none", 3, {"leg_pain": "yes", "shoulder_neck_pain": True},
                 {"leg_pain": True, "shoulder_neck_pain": False, "walk_short_distances": False, "dress_slowly": True,
                  "not_safe_active": True, "worrying_thoughts": True, "never_better": True, "no_enjoyment": True,
                  "bothersomeness": "a_lot"}]))
        elif kind == "risk":
            data["risk_factors"] = draw(st.sampled_from([["overweight", "overweight"], ["smoking"], "overweight"]))
        else:
            data["age"], data["duration_days"] = 1, 5000
    return data


def any_intakes() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(intakes(), partial_intakes(), invalid_intakes())


def python_side(assessor: Assessor, lines: list[bytes]) -> list[dict[str, Any]]:
    """What ``assess --jsonl`` answers, as screening keys."""
    version = assessor.engine.version
    return [expected_keys(orjson.loads(out), version) for out, _ in assessor.assess_lines(lines, TODAY)]


def write_jsonl(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


def read_results(path: Path) -> list[dict[str, Any]]:
    """The output rows in id order (ids are line numbers for JSON Lines without ids)."""
    con = duckdb.connect()
    relation = con.sql(f"SELECT * FROM read_parquet({quote_path(path)}) ORDER BY CAST(id AS BIGINT)")
    names = relation.columns
    return [actual_keys(dict(zip(names, row, strict=True))) for row in relation.fetchall()]


def mismatches(expected: list[dict[str, Any]], actual: list[dict[str, Any]], lines: list[bytes]) -> list[str]:
    """Each differing row, named by line, key and both values (empty when they agree)."""
    assert len(expected) == len(actual)
    out = []
    for number, (want, got, line) in enumerate(zip(expected, actual, lines, strict=True), 1):
        diff = {k: (want[k], got[k]) for k in want if want[k] != got[k]}
        if diff:
            out.append(f"line {number}: {line.decode()[:300]}\n  {diff}")
    return out
