"""The same screening query as Spark SQL (``pip install 'rugwijzer[spark]'``; Java 17 or later).

Parquet and CSV are read by Spark itself (also from object storage: ``s3a://...``); JSON Lines and
FHIR NDJSON are parsed and checked by DuckDB first (their checks need JSON's own types, which
Spark's JSON reader does not keep) and handed to Spark as a staged Parquet file.
On a cluster: ``spark-submit .../rugwijzer/screening/spark.py INPUT OUTPUT_DIR`` (see docs/screening.md).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from rugwijzer.core.engine import RuleSet
from rugwijzer.screening.inputs import Format, InputError, stage
from rugwijzer.screening.outputs import Summary, private_files, write_outputs
from rugwijzer.screening.query import ScreeningQuery, Staged
from rugwijzer.screening.staging import ColumnType, TableStaging

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from rugwijzer.screening.job import Job

Progress = Callable[[float | None], None]


def session(master: str = "local[2]", driver_memory: str = "1g") -> SparkSession:
    """A Spark session for local runs (an existing session, e.g. under spark-submit, is reused)."""
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master(master).appName("rugwijzer-screen")
             .config("spark.driver.memory", driver_memory)
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")  # no progress lines mixed into our output
             .config("spark.sql.shuffle.partitions", "4")
             .getOrCreate())
    configure(spark)
    return spark


def configure(spark: SparkSession) -> None:
    spark.sparkContext.setLogLevel("ERROR")  # Spark's INFO lines could name files and paths; keep them out
    # The staging converts text with CAST and lets the checks judge the result (NULL = not a number);
    # ANSI mode would stop the whole job at the first bad cell instead.
    spark.conf.set("spark.sql.ansi.enabled", "false")


def column_type(data_type: Any) -> ColumnType:
    """Spark's type → the reduced kind the staging needs."""
    from pyspark.sql import types as t

    if isinstance(data_type, t.BooleanType):
        return ColumnType("bool")
    if isinstance(data_type, t.ByteType | t.ShortType | t.IntegerType | t.LongType):
        return ColumnType("int")
    if isinstance(data_type, t.FloatType | t.DoubleType | t.DecimalType):
        return ColumnType("float")
    if isinstance(data_type, t.StringType):
        return ColumnType("str")
    if isinstance(data_type, t.ArrayType) and isinstance(data_type.elementType, t.StringType):
        return ColumnType("list")
    if isinstance(data_type, t.StructType):
        return ColumnType("struct", {f.name: column_type(f.dataType) for f in data_type.fields})
    return ColumnType("other")


def _with_row_numbers(spark: SparkSession, frame: DataFrame) -> DataFrame:
    """A 1-based row number in file order, for files without an id column."""
    from pyspark.sql import types as t

    schema = t.StructType([*frame.schema.fields, t.StructField("__row", t.LongType(), False)])
    return spark.createDataFrame(frame.rdd.zipWithIndex().map(lambda pair: (*pair[0], pair[1] + 1)), schema)


def screen_frame(spark: SparkSession, frame: DataFrame, rules: RuleSet, *, text: bool, id_column: str | None,
                 group_by: str | None) -> tuple[DataFrame, str]:
    """The screening result of a DataFrame read from Parquet (typed) or CSV (``text``)."""
    columns = {f.name: column_type(f.dataType) for f in frame.schema.fields}
    if id_column and id_column not in columns:
        raise InputError(f"--id {id_column}")
    if group_by and group_by not in columns:
        raise InputError(f"--group-by {group_by}")
    id_name = id_column or "id"
    if id_name not in columns:
        frame = _with_row_numbers(spark, frame)
    frame.createOrReplaceTempView("raw_input")
    staging = TableStaging(columns, text=text, dialect="spark", id_column=id_name if id_name in columns else None,
                           group_column=group_by, row_number="__row")
    select, staged = staging.select("raw_input")
    spark.sql(select.sql("spark")).createOrReplaceTempView("staged")
    return spark.sql(ScreeningQuery(rules, staged, "spark").sql("staged", id_name, group_by)), id_name


def _screen_staged(spark: SparkSession, path: Path, staged: Staged, rules: RuleSet, id_name: str,
                   group_by: str | None) -> DataFrame:
    spark.read.parquet(str(path)).createOrReplaceTempView("staged")
    return spark.sql(ScreeningQuery(rules, staged, "spark").sql("staged", id_name, group_by))


def _read(spark: SparkSession, path: str, fmt: Format) -> DataFrame:
    if fmt == "parquet":
        return spark.read.parquet(path)
    # Every cell as text (Spark's default): its type is decided by the checks, as with DuckDB.
    return spark.read.option("header", "true").option("mode", "PERMISSIVE").csv(path)


def screen_spark(con: duckdb.DuckDBPyConnection, job: Job, rules: RuleSet, workdir: Path,
                 progress: Progress | None = None) -> Summary:
    """``rugwijzer screen --engine spark``: Spark computes, then DuckDB writes the local output
    file, the call-back list and (for the report) the view ``results`` over Spark's Parquet."""
    spark = session()
    if progress:
        progress(None)
    if job.fmt in ("jsonl", "fhir"):
        staged_input = stage(con, job.input, job.fmt, job.id_column, job.group_by)
        parquet = workdir / "staged.parquet"
        with private_files():
            con.execute(f"COPY (SELECT * FROM {staged_input.view}) TO '{parquet}' (FORMAT parquet)")
        result = _screen_staged(spark, parquet, staged_input.staged, rules, staged_input.id_name, job.group_by)
        id_name = staged_input.id_name
    else:
        frame = _read(spark, str(job.input), job.fmt)
        result, id_name = screen_frame(spark, frame, rules, text=job.fmt == "csv", id_column=job.id_column,
                                       group_by=job.group_by)
    spark_dir = workdir / "spark"
    with private_files():
        result.write.mode("overwrite").parquet(str(spark_dir))
    con.execute(f"CREATE OR REPLACE VIEW spark_results AS SELECT * FROM read_parquet('{spark_dir}/*.parquet')")
    final = job.output if job.output.suffix.lower() == ".parquet" else workdir / "results.parquet"
    with private_files():
        con.execute(f"COPY (SELECT * FROM spark_results) TO '{final}' (FORMAT parquet)")
    con.execute(f"CREATE OR REPLACE VIEW results AS SELECT * FROM read_parquet('{final}')")
    if progress:
        progress(1.0)
    return write_outputs(con, "results", job.output, id_name, job.group_by)


def main(argv: list[str] | None = None) -> int:
    """``spark-submit .../screening/spark.py INPUT OUTPUT [--csv] [--id COLUMN] [--group-by COLUMN]``:
    screen a Parquet (or, with --csv, CSV) input at any path Spark reads (s3a://, hdfs://, abfss://)
    into a Parquet folder. No personal data is printed: only the counts."""
    import argparse

    from pyspark.sql import SparkSession

    from rugwijzer.screening.job import default_rules

    parser = argparse.ArgumentParser(prog="rugwijzer.screening.spark")
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--csv", action="store_true")
    parser.add_argument("--id", dest="id_column")
    parser.add_argument("--group-by", dest="group_by")
    args = parser.parse_args(argv)
    spark = SparkSession.builder.appName("rugwijzer-screen").getOrCreate()
    configure(spark)
    fmt: Format = "csv" if args.csv else "parquet"
    result, _ = screen_frame(spark, _read(spark, args.input, fmt), default_rules(), text=args.csv,
                             id_column=args.id_column, group_by=args.group_by)
    result.write.mode("overwrite").parquet(args.output)
    written = spark.read.parquet(args.output)
    print(f"rows: {written.count()}, invalid: {written.where('error IS NOT NULL').count()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
