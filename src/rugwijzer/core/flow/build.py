"""Building the flow from questions.yaml and checking it against the intake contract and the
knowledge base (:func:`build_flow`); a broken entry raises FlowError naming it."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from rugwijzer.core.conditions import Condition, ConditionError, Domain, compile_condition
from rugwijzer.core.fields import shape_of_field
from rugwijzer.core.flow.answers import accepts
from rugwijzer.core.flow.model import (
    ALARM_LEVELS,
    NONE,
    STARTBACK_PREFIX,
    FlowDocument,
    FlowError,
    Kind,
    Option,
    OptionValue,
    Question,
    Screen,
)
from rugwijzer.core.flow.runner import Flow, condition_key
from rugwijzer.core.intake import REQUIRED_FIELDS, Intake, StartBackAnswers
from rugwijzer.core.knowledge import KnowledgeBase, Text, missing_languages

# ---- building and checking ---------------------------------------------------------------------

def build_flow(document: Any, kb: KnowledgeBase) -> Flow:
    """Validate questions.yaml's content against the contract and the knowledge base."""
    try:
        parsed = FlowDocument.model_validate(document)
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


def _allowed_values(info: Any) -> tuple[set[OptionValue], bool]:
    """The option values a field accepts, and whether it accepts null."""
    shape = shape_of_field(info)
    if shape.kind == "bool":
        return {True, False}, shape.nullable
    return set(shape.values), shape.nullable  # empty for a number


def _bounds(info: Any) -> tuple[int | None, int | None]:
    shape = shape_of_field(info)
    return shape.low, shape.high


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
    allowed, nullable = _allowed_values(info)
    shape = shape_of_field(info)
    expected: tuple[Kind, ...]
    if shape.kind == "bool":
        expected = ("choice",) if nullable else ("boolean",)
    elif shape.kind == "multi":
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
                conditions[condition_key(item)] = compile_condition(item.ask_when, domains)
            except ConditionError as exc:
                raise FlowError(f"{screen.id}: ask_when: {exc} (only answers of earlier screens "
                                "may be used)") from None
        for question in (f for q in screen.questions for f in (q.items or [q])):
            if "." not in question.field:
                values = {o.value for o in question.options if isinstance(o.value, str)}
                domains[question.field] = Domain(frozenset(values) if values else None)
    return conditions
