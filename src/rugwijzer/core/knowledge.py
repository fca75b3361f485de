"""The shape of the knowledge base: rules, items and texts as data (see ``knowledge/data``).

These models only describe and check the data; reading the files is the loader's job
(``rugwijzer.knowledge``), and running the rules is the engine's (``rugwijzer.core.engine``).
"""

from __future__ import annotations

import re
import string
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Lang = Literal["nl", "fr", "en"]
LANGS: tuple[Lang, ...] = ("nl", "fr", "en")
Level = Literal["emergency", "urgent", "soon", "routine"]
Urgency = Literal["emergency", "urgent", "soon", "routine", "self_care"]
URGENCIES: tuple[Urgency, ...] = ("self_care", "routine", "soon", "urgent", "emergency")  # low → high
Region = Literal["be", "nl"]
REGIONS: tuple[Region, ...] = ("be", "nl")

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

# Placeholders a text may use; filled in per region when a text is shown.
PLACEHOLDERS = frozenset({"emergency_number", "out_of_hours", "out_of_hours_number"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """One message in every language, side by side so a reviewer sees them together."""

    nl: NonEmpty
    fr: NonEmpty
    en: NonEmpty

    @model_validator(mode="after")
    def _known_placeholders(self) -> Text:
        for lang in LANGS:
            names = {f[1] for f in string.Formatter().parse(getattr(self, lang)) if f[1]}
            if names - PLACEHOLDERS:
                raise ValueError(f"unknown placeholder(s) {sorted(names - PLACEHOLDERS)} in {lang}")
        return self

    def __getitem__(self, lang: Lang) -> str:
        text: str = getattr(self, lang)
        return text


class Reference(_Strict):
    key: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9-]*$")]
    citation: NonEmpty


class Flag(_Strict):
    """A red or orange flag: fires when ``when`` holds (clinical-rules §2)."""

    id: Id
    level: Level
    when: NonEmpty
    source: NonEmpty
    # Standing facts a doctor weighs once per episode (the † flags): their level once seen.
    level_if_seen_doctor: Level | None = None
    # Where to go when this is the only reason for an emergency (e.g. the maternity unit).
    destination: Id | None = None
    title: Text
    why: Text


class Cause(_Strict):
    """A suspected specific cause, decided by which flags fired (clinical-rules §3)."""

    id: Id
    flags: list[Id] = Field(min_length=1)
    name: Text
    explanation: Text


class Emphasis(_Strict):
    id: Id
    when: NonEmpty
    text: Text


class PlanItem(_Strict):
    id: Id
    when: NonEmpty = "True"
    source: NonEmpty
    title: Text
    text: Text
    emphasis: list[Emphasis] = []


class AvoidItem(_Strict):
    id: Id
    when: NonEmpty
    source: NonEmpty
    name: Text
    why: Text


class Tip(_Strict):
    id: Id
    personal_when: NonEmpty  # tips that fit the person come first
    source: NonEmpty
    title: Text
    text: Text


class Gated(_Strict):
    """A list of items that is left empty when ``skip_when`` holds (the doctor decides then)."""

    skip_when: NonEmpty
    skip_source: NonEmpty


class PlanSection(Gated):
    items: list[PlanItem] = Field(min_length=1)


class AvoidSection(Gated):
    items: list[AvoidItem] = Field(min_length=1)


class TipSection(Gated):
    items: list[Tip] = Field(min_length=1)


class Caution(_Strict):
    id: Id
    when: NonEmpty
    text: Text


class Medication(_Strict):
    source: NonEmpty
    first_choice: Id
    first_choice_text: Text
    nsaid_second_choice_text: Text
    nsaid_avoid_text: Text
    muscle_relaxants_text: Text
    leaflet_text: Text
    cautions: list[Caution] = Field(min_length=1)


class StartBackItem(_Strict):
    key: Id
    psychosocial: bool
    paraphrase: Text


class Bothersomeness(_Strict):
    value: Id
    score: Literal[0, 1]
    paraphrase: Text


class RiskStratum(_Strict):
    id: Literal["low", "medium", "high"]
    name: Text
    care: Text


class StartBack(_Strict):
    source: NonEmpty
    notice: Text  # copyright, licence and "paraphrase, not the validated wording"
    question_bothersomeness: Text
    items: list[StartBackItem] = Field(min_length=8, max_length=8)
    bothersomeness: list[Bothersomeness] = Field(min_length=5, max_length=5)
    high_if_psychosocial_at_least: int
    medium_if_total_at_least: int
    strata: list[RiskStratum] = Field(min_length=3, max_length=3)


class Episode(_Strict):
    id: Literal["acute", "subacute", "chronic"]
    max_days: int | None  # None: no upper bound
    source: NonEmpty
    name: Text
    text: Text


class Milestone(_Strict):
    day: int = Field(ge=1)
    id: Id
    source: NonEmpty
    text: Text


class UrgencyLevel(_Strict):
    id: Urgency
    name: Text
    action: Text  # what to do now; may use region placeholders
    destination: Id  # where to go, unless a flag names a special destination


class Destination(_Strict):
    id: Id
    text: Text


class RegionInfo(_Strict):
    id: Region
    name: Text
    emergency_number: NonEmpty
    out_of_hours: Text  # the out-of-hours GP service's name
    out_of_hours_number: str = ""


class Messages(_Strict):
    disclaimer: Text
    urgencies: list[UrgencyLevel] = Field(min_length=5, max_length=5)
    destinations: list[Destination] = Field(min_length=1)
    safety_net_emergency: list[Text] = Field(min_length=1)
    safety_net_doctor: list[Text] = Field(min_length=1)
    prognosis: list[Text] = Field(min_length=1)
    pregnancy_note: Text
    milestones: list[Milestone] = Field(min_length=1)
    regions: list[RegionInfo] = Field(min_length=2)


class Difference(_Strict):
    """A point where the sources disagree, shown to clinicians (clinical-rules §11)."""

    id: Id
    source: NonEmpty
    text: Text


class Meta(_Strict):
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]
    title: Text
    derived: dict[Id, NonEmpty]  # derived facts, defined as conditions over the intake
    episodes: list[Episode] = Field(min_length=3, max_length=3)
    references: list[Reference] = Field(min_length=1)


class KnowledgeBase(_Strict):
    """Everything the engine knows. Built by the loader from the YAML files, one section a file."""

    meta: Meta
    flags: list[Flag]
    causes: list[Cause]
    plan: PlanSection
    avoid: AvoidSection
    tips: TipSection
    medication: Medication
    startback: StartBack
    messages: Messages
    differences: list[Difference] = Field(min_length=1)

    @property
    def version(self) -> str:
        return self.meta.version

    def source_keys(self, source: str) -> list[str]:
        """The reference keys a ``source`` string cites, e.g. 'SEED alarm list; NHG-M55'."""
        return re.findall(r"(?:^|;\s*)([A-Z][A-Z0-9-]*)", source)
