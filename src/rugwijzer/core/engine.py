"""Intake in, assessment out: the rules of ``clinical-rules.md`` run over the knowledge base.

Pure and deterministic: no I/O, no clock (the caller passes the assessment date). The rules
themselves live in the knowledge base; this module only knows how the steps follow each other:
facts → episode and STarT Back → flags → urgency and suspected causes → plan, avoid, tips and
medication.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from rugwijzer.core.conditions import (
    UNKNOWN,
    Condition,
    ConditionError,
    Domain,
    compile_condition,
    compile_group,
)
from rugwijzer.core.errors import KnowledgeBaseError
from rugwijzer.core.fields import field_shape
from rugwijzer.core.intake import Intake, StartBackAnswers
from rugwijzer.core.knowledge import URGENCIES, KnowledgeBase, Level, Urgency
from rugwijzer.core.validation import ParsedIntake, missing_error

Risk = Literal["low", "medium", "high"]
Nsaid = Literal["second_choice", "avoid"]
ParacetamolDose = Literal["standard", "reduced_dose"]
_RANK: dict[str, int] = {u: i for i, u in enumerate(URGENCIES)}


class EngineError(KnowledgeBaseError):
    """The knowledge base cannot be run (a condition or reference is broken)."""


class FiredFlag(NamedTuple):
    id: str
    level: Level
    source: str


class StartBackScore(NamedTuple):
    total: int
    psychosocial: int
    risk: Risk


class MedicationAdvice(NamedTuple):
    first_choice: str
    paracetamol: ParacetamolDose
    paracetamol_cautions: tuple[str, ...]
    nsaid: Nsaid
    nsaid_cautions: tuple[str, ...]


class PlanStep(NamedTuple):
    id: str
    emphasis: str | None = None


class MilestoneDate(NamedTuple):
    id: str
    day: int
    date: date
    reached: bool


class Assessment(NamedTuple):
    """The engine's answer (contract §2) plus what people need: destination and dates.

    The answer records are named tuples: immutable, typed, and cheap to build (the engine makes
    tens of thousands a second in batch work)."""

    urgency: Urgency
    flags: tuple[FiredFlag, ...]
    episode: str | None
    suspected: tuple[str, ...]
    startback: StartBackScore | None
    medication: MedicationAdvice | None  # None in an emergency: no self-medication advice
    plan: tuple[PlanStep, ...]
    avoid: tuple[str, ...]
    tips: tuple[str, ...]
    risk_factors: tuple[str, ...]
    knowledge_version: str
    complete: bool
    destination: str
    pregnant: bool
    assessed_on: date
    onset: date | None
    milestones: tuple[MilestoneDate, ...]
    # Whether "what to expect" and the milestones apply (not while a doctor is needed today or now).
    expectations: bool


# ---- compiled knowledge -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    level: Level
    level_if_seen_doctor: Level | None
    condition: Condition
    source: str
    destination: str | None

    def fire(self, seen_doctor: bool) -> FiredFlag:
        """The flag as it fires: a standing fact drops to its own level once a doctor has seen it."""
        if seen_doctor and self.level_if_seen_doctor:
            return FiredFlag(self.id, self.level_if_seen_doctor, self.source)
        return FiredFlag(self.id, self.level, self.source)


@dataclass(frozen=True, slots=True)
class _Item:
    id: str
    condition: Condition
    emphasis: tuple[tuple[str, Condition], ...] = ()


def _fact_domains() -> dict[str, Domain]:
    """Every intake field a condition may use, with the allowed values of the enum-like ones."""
    return {name: Domain(frozenset(field_shape(name).values) or None) for name in Intake.model_fields}


_INTAKE_DOMAINS = _fact_domains()


class Engine:
    """A knowledge base compiled for fast, repeated assessment."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.version = kb.version
        domains = dict(_INTAKE_DOMAINS)
        self._derived = {name: self._compile("meta.yaml", f"derived.{name}", text, domains)
                         for name, text in kb.meta.derived.items()}
        domains.update({name: Domain() for name in kb.meta.derived})
        domains["episode"] = Domain(frozenset(e.id for e in kb.meta.episodes))
        domains["startback_risk"] = Domain(frozenset(s.id for s in kb.startback.strata))
        self._flags = tuple(
            _Rule(f.id, f.level, f.level_if_seen_doctor,
                  self._compile("flags.yaml", f.id, f.when, domains), f.source, f.destination)
            for f in kb.flags
        )
        domains["suspected"] = Domain(frozenset(c.id for c in kb.causes))
        domains["urgency"] = Domain(frozenset(URGENCIES))
        self._plan_gate = self._compile("plan.yaml", "skip_when", kb.plan.skip_when, domains)
        self._plan = tuple(
            _Item(p.id, self._compile("plan.yaml", p.id, p.when, domains),
                  tuple((e.id, self._compile("plan.yaml", f"{p.id}.{e.id}", e.when, domains))
                        for e in p.emphasis))
            for p in kb.plan.items
        )
        self._avoid_gate = self._compile("avoid.yaml", "skip_when", kb.avoid.skip_when, domains)
        self._avoid = tuple(_Item(a.id, self._compile("avoid.yaml", a.id, a.when, domains))
                            for a in kb.avoid.items)
        self._tips_gate = self._compile("tips.yaml", "skip_when", kb.tips.skip_when, domains)
        self._tips = tuple(_Item(t.id, self._compile("tips.yaml", t.id, t.personal_when, domains))
                           for t in kb.tips.items)
        med = kb.medication
        self._medication_gate = self._compile("medication.yaml", "skip_when", med.skip_when, domains)
        self._nsaid_gate = self._compile("medication.yaml", "nsaid_avoid_when", med.nsaid_avoid_when, domains)
        self._cautions = tuple(_Item(c.id, self._compile("medication.yaml", c.id, c.when, domains))
                               for c in med.cautions)
        self._paracetamol_cautions = tuple(
            _Item(c.id, self._compile("medication.yaml", c.id, c.when, domains)) for c in med.paracetamol_cautions)
        self._expectations_gate = self._compile("messages.yaml", "expectations_skip_when",
                                                kb.messages.expectations_skip_when, domains)
        self._episodes = tuple((e.id, e.max_days) for e in kb.meta.episodes)
        self._startback = _StartBackScorer(kb)
        self._milestones = tuple((m.id, m.day, timedelta(days=m.day)) for m in kb.messages.milestones)
        self._default_destination = {u.id: u.destination for u in kb.messages.urgencies}
        self._flag_destination = {f.id: f.destination for f in kb.flags}
        self._overriding = frozenset(d.id for d in kb.messages.destinations if d.overrides)
        # FiredFlag values are immutable, so each rule's two possible answers are built once, already
        # in output order (highest level first, then id); the fast path then needs no sorting.
        self._fired_as: dict[bool, tuple[FiredFlag, ...]] = {}
        self._flag_tests: dict[bool, Callable[[Mapping[str, Any]], tuple[Any, ...]]] = {}
        for seen in (False, True):
            ordered = sorted(self._flags, key=functools.partial(_rule_order, seen_doctor=seen))
            self._fired_as[seen] = tuple(r.fire(seen) for r in ordered)
            self._flag_tests[seen] = compile_group([r.condition for r in ordered])
        self._causes_of = {f.id: frozenset(c.id for c in kb.causes if f.id in c.flags) for f in kb.flags}
        # Each group of rules is also compiled into one function: the fast path for complete intakes.
        self._derived_test = compile_group(list(self._derived.values()))
        self._plan_test = compile_group([i.condition for i in self._plan])
        self._emphasis_of = tuple((i.id, e_id) for i in self._plan for e_id, _ in i.emphasis)
        self._emphasis_test = compile_group([cond for i in self._plan for _, cond in i.emphasis])
        self._steps = {(i.id, e_id): PlanStep(i.id, e_id)
                       for i in self._plan for e_id in (None, *(e for e, _ in i.emphasis))}
        self._avoid_test = compile_group([i.condition for i in self._avoid])
        self._tips_test = compile_group([i.condition for i in self._tips])
        self._cautions_test = compile_group([i.condition for i in self._cautions])
        self._paracetamol_test = compile_group([i.condition for i in self._paracetamol_cautions])

    @property
    def rules(self) -> RuleSet:
        """The compiled rules, read-only, for other back ends (``rugwijzer screen`` compiles them
        to SQL): the same parsed conditions this engine runs, never a second copy."""
        sb = self._startback
        return RuleSet(
            version=self.version,
            derived=MappingProxyType(self._derived),
            flags=self._flags,
            causes=tuple((c.id, frozenset(c.flags)) for c in self.kb.causes),
            episodes=self._episodes,
            startback_items=sb.items,
            startback_psychosocial=sb.psychosocial,
            startback_bother=MappingProxyType(sb.bother),
            startback_high=sb.high,
            startback_medium=sb.medium,
            plan_gate=self._plan_gate,
            plan=self._plan,
            avoid_gate=self._avoid_gate,
            avoid=self._avoid,
            tips_gate=self._tips_gate,
            tips=self._tips,
            medication_gate=self._medication_gate,
            nsaid_gate=self._nsaid_gate,
            first_choice=self.kb.medication.first_choice,
            nsaid_cautions=self._cautions,
            paracetamol_cautions=self._paracetamol_cautions,
        )

    # -- construction helpers --

    @staticmethod
    def _compile(filename: str, entry: str, text: str, domains: Mapping[str, Domain]) -> Condition:
        try:
            return compile_condition(text, domains)
        except ConditionError as exc:
            raise EngineError(f"{filename}: {entry}: {exc}") from None

    # -- assessment --

    def assess(self, intake: Intake | ParsedIntake, today: date) -> Assessment:
        """Assess a complete intake, or a partial one (contract §4): a partial intake gives an
        emergency assessment when an emergency flag fires whatever the unknown answers, else
        raises the IntakeError naming the missing fields."""
        parsed = intake if isinstance(intake, ParsedIntake) else ParsedIntake(intake)
        if parsed.complete:
            return self._assess_complete(parsed.intake, today)
        return self._assess_partial(parsed, today)

    def _facts(self, intake: Intake, unknown: frozenset[str] = frozenset()) -> dict[str, Any]:
        """The intake's answers plus the derived facts the rules use; ``unknown`` answers (a partial
        intake) are UNKNOWN, and so is whatever depends on them."""
        facts = dict(intake.__dict__)
        if unknown:
            facts.update(dict.fromkeys(unknown, UNKNOWN))
            for name, condition in self._derived.items():
                facts[name] = condition.evaluate_partial(facts)
        else:
            for name, value in zip(self._derived, self._derived_test(facts), strict=True):
                facts[name] = bool(value)
        facts["episode"] = UNKNOWN if "duration_days" in unknown else self._episode(intake.duration_days)
        startback = self._startback.score(intake.startback)  # optional, so never unknown
        facts["startback_score"] = startback
        facts["startback_risk"] = startback.risk if startback else None
        return facts

    def _assess_complete(self, intake: Intake, today: date) -> Assessment:
        facts = self._facts(intake)
        seen = intake.seen_doctor_this_episode
        hits = self._flag_tests[seen](facts)
        fired = [flag for flag, hit in zip(self._fired_as[seen], hits, strict=True) if hit]
        return self._finish(intake, facts, fired, today, complete=True)

    def _assess_partial(self, parsed: ParsedIntake, today: date) -> Assessment:
        facts = self._facts(parsed.intake, parsed.unknown)
        seen = parsed.intake.seen_doctor_this_episode
        fired = [rule.fire(seen) for rule in self._flags if rule.condition.evaluate_partial(facts) is True]
        if not any(f.level == "emergency" for f in fired):
            raise missing_error(parsed)
        return self._finish(parsed.intake, facts, fired, today, complete=False)

    def _episode(self, days: int) -> str:
        for episode_id, max_days in self._episodes:
            if max_days is None or days <= max_days:
                return episode_id
        raise EngineError("meta.yaml: episodes must end with one without max_days")

    def _finish(self, intake: Intake, facts: dict[str, Any], fired: list[FiredFlag], today: date,
                complete: bool) -> Assessment:
        fired.sort(key=_order)
        urgency: Urgency = fired[0].level if fired else "self_care"
        suspected = tuple(sorted(frozenset().union(*(self._causes_of[f.id] for f in fired))))
        facts["urgency"] = urgency
        facts["suspected"] = frozenset(suspected)
        known = complete or facts["duration_days"] is not UNKNOWN
        pregnant = facts["pregnant"] is True
        onset = today - timedelta(days=intake.duration_days) if known else None
        expectations = complete and not self._expectations_gate(facts)
        return Assessment(
            urgency=urgency,
            flags=tuple(fired),
            episode=None if facts["episode"] is UNKNOWN else facts["episode"],
            suspected=suspected,
            startback=facts["startback_score"],
            medication=self._medication(facts, complete),
            plan=self._plan_steps(facts) if complete else (),
            avoid=self._avoid_ids(facts) if complete else (),
            tips=self._tip_order(facts) if complete else (),
            risk_factors=tuple(sorted([*intake.risk_factors, *(["pregnancy"] if pregnant else [])])),
            knowledge_version=self.version,
            complete=complete,
            destination=self._destination(urgency, fired),
            pregnant=pregnant,
            assessed_on=today,
            onset=onset,
            milestones=tuple(
                MilestoneDate(m_id, day, onset + offset, intake.duration_days >= day)
                for m_id, day, offset in self._milestones
            ) if onset and expectations else (),
            expectations=expectations,
        )

    def _plan_steps(self, facts: Mapping[str, Any]) -> tuple[PlanStep, ...]:
        if self._plan_gate(facts):
            return ()
        emphasis: dict[str, str] = {}
        for (item_id, e_id), hit in zip(self._emphasis_of, self._emphasis_test(facts), strict=True):
            if hit:
                emphasis.setdefault(item_id, e_id)  # the first emphasis that holds wins
        return tuple(self._steps[item.id, emphasis.get(item.id)]
                     for item, hit in zip(self._plan, self._plan_test(facts), strict=True) if hit)

    def _avoid_ids(self, facts: Mapping[str, Any]) -> tuple[str, ...]:
        if self._avoid_gate(facts):
            return ()
        return tuple(sorted(i.id for i, hit in zip(self._avoid, self._avoid_test(facts), strict=True) if hit))

    def _tip_order(self, facts: Mapping[str, Any]) -> tuple[str, ...]:
        if self._tips_gate(facts):
            return ()
        hits = self._tips_test(facts)
        personal = [t.id for t, hit in zip(self._tips, hits, strict=True) if hit]
        return (*personal, *(t.id for t, hit in zip(self._tips, hits, strict=True) if not hit))

    def _medication(self, facts: Mapping[str, Any], complete: bool) -> MedicationAdvice | None:
        if not complete or self._medication_gate(facts):
            return None  # a partial intake is always an emergency (contract §4): no advice either
        cautions = tuple(sorted(c.id for c, hit in zip(self._cautions, self._cautions_test(facts), strict=True)
                                if hit))
        liver = tuple(sorted(c.id for c, hit in zip(self._paracetamol_cautions, self._paracetamol_test(facts),
                                                   strict=True) if hit))
        nsaid: Nsaid = "avoid" if cautions or self._nsaid_gate(facts) else "second_choice"
        return MedicationAdvice(self.kb.medication.first_choice, "reduced_dose" if liver else "standard", liver,
                                nsaid, cautions)

    def _destination(self, urgency: Urgency, fired: list[FiredFlag]) -> str:
        """One destination (clinical-rules §10): an overriding one (call 112, do not travel) whenever
        an emergency flag names it; another flag's own (the maternity unit) only when every emergency
        flag names it; else the urgency's."""
        if urgency == "emergency":
            special = {self._flag_destination[f.id] for f in fired if f.level == "emergency"}
            overriding = sorted(d for d in special if d in self._overriding)
            if overriding:
                return overriding[0]
            if len(special) == 1:
                only = special.pop()
                if only is not None:
                    return only
        return self._default_destination[urgency]


FlagRule = _Rule  # public names for the read-only view below
RuleItem = _Item


@dataclass(frozen=True, slots=True)
class RuleSet:
    """What ``Engine.rules`` shows: each rule group as the engine compiled it, in the engine's
    order (flags as in flags.yaml; plan, avoid and tips in their output order)."""

    version: str
    derived: Mapping[str, Condition]
    flags: tuple[FlagRule, ...]
    causes: tuple[tuple[str, frozenset[str]], ...]
    episodes: tuple[tuple[str, int | None], ...]
    startback_items: tuple[str, ...]
    startback_psychosocial: tuple[str, ...]
    startback_bother: Mapping[str, int]
    startback_high: int
    startback_medium: int
    plan_gate: Condition
    plan: tuple[RuleItem, ...]
    avoid_gate: Condition
    avoid: tuple[RuleItem, ...]
    tips_gate: Condition
    tips: tuple[RuleItem, ...]
    medication_gate: Condition
    nsaid_gate: Condition
    first_choice: str
    nsaid_cautions: tuple[RuleItem, ...]
    paracetamol_cautions: tuple[RuleItem, ...]


def _rule_order(rule: _Rule, seen_doctor: bool) -> tuple[int, str]:
    return _order(rule.fire(seen_doctor))


def _order(flag: FiredFlag) -> tuple[int, str]:
    """Output order of flags: highest level first, then by id (clinical-rules §2)."""
    return -_RANK[flag.level], flag.id


class _StartBackScorer:
    """HILL2008 scoring, with the item groups and cut-offs taken from the knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        sb = kb.startback
        self.items = tuple(i.key for i in sb.items)
        self.psychosocial = tuple(i.key for i in sb.items if i.psychosocial)
        self.bother = {b.value: b.score for b in sb.bothersomeness}
        self.high = sb.high_if_psychosocial_at_least
        self.medium = sb.medium_if_total_at_least

    def score(self, answers: StartBackAnswers | None) -> StartBackScore | None:
        if answers is None:
            return None
        values = answers.__dict__
        bother = self.bother[answers.bothersomeness]
        total = sum(1 for key in self.items if values[key]) + bother
        psychosocial = sum(1 for key in self.psychosocial if values[key]) + bother
        risk: Risk = ("high" if psychosocial >= self.high
                      else "medium" if total >= self.medium else "low")
        return StartBackScore(total, psychosocial, risk)
