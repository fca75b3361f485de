"""Spark (local[2]) runs the same compiled SQL: its output equals DuckDB's and the Python engine's.

One Spark session for the whole test run (starting Spark takes seconds); the inputs are small so the
suite stays quick. Without Java these tests skip and say so."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rugwijzer.screening.inputs import quote_path
from rugwijzer.screening.job import Job
from rugwijzer.screening.run import screen
from rugwijzer.services.assessing import Assessor
from screening_support import any_intakes, mismatches, python_side, read_results, write_jsonl
from test_screening_duckdb import _csv, _typed_parquet, spec_lines

pytestmark = pytest.mark.skipif(shutil.which("java") is None,
                                reason="Spark needs Java (Debian: openjdk-17-jre-headless; .ci/run installs it)")


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from rugwijzer.screening.spark import session

    spark_session = session()
    yield spark_session
    spark_session.stop()


def _screen(path: Path, out: Path, fmt: str, engine: str, **options: Any) -> Path:
    con, _, _ = screen(Job(path, fmt, out, engine, **options))  # type: ignore[arg-type]
    con.close()
    return out


def _same_file(a: Path, b: Path) -> None:
    """The two output files hold the same rows in the same order, column for column."""
    con = duckdb.connect()
    left = con.sql(f"SELECT * FROM {quote_path(a)}").fetchall()
    right = con.sql(f"SELECT * FROM {quote_path(b)}").fetchall()
    assert con.sql(f"SELECT * FROM {quote_path(a)}").columns == con.sql(f"SELECT * FROM {quote_path(b)}").columns
    assert left == right


@given(st.lists(any_intakes(), min_size=30, max_size=30))
@settings(max_examples=1, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
def test_spark_gives_the_engines_answers_on_vignettes_and_generated_intakes(
        spark: Any, assessor: Assessor, tmp_path_factory: Any, generated: list[dict[str, Any]]) -> None:
    tmp = tmp_path_factory.mktemp("spark")
    lines = spec_lines() + [orjson.dumps(d) for d in generated]
    source = write_jsonl(tmp / "in.jsonl", lines)
    spark_out = _screen(source, tmp / "spark.parquet", "jsonl", "spark")
    assert mismatches(python_side(assessor, lines), read_results(spark_out), lines) == []
    _same_file(spark_out, _screen(source, tmp / "duckdb.parquet", "jsonl", "duckdb"))


def test_spark_reads_parquet_and_csv_itself(spark: Any, assessor: Assessor, tmp_path: Path) -> None:
    intakes_ = [orjson.loads(line) for line in spec_lines()]
    data = [d for d in intakes_ if "age" in d]
    parquet = _typed_parquet(tmp_path, data)
    _same_file(_screen(parquet, tmp_path / "p_spark.parquet", "parquet", "spark", group_by=None),
               _screen(parquet, tmp_path / "p_duckdb.parquet", "parquet", "duckdb"))
    text = _csv(tmp_path, [*data, {**data[0], "fever": "yes"}])
    spark_csv = _screen(text, tmp_path / "c_spark.parquet", "csv", "spark")
    _same_file(spark_csv, _screen(text, tmp_path / "c_duckdb.parquet", "csv", "duckdb"))
    assert read_results(spark_csv)[-1]["error_fields"] == ["fever"]
