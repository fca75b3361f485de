"""What the self-check templates show: questions, errors and results, ready for the templates.

No HTTP here: ``pages.py`` reads the request and picks the page; these functions gather the words
(question texts from the flow, medical texts from the engine's answer, interface strings from the
``web`` gettext catalogue) so that the templates stay simple.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date

from rugwijzer.core.answer import Answer
from rugwijzer.core.flow import AnswerValue, FieldError, Question, split_duration, token
from rugwijzer.core.knowledge import KnowledgeBase, Lang
from rugwijzer.languages import NAMES, babel_locale

Gettext = Callable[[str], str]
Form = Mapping[str, Sequence[str]]

# Each language named in its own language: that is how people recognise theirs in the switch.
LANGUAGE_NAMES: dict[str, str] = NAMES


@dataclass(frozen=True, slots=True)
class OptionView:
    id: str
    value: str
    label: str
    checked: bool
    help: str | None = None  # a checklist item's "what does this mean?"


@dataclass(frozen=True, slots=True)
class QuestionView:
    """One question as the template draws it; ``id`` is the HTML id of its first control (the
    error summary links there)."""

    field: str
    id: str
    widget: str  # radio, checkbox, number or duration
    label: str
    help: str | None
    options: list[OptionView] = dataclasses.field(default_factory=list)
    value: str = ""
    unit_field: str = ""
    units: list[OptionView] = dataclasses.field(default_factory=list)
    unit_label: str | None = None
    optional: bool = False
    error: str | None = None
    scale: bool = False  # a row of numbers (pain 0 to 10)

    @property
    def base(self) -> str:
        return html_id(self.field)

    @property
    def described_by(self) -> str:
        """The ids that describe the control: its error first, then its help."""
        ids = [f"{self.base}-error" if self.error else "", f"{self.base}-help" if self.help else ""]
        return " ".join(i for i in ids if i)


def html_id(name: str) -> str:
    """A safe HTML id for a field name (STarT Back fields contain a dot)."""
    return "q-" + name.replace(".", "-").replace("_", "-")


def question_view(question: Question, lang: Lang, answers: Mapping[str, AnswerValue],
                  typed: Form | None, error: str | None) -> QuestionView:
    """A question with its current value: what was just typed (``typed``, shown again next to an
    error) or else the stored answer (after going back, or after a language switch)."""
    base = html_id(question.field)
    common: dict[str, Any] = {
        "field": question.field,
        "label": question.label[lang] if question.label else question.field,
        "help": question.help[lang] if question.help else None,
        "optional": question.optional,
        "error": error,
    }
    raw = list(typed.get(question.field, [])) if typed is not None else None
    if question.kind == "duration":
        unit = typed.get(question.unit_field, [""])[-1] if typed is not None else None
        return _duration_view(question, lang, answers, raw, unit, common)
    if question.kind == "integer" and not is_scale(question):
        value = raw[-1] if raw else _stored_text(question, answers)
        return QuestionView(id=base, widget="number", value=value,
                            unit_label=question.unit[lang] if question.unit else None, **common)
    chosen = set(raw) if raw is not None else _stored_tokens(question, answers)
    hints = {item.field: item.help[lang] for item in question.items if item.help}
    options = [OptionView(f"{base}-{i}", value, label, value in chosen, hints.get(value))
               for i, (value, label) in enumerate(_choices(question, lang))]
    checkboxes = question.kind in ("multi", "checklist")
    return QuestionView(id=f"{base}-0", widget="checkbox" if checkboxes else "radio",
                        options=options, scale=is_scale(question), **common)


def is_scale(question: Question) -> bool:
    """A short number range (pain 0 to 10) is easier to tap as a row of choices than to type."""
    return (question.kind == "integer" and question.min is not None and question.max is not None
            and question.max - question.min <= 10)


def _choices(question: Question, lang: Lang) -> list[tuple[str, str]]:
    if is_scale(question):
        return [(str(n), str(n)) for n in range(question.min or 0, (question.max or 0) + 1)]
    return [(token(o.value), o.label[lang] if o.label else token(o.value)) for o in question.options]


def _stored_tokens(question: Question, answers: Mapping[str, AnswerValue]) -> set[str]:
    if question.field not in answers:  # not answered yet (None may be a real answer: "rather not say")
        return set()
    answer = answers[question.field]
    return {token(v) for v in answer} if isinstance(answer, list) else {token(answer)}


def _stored_text(question: Question, answers: Mapping[str, AnswerValue]) -> str:
    answer = answers.get(question.field)
    return "" if answer is None else str(answer)


def _duration_view(question: Question, lang: Lang, answers: Mapping[str, AnswerValue],
                   raw: list[str] | None, unit: str | None, common: dict[str, Any]) -> QuestionView:
    amount, unit_id = (raw[-1] if raw else ""), (unit or "days")
    stored = answers.get(question.field)
    if raw is None and isinstance(stored, int) and not isinstance(stored, bool):
        number, unit_id = split_duration(question, stored)
        amount = str(number)
    base = html_id(question.field)
    units = [OptionView(f"{base}-unit-{u.id}", u.id, u.label[lang], u.id == unit_id) for u in question.units]
    return QuestionView(id=base, widget="duration", value=amount, unit_field=question.unit_field,
                        units=units, **common)


def error_message(error: FieldError, question: Question, _: Gettext) -> str:
    """The words for a refused answer, in the page's language."""
    if error.code == "conflict":
        if {error.field, *error.others} == {"duration_days", "age"}:
            return _("This is longer than your life so far. Please check this answer and your age.")
        return _("This answer does not fit with another answer. Please check both.")
    if error.code == "unit":
        return _("Choose days, weeks, months or years.")
    if question.kind == "duration":
        return _("Fill in how long ago, as a whole number (0 or more), for example 3 days.") \
            if error.code != "range" else _("That is more than 100 years. Please check this answer.")
    if question.kind == "integer" and not is_scale(question):
        return _("Fill in a whole number from {low} to {high}.").format(low=question.min, high=question.max)
    if question.kind == "checklist":
        if error.code == "none_and_more":
            return _("You ticked “none of these” and something else. Untick one of them.")
        return _("Tick what applies, or “none of these”.")
    if question.kind == "multi":
        return _("Choose from the list.")
    return _("Choose one answer.")


# ---- the result ---------------------------------------------------------------------------------

def long_date(value: str | None, lang: str, region: str) -> str:
    """A date in words in the page's language (25 november 2026); '' for None."""
    if not value:
        return ""
    return format_date(date.fromisoformat(value), "long", locale=babel_locale(lang, region))


def phone_numbers(answer: Answer) -> list[tuple[str, str]]:
    """The numbers to call for the result itself: (number, kind), kind emergency or out_of_hours.
    An emergency gets 112, a doctor today the out-of-hours number (none in a region without one);
    calmer results none: their safety net carries 112, and a headline "Emergency: 112" would read
    as if it were one (issue 9)."""
    action = answer["action"]
    if answer["urgency"] == "emergency":
        return [(str(action["emergency_number"]), "emergency")]
    if answer["urgency"] == "urgent" and action.get("out_of_hours_number"):
        return [(str(action["out_of_hours_number"]), "out_of_hours")]
    return []


def tier_number(answer: Answer, level: str) -> str:
    """The number to call for one tier of the safety net: 112, the out-of-hours number, or ''."""
    action = answer["action"]
    if level == "emergency":
        return str(action["emergency_number"])
    if level == "urgent":
        return str(action.get("out_of_hours_number") or "")
    return ""


def cited_references(kb: KnowledgeBase, flags: Sequence[Mapping[str, Any]], lang: Lang) -> list[tuple[str, str]]:
    """The full references behind the fired flags' sources, in order: (the name a lay reader knows
    it by, the citation)."""
    references = {r.key: r for r in kb.meta.references}
    keys = dict.fromkeys(key for flag in flags for key in kb.source_keys(str(flag["source"])))
    return [(references[key].lay[lang], references[key].citation) for key in keys if key in references]


def result_context(kb: KnowledgeBase, answer: Answer, lang: Lang, region: str) -> dict[str, Any]:
    """What the result partials need besides the answer (also used by the diary's pages)."""
    return {"numbers": phone_numbers(answer),
            "references": cited_references(kb, answer["flags"], lang),
            "long_date": lambda d: long_date(d, lang, region),
            "tier_number": tier_number,
            "avoid": by_relevance(kb, answer["avoid"]),
            "risk_advice": [(r["you"], r["advice"]) for r in answer.get("risk_advice", [])]}


def by_relevance(kb: KnowledgeBase, avoid: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The not-recommended items in the knowledge base's order, the most relevant first (the
    answer lists them by id)."""
    rank = {item.id: i for i, item in enumerate(kb.avoid.items)}
    return sorted(avoid, key=lambda item: rank.get(str(item["id"]), len(rank)))
