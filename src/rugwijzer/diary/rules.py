"""The diary's follow-up rules and questions, read from ``knowledge/data/diary.yaml`` and checked.

Thresholds and wording live in that file (knowledge is data); this module only gives them a shape
and fails loudly, naming the entry, when the file does not fit the intake model.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rugwijzer.core.intake import Intake
from rugwijzer.core.knowledge import Lang, NonEmpty, Text
from rugwijzer.knowledge import DATA_DIR, KnowledgeError, _UniqueKeyLoader

FILENAME = "diary.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AlarmRecheck(_Strict):
    every_days: Annotated[int, Field(ge=1, le=31)]
    when_pain_rises: bool
    source: NonEmpty


class TrendRule(_Strict):
    window_days: Annotated[int, Field(ge=1, le=14)]
    worsening_rise: Annotated[float, Field(gt=0, le=10)]
    improving_drop: Annotated[float, Field(gt=0, le=10)]
    source: NonEmpty
    justification: NonEmpty


class Option(_Strict):
    value: NonEmpty
    text: Text


class Question(_Strict):
    id: NonEmpty
    text: Text
    options: list[Option] = []

    def label(self, lang: Lang, value: Any) -> str:
        """The words for an answer: an option's text, yes/no left to the caller (``None`` here)."""
        for option in self.options:
            if option.value == value:
                return option.text[lang]
        return str(value)


def field_values(name: str) -> tuple[str, ...]:
    """The allowed string values of an enum-like intake field (empty for other types)."""
    annotation = Intake.model_fields[name].annotation
    for candidate in (annotation, *get_args(annotation)):
        if get_origin(candidate) is Literal:
            return tuple(str(v) for v in get_args(candidate))
    return ()


def field_kind(name: str) -> Literal["bool", "int", "choice"]:
    annotation = Intake.model_fields[name].annotation
    if field_values(name):
        return "choice"
    if annotation is bool or bool in get_args(annotation):  # ``bool | None`` too
        return "bool"
    return "int"


class DiaryRules(_Strict):
    alarm_recheck: AlarmRecheck
    trend: TrendRule
    alarm_questions: list[NonEmpty] = Field(min_length=1)
    pregnancy_only: list[NonEmpty] = []
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _fits_the_intake(self) -> DiaryRules:
        ids = [q.id for q in self.questions]
        for name in ids:
            if name not in Intake.model_fields or name == "duration_days":
                raise ValueError(f"questions[{name}]: not an intake field the diary can ask")
            if ids.count(name) > 1:
                raise ValueError(f"questions[{name}]: appears twice")
            question = self.question(name)
            allowed = set(field_values(name))
            if {o.value for o in question.options} != allowed and (question.options or allowed):
                raise ValueError(f"questions[{name}].options: must list exactly {sorted(allowed)}")
        for name in [*self.alarm_questions, *self.pregnancy_only]:
            if name not in ids:
                raise ValueError(f"alarm_questions: {name} has no entry in questions")
        return self

    def question(self, name: str) -> Question:
        return next(q for q in self.questions if q.id == name)

    def alarm_fields(self, pregnant: bool) -> list[str]:
        """The alarm questions for this person, emergency signs first."""
        return [f for f in self.alarm_questions if pregnant or f not in self.pregnancy_only]


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
    try:
        text = (DATA_DIR / FILENAME).read_text(encoding="utf-8")
        document = yaml.load(text, Loader=_UniqueKeyLoader)  # a repeated key is an error
    except FileNotFoundError:
        raise KnowledgeError(f"{FILENAME}: file is missing") from None
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{FILENAME}: not valid YAML: {exc}") from None
    return parse_rules(document)
