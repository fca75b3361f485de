"""Generated intakes for the screening benchmark: a Parquet file of ``n`` rows, made by DuckDB itself.

Mostly ordinary back pain, with each alarm answer at about 1%, about 2% partial rows (a required
answer missing) and about 0.5% invalid rows (an age out of range), as in a real batch.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from rugwijzer.core.intake import RISK_FACTORS, STARTBACK_KEYS
from rugwijzer.screening.schema import FIELDS


def _pick(values: tuple[str, ...] | list[str]) -> str:
    items = ", ".join(f"'{v}'" for v in values)
    return f"([{items}])[1 + floor(random() * {len(values)})::INTEGER]"


def _column(name: str, kind: str, required: bool, values: tuple[str, ...]) -> str:
    if name == "age":
        return "CASE WHEN random() < 0.005 THEN 130 ELSE floor(random() * 100)::BIGINT END"
    if name == "duration_days":
        return "CASE WHEN random() < 0.6 THEN floor(random() * 43)::BIGINT ELSE floor(random() * 700)::BIGINT END"
    if name == "pain_score":
        return "floor(random() * 11)::BIGINT"
    if name == "pregnancy_weeks":
        return "CASE WHEN random() < 0.02 THEN 1 + floor(random() * 40)::BIGINT END"
    if kind == "enum":
        none_first = values[0] if "none" not in values else "none"
        pick = _pick(values)
        return pick if not required or none_first not in values else (
            f"CASE WHEN random() < 0.9 THEN '{none_first}' ELSE {pick} END")
    if kind == "bool":
        return f"random() < {0.01 if required else 0.03}"
    raise ValueError(name)


def generate(path: Path, n: int, seed: float = 0.42) -> None:
    con = duckdb.connect()
    con.execute(f"SELECT setseed({seed})")
    cols = ["(i + 1)::BIGINT AS id", f"{_pick(['north', 'south', 'east', 'west', 'depot'])} AS department"]
    for f in FIELDS:
        if f.kind == "list":
            ids = ", ".join(f"CASE WHEN random() < 0.15 THEN '{r}' END" for r in RISK_FACTORS)
            cols.append(f"list_filter([{ids}], lambda x: x IS NOT NULL) AS risk_factors")
        elif f.kind == "startback":
            keys = ", ".join(f"{k} := random() < 0.3" for k in STARTBACK_KEYS if k != "bothersomeness")
            bother = _pick(["not_at_all", "slightly", "moderately", "very_much", "extremely"])
            cols.append(f"CASE WHEN random() < 0.3 THEN struct_pack({keys}, bothersomeness := {bother}) END "
                        "AS startback")
        elif f.name == "sex":
            cols.append(f"{_pick(['female', 'male'])} AS sex")
        elif f.name == "first_episode":
            cols.append("CASE WHEN random() < 0.5 THEN random() < 0.5 END AS first_episode")
        else:
            value = _column(f.name, f.kind, f.required, f.values)
            if f.required:  # about 2% of the rows miss one required answer (partial intakes)
                value = f"CASE WHEN random() < 0.001 THEN NULL ELSE {value} END"
            cols.append(f"{value} AS {f.name}")
    con.execute(f"COPY (SELECT {', '.join(cols)} FROM range({n}) t(i)) TO '{path}' (FORMAT parquet)")
