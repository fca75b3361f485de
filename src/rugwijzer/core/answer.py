"""The shape of an explained answer (``Explainer.explain``, ``Assessor.assess``), key by key.

Every adapter reads the answer through these types, so mypy checks each lookup (a renamed or
misspelt key is a type error, not a KeyError in front of a person). The JSON keys are the
contract's (contract §2) plus the texts for people.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

from rugwijzer.core.knowledge import Lang, Level, Region, Urgency


class Action(TypedDict):
    name: str
    action: str
    destination: str
    where: str
    emergency_number: str
    out_of_hours_number: str


class FlagText(TypedDict):
    title: str
    why: str
    source_text: str


class Flag(FlagText):
    id: str
    level: Level
    source: str
    also_tell: bool


class NamedText(TypedDict):
    name: str
    text: str


class CauseText(TypedDict):
    name: str
    explanation: str


class Suspected(CauseText):
    id: str


class StratumText(TypedDict):
    name: str
    care: str


class StartBack(StratumText):
    total: int
    psychosocial: int
    risk: str
    notice: str


class Medication(TypedDict):
    first_choice: str
    paracetamol: str
    paracetamol_cautions: list[str]
    nsaid: str
    nsaid_cautions: list[str]
    paracetamol_advice: list[str]
    nsaid_advice: list[str]
    notes: list[str]
    advice: list[str]


class TitledText(TypedDict):
    title: str
    text: str


class PlanStep(TitledText):
    id: str
    emphasis: NotRequired[str]
    emphasis_text: NotRequired[str]


class AvoidText(TypedDict):
    name: str
    why: str


class Avoid(AvoidText):
    id: str


class Tip(TitledText):
    id: str


class RiskText(TypedDict):
    you: str
    advice: str


class RiskAdvice(RiskText):
    id: str


class Milestone(TypedDict):
    id: str
    day: int
    date: str
    reached: bool
    text: str


class SafetyTier(TypedDict):
    level: str
    heading: str
    signs: list[str]


class Answer(TypedDict):
    urgency: Urgency
    action: Action
    flags: list[Flag]
    also_tell_heading: str
    episode: str | None
    episode_text: NamedText | None
    suspected: list[Suspected]
    startback: StartBack | None
    medication: Medication | None
    plan: list[PlanStep]
    avoid: list[Avoid]
    tips: list[Tip]
    risk_factors: list[str]
    risk_advice: list[RiskAdvice]
    knowledge_version: str
    complete: bool
    assessed_on: str
    onset: str | None
    expectations: bool
    milestones: list[Milestone]
    safety_net: list[SafetyTier]
    prognosis: list[str]
    disclaimer: str
    lang: Lang
    region: Region


class Emergency(TypedDict):
    """The emergency that valid answers already show, carried by an invalid intake's error."""

    urgency: Urgency
    action: Action
    flags: list[Flag]
    disclaimer: str
