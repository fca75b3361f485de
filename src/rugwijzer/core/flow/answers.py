"""Form strings to typed answers, and typed answers back to form tokens (one question at a time)."""

from __future__ import annotations

from rugwijzer.core.flow.model import NONE, AnswerValue, FieldError, Question

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


def parse_option(question: Question, text: str) -> AnswerValue | FieldError:
    for option in question.options:
        if token(option.value) == text:
            return option.value
    return FieldError(question.field, "choose")


def parse_multi(question: Question, texts: list[str]) -> AnswerValue | FieldError:
    allowed = [token(o.value) for o in question.options]
    if any(t not in allowed for t in texts):
        return FieldError(question.field, "choose")
    return [t for t in allowed if t in texts]  # in the order of the options, each once


def parse_checklist(question: Question, texts: list[str]) -> AnswerValue | FieldError:
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


def parse_number(question: Question, text: str, unit_id: str) -> AnswerValue | FieldError:
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
