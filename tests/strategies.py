"""Hypothesis strategies for valid intakes (contract §1), derived from the intake model itself.

Every field of :class:`~rugwijzer.core.intake.Intake` gets its strategy from its annotation (a
``Literal`` samples its values, an ``int`` with ``ge``/``le`` stays within them, a nested model is
built field by field), so a field added to the model is drawn by the property tests without any
change here. An annotation this module cannot read fails loudly (``TypeError``) instead of being
skipped. Only one cross-field rule lives here: the duration stays within the person's life.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from rugwijzer.core.intake import Bothersomeness, Intake, PainTrend, Radiation, Sides, StartBackAnswers, Trauma

SIDES = list(get_args(Sides))
RADIATION = list(get_args(Radiation))
TRENDS = list(get_args(PainTrend))
TRAUMA = list(get_args(Trauma))
BOTHER = list(get_args(Bothersomeness))


def _bounds(metadata: list[Any]) -> tuple[int | None, int | None]:
    low = high = None
    flat = [m for item in metadata for m in (item.metadata if isinstance(item, FieldInfo) else [item])]
    for item in flat:
        if isinstance(item, annotated_types.Ge):
            low = int(item.ge)  # type: ignore[call-overload]
        elif isinstance(item, annotated_types.Gt):
            low = int(item.gt) + 1  # type: ignore[call-overload]
        elif isinstance(item, annotated_types.Le):
            high = int(item.le)  # type: ignore[call-overload]
        elif isinstance(item, annotated_types.Lt):
            high = int(item.lt) - 1  # type: ignore[call-overload]
    return low, high


def for_annotation(annotation: Any, metadata: list[Any] | None = None) -> st.SearchStrategy[Any]:
    """The strategy for one (possibly Optional, Annotated or nested) field annotation."""
    metadata = list(metadata or [])
    origin = get_origin(annotation)
    if origin is Literal:
        return st.sampled_from(get_args(annotation))
    if origin in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        parts = [for_annotation(a, metadata) for a in members]
        if len(members) < len(get_args(annotation)):
            parts.append(st.none())
        return st.one_of(*parts)
    if origin is Annotated:
        return for_annotation(get_args(annotation)[0], [*metadata, *annotation.__metadata__])
    if origin is list:
        (item,) = get_args(annotation)
        inner = for_annotation(item)
        if get_origin(item) is Literal:  # a list of ids: each at most once (the model refuses repeats)
            return st.lists(inner, unique=True)
        return st.lists(inner, max_size=5)
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        low, high = _bounds(metadata)
        return st.integers(low, high)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_dicts(annotation, all_fields=True)
    raise TypeError(f"no strategy for annotation {annotation!r}: teach tests/strategies.py this type")


def for_field(info: FieldInfo) -> st.SearchStrategy[Any]:
    return for_annotation(info.annotation, info.metadata)


def model_dicts(model: type[BaseModel], *, all_fields: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts valid for ``model``: required fields always, optional ones sometimes (or all of them)."""
    required = {name: for_field(info) for name, info in model.model_fields.items() if info.is_required()}
    optional = {name: for_field(info) for name, info in model.model_fields.items() if not info.is_required()}
    if all_fields:
        return st.fixed_dictionaries({**required, **optional})
    return st.fixed_dictionaries(required, optional=optional)


def startback_answers() -> st.SearchStrategy[dict[str, Any]]:
    return model_dicts(StartBackAnswers, all_fields=True)


@st.composite
def intakes(draw: st.DrawFn) -> dict[str, Any]:
    """Any valid intake, with the duration kept within the person's life."""
    data = draw(model_dicts(Intake))
    age = data["age"]
    data["duration_days"] = draw(st.one_of(st.integers(0, 120), st.integers(0, min(36500, (age + 1) * 366))))
    return data
