"""What a screening run is asked to do, and the rules it runs: shared by the DuckDB run and the Spark
job, which must not import each other."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rugwijzer.core.engine import RuleSet
from rugwijzer.screening.inputs import Format

EngineName = Literal["duckdb", "spark"]
ENGINES: tuple[EngineName, ...] = ("duckdb", "spark")
Progress = Callable[[float | None], None]  # fraction done (0..1), or None when it cannot be told


@dataclass(frozen=True, slots=True)
class Job:
    input: Path
    fmt: Format
    output: Path
    engine: EngineName = "duckdb"
    id_column: str | None = None
    group_by: str | None = None


def default_rules() -> RuleSet:
    from rugwijzer.services.assessing import default_assessor

    return default_assessor().engine.rules
