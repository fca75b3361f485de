"""The SQL compiler: every rule compiles for both dialects, and SQL's NULL logic gives exactly the
engine's three-valued (Kleene) evaluation of each condition (contract §4)."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlglot import exp

from rugwijzer.core.conditions import UNKNOWN, Condition
from rugwijzer.knowledge import load_knowledge
from rugwijzer.screening import sql
from rugwijzer.screening.compiler import Facts, compile_condition
from rugwijzer.screening.query import ScreeningQuery, Staged
from rugwijzer.screening.schema import FIELDS
from rugwijzer.services.assessing import Assessor
from screening_support import REQUIRED
from strategies import intakes


@pytest.mark.parametrize("dialect", sql.DIALECTS)
def test_the_whole_query_compiles_and_parses_back(assessor: Assessor, dialect: sql.Dialect) -> None:
    for staged in (Staged(), Staged(bad=frozenset({"age", "fever"}), extra=True, intake_error=True, group=True)):
        text = ScreeningQuery(assessor.engine.rules, staged, dialect).sql("staged", "id", "department")
        assert sqlglot.parse_one(text, read=dialect) is not None
        assert load_knowledge().meta.version in text  # the knowledge version travels with every row


def _literal(value: Any, sql_type: str) -> exp.Expr:
    if value is UNKNOWN or value is None:
        return sql.typed_null(sql_type)
    if isinstance(value, list):
        return sql.cast(sql.array([sql.lit(v) for v in value]), "VARCHAR[]")
    return sql.cast(sql.lit(value), sql_type)


def _facts(data: dict[str, Any], derived: dict[str, Any]) -> tuple[dict[str, Any], Facts]:
    """The engine's facts (UNKNOWN for a missing required answer) and the same as SQL literals."""
    python: dict[str, Any] = {}
    values: dict[str, exp.Expr] = {}
    for f in FIELDS:
        if f.kind == "startback":
            continue
        value = data.get(f.name, UNKNOWN if f.required else f.default)
        python[f.name] = value
        values[f.name] = _literal(value, f.sql_type)
    for name, condition in derived.items():
        python[name] = condition.evaluate_partial(python)
        values[name] = _literal(python[name], "BOOLEAN")
    members = {rf: exp.true() if rf in python["risk_factors"] else exp.false()
               for rf in next(f for f in FIELDS if f.name == "risk_factors").values}
    python.update(episode=UNKNOWN, startback_risk=None)
    values.update(episode=sql.typed_null("VARCHAR"), startback_risk=sql.typed_null("VARCHAR"))
    nullable = frozenset({f.name for f in FIELDS if f.nullable} | {"startback_risk"})
    return python, Facts(values, nullable, {"risk_factors": members})


@st.composite
def _partial(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(intakes())
    for name in draw(st.lists(st.sampled_from(REQUIRED), unique=True)):
        data.pop(name, None)
    return data


@given(_partial())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_each_flag_is_true_false_or_null_exactly_as_the_engine_says(assessor: Assessor, data: dict[str, Any]) -> None:
    rules = assessor.engine.rules
    python, facts = _facts(data, dict(rules.derived))
    conditions: list[tuple[str, Condition]] = [(r.id, r.condition) for r in rules.flags]
    select = exp.select(*(compile_condition(c, facts).as_(f"c{i}") for i, (_, c) in enumerate(conditions)))
    row = duckdb.sql(select.sql("duckdb")).fetchall()[0]
    for (flag_id, condition), got in zip(conditions, row, strict=True):
        want = condition.evaluate_partial(python)
        assert got == (None if want is UNKNOWN else want), (flag_id, condition.text, data)
