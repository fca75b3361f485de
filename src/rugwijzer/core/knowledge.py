"""The shape of the knowledge base: rules, items and texts as data (see ``knowledge/data``).

These models only describe and check the data; reading the files is the loader's job
(``rugwijzer.knowledge``), and running the rules is the engine's (``rugwijzer.core.engine``).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Sequence
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

# A language code. Which languages exist is data (rugwijzer.languages, knowledge/data/languages.yaml):
# the core accepts a text in any language, and the loader checks that every text has every language.
Lang: TypeAlias = str
_LANG_CODE = re.compile(r"^[a-z]{2,3}$")
Level = Literal["emergency", "urgent", "soon", "routine"]
Urgency = Literal["emergency", "urgent", "soon", "routine", "self_care"]
URGENCIES: tuple[Urgency, ...] = ("self_care", "routine", "soon", "urgent", "emergency")  # low → high
Region = Literal["be", "nl"]
REGIONS: tuple[Region, ...] = ("be", "nl")

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

# Placeholders a text may use; filled in per region when a text is shown.
PLACEHOLDERS = frozenset({"emergency_number", "out_of_hours", "out_of_hours_number", "emergency_department", "physio"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Text(BaseModel):
    """One message in every language, side by side so a reviewer sees them together.

    The keys are language codes (``nl: ...``, ``de: ...``); the loader checks that each text has
    exactly the registered languages (``rugwijzer.knowledge.check_languages``).
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _texts(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not data:
            raise ValueError("expected a text per language, e.g. {nl: ..., fr: ..., en: ..., de: ...}")
        texts: dict[str, str] = {}
        for lang, text in data.items():
            if not isinstance(lang, str) or not _LANG_CODE.match(lang):
                raise ValueError(f"{lang!r} is not a language code")
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"the text in {lang} must be a non-empty string")
            names = {f[1] for f in string.Formatter().parse(text) if f[1]}
            if names - PLACEHOLDERS:
                raise ValueError(f"unknown placeholder(s) {sorted(names - PLACEHOLDERS)} in {lang}")
            texts[lang] = text.strip()
        return texts

    @property
    def langs(self) -> tuple[Lang, ...]:
        """The languages this text is written in."""
        return tuple(self.__pydantic_extra__ or {})

    def __getitem__(self, lang: Lang) -> str:
        texts: dict[str, str] = self.__pydantic_extra__ or {}
        return texts[lang]


def texts_of(node: object, path: str = "") -> Iterator[tuple[str, Text]]:
    """Every :class:`Text` under ``node`` (a model, list or dict), with where it is, e.g.
    ``items[lifting].title``."""
    if isinstance(node, Text):
        yield path, node
    elif isinstance(node, BaseModel):
        for field, value in node:
            yield from texts_of(value, f"{path}.{field}" if path else field)
    elif isinstance(node, (list, tuple)):
        for n, item in enumerate(node):
            name = next((getattr(item, a) for a in ("id", "key", "field", "value")
                         if isinstance(getattr(item, a, None), str)), n)
            yield from texts_of(item, f"{path}[{name}]")
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from texts_of(item, f"{path}.{key}" if path else str(key))


def missing_languages(node: object, langs: Sequence[Lang]) -> str | None:
    """None when every text under ``node`` is in exactly the languages ``langs``; else what is wrong
    with the first text that is not, naming where it is."""
    for path, text in texts_of(node):
        missing, extra = [x for x in langs if x not in text.langs], [x for x in text.langs if x not in langs]
        if missing or extra:
            problems = ([f"missing {', '.join(missing)}"] if missing else []) + (
                [f"{', '.join(extra)} is not one of its languages"] if extra else [])
            return f"{path or '(top)'}: every text needs {', '.join(langs)}: {'; '.join(problems)}"
    return None


class Reference(_Strict):
    key: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9-]*$")]
    lay: Text  # the name a lay reader understands, e.g. "Belgische richtlijn (KCE, 2017)"
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
    # A threshold or time window that is Rugwijzer's own choice, not a guideline's (clinical-rules §11).
    own_choice: Text | None = None
    title: Text
    why: Text
    # Added to the medication advice when this flag fired (e.g. a child's paracetamol dose).
    medication_note: Text | None = None


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
    source: NonEmpty
    text: Text


class Medication(Gated):
    """Medication steps (clinical-rules §5); ``skip_when`` gives no advice at all (``null``)."""

    source: NonEmpty
    first_choice: Id
    nsaid_avoid_when: NonEmpty  # besides the cautions, e.g. until the doctor has seen you today
    nsaid_avoid_source: NonEmpty
    paracetamol_standard_text: Text
    paracetamol_reduced_text: Text
    nsaid_second_choice_text: Text
    nsaid_avoid_text: Text
    nsaid_avoid_urgent_text: Text
    muscle_relaxants_text: Text
    leaflet_text: Text
    paracetamol_cautions: list[Caution] = Field(min_length=1)
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
    destination: Id  # where to go, unless an emergency flag names a special destination


class Destination(_Strict):
    """Where to go: ``action`` says what to do now, ``text`` is the short line (one place for both)."""

    id: Id
    action: Text
    text: Text
    overrides: bool = False  # wins over every other emergency destination (call 112, do not travel)


class SafetyTier(_Strict):
    """One tier of the safety net (clinical-rules §10): signs that call for this level of care."""

    level: Literal["emergency", "urgent", "soon"]
    heading: Text
    signs: list[Text] = Field(min_length=1)


class RegionInfo(_Strict):
    id: Region
    name: Text
    emergency_number: NonEmpty
    out_of_hours: Text  # the out-of-hours GP service's name
    out_of_hours_number: str = ""
    emergency_department: Text  # the region's word for it (spoedafdeling, SEH)
    physio: Text  # kinesitherapeut (BE), fysiotherapeut (NL)


class Messages(_Strict):
    disclaimer: Text
    urgencies: list[UrgencyLevel] = Field(min_length=5, max_length=5)
    destinations: list[Destination] = Field(min_length=1)
    safety_net: list[SafetyTier] = Field(min_length=3, max_length=3)
    # When "what to expect" and the milestones are left out (clinical-rules §10).
    expectations_skip_when: NonEmpty
    expectations_skip_source: NonEmpty
    prognosis_source: NonEmpty
    prognosis: list[Text] = Field(min_length=1)
    pregnancy_note: Text
    also_tell_doctor: Text
    milestones: list[Milestone] = Field(min_length=1)
    regions: list[RegionInfo] = Field(min_length=2)


class RiskFactorText(_Strict):
    """A risk factor the person ticked, said back with one small step for it (issue 9 §2)."""

    source: NonEmpty
    you: Text
    advice: Text


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
    risk_factors: dict[Id, RiskFactorText]

    @property
    def version(self) -> str:
        return self.meta.version

    def source_keys(self, source: str) -> list[str]:
        """The reference keys a ``source`` string cites, e.g. 'SEED alarm list; NHG-M55'."""
        return re.findall(r"(?:^|;\s*)([A-Z][A-Z0-9-]*)", source)
