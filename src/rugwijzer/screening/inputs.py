"""Input files → a staged DuckDB view (see ``staging`` and ``json_staging``).

Formats by suffix: ``.parquet``; ``.csv``; ``.jsonl``/``.json``/``.ndjson`` (one intake per line); FHIR
Bulk Data NDJSON of QuestionnaireResponses (``.ndjson``/``.jsonl`` whose first line is one).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import duckdb
import orjson
from duckdb.sqltypes import DuckDBPyType

from rugwijzer.screening.json_staging import json_select
from rugwijzer.screening.query import Staged
from rugwijzer.screening.staging import ColumnType, TableStaging

Format = Literal["parquet", "csv", "jsonl", "fhir"]
_SUFFIXES: dict[str, Format] = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".jsonl": "jsonl",
                                ".json": "jsonl", ".ndjson": "jsonl"}


class InputError(ValueError):
    """The input cannot be read as a table of intakes (one message, naming the file or option)."""


@dataclass(frozen=True, slots=True)
class StagedInput:
    view: str  # the staged view in the DuckDB connection
    staged: Staged
    id_name: str  # the id column's name in the output
    temporary: tuple[Path, ...] = ()


def detect_format(path: Path) -> Format:
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InputError(path.suffix or path.name)
    if fmt == "jsonl" and _first_resource_type(path) == "QuestionnaireResponse":
        return "fhir"
    return fmt


def _first_resource_type(path: Path) -> str | None:
    with path.open("rb") as handle:
        for raw in handle:
            if raw.strip():
                try:
                    data = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    return None
                return data.get("resourceType") if isinstance(data, dict) else None
    return None


def quote_path(path: Path | str) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def column_type(t: DuckDBPyType) -> ColumnType:
    """DuckDB's type → the reduced kind the staging needs."""
    tid = t.id
    if tid == "boolean":
        return ColumnType("bool")
    if tid in ("tinyint", "smallint", "integer", "bigint", "utinyint", "usmallint", "uinteger", "ubigint",
               "hugeint"):
        return ColumnType("int")
    if tid in ("float", "double", "decimal"):
        return ColumnType("float")
    if tid == "varchar":
        return ColumnType("str")
    if tid == "list" and t.child.id == "varchar":
        return ColumnType("list")
    if tid == "struct":
        return ColumnType("struct", {str(name): column_type(child) for name, child in t.children
                                     if isinstance(child, DuckDBPyType)})
    return ColumnType("other")


def stage(con: duckdb.DuckDBPyConnection, path: Path, fmt: Format, id_column: str | None,
          group_column: str | None) -> StagedInput:
    """Create the view ``staged`` over the input (and ``raw_input`` below it)."""
    if fmt in ("jsonl", "fhir"):
        return _stage_lines(con, path, fmt, id_column, group_column)
    if fmt == "parquet":
        con.execute(f"CREATE OR REPLACE VIEW raw_input AS SELECT * FROM read_parquet({quote_path(path)}, "
                    "file_row_number = true)")
        row_number = "file_row_number"
    else:
        # All text: a CSV cell's type is decided by the checks (strict: "yes" is not true).
        con.execute(f"CREATE OR REPLACE VIEW raw_input AS SELECT *, row_number() OVER () AS __row FROM "
                    f"read_csv({quote_path(path)}, all_varchar = true, header = true)")
        row_number = "__row"
    relation = con.sql("SELECT * FROM raw_input LIMIT 0")
    columns = {name: column_type(t) for name, t in zip(relation.columns, relation.types, strict=True)
               if name not in ("file_row_number", "__row")}
    id_name = _id_column(columns, id_column)
    if group_column and group_column not in columns:
        raise InputError(f"--group-by {group_column}")
    if fmt == "parquet" and id_name not in columns:
        con.execute("CREATE OR REPLACE VIEW raw_input AS SELECT *, file_row_number + 1 AS __row FROM "
                    f"read_parquet({quote_path(path)}, file_row_number = true)")
        row_number = "__row"
    staging = TableStaging(columns, text=fmt == "csv", dialect="duckdb", id_column=id_name if id_name in columns
                           else None, group_column=group_column, row_number=row_number)
    select, staged = staging.select("raw_input")
    con.execute("CREATE OR REPLACE VIEW staged AS " + select.sql("duckdb"))
    return StagedInput("staged", staged, id_name)


def _id_column(columns: dict[str, ColumnType], id_column: str | None) -> str:
    if id_column and id_column not in columns:
        raise InputError(f"--id {id_column}")
    return id_column or "id"


def _lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        for raw in handle:
            yield raw.rstrip(b"\r\n")


def _stage_lines(con: duckdb.DuckDBPyConnection, path: Path, fmt: Format, id_column: str | None,
                 group_column: str | None) -> StagedInput:
    """JSON Lines: each line kept as text, numbered from 1 as ``assess --jsonl`` numbers them;
    FHIR: each resource mapped to an intake by the FHIR adapter first."""
    fd, name = tempfile.mkstemp(suffix=".jsonl", prefix="rugwijzer-")
    os.close(fd)
    temp = Path(name)
    temp.chmod(0o600)
    with temp.open("wb") as out:
        records = _fhir_records(_lines(path)) if fmt == "fhir" else (
            {"row": n, "raw": line.decode("utf-8", "replace")} for n, line in enumerate(_lines(path), 1))
        for record in records:
            out.write(orjson.dumps(record) + b"\n")
    columns = "{'row': 'BIGINT', 'raw': 'VARCHAR', 'pre_error': 'VARCHAR', 'pre_fields': 'VARCHAR[]'}"
    con.execute(f"CREATE OR REPLACE VIEW raw_input AS SELECT row AS __row, raw AS __raw, pre_error AS __pre_error, "
                f"pre_fields AS __pre_fields FROM read_json({quote_path(temp)}, format = 'newline_delimited', "
                f"columns = {columns})")
    id_key = "id" if fmt == "fhir" else (id_column or "id")
    select, staged = json_select("raw_input", id_key, group_column, pre_errors=True)
    con.execute("CREATE OR REPLACE VIEW staged AS " + select.sql("duckdb"))
    return StagedInput("staged", staged, id_column or "id", (temp,))


def _fhir_records(lines: Iterator[bytes]) -> Iterator[dict[str, Any]]:
    """Each QuestionnaireResponse as an intake (the FHIR adapter's own mapping), or its error."""
    from rugwijzer.fhir.response import ResponseError, intake_from_response
    from rugwijzer.knowledge import load_flow
    from rugwijzer.services.json_input import load_object

    flow = load_flow()
    for number, line in enumerate(lines, 1):
        record: dict[str, Any] = {"row": number}
        resource_id: Any = None
        try:
            resource = load_object(line)
            resource_id = resource.get("id")
            mapped = intake_from_response(resource, flow)
            record["raw"] = orjson.dumps({**mapped.intake, "id": resource_id}).decode()
        except ResponseError as exc:
            record.update(raw=orjson.dumps({"id": resource_id}).decode(), pre_error=exc.message,
                          pre_fields=list(exc.fields) or ["QuestionnaireResponse"])
        except ValueError as exc:  # not JSON, or a repeated key
            fields = list(getattr(exc, "fields", None) or ["QuestionnaireResponse"])
            record.update(raw="{}", pre_error=f"not a readable resource: {', '.join(fields)}", pre_fields=fields)
        yield record
