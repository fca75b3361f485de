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

The package, by job: :mod:`.model` (the data), :mod:`.answers` (form strings to typed answers),
:mod:`.runner` (the :class:`Flow`: what applies and what comes next), :mod:`.decide` (the engine
decides: :func:`submit`) and :mod:`.build` (:func:`build_flow` and its checks).
"""

from __future__ import annotations

from rugwijzer.core.flow.answers import accepts, split_duration, token
from rugwijzer.core.flow.build import build_flow
from rugwijzer.core.flow.decide import conflicts, emergency_stop, submit
from rugwijzer.core.flow.model import (
    ALARM_LEVELS,
    NONE,
    STARTBACK_PREFIX,
    Answers,
    AnswerValue,
    ErrorCode,
    FieldError,
    FlowError,
    Kind,
    Option,
    OptionValue,
    Question,
    Screen,
    Step,
    Unit,
)
from rugwijzer.core.flow.runner import Flow

__all__ = [
    "ALARM_LEVELS", "NONE", "STARTBACK_PREFIX", "AnswerValue", "Answers", "ErrorCode", "FieldError", "Flow",
    "FlowError", "Kind", "Option", "OptionValue", "Question", "Screen", "Step", "Unit", "accepts", "build_flow",
    "conflicts", "emergency_stop", "split_duration", "submit", "token",
]
