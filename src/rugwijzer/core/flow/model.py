"""The question flow's data model: screens, questions, options, units, and what a form refusal or
a submitted screen says. Pure pydantic and dataclasses; built by :mod:`.build`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from rugwijzer.core.errors import KnowledgeBaseError
from rugwijzer.core.knowledge import Id, Text

if TYPE_CHECKING:
    from rugwijzer.core.engine import Assessment

Kind = Literal["boolean", "choice", "integer", "duration", "multi", "checklist"]
OptionValue = bool | str | None
AnswerValue = bool | int | str | None | list[str]
Answers = Mapping[str, AnswerValue]
ErrorCode = Literal["required", "choose", "whole_number", "range", "unit", "conflict", "none_and_more"]
STARTBACK_PREFIX = "startback."
NONE = "none"  # the "none of these" answer of a checklist
# Flags at these levels change what a person must do; a question they read is an alarm question.
ALARM_LEVELS = frozenset({"emergency", "urgent", "soon"})


class FlowError(KnowledgeBaseError):
    """questions.yaml does not fit the contract or the knowledge base; the message names the entry."""


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Option(StrictModel):
    value: OptionValue
    label: Text | None = None  # filled in by build_flow where the data leaves it out


class Unit(StrictModel):
    id: Id
    days: int = Field(ge=1)
    label: Text


class Question(StrictModel):
    field: str
    kind: Kind = "boolean"
    label: Text | None = None
    help: Text | None = None
    options: list[Option] = []
    min: int | None = None
    max: int | None = None
    unit: Text | None = None
    units: list[Unit] = []
    optional: bool = False
    helper: bool = False
    ask_when: str | None = None
    skip_value: AnswerValue = None
    items: list[Question] = []  # checklist: one yes/no intake field per checkbox
    alarm: bool = False  # set by build_flow from the engine's rules, never written in the data

    @property
    def unit_field(self) -> str:
        """Form name of a duration's unit choice."""
        return f"{self.field}__unit"

    def option(self, value: OptionValue) -> Option | None:
        return next((o for o in self.options if o.value == value and type(o.value) is type(value)), None)


class Screen(StrictModel):
    id: Id
    title: Text
    intro: Text | None = None
    notice: Text | None = None  # filled in from startback.yaml for STarT Back screens
    ask_when: str | None = None
    offered: bool = False  # an extra the person chooses: counted in "steps left" once chosen
    questions: list[Question] = Field(min_length=1)


class FlowDocument(StrictModel):
    texts: dict[str, Text]
    screens: list[Screen] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class FieldError:
    """Why a form value was refused; adapters turn ``code`` into words in their own language."""

    field: str
    code: ErrorCode
    low: int | None = None
    high: int | None = None
    others: tuple[str, ...] = ()  # the other fields a ``conflict`` concerns


@dataclass(frozen=True, slots=True)
class Step:
    """The outcome of submitting one screen (see :func:`submit`)."""

    answers: dict[str, AnswerValue]
    errors: dict[str, FieldError] = field(default_factory=dict)
    emergency: Assessment | None = None
    next: Screen | None = None

    @property
    def finished(self) -> bool:
        return not self.errors and self.emergency is None and self.next is None
