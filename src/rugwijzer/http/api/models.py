"""Pydantic models that document the JSON API's answers in OpenAPI.

They describe what ``rugwijzer.core.explain.Explainer.explain`` returns (a test keeps the two in
sync); the routes send the explainer's dict as it is, without re-validating it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rugwijzer.core.flow import Flow
from rugwijzer.core.knowledge import Lang, Level, Region, Urgency
from rugwijzer.languages import LANGS


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
    source_text: str = Field(description="the sources as a lay reader knows them, e.g. 'Belgian guideline (KCE, "
                                         "2017)'")
    also_tell: bool = Field(description="a lower flag in an emergency or urgent result: 'also tell the doctor', "
                                        "with no action of its own")


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
    paracetamol: Literal["standard", "reduced_dose"]
    paracetamol_cautions: list[str]
    nsaid: Literal["second_choice", "avoid"]
    nsaid_cautions: list[str]
    paracetamol_advice: list[str] = Field(description="paracetamol, then the reasons for a lower dose if any")
    nsaid_advice: list[str] = Field(description="anti-inflammatory painkillers: second choice, or why to avoid them")
    notes: list[str] = Field(description="a child's dose; muscle relaxants; read the leaflet, ask the pharmacist")
    advice: list[str] = Field(description="all of the above, in reading order")


class PlanStepOut(_Out):
    id: str
    title: str
    text: str
    emphasis: str | None = Field(None, description="only where the rules give one")
    emphasis_text: str | None = None


class RiskAdviceOut(_Out):
    id: str = Field(description="a risk factor id, or pregnancy")
    you: str = Field(description="the risk factor as the person said it")
    advice: str = Field(description="one small step for it")


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


class SafetyTierOut(_Out):
    level: Literal["emergency", "urgent", "soon"] = Field(description="112 now / a doctor today / the GP soon")
    heading: str
    signs: list[str]


class AssessmentAnswer(_Out):
    """The assessment (contract §2) with its texts in one language."""

    urgency: Urgency
    action: ActionOut
    flags: list[FlagOut] = Field(description="fired flags, highest level first, then by id")
    also_tell_heading: str = Field(description="heading for the flags marked also_tell")
    # Nullable keys are always there in an answer, but marked optional here because the API
    # description leaves nulls out of its examples.
    episode: Literal["acute", "subacute", "chronic"] | None = None
    episode_text: NamedText | None = None
    suspected: list[CauseOut]
    startback: StartBackOut | None = None
    medication: MedicationOut | None = Field(None, description="null in an emergency: no self-medication advice")
    plan: list[PlanStepOut] = Field(description="the self-management plan, in order; empty when a doctor decides")
    avoid: list[AvoidOut]
    tips: list[TipOut]
    risk_factors: list[str]
    risk_advice: list[RiskAdviceOut] = Field(description="the risk factors said back with a step for each; empty "
                                                         "when the plan is")
    knowledge_version: str
    complete: bool = Field(description="false only for an emergency found on a partial intake (contract §4)")
    assessed_on: str = Field(description="ISO date the assessment is for")
    onset: str | None = Field(None, description="ISO date the episode began; null when unknown")
    expectations: bool = Field(description="whether what to expect and milestones apply (not for emergency, "
                                           "urgent)")
    milestones: list[MilestoneOut]
    safety_net: list[SafetyTierOut] = Field(description="the tiers above this result's urgency; none in an "
                                                        "emergency")
    prognosis: list[str] = Field(description="what to expect; empty for emergency and urgent")
    disclaimer: str = Field(description="Rugwijzer does not replace a doctor")
    lang: Lang = Field(json_schema_extra={"enum": list(LANGS)}, description="a language of the registry")
    region: Region


class ProblemOut(_Out):
    field: str = Field(description="the field concerned; startback.<key> inside STarT Back")
    fields: list[str] = Field(default_factory=list, description="every field the problem concerns")
    message: str
    allowed: str = Field(description="what the field allows")


class EmergencyOut(_Out):
    """An emergency that the valid answers already show, whatever the invalid ones are (contract §1)."""

    urgency: Literal["emergency"]
    action: ActionOut
    flags: list[FlagOut] = Field(description="the emergency flags")
    disclaimer: str


class ErrorBody(_Out):
    emergency: EmergencyOut | None = Field(None, description="shown first: the valid answers already show an "
                                                             "emergency (contract §1)")
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
    lang: Lang = Field(json_schema_extra={"enum": list(LANGS)}, description="a language of the registry")
    sections: list[RulesSection]


class FlowDocument(Flow):
    """The self-check question flow (questions.yaml), with the knowledge version."""

    knowledge_version: str
