"""Benchmark of ``rugwijzer screen`` (issue 11). Not a test: it prints numbers, it asserts nothing
about speed.

    .venv/bin/python bench/bench_screen.py [--rows 1000000] [--no-spark]

1. generates ``--rows`` intakes into Parquet (bench/screen_data.py);
2. DuckDB: a plain COPY of that file (read it, write it back) against the screening of it, in
   intakes per second and as a ratio, with the peak memory of the screening process;
3. checks the screening's keys against ``rugwijzer assess --jsonl`` on a sample of 20,000 rows;
4. Spark (local[2]): intakes per second on all rows, and an identical output file to DuckDB's on
   100,000 rows.
Each engine runs in a fresh process, so that its peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import orjson

sys.path.insert(0, str(Path(__file__).parent))

from screen_data import generate

from rugwijzer.screening.compare import actual_keys, expected_keys

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

# Runs in a child process: one screening (or copy), timed inside, so that Python's start-up and
# imports are not counted, and the child's peak memory is read by the parent.
CHILD = """
import json, sys, time
from pathlib import Path
mode, source, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
if mode == "copy":
    import duckdb
    con = duckdb.connect()
    start = time.perf_counter()
    con.execute(f"COPY (SELECT * FROM read_parquet('{source}')) TO '{out}' (FORMAT parquet)")
    print(json.dumps({"seconds": time.perf_counter() - start}))
else:
    from rugwijzer.screening.job import Job, default_rules
    from rugwijzer.screening.run import screen
    rules = default_rules()
    if mode == "spark":
        from rugwijzer.screening.spark import session
        session()  # started before the clock: the JVM's start is not the screening
    start = time.perf_counter()
    con, summary, workdir = screen(Job(source, "parquet", out, mode, group_by="department"), rules)
    print(json.dumps({"seconds": time.perf_counter() - start, "rows": summary.rows, "invalid": summary.invalid}))
"""


def child(mode: str, source: Path, out: Path) -> dict[str, Any]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run([PYTHON, "-c", CHILD, mode, str(source), str(out)], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    data["peak_mb"] = round(max(peak, before) / 1024) if peak > before else None  # None: below an earlier child
    return data


def best_of(runs: int, mode: str, source: Path, out: Path) -> dict[str, Any]:
    results = [child(mode, source, out) for _ in range(runs)]
    best = min(results, key=lambda r: r["seconds"])
    best["peak_mb"] = max((r["peak_mb"] or 0) for r in results) or None
    return best


def sample_check(source: Path, screened: Path, rows: int, workdir: Path) -> dict[str, Any]:
    """The first ``rows`` rows through ``rugwijzer assess --jsonl`` (NULL = not given: the key is
    left out, as contract §5 says), compared key by key with the screening's output."""
    con = duckdb.connect()
    relation = con.sql(f"SELECT * EXCLUDE (department) FROM read_parquet('{source}') ORDER BY id LIMIT {rows}")
    names = relation.columns
    lines, ids = [], []
    for row in relation.fetchall():
        data = {k: v for k, v in zip(names, row, strict=True) if v is not None and k != "id"}
        ids.append(row[names.index("id")])
        lines.append(orjson.dumps(data))
    jsonl = workdir / "sample.jsonl"
    jsonl.write_bytes(b"".join(line + b"\n" for line in lines))
    start = time.perf_counter()
    answer = subprocess.run([PYTHON, "-m", "rugwijzer", "assess", "--jsonl", str(jsonl)], capture_output=True,
                            check=False, cwd=ROOT)
    python_seconds = time.perf_counter() - start
    expected = [orjson.loads(line) for line in answer.stdout.splitlines()]
    got = con.sql(f"SELECT * FROM read_parquet('{screened}') ORDER BY id LIMIT {rows}")
    actual = [actual_keys(dict(zip(got.columns, row, strict=True))) for row in got.fetchall()]
    version = actual[0]["knowledge_version"]
    differing = sum(1 for want, have in zip(expected, actual, strict=True) if expected_keys(want, version) != have)
    return {"rows": len(expected), "differing": differing, "assess_jsonl_per_s": round(len(expected) / python_seconds)}


def same_output(a: Path, b: Path) -> dict[str, Any]:
    con = duckdb.connect()
    left = con.sql(f"SELECT * FROM read_parquet('{a}')")
    right = con.sql(f"SELECT * FROM read_parquet('{b}')")
    return {"rows": len(left.fetchall()), "same_columns": left.columns == right.columns,
            "identical": left.fetchall() == right.fetchall()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--spark-compare", type=int, default=100_000)
    parser.add_argument("--no-spark", action="store_true")
    args = parser.parse_args()
    report: dict[str, Any] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
                              "duckdb_version": duckdb.__version__, "rows": args.rows}
    with tempfile.TemporaryDirectory(prefix="rugwijzer-bench-") as name:
        work = Path(name)
        source = work / "intakes.parquet"
        generate(source, args.rows)
        copy = best_of(2, "copy", source, work / "copy.parquet")
        duck = best_of(2, "duckdb", source, work / "screened.parquet")
        report["duckdb"] = {"copy_s": round(copy["seconds"], 2), "screen_s": round(duck["seconds"], 2),
                            "intakes_per_s": round(args.rows / duck["seconds"]),
                            "copy_intakes_per_s": round(args.rows / copy["seconds"]),
                            "ratio_to_copy": round(duck["seconds"] / copy["seconds"], 2),
                            "peak_mb": duck["peak_mb"], "invalid_rows": duck["invalid"]}
        report["sample_vs_assess_jsonl"] = sample_check(source, work / "screened.parquet", args.sample, work)
        if not args.no_spark:
            spark = child("spark", source, work / "spark.parquet")
            report["spark_local2"] = {"screen_s": round(spark["seconds"], 2),
                                      "intakes_per_s": round(args.rows / spark["seconds"])}
            small = work / "small.parquet"
            duckdb.sql(f"COPY (SELECT * FROM read_parquet('{source}') ORDER BY id LIMIT {args.spark_compare}) "
                       f"TO '{small}' (FORMAT parquet)")
            child("duckdb", small, work / "small_duckdb.parquet")
            child("spark", small, work / "small_spark.parquet")
            report["spark_vs_duckdb"] = same_output(work / "small_duckdb.parquet", work / "small_spark.parquet")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
