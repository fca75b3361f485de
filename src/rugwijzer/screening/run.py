"""Run a screening end to end on DuckDB (embedded, the default) or Spark (``rugwijzer[spark]``)."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

import duckdb

from rugwijzer.core.engine import RuleSet
from rugwijzer.screening.inputs import quote_path, stage
from rugwijzer.screening.job import Job, Progress, default_rules
from rugwijzer.screening.outputs import Summary, private_files, write_outputs
from rugwijzer.screening.query import ScreeningQuery


def connect(memory_limit: str = "1GB") -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    # A bound on memory: DuckDB spills to its temporary directory rather than take the machine.
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET enable_progress_bar = false")  # our own bar (rich); DuckDB's would print to stdout
    return con


def execute(con: duckdb.DuckDBPyConnection, statement: str, progress: Progress | None = None) -> None:
    """Run one statement; while it runs, report DuckDB's own estimate of how far it is."""
    if progress is None:
        con.execute(statement)
        return
    failure: list[BaseException] = []

    def work() -> None:
        try:
            con.execute(statement)
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.2)
        done = con.query_progress()
        progress(done / 100 if done >= 0 else None)
    if failure:
        raise failure[0]
    progress(1.0)


def screen_duckdb(con: duckdb.DuckDBPyConnection, job: Job, rules: RuleSet, workdir: Path,
                  progress: Progress | None = None) -> Summary:
    staged = stage(con, job.input, job.fmt, job.id_column, job.group_by)
    query = ScreeningQuery(rules, staged.staged, "duckdb").sql(staged.view, staged.id_name, job.group_by)
    result = job.output if job.output.suffix.lower() == ".parquet" else workdir / "results.parquet"
    with private_files():
        execute(con, f"COPY ({query}) TO {quote_path(result)} (FORMAT parquet)", progress)
    con.execute(f"CREATE OR REPLACE VIEW results AS SELECT * FROM read_parquet({quote_path(result)})")
    return write_outputs(con, "results", job.output, staged.id_name, job.group_by)


def screen(job: Job, rules: RuleSet | None = None, progress: Progress | None = None,
           con: duckdb.DuckDBPyConnection | None = None) -> tuple[duckdb.DuckDBPyConnection, Summary, Path]:
    """Screen ``job.input`` into ``job.output``; returns the DuckDB connection (with the view
    ``results`` over the output, for the report), the summary and a private working folder that
    the caller removes (``shutil.rmtree``) when done with the connection."""
    chosen = rules or default_rules()
    workdir = Path(tempfile.mkdtemp(prefix="rugwijzer-screen-"))
    con = con or connect()
    try:
        if job.engine == "spark":
            from rugwijzer.screening.spark import screen_spark

            summary = screen_spark(con, job, chosen, workdir, progress)
        else:
            summary = screen_duckdb(con, job, chosen, workdir, progress)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return con, summary, workdir

