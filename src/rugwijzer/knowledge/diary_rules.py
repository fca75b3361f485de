"""The diary's follow-up rules, read from ``knowledge/data/diary.yaml`` and checked.

Thresholds live in that file (knowledge is data) and the wording of each question in the
self-check flow (``questions.yaml``); this module gives them a shape and fails loudly, naming the
entry, when the file does not fit the intake model.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from rugwijzer.core.conditions import UNKNOWN, Condition, ConditionError, Domain, compile_condition
from rugwijzer.core.fields import field_shape
from rugwijzer.core.intake import Intake
from rugwijzer.core.knowledge import NonEmpty
from rugwijzer.knowledge import KnowledgeError, read_yaml

FILENAME = "diary.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AlarmRecheck(_Strict):
    every_days: Annotated[int, Field(ge=1, le=31)]
    when_pain_rises: bool
    source: NonEmpty


class TrendRule(_Strict):
    window_days: Annotated[int, Field(ge=1, le=14)]
    lookback_days: Annotated[int, Field(ge=1, le=28)]
    improving_drop: Annotated[float, Field(gt=0, le=10)]
    improving_ratio: Annotated[float, Field(gt=0, le=1)]
    worsening_rise: Annotated[float, Field(gt=0, le=10)]
    first_week_days: Annotated[int, Field(ge=1, le=14)]
    source: NonEmpty
    justification: NonEmpty

    @model_validator(mode="after")
    def _windows_do_not_overlap(self) -> TrendRule:
        if self.lookback_days < self.window_days:
            raise ValueError("lookback_days must be at least window_days (the windows must not overlap)")
        return self


class AlarmQuestion(_Strict):
    field: NonEmpty
    ask_when: NonEmpty | None = None


def field_values(name: str) -> tuple[str, ...]:
    """The allowed string values of an enum-like intake field (empty for other types)."""
    return field_shape(name).values


def field_kind(name: str) -> Literal["bool", "int", "choice"]:
    shape = field_shape(name)
    if shape.values:
        return "choice"
    return "bool" if shape.kind == "bool" else "int"


_DOMAINS = {name: Domain(frozenset(field_values(name)) or None) for name in Intake.model_fields}


class DiaryRules(_Strict):
    alarm_recheck: AlarmRecheck
    trend: TrendRule
    alarm_questions: list[AlarmQuestion] = Field(min_length=1)
    _conditions: dict[str, Condition] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _fits_the_intake(self) -> DiaryRules:
        names = [q.field for q in self.alarm_questions]
        for question in self.alarm_questions:
            where = f"alarm_questions[{question.field}]"
            if question.field not in Intake.model_fields or field_kind(question.field) == "int":
                raise ValueError(f"{where}: not a yes/no or choice field of the intake")
            if names.count(question.field) > 1:
                raise ValueError(f"{where}: appears twice")
            if question.ask_when:
                try:
                    self._conditions[question.field] = compile_condition(question.ask_when, _DOMAINS)
                except ConditionError as exc:
                    raise ValueError(f"{where}.ask_when: {exc}") from None
        return self

    @property
    def all_alarm_fields(self) -> list[str]:
        return [q.field for q in self.alarm_questions]

    def alarm_fields(self, facts: Mapping[str, Any]) -> list[str]:
        """The alarm questions for this person now (``facts``: their current intake), in order.
        An answer that is not known counts as "ask": an unknown never hides a question."""
        asked = []
        for name in self.all_alarm_fields:
            condition = self._conditions.get(name)
            values = {n: facts.get(n, _default(n)) for n in condition.names} if condition else {}
            if condition is None or condition.evaluate_partial(values) is not False:
                asked.append(name)
        return asked


def _default(name: str) -> Any:
    """An optional field left out means its contract default; a required one is unknown."""
    info = Intake.model_fields[name]
    return UNKNOWN if info.is_required() else info.get_default(call_default_factory=True)


def parse_rules(document: Any) -> DiaryRules:
    if not isinstance(document, dict) or set(document) != {"diary"}:
        raise KnowledgeError(f"{FILENAME}: expected exactly one top-level key 'diary'")
    try:
        return DiaryRules.model_validate(document["diary"])
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top)"
        raise KnowledgeError(f"{FILENAME}: {where}: {first['msg']}") from None


@functools.cache
def load_rules() -> DiaryRules:
    """The packaged diary rules, read and checked once per process."""
    return parse_rules(read_yaml(FILENAME))  # a repeated key is an error
