"""Pydantic models that document the JSON API's answers in OpenAPI.

They describe what ``rugwijzer.core.explain.Explainer.explain`` returns (a test keeps the two in
sync); the routes send the explainer's dict as it is, without re-validating it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rugwijzer.core.flow import Flow
from rugwijzer.core.knowledge import Lang, Level, Region, Urgency


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ActionOut(_Out):
    name: str = Field(description="name of the urgency level")
    action: str = Field(description="what to do now")
    destination: str = Field(description="id of where to go (e.g. emergency_department, gp_today)")
    where: str = Field(description="where to go, in words")
    emergency_number: str
    out_of_hours_number: str


class FlagOut(_Out):
    id: str
    level: Level
    source: str = Field(description="reference keys of the sources, e.g. 'NHG-M55; BASS2018'")
    title: str
    why: str = Field(description="why this sign matters")


class NamedText(_Out):
    name: str
    text: str


class CauseOut(_Out):
    id: str
    name: str
    explanation: str


class StartBackOut(_Out):
    total: int = Field(ge=0, le=9)
    psychosocial: int = Field(ge=0, le=5)
    risk: Literal["low", "medium", "high"]
    name: str
    care: str = Field(description="the matched care for this risk group")
    notice: str = Field(description="copyright and licence notice of the STarT Back Tool (Keele University)")


class MedicationOut(_Out):
    first_choice: str
    nsaid: Literal["second_choice", "avoid"]
    nsaid_cautions: list[str]
    steps: list[str] = Field(description="first choice, then what to do about anti-inflammatory painkillers")
    caution_texts: list[str] = Field(description="why to avoid them, one line per caution")
    notes: list[str] = Field(description="muscle relaxants; read the leaflet, ask the pharmacist")
    advice: list[str] = Field(description="all of the above, in reading order")


class PlanStepOut(_Out):
    id: str
    title: str
    text: str
    emphasis: str | None = Field(None, description="only where the rules give one")
    emphasis_text: str | None = None


class AvoidOut(_Out):
    id: str
    name: str
    why: str


class TipOut(_Out):
    id: str
    title: str
    text: str


class MilestoneOut(_Out):
    id: str
    day: int
    date: str = Field(description="ISO date")
    reached: bool
    text: str


class SafetyNetOut(_Out):
    emergency: list[str] = Field(description="when to call the emergency number")
    doctor: list[str] = Field(description="when to see a doctor")


class AssessmentAnswer(_Out):
    """The assessment (contract §2) with its texts in one language."""

    urgency: Urgency
    action: ActionOut
    flags: list[FlagOut] = Field(description="fired flags, highest level first, then by id")
    # Nullable keys are always there in an answer, but marked optional here because the API
    # description leaves nulls out of its examples.
    episode: Literal["acute", "subacute", "chronic"] | None = None
    episode_text: NamedText | None = None
    suspected: list[CauseOut]
    startback: StartBackOut | None = None
    medication: MedicationOut
    plan: list[PlanStepOut] = Field(description="the self-management plan, in order; empty when a doctor decides")
    avoid: list[AvoidOut]
    tips: list[TipOut]
    risk_factors: list[str]
    knowledge_version: str
    complete: bool = Field(description="false only for an emergency found on a partial intake (contract §4)")
    assessed_on: str = Field(description="ISO date the assessment is for")
    onset: str | None = Field(None, description="ISO date the episode began; null when unknown")
    milestones: list[MilestoneOut]
    safety_net: SafetyNetOut
    prognosis: list[str]
    disclaimer: str = Field(description="Rugwijzer does not replace a doctor")
    lang: Lang
    region: Region


class ProblemOut(_Out):
    field: str = Field(description="the field concerned; startback.<key> inside STarT Back")
    fields: list[str] = Field(default_factory=list, description="every field the problem concerns")
    message: str
    allowed: str = Field(description="what the field allows")


class ErrorBody(_Out):
    status: int = Field(ge=400, le=599)
    message: str
    fields: list[str] = Field(description="every field named by the problems")
    problems: list[ProblemOut]


class ErrorEnvelope(_Out):
    """The one error format of the JSON API and CDS Hooks."""

    error: ErrorBody


class RulesSection(_Out):
    key: str = Field(description="stable id of the section")
    title: str
    note: str
    rows: list[dict[str, str]]


class RulesDocument(_Out):
    """Every rule, threshold, item and source of the knowledge base, as review tables."""

    knowledge_version: str
    lang: Lang
    sections: list[RulesSection]


class FlowDocument(Flow):
    """The self-check question flow (questions.yaml), with the knowledge version."""

    knowledge_version: str
