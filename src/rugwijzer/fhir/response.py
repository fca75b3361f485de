"""A QuestionnaireResponse (raw FHIR JSON) → an intake dict for the core (contract §1).

Each answered item's ``linkId`` names a question of the flow: the contract's intake field,
``startback.<key>``, or a helper that only steers the flow. Values are read from the raw JSON, not
from fhir.resources' parsed model, because that model coerces ``"true"`` to ``true`` and ``7.0`` to
``7``: an answer must have the type its question asks for. The flow then turns the answers into an
intake (questions that do not apply get their skip value); an answer that was given always counts,
even for a question the flow would have skipped. Unanswered questions stay unknown, so the core
applies partial-intake semantics (contract §4).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from rugwijzer.core.answer import Emergency
from rugwijzer.core.errors import InvalidInput
from rugwijzer.core.flow import STARTBACK_PREFIX, AnswerValue, Flow, Question, accepts, token
from rugwijzer.core.knowledge import Lang, Region
from rugwijzer.core.validation import ALLOWED, EARLIEST, LATEST, IntakeError
from rugwijzer.fhir.codes import QUESTIONNAIRE_URL

_VALUE_KEYS = ("valueBoolean", "valueInteger", "valueDecimal", "valueString", "valueDate", "valueDateTime",
               "valueTime", "valueUri", "valueCoding", "valueQuantity", "valueAttachment", "valueReference")


@dataclass(frozen=True, slots=True)
class MappedResponse:
    intake: dict[str, Any]
    authored: date | None


STATUSES = ("in-progress", "completed", "amended", "entered-in-error", "stopped")  # R4 QuestionnaireResponse


def fhirpath_string(text: str) -> str:
    """``text`` as a FHIRPath string literal: quotes and backslashes escaped."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def link_id_expression(link_id: str) -> str:
    return f"QuestionnaireResponse.descendants().where(linkId={fhirpath_string(link_id)})"


def _problem(name: str, message: str, allowed: str, expression: str | None = None) -> dict[str, Any]:
    """A problem with one element; by default the items with linkId ``name``."""
    where = expression or link_id_expression(name)
    return {"field": name, "fields": [name], "message": message, "allowed": allowed, "expression": where}


class ResponseError(InvalidInput):
    """A QuestionnaireResponse that cannot be used, naming each element that is wrong. ``kind`` is
    ``structure`` (not a valid R4 QuestionnaireResponse at all) or ``content`` (valid FHIR, but not
    answers to this Questionnaire); the HTTP layer chooses the status for each."""

    def __init__(self, kind: Literal["structure", "content"], problems: list[dict[str, Any]]) -> None:
        self.kind = kind
        self.problems = tuple(problems)
        self.fields = tuple(dict.fromkeys(p["field"] for p in problems))
        self.message = "; ".join(f"{p['field']}: {p['message']} (allowed: {p['allowed']})" for p in problems)
        super().__init__(self.message)


class InvalidAnswers(ResponseError):
    """Answers that cannot be read, with the intake that the readable answers make: an error
    never hides an emergency (contract §1), so the caller checks that intake for one."""

    def __init__(self, problems: list[dict[str, Any]], intake: dict[str, Any], authored: date | None) -> None:
        super().__init__("content", problems)
        self.intake, self.authored = intake, authored


def emergency_despite(error: InvalidAnswers, lang: Lang, region: Region) -> Emergency | None:
    """The emergency that the readable answers already show whatever the unreadable ones are
    (contract §1 and §4), if any: every format shows it first."""
    from rugwijzer.services.assessing import default_assessor

    try:
        answer = default_assessor().assess(error.intake, error.authored or date.today(), lang, region)
    except IntakeError as exc:
        return exc.emergency
    if answer["urgency"] != "emergency":
        return None
    return {"urgency": "emergency", "action": answer["action"],
            "flags": [f for f in answer["flags"] if f["level"] == "emergency"],
            "disclaimer": answer["disclaimer"]}


def _refuse(kind: Literal["structure", "content"], problems: list[dict[str, Any]]) -> ResponseError:
    return ResponseError(kind, problems)


# ---- structure ------------------------------------------------------------------------------------

def check_structure(raw: dict[str, Any]) -> None:
    """Refuse anything that is not a valid R4 QuestionnaireResponse (400, naming each element)."""
    if raw.get("resourceType") != "QuestionnaireResponse":
        raise _refuse("structure", [_problem("resourceType", f"got {str(raw.get('resourceType'))[:40]!r}",
                                     "QuestionnaireResponse (or a Parameters resource holding one)",
                                     "QuestionnaireResponse.resourceType")])
    try:
        QuestionnaireResponse.model_validate(raw)
    except ValidationError as exc:
        raise _refuse("structure", [_structure_problem(e) for e in exc.errors(include_url=False)]) from None


def _structure_problem(error: Any) -> dict[str, Any]:
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.get("loc", ()))
    message = str(error.get("msg", "is not valid")).splitlines()[0][:200]
    name = path.lstrip(".") or "QuestionnaireResponse"
    return _problem(name, message, "an R4 QuestionnaireResponse", f"QuestionnaireResponse{path}")


def _check_header(raw: dict[str, Any]) -> None:
    canonical = raw.get("questionnaire")
    if canonical is not None and str(canonical).split("|")[0] != QUESTIONNAIRE_URL:
        raise _refuse("content", [_problem("questionnaire", f"got {str(canonical)[:80]!r}", QUESTIONNAIRE_URL,
                                     "QuestionnaireResponse.questionnaire")])
    status = raw.get("status")
    if status not in STATUSES:
        got = f"got {json.dumps(status, default=str)[:40]}"
        raise _refuse("structure", [_problem("status", got, ", ".join(STATUSES), "QuestionnaireResponse.status")])
    if status == "entered-in-error":
        raise _refuse("content", [_problem("status", "the response was entered in error",
                                     "in-progress, completed, amended or stopped", "QuestionnaireResponse.status")])


# ---- answers --------------------------------------------------------------------------------------

def _answered_items(items: Any) -> Iterator[dict[str, Any]]:
    """Every item with answers, through groups and items nested under answers."""
    for item in items or ():
        if item.get("answer"):
            yield item
            for answer in item["answer"]:
                yield from _answered_items(answer.get("item"))
        yield from _answered_items(item.get("item"))


_EXPECTED = {"boolean": ("valueBoolean",), "choice": ("valueCoding", "valueBoolean"),
             "multi": ("valueCoding",), "integer": ("valueInteger",), "duration": ("valueInteger",)}


class _Wrong:
    """An answer of a kind the question does not take (kept to say what was sent)."""

    def __init__(self, text: str) -> None:
        self.text = text


def _read(question: Question, answer: dict[str, Any]) -> Any:
    """One answer's value, typed for its question; a coded answer's code becomes the option's value
    (``"true"`` → true for the coded yes/no/unknown questions)."""
    key = next((k for k in _VALUE_KEYS if k in answer), None)
    if key is None or key not in _EXPECTED.get(question.kind, ()):  # a checklist is a group: no answer
        return _Wrong(f"{key or 'no value'}: {json.dumps(answer.get(key or ''), default=str)[:60]}")
    if key == "valueCoding":
        code = answer[key].get("code")
        return next((o.value for o in question.options if token(o.value) == code), code)
    return answer[key]


def _allowed(question: Question) -> str:
    if question.kind in ("boolean", "choice", "multi"):
        codes = ", ".join(token(o.value) for o in question.options)
        shape = "valueBoolean" if question.kind == "boolean" else "valueCoding with a code"
        return f"{shape}: {codes}" + (" (any number of answers)" if question.kind == "multi" else "")
    return "valueInteger: " + ALLOWED.get(question.field, f"a whole number from {question.min} to {question.max}")


def _answer(question: Question, answers: list[dict[str, Any]]) -> tuple[AnswerValue, dict[str, Any] | None]:
    values = [_read(question, a) for a in answers]
    wrong = next((v for v in values if isinstance(v, _Wrong)), None)
    if wrong is not None:
        return None, _problem(question.field, f"got {wrong.text}", _allowed(question))
    if question.kind == "multi":
        value: Any = values
    elif len(values) > 1:
        return None, _problem(question.field, f"has {len(values)} answers", "exactly one answer")
    else:
        value = values[0]
    if not accepts(question, value):
        return None, _problem(question.field, f"got {json.dumps(value, default=str)[:60]}", _allowed(question))
    return value, None


def collect_answers(flow: Flow, raw: dict[str, Any]) -> dict[str, AnswerValue]:
    """Typed answers by field; raises InvalidAnswers naming every item that is wrong."""
    answers: dict[str, AnswerValue] = {}
    problems: list[dict[str, Any]] = []
    for item in _answered_items(raw.get("item")):
        link_id = str(item.get("linkId"))
        try:
            question = flow.question(link_id)
        except KeyError:
            problems.append(_problem(link_id, "is not a question of the rugwijzer-intake Questionnaire",
                                     "the linkIds of GET /fhir/Questionnaire/rugwijzer-intake"))
            continue
        if link_id in answers:
            problems.append(_problem(link_id, "is answered more than once", "one item per question"))
            continue
        value, problem = _answer(question, item["answer"])
        if problem:
            problems.append(problem)
        else:
            answers[link_id] = value
    if problems:
        raise InvalidAnswers(problems, to_intake(flow, answers), _authored_or_none(raw))
    return answers


def to_intake(flow: Flow, answers: dict[str, AnswerValue]) -> dict[str, Any]:
    """The flow's intake, with every given answer kept (a given "yes" is never replaced by a skip
    value); STarT Back is the flow's business (all nine answers, or none)."""
    intake = flow.to_intake(answers)
    for name, value in answers.items():
        question = flow.question(name)
        if not question.helper and not name.startswith(STARTBACK_PREFIX):
            intake[name] = value
    return intake


def _authored(raw: dict[str, Any]) -> date | None:
    """The day the answers were given: the assessment date (None: partial or no date, use today)."""
    text = raw.get("authored")
    if not isinstance(text, str) or len(text) < 10:
        return None
    day = date.fromisoformat(text[:10])
    if not EARLIEST <= day <= LATEST:
        raise _refuse("content", [_problem("authored", f"got {text[:40]!r}", "a date from 1900 to 2199",
                                     "QuestionnaireResponse.authored")])
    return day


def _authored_or_none(raw: dict[str, Any]) -> date | None:
    try:
        return _authored(raw)
    except ResponseError:
        return None


def intake_from_response(raw: dict[str, Any], flow: Flow | None = None) -> MappedResponse:
    """Map a QuestionnaireResponse to an intake; raises ResponseError naming what is wrong."""
    from rugwijzer.knowledge import load_flow

    check_structure(raw)
    _check_header(raw)
    chosen = flow or load_flow()
    return MappedResponse(to_intake(chosen, collect_answers(chosen, raw)), _authored(raw))


# ---- the other way round ------------------------------------------------------------------------

def _answers_for(question: Question, value: Any) -> list[dict[str, Any]]:
    from rugwijzer.fhir.codes import system

    if question.kind == "boolean":
        return [{"valueBoolean": value}]
    if question.kind in ("choice", "multi"):
        values = value if isinstance(value, list) else [value]
        return [{"valueCoding": {"system": system(question.field), "code": token(v)}} for v in values]
    return [{"valueInteger": value}]


def questionnaire_response(intake: dict[str, Any], flow: Flow | None = None) -> dict[str, Any]:
    """A QuestionnaireResponse that answers the intake's fields (for clients and tests): one group
    per screen, an item per field present in the intake (a checklist: one per ticked or unticked
    box, each a yes/no item of its own); helpers are left unanswered."""
    from rugwijzer.fhir.questionnaire import group_link_id
    from rugwijzer.knowledge import load_flow

    chosen = flow or load_flow()
    startback = intake.get("startback") or {}
    groups = []
    for screen in chosen.screens:
        items = []
        for question in (q for shown in screen.questions for q in (shown.items or [shown])):
            key = question.field.removeprefix(STARTBACK_PREFIX)
            source = startback if question.field.startswith(STARTBACK_PREFIX) else intake
            value = source.get(key, [])
            if question.helper or value == [] or (value is None and question.kind != "choice"):
                continue  # not given, nothing chosen, or null where only leaving it out says "none"
            items.append({"linkId": question.field, "answer": _answers_for(question, value)})
        if items:
            groups.append({"linkId": group_link_id(screen), "item": items})
    return {"resourceType": "QuestionnaireResponse", "questionnaire": QUESTIONNAIRE_URL,
            "status": "completed", "item": groups}
