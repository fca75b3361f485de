"""The engine decides: after each screen, is it an emergency already, do answers contradict each
other, and what is the next step (:func:`submit`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from rugwijzer.core.engine import Assessment, Engine
from rugwijzer.core.flow.model import Answers, FieldError, Screen, Step
from rugwijzer.core.flow.runner import Flow
from rugwijzer.core.validation import IntakeError, parse_intake

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
