"""``rugwijzer check``: the self-check in the terminal, with the same questions as the web app.

The questions, their order and what is skipped come from the shared flow (questions.yaml, see
:mod:`rugwijzer.core.flow`). After every answer the engine looks at the answers so far, and the
check stops at once with the emergency advice when they already are an emergency (contract §4);
otherwise the end shows the same result as ``rugwijzer assess``.

Answers are read line by line from standard input, so the check can be scripted or tested by
piping answers. Numbering is the same for every question: ``0`` is always the "no" answer ("no",
"none of these", "only in my lower back", "disagree"), the other answers count from ``1`` in the
order shown. A "which of these apply?" list takes several numbers (``1,3``) or ``0`` for none of
these. The contract value itself (``true``, ``below_knee``) works too. ``<`` goes back one
question, ``?`` explains the medical words. A number that does not fit is refused at once.
``--save FILE`` keeps the answers as an intake JSON file for ``rugwijzer report`` and
``rugwijzer diary start --intake``.

Interface strings come from the ``check`` gettext catalogue. After changing one:
    .venv/bin/pybabel extract --no-location --sort-output -o src/rugwijzer/locale/check.pot src/rugwijzer/cli/check.py
    .venv/bin/pybabel update -D check -i src/rugwijzer/locale/check.pot -d src/rugwijzer/locale --no-fuzzy-matching
    .venv/bin/pybabel compile -D check -d src/rugwijzer/locale --statistics
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape

from rugwijzer.cli.app import LangArg, RegionArg, RegionOption, _assessor, _parse_date, app
from rugwijzer.core.flow import NONE, AnswerValue, FieldError, Flow, Question, Screen, conflicts, emergency_stop, token
from rugwijzer.core.knowledge import Lang, Region
from rugwijzer.i18n import gettext_for
from rugwijzer.languages import DEFAULT_LANG
from rugwijzer.services.assessing import Assessor

DOMAIN = "check"
BACK = "<"
Ask = Callable[[str], str]
Gettext = Callable[[str], str]


class Stopped(Exception):
    """The input ended before the check was finished."""


class _Back:
    """The person typed ``<``: go back one question."""


GO_BACK = _Back()


@dataclass(frozen=True, slots=True)
class Choice:
    number: int
    value: str  # the option's form token
    label: str


@app.command()
def check(
    lang: LangArg = DEFAULT_LANG,
    region: RegionArg = RegionOption.be,
    on: Annotated[Optional[str], typer.Option(  # noqa: UP045 (Typer needs Optional here)
        "--date", help="Assessment date YYYY-MM-DD (default: today).")] = None,
    save: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--save", help="Also write the answers to FILE as an intake JSON (for `report` and "
                       "`diary start --intake`).")] = None,
) -> None:
    """Answer the self-check questions one by one, then see what to do (the same advice as assess)."""
    from rugwijzer.knowledge import load_flow
    from rugwijzer.services.assessing import default_assessor

    console = Console(highlight=False)
    assessor = _assessor(default_assessor)
    flow = _assessor(load_flow)
    _ = gettext_for(lang, DOMAIN)

    def keep(answers: dict[str, AnswerValue]) -> None:
        """Save before the result is shown: the result (ending with 112) stays the last thing on screen."""
        if save is not None:
            save_intake(save, flow.to_intake(answers))
            console.print(escape(_("Your answers are saved in {file}.").format(file=save)))

    try:
        run_check(flow, assessor, console, _reader(console), lang, region.value, _parse_date(on), keep)
    except Stopped:
        Console(stderr=True).print(_("The answers stopped before the end: no advice was given."))
        raise typer.Exit(1) from None


def save_intake(path: Path, intake: dict[str, Any]) -> None:
    """The answers as an intake JSON file (UTF-8, one object), as ``rugwijzer assess`` reads it."""
    path.write_text(json.dumps(intake, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _reader(console: Console) -> Ask:
    """Read one line per answer. Piped answers are not echoed by the terminal: print them, so that
    a transcript reads like a conversation."""
    echo = not sys.stdin.isatty()

    def ask(prompt: str) -> str:
        try:
            text = console.input(prompt)
        except EOFError:
            raise Stopped from None
        if echo:
            console.print(escape(text))
        return text
    return ask


def run_check(flow: Flow, assessor: Assessor, console: Console, ask: Ask, lang: Lang, region: Region,
              today: date, done: Callable[[dict[str, AnswerValue]], None] | None = None) -> dict[str, AnswerValue]:
    """Ask every question that applies, one at a time, stop at the first emergency, print the
    result; ``done`` gets the answers just before the result is printed (``--save``). Returns the
    answers (for tests)."""
    from rugwijzer.cli.render import render_assessment

    _ = gettext_for(lang, DOMAIN)
    title = _("Rugwijzer self-check")
    console.print(f"[bold]{escape(title)}[/]")
    console.print(escape(_("Type the number of your answer and press Enter. 0 is always “no” or “none "
                           "of these”. Type < to go back one question, ? to see what a question means.")))
    answers: dict[str, AnswerValue] = {}
    asked: list[str] = []  # the questions answered, in order (for going back)
    shown = ""
    while (screen := flow.next_screen(answers)) is not None:
        question = next(q for q in flow.active_questions(screen, answers) if not flow.answered(q, answers))
        if screen.id != shown:
            _screen_header(flow, screen, answers, console, lang)
            shown = screen.id
        result = _ask_until_valid(flow, question, answers, ask, console, lang)
        if isinstance(result, _Back):
            answers, shown = _go_back(flow, answers, asked, console, _), ""
            continue
        answers[question.field] = result
        asked.append(question.field)
        stop = emergency_stop(assessor.engine, flow, answers, today)
        if stop is not None:  # nobody with an emergency should have to answer more
            explained = assessor.explainer(lang, region).explain(stop)
            if done is not None:
                done(answers)
            render_assessment(console, explained, gettext_for(lang))
            return answers
    answer = assessor.assess(flow.to_intake(answers), today, lang, region)
    if done is not None:
        done(answers)
    render_assessment(console, answer, gettext_for(lang))
    return answers


def _screen_header(flow: Flow, screen: Screen, answers: dict[str, AnswerValue], console: Console,
                   lang: Lang) -> None:
    _ = gettext_for(lang, DOMAIN)
    left = flow.steps_left(screen.id, answers)
    steps = _("last step") if left <= 1 else _("about {n} steps left").format(n=left)
    console.rule(f"{escape(screen.title[lang])} ({escape(steps)})")
    if screen.intro:
        console.print(escape(screen.intro[lang]))
    if screen.notice:
        console.print(f"[dim]{escape(screen.notice[lang])}[/]")


def _go_back(flow: Flow, answers: dict[str, AnswerValue], asked: list[str], console: Console,
             _: Gettext) -> dict[str, AnswerValue]:
    """Forget the last answer, so that its question is asked again."""
    if not asked:
        first = _("This is the first question.")
        console.print(f"[yellow]{escape(first)}[/]")
        return answers
    answers.pop(asked.pop(), None)
    kept = flow.clean(answers)
    asked[:] = [name for name in asked if name in kept]
    return kept


def _ask_until_valid(flow: Flow, question: Question, answers: dict[str, AnswerValue], ask: Ask,
                     console: Console, lang: Lang) -> AnswerValue | _Back:
    _ = gettext_for(lang, DOMAIN)
    label = question.label[lang] if question.label else question.field
    console.print()
    console.print(f"[bold]{escape(label)}[/]")
    if question.help or any(item.help for item in question.items):
        hint = _("Type ? to see what this means.")
        console.print(f"[dim]{escape(hint)}[/]")
    choices = choices_for(question, lang, flow.texts["none_of_these"][lang])
    for choice in choices:
        console.print(f"  {choice.number}) {escape(choice.label)}")
    while True:
        result = _read_answer(flow, question, choices, ask, console, lang)
        if isinstance(result, _Back):
            return result
        if isinstance(result, FieldError):
            console.print(f"[red]{escape(_message(result, question, choices, _))}[/]")
            continue
        clash = [e for e in conflicts(flow, {**answers, question.field: result})
                 if question.field in (e.field, *e.others)]
        if clash:
            console.print(f"[red]{escape(_message(clash[0], question, choices, _))}[/]")
            continue
        return result


def choices_for(question: Question, lang: Lang, none_label: str = "–") -> list[Choice]:
    """The numbered answers: the "no" answer is 0, the others count from 1 in the order shown."""
    if question.kind not in ("boolean", "choice", "multi", "checklist"):
        return []
    options = [(token(o.value), o.label[lang] if o.label else token(o.value)) for o in question.options]
    no = next((i for i, o in enumerate(question.options) if _is_no(o.value)), None)
    if question.kind == "multi":  # nothing ticked is a valid answer: it is number 0
        options.append(("", none_label))
        no = len(options) - 1
    first = [Choice(0, *options[no])] if no is not None else []
    rest = [option for i, option in enumerate(options) if i != no]
    return [*first, *(Choice(n, value, label) for n, (value, label) in enumerate(rest, 1))]


def _is_no(value: object) -> bool:
    return value is False or value == NONE


def _read_answer(flow: Flow, question: Question, choices: list[Choice], ask: Ask,
                 console: Console, lang: Lang) -> AnswerValue | FieldError | _Back:
    """One answer from the input; ``?`` shows the explanation and asks again, ``<`` goes back."""
    _ = gettext_for(lang, DOMAIN)
    text = ask(f"{_hint(question, _)}: ").strip()
    while text == "?":
        console.print(f"[italic]{escape(_explanation(question, lang, _))}[/]")
        text = ask(f"{_hint(question, _)}: ").strip()
    if text == BACK:
        return GO_BACK
    if question.kind in ("multi", "checklist"):
        parts = [p for p in text.replace(",", " ").split() if p]
        picked = [_pick(p, choices) for p in parts]
        if any(p is None for p in picked):
            return FieldError(question.field, "choose")
        return flow.parse_answer(question, [p for p in picked if p])
    if question.kind in ("boolean", "choice"):
        return flow.parse_answer(question, [_pick(text, choices) or "?"])
    if question.kind == "duration":
        return _read_duration(flow, question, text, ask, console, lang)
    return flow.parse_answer(question, [text])


def _hint(question: Question, _: Gettext) -> str:
    if question.kind in ("multi", "checklist"):
        return _("Numbers, separated by commas (0: none of these)")
    if question.kind == "duration":
        return _("How long ago (a whole number)")
    if question.kind == "integer":
        return _("A whole number from {low} to {high}").format(low=question.min, high=question.max)
    return _("Your answer")


def _explanation(question: Question, lang: Lang, _: Gettext) -> str:
    lines = [question.help[lang]] if question.help else []
    lines += [f"{item.label[lang]}: {item.help[lang]}" for item in question.items if item.help and item.label]
    return "\n".join(lines) or _("This question has no difficult words.")


def _pick(text: str, choices: list[Choice]) -> str | None:
    """A typed number or contract value to the option's form token (None: no such answer)."""
    if text.isdecimal() and text.isascii():
        return next((c.value for c in choices if c.number == int(text)), None)
    return text if any(text == c.value for c in choices if c.value) else None


def _read_duration(flow: Flow, question: Question, text: str, ask: Ask, console: Console,
                   lang: Lang) -> AnswerValue | FieldError:
    """A number first (refused at once when it is not a whole number), then its unit: typed on the
    same line ("3 weeks") or chosen by number."""
    number, _space, unit_text = text.partition(" ")
    if not number.isdecimal() or not number.isascii():
        return FieldError(question.field, "whole_number", question.min, question.max)
    unit = _unit_by_name(question, unit_text.strip(), lang) if unit_text.strip() else None
    if unit is None:
        unit = _ask_unit(question, ask, console, lang)
    return flow.parse_answer(question, [number], unit)


def _unit_by_name(question: Question, text: str, lang: Lang) -> str | None:
    low = text.lower()
    return next((u.id for u in question.units if low in (u.id, u.label[lang].lower())), None)


def _ask_unit(question: Question, ask: Ask, console: Console, lang: Lang) -> str:
    _ = gettext_for(lang, DOMAIN)
    for number, unit in enumerate(question.units, 1):
        console.print(f"  {number}) {escape(unit.label[lang])}")
    prompt = _("Unit")
    text = ask(f"{prompt}: ").strip()
    if text.isdecimal() and text.isascii() and 1 <= int(text) <= len(question.units):
        return question.units[int(text) - 1].id
    return _unit_by_name(question, text, lang) or text


def _message(error: FieldError, question: Question, choices: list[Choice], _: Gettext) -> str:
    high = max((c.number for c in choices), default=0)
    low = min((c.number for c in choices), default=1)
    if error.code == "conflict":
        return _("This is longer than your life so far. Please check this answer and your age.")
    if error.code == "unit":
        return _("Choose a unit by its number.")
    if error.code == "none_and_more":
        return _("0 means none of these: type it alone, or only the numbers that apply.")
    if question.kind in ("multi", "checklist"):
        return _("Type the numbers of the answers that apply, from 1 to {n}, or 0 for none of these.").format(n=high)
    if question.kind in ("boolean", "choice"):
        return _("Type a number from {low} to {high}.").format(low=low, high=high)
    if question.kind == "duration" and error.code == "range":
        return _("That is more than 100 years. Please check this answer.")
    return _("Type a whole number from {low} to {high}.").format(low=question.min, high=question.max)
