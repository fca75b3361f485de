"""The intake's fields as the screening query sees them, read from the intake model itself
(``rugwijzer.core.intake``), so that types, ranges and allowed values are never written twice."""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

from rugwijzer.core.intake import Intake, StartBackAnswers
from rugwijzer.core.validation import ALLOWED

Kind = Literal["bool", "int", "enum", "list", "startback"]


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: Kind
    required: bool
    nullable: bool  # None is a value of its own (sex, first_episode, pregnancy_weeks, startback)
    default: Any = None
    low: int | None = None
    high: int | None = None
    values: tuple[str, ...] = ()  # allowed strings (enum) or ids (list)
    allowed: str = ""  # the text of the intake validation: what the error message says is allowed

    @property
    def sql_type(self) -> str:
        return {"bool": "BOOLEAN", "int": "BIGINT", "enum": "VARCHAR", "list": "VARCHAR[]",
                "startback": "VARCHAR"}[self.kind]


def _strip_optional(annotation: Any) -> tuple[Any, bool]:
    args = get_args(annotation)
    if get_origin(annotation) in (Union, types.UnionType) and type(None) in args:
        return next(a for a in args if a is not type(None)), True
    return annotation, False


def _bounds(annotation: Any, metadata: list[Any]) -> tuple[int | None, int | None]:
    found = [*metadata, *get_args(annotation)[1:]]
    flat = [m for item in found for m in (getattr(item, "metadata", None) or [item])]
    low = next((m.ge for m in flat if getattr(m, "ge", None) is not None), None)
    high = next((m.le for m in flat if getattr(m, "le", None) is not None), None)
    return low, high


def _field(name: str, info: Any, prefix: str = "") -> Field:
    annotation, nullable = _strip_optional(info.annotation)
    required = info.is_required()
    default = None if required else info.get_default(call_default_factory=True)
    allowed = ALLOWED[prefix + name]
    if annotation is bool:
        return Field(name, "bool", required, nullable, default, allowed=allowed)
    if get_origin(annotation) is Literal:
        return Field(name, "enum", required, nullable, default, values=get_args(annotation), allowed=allowed)
    if get_origin(annotation) is list:
        return Field(name, "list", required, nullable, default, values=get_args(get_args(annotation)[0]),
                     allowed=allowed)
    if annotation is StartBackAnswers:
        return Field(name, "startback", required, nullable, default, allowed=allowed)
    low, high = _bounds(annotation, info.metadata)
    return Field(name, "int", required, nullable, default, low, high, allowed=allowed)


FIELDS: tuple[Field, ...] = tuple(_field(n, i) for n, i in Intake.model_fields.items())
BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
STARTBACK: tuple[Field, ...] = tuple(_field(n, i, "startback.") for n, i in StartBackAnswers.model_fields.items())
SCALARS: tuple[Field, ...] = tuple(f for f in FIELDS if f.kind in ("bool", "int", "enum"))
