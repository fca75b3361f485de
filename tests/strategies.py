"""Hypothesis strategies for valid intakes (contract §1), derived from the intake model itself.

Every field of :class:`~rugwijzer.core.intake.Intake` gets its strategy from its shape, read from
its annotation by ``rugwijzer.core.fields`` (the app's own reading: a choice samples its values, an
int stays within its bounds, a nested model is built field by field), so a field added to the
model is drawn by the property tests without any change here. A type nobody reads fails loudly
(``TypeError``) instead of being skipped. Only one cross-field rule lives here: the duration
stays within the person's life.
"""

from __future__ import annotations

from typing import Any, get_args

from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from rugwijzer.core.fields import FieldShape, shape_of, shape_of_field
from rugwijzer.core.intake import Bothersomeness, Intake, PainTrend, Radiation, Sides, StartBackAnswers, Trauma

SIDES = list(get_args(Sides))
RADIATION = list(get_args(Radiation))
TRENDS = list(get_args(PainTrend))
TRAUMA = list(get_args(Trauma))
BOTHER = list(get_args(Bothersomeness))


def for_shape(shape: FieldShape) -> st.SearchStrategy[Any]:
    """The strategy for one field shape (``rugwijzer.core.fields``, the shapes the app itself reads)."""
    strategy: st.SearchStrategy[Any]
    if shape.kind == "choice":
        strategy = st.sampled_from(shape.values)
    elif shape.kind == "multi":  # a list of ids: each at most once (the model refuses repeats)
        strategy = st.lists(st.sampled_from(shape.values), unique=True)
    elif shape.kind == "bool":
        strategy = st.booleans()
    elif shape.kind == "int":
        strategy = st.integers(shape.low, shape.high)
    else:
        assert shape.model is not None
        strategy = model_dicts(shape.model, all_fields=True)
    return st.one_of(strategy, st.none()) if shape.nullable else strategy


def for_annotation(annotation: Any, metadata: list[Any] | None = None) -> st.SearchStrategy[Any]:
    """The strategy for one annotation; a type the app cannot read raises TypeError."""
    return for_shape(shape_of(annotation, metadata))


def for_field(info: FieldInfo) -> st.SearchStrategy[Any]:
    return for_shape(shape_of_field(info))


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
