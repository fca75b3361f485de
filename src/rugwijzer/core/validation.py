"""From raw JSON text to an intake, a partial intake, or a list of problems (contract §1 and §4).

Every problem names the field and what is allowed, and all problems are reported at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, get_args, get_origin

import orjson
from pydantic import ValidationError

from rugwijzer.core.errors import InvalidInput

if TYPE_CHECKING:
    from rugwijzer.core.answer import Emergency
from rugwijzer.core.fields import FieldShape, field_shape
from rugwijzer.core.intake import REQUIRED_FIELDS, Intake, StartBackAnswers


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an intake, naming the field (``startback.<key>`` inside STarT Back)."""

    field: str
    message: str
    allowed: str
    also: tuple[str, ...] = ()  # other fields a cross-field check concerns

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.field, *self.also)

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "fields": list(self.fields), "message": self.message,
                "allowed": self.allowed}

    def __str__(self) -> str:
        return f"{self.field}: {self.message} (allowed: {self.allowed})"


# Dates from outside (an assessment date, a FHIR ``authored``) are refused outside these bounds.
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)


class IntakeError(InvalidInput):
    """The intake cannot be assessed; ``problems`` says why, field by field."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        # Set by the assessor when the valid answers already show an emergency (see Assessor.assess).
        self.emergency: Emergency | None = None
        super().__init__("; ".join(str(p) for p in problems))

    @property
    def fields(self) -> list[str]:
        names: list[str] = []
        for problem in self.problems:
            for name in problem.fields:
                if name not in names:
                    names.append(name)
                top = name.split(".")[0]
                if top != name and top not in names:
                    names.append(top)
        return names

    def as_dict(self) -> dict[str, Any]:
        # An emergency the valid answers already show comes first: every surface shows it first.
        out: dict[str, Any] = {"emergency": self.emergency} if self.emergency else {}
        out.update({
            "message": "invalid intake: " + "; ".join(str(p) for p in self.problems),
            "fields": self.fields,
            "problems": [p.as_dict() for p in self.problems],
        })
        return out


@dataclass(frozen=True, slots=True)
class ParsedIntake:
    """A validated intake. ``unknown`` names required fields that were missing (contract §4):
    their values in ``intake`` are placeholders and must be treated as unknown."""

    intake: Intake
    unknown: frozenset[str] = frozenset()

    @property
    def complete(self) -> bool:
        return not self.unknown


def _describe(shape: FieldShape) -> str:
    """Plain description of what a field accepts, from its shape."""
    text = {
        "choice": "one of " + ", ".join(shape.values),
        "multi": "a list of distinct ids from: " + ", ".join(shape.values),
        "bool": "true or false",
        "int": f"a whole number from {shape.low} to {shape.high}",
        "model": "an object with all of " + ", ".join(shape.model.model_fields if shape.model else ()),
    }[shape.kind]
    return text + ", or null" if shape.nullable else text


def _allowed_table() -> dict[str, str]:
    table = {name: _describe(field_shape(name)) for name in Intake.model_fields}
    for name in StartBackAnswers.model_fields:
        table[f"startback.{name}"] = _describe(field_shape(f"startback.{name}"))
    table["startback"] = "null, or an object with all nine keys: " + ", ".join(StartBackAnswers.model_fields)
    return table


ALLOWED: dict[str, str] = _allowed_table()


class _RepeatedKey(ValueError):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)


def _refuse_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _RepeatedKey(key)
            seen.add(key)
    return result


def _key_count(value: Any) -> int:
    """Keys in all objects of a parsed JSON value (a plain loop: this runs once per intake)."""
    items: Iterable[Any]
    if type(value) is dict:
        count, items = len(value), value.values()
    elif type(value) is list:
        count, items = 0, value
    else:
        return 0
    for item in items:
        if type(item) is dict or type(item) is list:
            count += _key_count(item)
    return count


def _may_repeat_a_key(text: str | bytes, data: Any) -> bool:
    """False only when no key can have been given twice. Every key in the text is followed by a
    colon, so when the text has no more colons than the parsed objects have keys, the keys are
    all distinct. More colons (a colon inside a text answer, or a repeated key) need a closer look."""
    colons = text.count(b":") if isinstance(text, bytes) else text.count(":")
    return colons != _key_count(data)


def load_json_object(text: str | bytes) -> dict[str, Any]:
    """Parse one JSON object, refusing repeated keys (a second value must not hide a 'yes').

    The fast parser keeps the last of repeated keys silently, so its result is checked by counting;
    when in doubt the slower parser, which sees every key, decides and names the repeated key."""
    try:
        data = orjson.loads(text)
        if _may_repeat_a_key(text, data):
            json.loads(text, object_pairs_hook=_refuse_repeated_keys)
    except _RepeatedKey as exc:
        raise IntakeError([Problem(exc.key, "this key is given more than once",
                                   ALLOWED.get(exc.key, "each key once"))]) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IntakeError([Problem("intake", f"not valid JSON ({exc})", "one JSON object")]) from None
    if not isinstance(data, dict):
        raise IntakeError([Problem("intake", f"expected a JSON object, got {type(data).__name__}",
                                   "one JSON object")])
    return data


def _field_name(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc if isinstance(p, str)]
    return ".".join(parts) if parts else "intake"


def _problem(error: Mapping[str, Any]) -> Problem:
    field = _field_name(tuple(error["loc"]))
    kind = error["type"]
    if kind == "missing":
        message = "is required but missing"
    elif kind == "extra_forbidden":
        return Problem(field, "is not a known field (check the spelling)", "the fields of contract §1")
    elif field == "risk_factors" and kind == "value_error":
        message = str(error["msg"]).removeprefix("Value error, ")
    else:
        message = f"got {json.dumps(error.get('input'), default=str)[:60]} ({error['msg'].lower()})"
    return Problem(field, message, ALLOWED.get(field, "see contract §1"))


def _placeholder(name: str) -> Any:
    """A valid stand-in value for a missing required field (its value is never used as an answer)."""
    annotation = Intake.model_fields[name].annotation
    if annotation is bool:
        return False
    if get_origin(annotation) is Literal:
        return get_args(annotation)[0]
    return 0


def _check_age_and_duration(intake: Intake, unknown: frozenset[str]) -> list[Problem]:
    if {"age", "duration_days"} & unknown or intake.duration_days <= (intake.age + 1) * 366:
        return []
    return [Problem("duration_days", "is longer than the person's life (see age)",
                    "at most (age + 1) × 366", also=("age",))]


def parse_intake(data: Mapping[str, Any], allow_partial: bool = True) -> ParsedIntake:
    """Validate a decoded JSON object. With ``allow_partial``, missing required fields (and nothing
    else wrong) give a ParsedIntake with those fields unknown; the caller must then return an
    emergency assessment or the error (contract §4)."""
    try:
        intake = Intake.model_validate(data)
        unknown: frozenset[str] = frozenset()
    except ValidationError as exc:
        problems = [_problem(e) for e in exc.errors(include_url=False)]
        missing = frozenset(p.field for p in problems if p.message == "is required but missing")
        if not allow_partial or len(missing) < len(problems) or not missing <= set(REQUIRED_FIELDS):
            raise IntakeError(problems) from None
        filled = {**data, **{name: _placeholder(name) for name in missing}}
        intake, unknown = Intake.model_validate(filled), missing
    problems = _check_age_and_duration(intake, unknown)
    if problems:
        raise IntakeError(problems)
    return ParsedIntake(intake, unknown)


def missing_error(parsed: ParsedIntake) -> IntakeError:
    """The error for a partial intake that showed no emergency."""
    return IntakeError([Problem(name, "is required but missing", ALLOWED[name])
                        for name in REQUIRED_FIELDS if name in parsed.unknown])
