"""The request body's JSON Schema for the API description, taken from the core's intake model."""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel

from rugwijzer.core.intake import Intake


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """Replace local ``$ref``s into ``$defs`` by the definitions themselves."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {key: _inline(value, defs) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    return node


def self_contained(model: type[BaseModel]) -> dict[str, Any]:
    """A model's JSON Schema without references, to embed in the API description."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})
    inlined: dict[str, Any] = _inline(schema, defs)
    return inlined


@functools.cache
def intake_schema() -> dict[str, Any]:
    """JSON Schema of an intake (contract §1), self-contained."""
    inlined = self_contained(Intake)
    inlined["title"] = "Intake"
    inlined["properties"]["risk_factors"]["uniqueItems"] = True
    inlined["description"] = (
        "One person's answers (contract §1). Unknown fields, explicit nulls (except where allowed) and "
        "loose types are refused. A half-filled intake whose answers already show an emergency is "
        "answered with complete=false (contract §4); otherwise every required field must be there. "
        "duration_days may be at most (age + 1) × 366. A repeated key is refused.")
    return inlined
