"""What an intake field accepts, read from its type annotation once, for everyone who asks.

The intake model (``core.intake``) is the one source of truth; the validation messages, the
condition language's fact domains, the question flow's checks and the diary's alarm questions
all read a field's shape from here instead of inspecting annotations themselves.
"""

from __future__ import annotations

import functools
import types
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from rugwijzer.core.intake import Intake, StartBackAnswers

Kind = Literal["bool", "int", "choice", "multi", "model"]


@dataclass(frozen=True, slots=True)
class FieldShape:
    """``kind``: bool, int, choice (one of ``values``), multi (a list of distinct ``values``) or
    model (a nested object); ``nullable``: null is an answer; ``low``/``high``: an int's bounds."""

    kind: Kind
    values: tuple[str, ...] = ()
    nullable: bool = False
    low: int | None = None
    high: int | None = None
    model: type[BaseModel] | None = None


def _flatten(metadata: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in metadata:
        out.extend(getattr(item, "metadata", None) or [item])
    return out


def shape_of(annotation: Any, metadata: list[Any] | None = None) -> FieldShape:
    """The shape of one annotation (``Optional``, ``Annotated`` and ``list`` looked through)."""
    metadata = list(metadata or [])
    args = get_args(annotation)
    if get_origin(annotation) in (Union, types.UnionType) and type(None) in args:
        inner = shape_of(next(a for a in args if a is not type(None)), metadata)
        return FieldShape(inner.kind, inner.values, True, inner.low, inner.high, inner.model)
    if get_origin(annotation) is Annotated:
        return shape_of(args[0], [*metadata, *args[1:]])
    if get_origin(annotation) is Literal:
        return FieldShape("choice", tuple(str(a) for a in args))
    if get_origin(annotation) is list:
        return FieldShape("multi", shape_of(args[0]).values)
    if annotation is bool:
        return FieldShape("bool")
    if annotation is int:
        flat = _flatten(metadata)
        low = next((m.ge for m in flat if getattr(m, "ge", None) is not None), None)
        high = next((m.le for m in flat if getattr(m, "le", None) is not None), None)
        return FieldShape("int", low=low, high=high)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return FieldShape("model", model=annotation)
    raise TypeError(f"an intake field of a type nobody reads: {annotation!r}")


def shape_of_field(info: FieldInfo) -> FieldShape:
    return shape_of(info.annotation, list(info.metadata))


@functools.cache
def field_shape(name: str) -> FieldShape:
    """The shape of an intake field, or of ``startback.<key>``. KeyError for other names."""
    if name.startswith("startback."):
        return shape_of_field(StartBackAnswers.model_fields[name.removeprefix("startback.")])
    return shape_of_field(Intake.model_fields[name])
