"""Running the flow: what applies, which screen comes next, how far along, and the intake it makes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pydantic import PrivateAttr

from rugwijzer.core.conditions import UNKNOWN, Condition
from rugwijzer.core.flow.answers import accepts, parse_checklist, parse_multi, parse_number, parse_option
from rugwijzer.core.flow.model import (
    STARTBACK_PREFIX,
    Answers,
    AnswerValue,
    FieldError,
    Question,
    Screen,
    StrictModel,
)
from rugwijzer.core.intake import REQUIRED_FIELDS, Intake, StartBackAnswers
from rugwijzer.core.knowledge import Text


class Flow(StrictModel):
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
        return self._conditions.get(condition_key(item))

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
        condition = self._conditions[condition_key(item)]
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
                 if is_known(self, name) and accepts(self.question(name), value)}
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
            return parse_multi(question, texts)
        if question.kind == "checklist":
            return parse_checklist(question, texts)
        if not texts:
            if question.optional:
                return None
            return FieldError(question.field, "required")
        if question.kind in ("boolean", "choice"):
            return parse_option(question, texts[-1])
        return parse_number(question, texts[-1], unit)


def is_known(flow: Flow, name: str) -> bool:
    try:
        flow.question(name)
    except KeyError:
        return False
    return True


def condition_key(item: Screen | Question) -> str:
    return f"q:{item.field}" if isinstance(item, Question) else f"s:{item.id}"
