"""``rugwijzer check``: the self-check in the terminal, with the same questions as the web app.

The questions, their order and what is skipped come from the shared flow (questions.yaml, see
:mod:`rugwijzer.core.flow`). After every answer the engine looks at the answers so far, and the
check stops at once with the emergency advice when they already are an emergency (contract §4);
otherwise the end shows the same result as ``rugwijzer assess``.

Answers are read line by line from standard input, so the check can be scripted or tested by
piping answers: type the number of an answer (or its contract value, such as ``true`` or
``below_knee``), a whole number, or ``?`` for the explanation of a medical word.

Interface strings come from the ``check`` gettext catalogue. After changing one:
    .venv/bin/pybabel extract --no-location --sort-output -o src/rugwijzer/locale/check.pot src/rugwijzer/cli/check.py
    .venv/bin/pybabel update -D check -i src/rugwijzer/locale/check.pot -d src/rugwijzer/locale --no-fuzzy-matching
    .venv/bin/pybabel compile -D check -d src/rugwijzer/locale --statistics
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from rugwijzer.cli.app import LangArg, LangOption, RegionArg, RegionOption, _assessor, _parse_date, app
from rugwijzer.core.flow import AnswerValue, FieldError, Flow, Question, conflicts, emergency_stop, token
from rugwijzer.core.knowledge import Lang, Region
from rugwijzer.i18n import gettext_for
from rugwijzer.services.assessing import Assessor

DOMAIN = "check"
Ask = Callable[[str], str]


class Stopped(Exception):
    """The input ended before the check was finished."""


@app.command()
def check(
    lang: LangArg = LangOption.nl,
    region: RegionArg = RegionOption.be,
    on: Annotated[Optional[str], typer.Option(  # noqa: UP045 (Typer needs Optional here)
        "--date", help="Assessment date YYYY-MM-DD (default: today).")] = None,
) -> None:
    """Answer the self-check questions one by one, then see what to do (the same advice as assess)."""
    from rugwijzer.knowledge import load_flow
    from rugwijzer.services.assessing import default_assessor

    console = Console(highlight=False)
    assessor = _assessor(default_assessor)
    flow = _assessor(load_flow)
    try:
        run_check(flow, assessor, console, _reader(console), lang.value, region.value, _parse_date(on))
    except Stopped:
        _ = gettext_for(lang.value, DOMAIN)
        Console(stderr=True).print(_("The answers stopped before the end: no advice was given."))
        raise typer.Exit(1) from None


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
              today: date) -> dict[str, AnswerValue]:
    """Ask every question that applies, stop at the first emergency, print the result; returns
    the answers (for tests)."""
    from rugwijzer.cli.render import render_assessment

    _ = gettext_for(lang, DOMAIN)
    title = _("Rugwijzer self-check")
    console.print(f"[bold]{escape(title)}[/]")
    console.print(escape(_("Type the number of your answer and press Enter. Type ? to see what a "
                           "question means.")))
    answers: dict[str, AnswerValue] = {}
    screen = flow.screens[0]
    while True:
        number, total = flow.progress(screen.id, answers)
        step = _("Step {n} of {total}").format(n=number, total=total)
        console.rule(f"{step}: {screen.title[lang]}")
        if screen.intro:
            console.print(escape(screen.intro[lang]))
        if screen.notice:
            console.print(f"[dim]{escape(screen.notice[lang])}[/]")
        for question in flow.active_questions(screen, answers):
            answers[question.field] = _ask_until_valid(flow, question, answers, ask, console, lang)
            stop = emergency_stop(assessor.engine, flow, answers, today)
            if stop is not None:  # nobody with an emergency should have to answer more
                explained = assessor.explainer(lang, region).explain(stop)
                render_assessment(console, explained, gettext_for(lang))
                return answers
        following = flow.screen_after(screen.id, answers) or flow.next_screen(answers)
        if following is None:
            break
        screen = following
    answer = assessor.assess(flow.to_intake(answers), today, lang, region)
    render_assessment(console, answer, gettext_for(lang))
    return answers


def _ask_until_valid(flow: Flow, question: Question, answers: dict[str, AnswerValue], ask: Ask,
                     console: Console, lang: Lang) -> AnswerValue:
    _ = gettext_for(lang, DOMAIN)
    label = question.label[lang] if question.label else question.field
    console.print()
    console.print(f"[bold]{escape(label)}[/]")
    if question.help:
        hint = _("Type ? to see what this means.")
        console.print(f"[dim]{escape(hint)}[/]")
    choices = _choices(question, lang)
    for number, (_value, text) in enumerate(choices, 1):
        console.print(f"  {number}) {escape(text)}")
    while True:
        result = _read_answer(flow, question, choices, ask, console, lang)
        if isinstance(result, FieldError):
            console.print(f"[red]{escape(_message(result, question, len(choices), _))}[/]")
            continue
        clash = [e for e in conflicts(flow, {**answers, question.field: result}) if question.field in
                 (e.field, *e.others)]
        if clash:
            console.print(f"[red]{escape(_message(clash[0], question, len(choices), _))}[/]")
            continue
        return result


def _choices(question: Question, lang: Lang) -> list[tuple[str, str]]:
    if question.kind not in ("boolean", "choice", "multi"):
        return []
    return [(token(o.value), o.label[lang] if o.label else token(o.value)) for o in question.options]


def _read_answer(flow: Flow, question: Question, choices: list[tuple[str, str]], ask: Ask,
                 console: Console, lang: Lang) -> AnswerValue | FieldError:
    """One answer from the input; ``?`` shows the explanation and asks again."""
    _ = gettext_for(lang, DOMAIN)
    hint = {"multi": _("Numbers, separated by commas (Enter: none of these)"),
            "duration": _("How long ago (a whole number)")}.get(question.kind, _("Your answer"))
    if question.kind == "integer":
        hint = _("A whole number from {low} to {high}").format(low=question.min, high=question.max)
    text = ask(f"{hint}: ").strip()
    explanation = question.help[lang] if question.help else _("This question has no difficult words.")
    while text == "?":
        console.print(f"[italic]{escape(explanation)}[/]")
        text = ask(f"{hint}: ").strip()
    if question.kind == "multi":
        picked = [_pick(part.strip(), choices) for part in text.split(",") if part.strip()]
        return flow.parse_answer(question, [p or "?" for p in picked])
    if question.kind in ("boolean", "choice"):
        return flow.parse_answer(question, [_pick(text, choices) or text])
    if question.kind == "duration":
        return flow.parse_answer(question, [text], _ask_unit(question, ask, console, lang))
    return flow.parse_answer(question, [text])


def _pick(text: str, choices: list[tuple[str, str]]) -> str | None:
    """A typed number (1, 2, ...) or contract value to the option's value."""
    if text.isdecimal() and 1 <= int(text) <= len(choices):
        return choices[int(text) - 1][0]
    return text if any(text == value for value, _label in choices) else None


def _ask_unit(question: Question, ask: Ask, console: Console, lang: Lang) -> str:
    _ = gettext_for(lang, DOMAIN)
    for number, unit in enumerate(question.units, 1):
        console.print(f"  {number}) {escape(unit.label[lang])}")
    prompt = _("Unit")
    text = ask(f"{prompt}: ").strip()
    if text.isdecimal() and 1 <= int(text) <= len(question.units):
        return question.units[int(text) - 1].id
    return text


def _message(error: FieldError, question: Question, choices: int, _: Callable[[str], str]) -> str:
    if error.code == "conflict":
        return _("This is longer than your life so far. Please check this answer and your age.")
    if error.code == "unit":
        return _("Choose a unit by its number.")
    if question.kind == "multi":
        return _("Type the numbers of the answers that fit, from 1 to {n}, or press Enter.").format(n=choices)
    if question.kind in ("boolean", "choice"):
        return _("Type a number from 1 to {n}.").format(n=choices)
    if question.kind == "duration" and error.code == "range":
        return _("That is more than 100 years. Please check this answer.")
    return _("Type a whole number from {low} to {high}.").format(low=question.min, high=question.max)
