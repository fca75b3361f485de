"""The self-check question flow: what is asked, in which order, what is skipped, when to stop.

The flow is data (``knowledge/data/questions.yaml``); this module describes it and runs it. It is
pure: no I/O, no clock. The web app, ``rugwijzer check`` and the FHIR Questionnaire export all use it.

Data model (frozen pydantic models, built by :func:`build_flow`; load the packaged one with
``rugwijzer.knowledge.load_flow()``):

- :class:`Flow` — ``screens`` in order, ``texts`` (yes, no, none of these, ...).
  ``flow.question(field)`` (also a checklist item) and ``flow.screen(id)`` look things up;
  ``flow.questions()`` yields the questions as shown, ``flow.fields()`` every answerable field (a
  checklist's items instead of the checklist), ``flow.checklist_of(field)`` the checklist asking it.
- :class:`Screen` — ``id``, ``title``, optional ``intro``, ``notice`` (the STarT Back copyright),
  ``ask_when`` and ``offered`` (an extra the person chooses), and its ``questions``. One screen is one
  form: its conditions only use answers from earlier screens.
- :class:`Question` — ``field`` (the contract's intake field; ``startback.<key>``; or a ``helper``
  that only steers the flow and never reaches the engine; or a checklist's own name), ``kind``
  (``boolean`` when left out, ``choice``, ``integer``, ``duration``, ``multi``, ``checklist``),
  ``label``, ``help`` ("what does this mean?"), ``options`` (each an :class:`Option` with the
  contract ``value``: true/false/null or an enum id; a plain yes/no lists "no" first), ``min``/``max``
  and ``unit`` (integers), ``units`` (durations, each a :class:`Unit` of so many days), ``optional``,
  ``ask_when`` (condition text in the knowledge base's condition language) and ``skip_value`` (what
  the intake gets when the question is not asked). ``question.alarm`` is true when the engine's
  emergency, urgent or soon rules read the field.
- A checklist ("which of these apply?", issue 9) has ``items``: yes/no questions of their own, each
  a contract field. Its options are the items' field names and ``"none"`` (:data:`NONE`, "none of
  these", last). Its answer is the list of ticked fields, or ``["none"]``; nothing ticked is an error
  (``required``), never "no", and "none" next to an item is ``none_and_more``. In the intake each
  item becomes true or false. An item may also be answered on its own (a FHIR response, the diary).

Answers are a plain dict ``{field: value}`` with typed values (bool, int, str, None, list of ids).

Running the flow (``answers`` = everything answered so far):

- ``flow.applies(item, answers)`` — does this screen or question apply (an unknown counts as yes)?
- ``flow.active_screens(answers)``, ``flow.next_screen(answers)`` (first screen still to answer),
  ``flow.screen_after(id, answers)``, ``flow.screen_before(id, answers)``, ``flow.is_finished(answers)``,
  ``flow.answered(question, answers)``, ``flow.steps_left(id, answers)`` ("about N steps left": it
  never grows by surprise) and ``flow.progress(id, answers)`` (screens done + 1, estimated total).
- ``flow.to_intake(answers)`` — the intake dict for the engine (skipped questions get their skip
  value; helpers are dropped; STarT Back becomes its object when all nine are known).
- ``flow.clean(raw)`` — only valid answers to questions that still apply (after a changed answer).
- ``flow.parse_screen(screen, form, answers)`` / ``flow.parse_answer(question, values, unit)`` —
  form strings to typed answers, with :class:`FieldError` codes that name the field.
- :func:`submit` — one screen in, the next step out: errors, or the emergency assessment (the engine
  decides, contract §4), or the next screen, or finished. :func:`emergency_stop` is the engine check.
"""

from __future__ import annotations

import types
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from rugwijzer.core.conditions import UNKNOWN, Condition, ConditionError, Domain, compile_condition
from rugwijzer.core.engine import Assessment, Engine
from rugwijzer.core.intake import REQUIRED_FIELDS, Intake, StartBackAnswers
from rugwijzer.core.knowledge import Id, KnowledgeBase, Text, missing_languages
from rugwijzer.core.validation import IntakeError, parse_intake

Kind = Literal["boolean", "choice", "integer", "duration", "multi", "checklist"]
OptionValue = bool | str | None
AnswerValue = bool | int | str | None | list[str]
Answers = Mapping[str, AnswerValue]
ErrorCode = Literal["required", "choose", "whole_number", "range", "unit", "conflict", "none_and_more"]
STARTBACK_PREFIX = "startback."
NONE = "none"  # the "none of these" answer of a checklist
# Flags at these levels change what a person must do; a question they read is an alarm question.
ALARM_LEVELS = frozenset({"emergency", "urgent", "soon"})


class FlowError(ValueError):
    """questions.yaml does not fit the contract or the knowledge base; the message names the entry."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Option(_Strict):
    value: OptionValue
    label: Text | None = None  # filled in by build_flow where the data leaves it out


class Unit(_Strict):
    id: Id
    days: int = Field(ge=1)
    label: Text


class Question(_Strict):
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


class Screen(_Strict):
    id: Id
    title: Text
    intro: Text | None = None
    notice: Text | None = None  # filled in from startback.yaml for STarT Back screens
    ask_when: str | None = None
    offered: bool = False  # an extra the person chooses: counted in "steps left" once chosen
    questions: list[Question] = Field(min_length=1)


class _Document(_Strict):
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


class Flow(_Strict):
    """The whole question flow. Build it with :func:`build_flow`; the conditions are compiled once."""

    texts: dict[str, Text]
    screens: tuple[Screen, ...]
    _conditions: dict[str, Condition] = PrivateAttr(default_factory=dict)
    _index: dict[str, Question] = PrivateAttr(default_factory=dict)

    # ---- looking things up -------------------------------------------------------------------

    def screen(self, screen_id: str) -> Screen:
        for screen in self.screens:
            if screen.id == screen_id:
                return screen
        raise KeyError(screen_id)

    def question(self, name: str) -> Question:
        """A question by field: also a checklist (by its name) and each of its items (a yes/no
        question of its own, e.g. for the diary and FHIR)."""
        if not self._index:
            for _, question in self.questions():
                self._index.update((q.field, q) for q in (question, *question.items))
        return self._index[name]

    def questions(self) -> Iterator[tuple[Screen, Question]]:
        """The questions as shown: a checklist is one question."""
        for screen in self.screens:
            for question in screen.questions:
                yield screen, question

    def fields(self) -> Iterator[tuple[Screen, Question]]:
        """Every answerable field: a checklist's items instead of the checklist."""
        for screen, question in self.questions():
            yield from ((screen, q) for q in (question.items or [question]))

    def checklist_of(self, name: str) -> Question | None:
        """The checklist that asks field ``name``, if any."""
        for _, question in self.questions():
            if any(item.field == name for item in question.items):
                return question
        return None

    def condition(self, item: Screen | Question) -> Condition | None:
        """The compiled ``ask_when`` of a screen or question."""
        return self._conditions.get(_key(item))

    # ---- which questions apply ---------------------------------------------------------------

    def _pass(self, answers: Answers, unknown_asks: bool = True,
              estimate: bool = False) -> tuple[dict[str, Any], dict[str, list[Question]]]:
        """One pass in order (conditions only look back): every field's value as far as known
        (the answer, the skip value of a question that does not apply, or UNKNOWN) and, per
        screen, the questions that are asked. A condition that cannot be decided yet asks,
        unless ``unknown_asks`` is false; with ``estimate`` (steps left), an undecided
        ``offered`` screen does not count: the person has not chosen it (yet)."""
        facts: dict[str, Any] = {}
        active: dict[str, list[Question]] = {}
        undecided = None if unknown_asks else False
        for screen in self.screens:
            on_undecided = False if estimate and screen.offered else undecided
            screen_on = self._holds(screen, facts, on_undecided) is not False
            asked = active[screen.id] = []
            for question in screen.questions:
                if screen_on and self._holds(question, facts, undecided) is not False:
                    asked.append(question)
                    for item in question.items or [question]:
                        facts[item.field] = self._answer(question, item, answers)
                else:
                    for item in question.items or [question]:
                        facts[item.field] = self.skip_value(item)
        return facts, active

    @staticmethod
    def _answer(question: Question, item: Question, answers: Answers) -> Any:
        """An answer as far as known; a checklist item from the checklist's ticks (or given on
        its own, as a FHIR response does)."""
        if item.field in answers or item is question:
            return answers.get(item.field, UNKNOWN)
        ticked = answers.get(question.field)
        return item.field in ticked if isinstance(ticked, list) else UNKNOWN

    def answered(self, question: Question, answers: Answers) -> bool:
        """Whether a question has an answer (a checklist: as a list, or every item on its own)."""
        if question.field in answers:
            return True
        return bool(question.items) and all(item.field in answers for item in question.items)

    def resolve(self, answers: Answers) -> dict[str, Any]:
        """Every field's value as far as known: answer, skip value, or UNKNOWN."""
        return self._pass(answers)[0]

    def _holds(self, item: Screen | Question, facts: Mapping[str, Any],
               undecided: bool | None = None) -> bool | None:
        """True or False when decided; ``undecided`` when it depends on something not yet answered."""
        if item.ask_when is None:
            return True
        condition = self._conditions[_key(item)]
        truth = condition.evaluate_partial({n: facts.get(n, UNKNOWN) for n in condition.names})
        return undecided if truth is UNKNOWN else bool(truth)

    def applies(self, item: Screen | Question, answers: Answers) -> bool:
        """Whether a screen or question is asked, given the answers so far. A condition that
        depends on an unanswered question counts as true: an unknown never hides a question.
        A checklist item applies when its checklist does."""
        active = self._pass(answers)[1]
        if isinstance(item, Question):
            owner = self.checklist_of(item.field) or item
            return any(owner in questions for questions in active.values())
        return bool(active[item.id])

    def active_questions(self, screen: Screen, answers: Answers) -> list[Question]:
        """The questions of ``screen`` that are asked, given the answers so far."""
        return self._pass(answers)[1][screen.id]

    def active_screens(self, answers: Answers) -> list[Screen]:
        active = self._pass(answers)[1]
        return [s for s in self.screens if active[s.id]]

    def next_screen(self, answers: Answers) -> Screen | None:
        """The first screen with a question that applies and has no answer yet."""
        active = self._pass(answers)[1]
        for screen in self.screens:
            if any(not self.answered(q, answers) for q in active[screen.id]):
                return screen
        return None

    def screen_after(self, screen_id: str, answers: Answers) -> Screen | None:
        """The next screen that applies after ``screen_id`` (None: the end)."""
        active = self._pass(answers)[1]
        ids = [s.id for s in self.screens]
        return next((s for s in self.screens[ids.index(screen_id) + 1:] if active[s.id]), None)

    def screen_before(self, screen_id: str, answers: Answers) -> Screen | None:
        """The previous screen that applies before ``screen_id`` (None: this is the first)."""
        active = self._pass(answers)[1]
        ids = [s.id for s in self.screens]
        return next((s for s in reversed(self.screens[:ids.index(screen_id)]) if active[s.id]), None)

    def steps_left(self, screen_id: str, answers: Answers) -> int:
        """"About N steps left", this screen included: the screens from here on that apply or
        may still apply (an undecided condition counts, so the number never grows by surprise;
        it only drops, by one a screen or more when a follow-up turns out not to apply). An
        ``offered`` extra counts once the person chose it."""
        active = self._pass(answers, estimate=True)[1]
        ids = [s.id for s in self.screens]
        later = self.screens[ids.index(screen_id) + 1:]
        return 1 + sum(1 for s in later if active[s.id])

    def progress(self, screen_id: str, answers: Answers) -> tuple[int, int]:
        """(number of this screen, estimated number of screens) for "step 3 of about 7": the
        screens done so far plus :meth:`steps_left`. The total never grows by surprise."""
        active = self._pass(answers)[1]
        ids = [s.id for s in self.screens]
        done = sum(1 for s in self.screens[:ids.index(screen_id)] if active[s.id])
        return done + 1, done + self.steps_left(screen_id, answers)

    def is_finished(self, answers: Answers) -> bool:
        return self.next_screen(answers) is None

    def skip_value(self, question: Question) -> AnswerValue:
        """What the intake holds for a question that is not asked."""
        if (question.skip_value is not None or question.helper or question.items
                or question.field in REQUIRED_FIELDS
                or question.field.startswith(STARTBACK_PREFIX)):  # no STarT Back: no object at all
            return question.skip_value
        default: AnswerValue = Intake.model_fields[question.field].get_default(call_default_factory=True)
        return default

    # ---- answers to intake -------------------------------------------------------------------

    def to_intake(self, answers: Answers) -> dict[str, Any]:
        """The intake for the engine: answered fields (a checklist's items each true or false)
        and the skip values of questions that do not apply; unknown fields are left out (the
        engine then treats them as unknown, contract §4)."""
        intake: dict[str, Any] = {}
        startback: dict[str, Any] = {}
        facts = self.resolve(answers)
        for _, question in self.questions():
            for item in question.items or [question]:
                value = facts[item.field]
                if item.helper or value is UNKNOWN:
                    continue
                if item.field.startswith(STARTBACK_PREFIX):
                    if value is not None:
                        startback[item.field.removeprefix(STARTBACK_PREFIX)] = value
                elif item.field in REQUIRED_FIELDS or item.field in answers or question.field in answers:
                    intake[item.field] = list(value) if isinstance(value, list) else value
        if set(startback) == set(StartBackAnswers.model_fields):  # all nine or none (contract §1.3)
            intake["startback"] = startback
        return intake

    def clean(self, raw: Mapping[str, Any]) -> dict[str, AnswerValue]:
        """Keep only valid answers to questions that (still) apply, e.g. after going back and
        changing the sex to male, the pregnancy answers go."""
        valid = {name: value for name, value in raw.items()
                 if _known(self, name) and accepts(self.question(name), value)}
        active = self._pass(valid)[1]  # what applies is decided by earlier answers only
        kept = [f.field for s in self.screens for q in active[s.id] for f in (q, *q.items)]
        return {name: valid[name] for name in kept if name in valid}

    # ---- form strings to answers -------------------------------------------------------------

    def parse_screen(self, screen: Screen, form: Mapping[str, Sequence[str]],
                     answers: Answers) -> tuple[dict[str, AnswerValue], dict[str, FieldError]]:
        """Parse the form values of one screen (only the questions that apply to these answers)."""
        values: dict[str, AnswerValue] = {}
        errors: dict[str, FieldError] = {}
        for question in self.active_questions(screen, answers):
            unit = form.get(question.unit_field, [""])
            result = self.parse_answer(question, form.get(question.field, []), unit[0] if unit else "")
            if isinstance(result, FieldError):
                errors[question.field] = result
            else:
                values[question.field] = result
        return values, errors

    def parse_answer(self, question: Question, values: Sequence[str],
                     unit: str = "") -> AnswerValue | FieldError:
        """One question's form strings to its typed answer, or the error that names the field."""
        texts = [v.strip() for v in values if v.strip()]
        if question.kind == "multi":
            return _parse_multi(question, texts)
        if question.kind == "checklist":
            return _parse_checklist(question, texts)
        if not texts:
            if question.optional:
                return None
            return FieldError(question.field, "required")
        if question.kind in ("boolean", "choice"):
            return _parse_option(question, texts[-1])
        return _parse_number(question, texts[-1], unit)


# ---- parsing helpers ----------------------------------------------------------------------------

def token(value: AnswerValue) -> str:
    """The form string of an option value (the reverse of parsing)."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    return str(value)


def split_duration(question: Question, days: int) -> tuple[int, str]:
    """Show a number of days in the largest unit that divides it (21 → 3 weeks)."""
    for unit in sorted(question.units, key=lambda u: u.days, reverse=True):
        if days and days % unit.days == 0:
            return days // unit.days, unit.id
    smallest = min(question.units, key=lambda u: u.days)
    return days // smallest.days, smallest.id


def _parse_option(question: Question, text: str) -> AnswerValue | FieldError:
    for option in question.options:
        if token(option.value) == text:
            return option.value
    return FieldError(question.field, "choose")


def _parse_multi(question: Question, texts: list[str]) -> AnswerValue | FieldError:
    allowed = [token(o.value) for o in question.options]
    if any(t not in allowed for t in texts):
        return FieldError(question.field, "choose")
    return [t for t in allowed if t in texts]  # in the order of the options, each once


def _parse_checklist(question: Question, texts: list[str]) -> AnswerValue | FieldError:
    """Ticked items (in the order of the list), or ["none"]. Nothing ticked is not "no": it is
    an error, as is "none of these" next to an item."""
    if not texts:
        return FieldError(question.field, "required")
    allowed = [token(o.value) for o in question.options]
    if any(t not in allowed for t in texts):
        return FieldError(question.field, "choose")
    if NONE in texts and len(set(texts)) > 1:
        return FieldError(question.field, "none_and_more")
    return [t for t in allowed if t in texts]


def _parse_number(question: Question, text: str, unit_id: str) -> AnswerValue | FieldError:
    low, high = question.min, question.max
    if not text.isdecimal() or not text.isascii():
        return FieldError(question.field, "whole_number", low, high)
    number = int(text)
    if question.kind == "duration":
        unit = next((u for u in question.units if u.id == unit_id), None)
        if unit is None:
            return FieldError(question.field, "unit")
        number *= unit.days
    if (low is not None and number < low) or (high is not None and number > high):
        return FieldError(question.field, "range", low, high)
    return number


def accepts(question: Question, value: object) -> bool:
    """Whether a typed value is a valid answer (used on answers carried between screens)."""
    if question.kind in ("boolean", "choice"):
        return question.option(value) is not None  # type: ignore[arg-type]
    if question.kind in ("multi", "checklist"):
        allowed = {o.value for o in question.options}
        if not (isinstance(value, list) and all(isinstance(v, str) and v in allowed for v in value)
                and len(set(value)) == len(value)):
            return False
        return question.kind == "multi" or (bool(value) and (NONE not in value or len(value) == 1))
    if value is None:
        return question.optional
    return (isinstance(value, int) and not isinstance(value, bool)
            and (question.min is None or value >= question.min)
            and (question.max is None or value <= question.max))


def _known(flow: Flow, name: str) -> bool:
    try:
        flow.question(name)
    except KeyError:
        return False
    return True


def _key(item: Screen | Question) -> str:
    return f"q:{item.field}" if isinstance(item, Question) else f"s:{item.id}"


# ---- the engine decides ------------------------------------------------------------------------

def emergency_stop(engine: Engine, flow: Flow, answers: Answers, today: date) -> Assessment | None:
    """The engine's emergency assessment of the answers so far, or None (contract §4: a partial
    intake gives an assessment only when an emergency flag fires whatever the unknown answers)."""
    try:
        assessment = engine.assess(parse_intake(flow.to_intake(answers)), today)
    except IntakeError:
        return None
    return assessment if assessment.urgency == "emergency" else None


def conflicts(flow: Flow, answers: Answers) -> list[FieldError]:
    """Answers that do not fit together (e.g. pain longer than the person's life), as the engine's
    validation finds them; missing answers are not a conflict."""
    try:
        parse_intake(flow.to_intake(answers))
    except IntakeError as exc:
        return [FieldError(p.field, "conflict", others=p.fields[1:]) for p in exc.problems
                if p.message != "is required but missing"]
    return []


def submit(flow: Flow, engine: Engine, screen: Screen, form: Mapping[str, Sequence[str]],
           answers: Answers, today: date) -> Step:
    """One screen's form in, the next step out: the same screen with errors, the emergency
    assessment (stop at once), the next screen, or finished (``step.finished``)."""
    earlier = flow.clean(answers)
    values, errors = flow.parse_screen(screen, form, earlier)
    merged = flow.clean({**earlier, **values})
    if errors:
        return Step(merged, errors)
    on_screen = {f.field: q.field for q in screen.questions for f in (q, *q.items)}
    clashes = [e for e in conflicts(flow, merged) if e.field in on_screen or set(e.others) & set(on_screen)]
    if clashes:
        return Step(merged, {_screen_field(e, on_screen): e for e in clashes})
    emergency = emergency_stop(engine, flow, merged, today)
    if emergency is not None:
        return Step(merged, emergency=emergency)
    following = flow.screen_after(screen.id, merged) or flow.next_screen(merged)
    return Step(merged, next=following)


def _screen_field(error: FieldError, on_screen: Mapping[str, str]) -> str:
    """Tie a conflict to a question the person can change on this screen (a checklist for its items)."""
    return on_screen[next(f for f in (error.field, *error.others) if f in on_screen)]


# ---- building and checking ---------------------------------------------------------------------

def build_flow(document: Any, kb: KnowledgeBase) -> Flow:
    """Validate questions.yaml's content against the contract and the knowledge base."""
    try:
        parsed = _Document.model_validate(document)
    except ValidationError as exc:
        raise FlowError(_describe(exc)) from None
    alarm_fields = _alarm_fields(kb)
    screens = tuple(_complete_screen(s, parsed.texts, kb, alarm_fields) for s in parsed.screens)
    flow = Flow(texts=parsed.texts, screens=screens)
    problem = missing_languages(flow, kb.meta.title.langs)  # the knowledge base's languages
    if problem:
        raise FlowError(problem)
    _check_fields(flow)
    flow._conditions.update(_compile_conditions(flow))
    return flow


def _describe(exc: ValidationError) -> str:
    lines = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False)]
    return "invalid question flow:\n  " + "\n  ".join(lines)


def _alarm_fields(kb: KnowledgeBase) -> frozenset[str]:
    """Intake fields read by the rules that send a person to a doctor (or 112)."""
    domains = {name: Domain() for name in (*Intake.model_fields, *kb.meta.derived, "episode",
                                           "startback_risk")}
    derived = {name: compile_condition(text, domains).names for name, text in kb.meta.derived.items()}
    derived["episode"] = frozenset({"duration_days"})
    names: set[str] = set()
    for flag in kb.flags:
        if flag.level in ALARM_LEVELS:
            for name in compile_condition(flag.when, domains).names:
                names |= derived.get(name, {name})
    return frozenset(names & set(Intake.model_fields))


def _complete_screen(screen: Screen, texts: dict[str, Text], kb: KnowledgeBase,
                     alarm_fields: frozenset[str]) -> Screen:
    questions = [_complete_question(q, texts, kb, alarm_fields) for q in screen.questions]
    notice = screen.notice
    if any(q.field.startswith(STARTBACK_PREFIX) for q in questions):
        notice = notice or kb.startback.notice
    return screen.model_copy(update={"questions": questions, "notice": notice})


def _complete_question(question: Question, texts: dict[str, Text], kb: KnowledgeBase,
                       alarm_fields: frozenset[str]) -> Question:
    """Fill in what the data leaves to others: yes/no options, STarT Back wording, alarm."""
    if question.kind == "checklist":
        return _complete_checklist(question, texts, kb, alarm_fields)
    update: dict[str, Any] = {"alarm": question.field in alarm_fields}
    options = list(question.options)
    if question.field.startswith(STARTBACK_PREFIX):
        key = question.field.removeprefix(STARTBACK_PREFIX)
        if key == "bothersomeness":
            update["label"] = question.label or kb.startback.question_bothersomeness
            options = options or [Option(value=b.value, label=b.paraphrase) for b in kb.startback.bothersomeness]
        else:
            item = next((i for i in kb.startback.items if i.key == key), None)
            if item is None:
                raise FlowError(f"{question.field}: not a STarT Back item of startback.yaml")
            update["label"] = question.label or item.paraphrase
    if question.kind == "boolean" and not options:
        options = [Option(value=False), Option(value=True)]  # "no" first, everywhere
    default_labels: dict[OptionValue, Text | None] = {True: texts.get("yes"), False: texts.get("no")}
    update["options"] = [o if o.label else o.model_copy(update={"label": default_labels.get(o.value)})
                         for o in options]
    completed = question.model_copy(update=update)
    if completed.label is None or any(o.label is None for o in completed.options):
        raise FlowError(f"{question.field}: every question and option needs a label in every language")
    return completed


def _complete_checklist(question: Question, texts: dict[str, Text], kb: KnowledgeBase,
                        alarm_fields: frozenset[str]) -> Question:
    """A checklist's items become yes/no questions of their own; its options are the items and
    "none of these" (last)."""
    if not question.items or question.options:
        raise FlowError(f"{question.field}: a checklist has items (and no options of its own)")
    if "none_of_these" not in texts:
        raise FlowError("texts: a checklist needs the words for none_of_these")
    items = [_complete_question(i, texts, kb, alarm_fields) for i in question.items]
    options = [Option(value=i.field, label=i.label) for i in items]
    options.append(Option(value=NONE, label=texts["none_of_these"]))
    completed = question.model_copy(update={"items": items, "options": options,
                                            "alarm": any(i.alarm for i in items)})
    if completed.label is None:
        raise FlowError(f"{question.field}: every question and option needs a label in every language")
    return completed


def _field_type(name: str) -> Any:
    if name.startswith(STARTBACK_PREFIX):
        info = StartBackAnswers.model_fields.get(name.removeprefix(STARTBACK_PREFIX))
    else:
        info = Intake.model_fields.get(name)
    if info is None:
        raise FlowError(f"{name}: not an intake field (contract §1) nor a STarT Back key; "
                        "mark a question that only steers the flow as `helper: true`")
    return info


def _allowed_values(annotation: Any) -> tuple[set[OptionValue], bool]:
    """The option values a field accepts, and whether it accepts null."""
    args = get_args(annotation)
    nullable = get_origin(annotation) in (Union, types.UnionType) and type(None) in args
    inner = next((a for a in args if a is not type(None)), annotation) if nullable else annotation
    if inner is bool:
        return {True, False}, nullable
    if get_origin(inner) is list:
        inner = get_args(inner)[0]
    if get_origin(inner) is not Literal:
        return set(), nullable  # a number
    return set(get_args(inner)), nullable


def _bounds(info: Any) -> tuple[int | None, int | None]:
    metadata = list(info.metadata)
    for arg in get_args(info.annotation):  # Annotated[int, Field(...)] | None
        for item in getattr(arg, "__metadata__", ()):
            metadata.extend(getattr(item, "metadata", [item]))
    low = next((m.ge for m in metadata if getattr(m, "ge", None) is not None), None)
    high = next((m.le for m in metadata if getattr(m, "le", None) is not None), None)
    return low, high


def _check_fields(flow: Flow) -> None:
    seen: set[str] = set()
    screen_ids = [s.id for s in flow.screens]
    if len(set(screen_ids)) != len(screen_ids):
        raise FlowError(f"screen ids must be unique: {screen_ids}")
    for screen, top in flow.questions():
        if top.kind == "checklist":
            _check_checklist(top, f"{screen.id}.{top.field}")
            if top.field in seen:
                raise FlowError(f"{screen.id}.{top.field}: the name is used twice")
            seen.add(top.field)
        for question in top.items or [top]:
            _check_one(screen, question, seen)
    wanted = {*Intake.model_fields, *(STARTBACK_PREFIX + k for k in StartBackAnswers.model_fields)} - {"startback"}
    missing = wanted - seen
    if missing:
        raise FlowError(f"no question asks {sorted(missing)}")


def _check_checklist(question: Question, where: str) -> None:
    if question.field in Intake.model_fields or question.field.startswith(STARTBACK_PREFIX) or question.helper:
        raise FlowError(f"{where}: a checklist has a name of its own, outside the intake")
    for item in question.items:
        if item.kind != "boolean" or item.items or item.ask_when or item.helper:
            raise FlowError(f"{where}.{item.field}: a checklist item is a plain yes/no intake field "
                            "without a condition of its own")


def _check_one(screen: Screen, question: Question, seen: set[str]) -> None:
    where = f"{screen.id}.{question.field}"
    if question.field in seen:
        raise FlowError(f"{where}: the field is asked twice")
    seen.add(question.field)
    if question.items:
        raise FlowError(f"{where}: only a checklist has items")
    if question.helper:
        _check_helper(question, where)
    else:
        _check_question(question, where)
    can_skip = screen.ask_when is not None or question.ask_when is not None
    if can_skip and (question.helper or question.field in REQUIRED_FIELDS) \
            and not accepts(question, question.skip_value):
        raise FlowError(f"{where}: a question that can be skipped needs a valid skip_value")


def _check_helper(question: Question, where: str) -> None:
    if question.field in Intake.model_fields or question.kind != "boolean":
        raise FlowError(f"{where}: a helper is a yes/no question with a name outside the intake")
    if {o.value for o in question.options} != {True, False}:
        raise FlowError(f"{where}: a helper offers yes and no")


def _check_question(question: Question, where: str) -> None:
    info = _field_type(question.field)
    allowed, nullable = _allowed_values(info.annotation)
    base = info.annotation if not nullable else next(a for a in get_args(info.annotation) if a is not type(None))
    expected: tuple[Kind, ...]
    if base is bool:
        expected = ("choice",) if nullable else ("boolean",)
    elif get_origin(base) is list:
        expected = ("multi",)
    elif allowed:
        expected = ("choice",)
    else:
        expected = ("integer", "duration")
    if question.kind not in expected:
        raise FlowError(f"{where}: kind must be {' or '.join(expected)} for this field")
    if question.kind in ("boolean", "choice", "multi"):
        values = [o.value for o in question.options]
        want = allowed | ({None} if nullable and question.kind == "choice" else set())
        if len(values) != len(set(values)) or set(values) != want:
            raise FlowError(f"{where}: options must be exactly {sorted(map(str, want))}")
    else:
        _check_number(question, info, where, nullable)


def _check_number(question: Question, info: Any, where: str, nullable: bool) -> None:
    low, high = _bounds(info)
    if (question.min, question.max) != (low, high):
        raise FlowError(f"{where}: min and max must be the contract's {low} and {high}")
    if question.kind == "duration" and not question.units:
        raise FlowError(f"{where}: a duration needs units")
    if question.optional and not nullable:
        raise FlowError(f"{where}: only a field that accepts null may be optional")


def _compile_conditions(flow: Flow) -> dict[str, Condition]:
    """Compile every ask_when against the answers of EARLIER screens only."""
    conditions: dict[str, Condition] = {}
    domains: dict[str, Domain] = {}
    for screen in flow.screens:
        items: list[Screen | Question] = [screen, *screen.questions]
        for item in items:
            if item.ask_when is None:
                continue
            try:
                conditions[_key(item)] = compile_condition(item.ask_when, domains)
            except ConditionError as exc:
                raise FlowError(f"{screen.id}: ask_when: {exc} (only answers of earlier screens "
                                "may be used)") from None
        for question in (f for q in screen.questions for f in (q.items or [q])):
            if "." not in question.field:
                values = {o.value for o in question.options if isinstance(o.value, str)}
                domains[question.field] = Domain(frozenset(values) if values else None)
    return conditions
