"""The screening result → the output file (Parquet or CSV), the call-back list, and the numbers.

Output files hold health data: they are created readable by their owner only (mode 0600).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from rugwijzer.screening.inputs import quote_path
from rugwijzer.screening.query import OUTPUT_COLUMNS

CALLBACK_LEVELS = ("emergency", "urgent", "soon")
_LIST_COLUMNS = {"flags", "suspected", "medication_paracetamol_cautions", "medication_nsaid_cautions", "plan",
                 "avoid", "tips", "risk_factors", "error_fields"}
_STRUCT_COLUMNS = {"flag_levels", "plan_emphasis"}


@dataclass(frozen=True, slots=True)
class Summary:
    rows: int
    invalid: int
    callback: int
    output: Path
    callback_path: Path


def callback_path(out: Path) -> Path:
    return out.with_name(out.stem + ".callback.csv")


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextlib.contextmanager
def private_files() -> Iterator[None]:
    """New files readable by their owner only, from the moment they exist (umask), not after."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def _csv_cell(name: str, members: list[str]) -> str:
    """A list as ``a;b``; a struct of ids as ``id:value;id:value`` for its non-NULL members (CSV has
    no nested values)."""
    column = ident(name)
    if name in _LIST_COLUMNS:
        return f"array_to_string({column}, ';') AS {column}"
    if name in _STRUCT_COLUMNS:
        parts = ", ".join(f"CASE WHEN {column}.{ident(m)} IS NOT NULL THEN '{m}:' || {column}.{ident(m)} END"
                          for m in members)
        return f"CASE WHEN {column} IS NOT NULL THEN concat_ws(';', {parts}) END AS {column}"
    return column


def _struct_members(con: duckdb.DuckDBPyConnection, results: str) -> dict[str, list[str]]:
    relation = con.sql(f"SELECT * FROM {results} LIMIT 0")
    return {name: [child for child, _ in t.children] for name, t in zip(relation.columns, relation.types, strict=True)
            if name in _STRUCT_COLUMNS}


def write_outputs(con: duckdb.DuckDBPyConnection, results: str, out: Path, id_name: str,
                  group_name: str | None) -> Summary:
    """Write ``out`` (as CSV when it ends in .csv; ``results`` is then read again) and the call-back
    list next to it, from the results view; files are 0600."""
    with private_files():
        if out.suffix.lower() == ".csv":
            members = _struct_members(con, results)
            cells = [ident(id_name), *(_csv_cell(c, members.get(c, [])) for c in OUTPUT_COLUMNS)]
            if group_name:
                cells.append(ident(group_name))
            con.execute(f"COPY (SELECT {', '.join(cells)} FROM {results}) TO {quote_path(out)} (HEADER, DELIMITER ',')")
        back = callback_path(out)
        group = f", {ident(group_name)}" if group_name else ""
        rank = " ".join(f"WHEN '{u}' THEN {i}" for i, u in enumerate(CALLBACK_LEVELS))
        con.execute(
            f"COPY (SELECT {ident(id_name)}, urgency, array_to_string(flags, ';') AS flags{group} FROM {results} "
            f"WHERE urgency IN {CALLBACK_LEVELS} ORDER BY CASE urgency {rank} END, {ident(id_name)}) "
            f"TO {quote_path(back)} (HEADER, DELIMITER ',')")
    for path in (out, back):
        path.chmod(0o600)
    counts = con.execute(f"SELECT count(*), count(error), count(*) FILTER (urgency IN {CALLBACK_LEVELS}) "
                     f"FROM {results}").fetchone()
    assert counts is not None
    return Summary(int(counts[0]), int(counts[1]), int(counts[2]), out, back)
