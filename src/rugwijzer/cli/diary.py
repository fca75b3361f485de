"""``rugwijzer diary``: keep a pain diary for one episode on this machine, re-assessed at every entry.

    rugwijzer diary start --onset 2026-09-01 [--intake answers.json [--started-on YYYY-MM-DD]]
    rugwijzer diary add --date 2026-09-08 --pain 5 [--activity ... --medication ... --notes ...]
    rugwijzer diary show [--json]
    rugwijzer diary export --format csv|json|pdf -o FILE
    rugwijzer diary end --date 2026-10-01        (recovered: the next episode is not the first)
    rugwijzer diary delete --yes

Bad input exits with status 2, names the field and what is allowed, and changes nothing. The data
lives in the user's data folder (or ``RUGWIJZER_DATABASE_URL`` / ``RUGWIJZER_HOME``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional

import typer

from rugwijzer.cli.common import (
    LangArg,
    RegionArg,
    RegionOption,
    fail,
    fail_with_problems,
    gettext_for,
    misconfigured,
    write_atomically,
)
from rugwijzer.languages import DEFAULT_LANG

if TYPE_CHECKING:
    from rich.console import Console

    from rugwijzer.core.answer import Answer
    from rugwijzer.core.flow import Flow, Question
    from rugwijzer.core.knowledge import Lang
    from rugwijzer.core.validation import Problem
    from rugwijzer.diary.followup import Changes
    from rugwijzer.diary.service import DiaryService, History, Outcome

diary_app = typer.Typer(name="diary", no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                        help="A pain diary for one episode, re-assessed at every entry (kept on this machine).")

DOMAIN = "diary"
COLOURS = {"emergency": "bold white on red", "urgent": "bold red", "soon": "bold dark_orange",
           "routine": "bold blue", "self_care": "bold green"}
YES = {"yes", "y", "true", "ja", "j", "oui", "o", "1"}
NO = {"no", "n", "false", "nee", "non", "0"}


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    pdf = "pdf"


TodayArg = Annotated[Optional[str], typer.Option(  # noqa: UP045 (Typer needs Optional here)
    "--today", hidden=True, help="Pretend today is YYYY-MM-DD (tests, catching up).")]
InteractiveArg = Annotated[Optional[bool], typer.Option(  # noqa: UP045
    "--interactive/--no-interactive", help="Ask missing answers (default: when run in a terminal).")]


# ---- helpers ---------------------------------------------------------------------------------

def _date(value: str | None, field: str, default: date | None = None) -> date:
    if value is None:
        if default is None:
            fail(f"{field}: missing (allowed: a date YYYY-MM-DD)")
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{field}: {value!r} is not a date (allowed: YYYY-MM-DD)")


def _interactive(flag: bool | None) -> bool:
    return sys.stdin.isatty() if flag is None else flag


def _service() -> DiaryService:
    from rugwijzer.bootstrap import new_diary_service

    return new_diary_service()


@contextmanager
def _errors(lang: Lang) -> Iterator[None]:
    """Diary, intake and storage errors as messages and exit codes (2: bad input; 1: storage)."""
    from rugwijzer.core.validation import IntakeError
    from rugwijzer.diary.errors import AlarmCheckDue, DiaryInputError, DiaryStateError
    from rugwijzer.storage import StorageError

    _ = gettext_for(lang, DOMAIN)
    try:
        yield
    except IntakeError as exc:
        fail_with_problems(exc, lang)
    except AlarmCheckDue as exc:
        _fail_alarm_due(exc, lang)
    except DiaryInputError as exc:
        _fail_problems(exc.problems, lang)
    except DiaryStateError as exc:
        hints = {"no_episode": _("There is no open diary episode. Start one with: rugwijzer diary start --onset "
                                 "YYYY-MM-DD"),
                 "episode_open": _("An episode is still open. If you have recovered, end it first with: "
                                   "rugwijzer diary end --date YYYY-MM-DD")}
        fail(hints[exc.code])
    except StorageError as exc:
        misconfigured(str(exc))


def _fail_problems(problems: list[Problem], lang: Lang) -> NoReturn:
    from rich.console import Console

    _ = gettext_for(lang, DOMAIN)
    console = Console(stderr=True, highlight=False)
    heading, allowed = _("Nothing was saved. Please correct:"), _("allowed")
    console.print(f"[bold red]{heading}[/]")
    for problem in problems:
        console.print(f"  • [bold]{problem.field}[/]: {problem.message}")
        console.print(f"    {allowed}: {problem.allowed}")
    raise typer.Exit(2)


def _fail_alarm_due(exc: Any, lang: Lang) -> NoReturn:
    from rich.console import Console

    _ = gettext_for(lang, DOMAIN)
    why = {"weekly": _("the last check was a week ago or more"),
           "pain_rises": _("the pain is higher than at the previous entry")}[exc.reason]
    console = Console(stderr=True, highlight=False)
    heading = _("Nothing was saved: the alarm questions are due (%(why)s).") % {"why": why}
    console.print(f"[bold red]{heading}[/]")
    console.print(_("Run the command in a terminal to answer them, or give each with --alarm FIELD=VALUE:"))
    flow = _flow()
    for problem in exc.problems:
        label = flow.question(problem.field).label
        console.print(f"  • [bold]--alarm {problem.field}=…[/] ({problem.allowed})")
        if label:
            console.print(f"    {label[lang]}")
    raise typer.Exit(2)


def _flow() -> Flow:
    from rugwijzer.knowledge import load_flow

    return load_flow()


# ---- asking questions (the self-check flow's words) ------------------------------------------

def _ask(question: Question, lang: Lang, console: Console) -> Any:
    """Ask one question of the flow in the terminal until the answer is valid."""
    from rich.text import Text

    from rugwijzer.core.flow import FieldError, token

    flow = _flow()
    label = question.label[lang] if question.label else question.field
    options = question.options or []
    while True:
        console.print(Text(label, style="bold"))
        if question.help:
            console.print(Text(question.help[lang], style="dim"))
        for number, option in enumerate(options, 1):
            console.print(f"  {number}) {option.label[lang] if option.label else token(option.value)}")
        raw = typer.prompt(">", default="", show_default=False).strip()
        values = _option_tokens(raw, options) if options else [raw]
        answer = flow.parse_answer(question, values)
        if not isinstance(answer, FieldError):
            return answer
        _ = gettext_for(lang, DOMAIN)
        console.print(Text(_("Please answer again: choose a number from the list, "
                                                     "or give a whole number in the allowed range."), style="red"))


def _option_tokens(raw: str, options: list[Any]) -> list[str]:
    from rugwijzer.core.flow import token

    chosen = []
    for part in raw.replace(",", " ").split():
        if part.isdecimal() and 1 <= int(part) <= len(options):
            chosen.append(token(options[int(part) - 1].value))
        else:
            chosen.append(_yes_no_token(part) or part)
    return chosen


def _yes_no_token(text: str) -> str | None:
    low = text.strip().lower()
    return "true" if low in YES else "false" if low in NO else None


def _interview(onset: date, today: date, lang: Lang, console: Console) -> dict[str, Any]:
    """The self-check in the terminal, screen by screen; stops at the first emergency (contract §4).
    Returns the intake, or the emergency answer under the key ``emergency``."""
    from rugwijzer import bootstrap
    from rugwijzer.core.flow import emergency_stop

    flow, assessor = _flow(), bootstrap.assessor()
    answers: dict[str, Any] = {"duration_days": (today - onset).days}  # known from the onset
    while (screen := flow.next_screen(answers)) is not None:
        console.rule(screen.title[lang])
        for question in flow.active_questions(screen, answers):
            if question.field not in answers:
                answers[question.field] = _ask(question, lang, console)
        stop = emergency_stop(assessor.engine, flow, answers, today)
        if stop is not None:
            return {"emergency": assessor.explainer(lang).explain(stop)}
    return flow.to_intake(answers)


# ---- start -----------------------------------------------------------------------------------

@diary_app.command()
def start(
    onset: Annotated[str, typer.Option("--onset", help="The day this back pain began (YYYY-MM-DD).")],
    intake_file: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--intake", help="Self-check answers as an intake JSON file (duration_days comes from --onset).")] = None,
    started_on: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--started-on", help="The day the answers describe, YYYY-MM-DD or 'today' (default: the onset with "
        "--intake, today when answering in the terminal).")] = None,
    lang: LangArg = DEFAULT_LANG,
    region: RegionArg = RegionOption.be,
    interactive: InteractiveArg = None,
    today_text: TodayArg = None,
) -> None:
    """Start a diary for a new episode: the onset date and the self-check answers."""
    from rich.console import Console
    from rich.text import Text

    from rugwijzer.cli.render import render_assessment
    from rugwijzer.diary.service import Emergency
    from rugwijzer.services.json_input import load_object

    code: Lang = lang
    _ = gettext_for(code, DOMAIN)
    today, onset_day = _date(today_text, "--today", date.today()), _date(onset, "--onset")
    console = Console()
    with _errors(code):
        answered_on = _started_on(started_on, onset_day, today, intake_file is not None)
        if intake_file is not None:
            answers = load_object(_read(intake_file))
        elif _interactive(interactive):
            answers = _interview(onset_day, answered_on, code, console)
        else:
            fail(_("--intake: missing. Give the self-check answers as a JSON file, or run the command in a "
                    "terminal to answer the questions."))
        if "emergency" in answers:
            outcome: Any = Emergency(answers["emergency"])
        else:
            outcome = _service().start(onset_day, answers, today, code, region.value, answered_on)
    if isinstance(outcome, Emergency):  # the note first: the advice ends with the 112 line
        console.print(Text(_("The diary was not started: act on this advice first."), style="bold red"))
        render_assessment(console, outcome.answer, gettext_for(code, "cli"))
        return
    console.print(Text(_("Diary started for the episode that began on %(date)s (day %(day)s).")
                       % {"date": onset_day.isoformat(), "day": outcome.step.day}, style="bold"))
    if answered_on != today:
        console.print(_("The answers count for %(date)s; add later days with: rugwijzer diary add --date "
                        "YYYY-MM-DD --pain N (--started-on sets another day).") % {"date": answered_on.isoformat()})
    _print_outcome(console, outcome, code)


def _started_on(value: str | None, onset: date, today: date, from_file: bool) -> date:
    """The day the start's answers describe. Answers from a file may have been written down long ago:
    they count for the onset unless ``--started-on`` says otherwise; answers typed now count for today."""
    from rugwijzer.diary.validate import check_onset, check_started_on

    check_onset(onset, today)
    if value is None:
        return onset if from_file else today
    chosen = today if value.strip().lower() == "today" else _date(value, "--started-on")
    check_started_on(chosen, onset, today)
    return chosen


def _read(path: Path) -> bytes:
    try:
        return sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except OSError as exc:
        fail(f"--intake: cannot read {path}: {exc.strerror}")


# ---- add -------------------------------------------------------------------------------------

@diary_app.command()
def add(
    on: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--date", help="Date of the entry YYYY-MM-DD (default: today).")] = None,
    pain: Annotated[Optional[int], typer.Option(  # noqa: UP045
        "--pain", help="Pain now, 0 (none) to 10 (worst imaginable).")] = None,
    activity: Annotated[str, typer.Option(help="What you could do (walk, work, sleep ...).")] = "",
    medication: Annotated[str, typer.Option(help="Medication taken.")] = "",
    notes: Annotated[str, typer.Option(help="Anything else worth noting.")] = "",
    seen_doctor: Annotated[Optional[bool], typer.Option(  # noqa: UP045
        "--seen-doctor/--not-seen-doctor", help="Have you seen a doctor about this episode?")] = None,
    alarm: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--alarm", help="An alarm answer FIELD=VALUE (repeatable), e.g. --alarm fever=no.")] = None,
    lang: LangArg = DEFAULT_LANG,
    region: RegionArg = RegionOption.be,
    interactive: InteractiveArg = None,
    today_text: TodayArg = None,
) -> None:
    """Add a diary entry; the alarm questions come back weekly and whenever the pain rises."""
    from rich.console import Console

    from rugwijzer.diary.model import NewEntry

    code: Lang = lang
    today = _date(today_text, "--today", date.today())
    ask = _interactive(interactive)
    console = Console()
    with _errors(code):
        service = _service()
        entry_date = _date(on, "--date", today)
        score = pain if pain is not None else _ask_pain(code, ask)
        answers = _parse_alarms(alarm or [], service.rules.all_alarm_fields)
        reason, fields = service.alarm_check(entry_date, score)
        seen = seen_doctor if seen_doctor is not None else _ask_seen_doctor(service, code, ask)
        new = NewEntry(entry_date, score, activity, medication, notes, seen, answers or None)
        if reason is not None:
            new = _alarm_questions(service, new, today, reason, fields, code, region.value, ask, console)
        outcome = service.add(new, today, code, region.value)
    _print_outcome(console, outcome, code)


def _ask_pain(lang: Lang, ask: bool) -> int:
    _ = gettext_for(lang, DOMAIN)
    if not ask:
        fail(_("--pain: missing (allowed: a whole number from 0 to 10)"))
    return int(typer.prompt(_("Pain now, from 0 (none) to 10 (worst imaginable)"), type=int))


def _ask_seen_doctor(service: DiaryService, lang: Lang, ask: bool) -> bool:
    """Ask until the answer is yes; once a doctor has been seen the diary remembers it."""
    facts = service.facts_now() if ask else None
    if facts is None or facts.get("seen_doctor_this_episode"):
        return False
    label = _flow().question("seen_doctor_this_episode").label
    return typer.confirm(label[lang] if label else "seen_doctor_this_episode", default=False)


def _parse_alarms(pairs: list[str], allowed: list[str]) -> dict[str, Any]:
    """``FIELD=VALUE`` pairs into typed answers; exit 2 naming the field and allowed values."""
    from rugwijzer.core.validation import Problem
    from rugwijzer.diary.errors import allowed_answers
    from rugwijzer.knowledge.diary_rules import field_kind, field_values

    answers: dict[str, Any] = {}
    problems: list[Problem] = []
    for pair in pairs:
        name, _sep, value = pair.partition("=")
        name, value = name.strip(), value.strip()
        if name not in allowed:
            problems.append(Problem(name or pair, "is not an alarm question", "one of " + ", ".join(allowed)))
        elif field_kind(name) == "bool" and _yes_no_token(value):
            answers[name] = _yes_no_token(value) == "true"
        elif field_kind(name) == "choice" and value in field_values(name):
            answers[name] = value
        else:
            problems.append(Problem(name, f"{value!r} is not an answer", allowed_answers(name)))
    if problems:
        raise _input_error(problems)
    return answers


def _input_error(problems: list[Problem]) -> Exception:
    from rugwijzer.diary.errors import DiaryInputError

    return DiaryInputError(problems)


def _alarm_questions(service: DiaryService, new: Any, today: date, reason: str, fields: list[str], lang: Lang,
                     region: Any, ask: bool, console: Console) -> Any:
    """Ask the alarm questions that are due and not yet answered. An emergency answer shows the
    emergency advice at once and ends the questions (the entry is then saved as it is)."""
    from dataclasses import replace

    from rugwijzer.cli.render import render_assessment

    _ = gettext_for(lang, DOMAIN)
    answers = dict(new.alarm_answers or {})
    if not ask:  # the service checks the values first, then names the alarm questions still due
        return new
    service.preview(new, today)  # bad values are reported before any question is asked
    if [f for f in fields if f not in answers]:
        console.rule(_("The alarm questions again (once a week, and whenever the pain rises)"))
    asked: set[str] = set(answers)
    while pending := [f for f in _due_fields(service, new, answers, today) if f not in asked]:
        name = pending[0]
        answers[name] = _ask(_flow().question(name), lang, console)
        asked.add(name)
        preview = service.preview(replace(new, alarm_answers=answers), today, lang, region)
        if preview.answer["urgency"] == "emergency":
            render_assessment(console, preview.answer, gettext_for(lang, "cli"))
            break
    return replace(new, alarm_answers=answers)


def _due_fields(service: DiaryService, new: Any, answers: dict[str, Any], today: date) -> list[str]:
    """The alarm questions that apply with the answers so far (a yes may bring a follow-up)."""
    from dataclasses import replace

    preview = service.preview(replace(new, alarm_answers=answers), today)
    return service.rules.alarm_fields(preview.step.intake)


# ---- show ------------------------------------------------------------------------------------

@diary_app.command()
def show(
    as_json: Annotated[bool, typer.Option("--json", help="Print the diary and its advice as JSON.")] = False,
    episode: Annotated[Optional[int], typer.Option(  # noqa: UP045
        "--episode", help="Show an earlier episode by its number (default: the latest).")] = None,
    lang: LangArg = DEFAULT_LANG,
    region: RegionArg = RegionOption.be,
) -> None:
    """Show an episode (the latest by default): the advice, what changed, the milestones, every entry."""
    import orjson
    from rich.console import Console

    code: Lang = lang
    with _errors(code):
        service = _service()
        known = [e.id for e in service.episodes()]
        if episode is not None and episode not in known:
            fail(f"--episode: there is no episode {episode} (allowed: {', '.join(map(str, known)) or 'none yet'})")
        history = service.history(code, region.value, episode)
    if as_json:
        sys.stdout.buffer.write(orjson.dumps(_history_json(history), option=orjson.OPT_INDENT_2) + b"\n")
        return
    _print_history(Console(), history, code)


def _history_json(history: History) -> dict[str, Any]:
    from rugwijzer.diary.export import as_document

    document = as_document([history], history.steps[-1].on, history.latest["knowledge_version"])
    changes = history.last_changes
    return {"episode": document["episodes"][0], "advice": history.latest,
            "changes": changes.as_dict() if changes else None}


def _print_history(console: Console, history: History, lang: Lang) -> None:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from rugwijzer.diary import views

    _ = gettext_for(lang, DOMAIN)
    episode = history.episode
    title = _("Pain diary: episode that began on %(date)s") % {"date": episode.onset.isoformat()}
    if episode.ended_on:
        title += " — " + _("ended (recovered) on %(date)s") % {"date": episode.ended_on.isoformat()}
    console.print(Text(title, style="bold"))
    _print_advice(console, history.latest, lang)
    if history.last_changes is not None:
        _print_changes(console, history.last_changes, lang)
    _print_milestones(console, history.latest, lang)
    table = Table(title=_("Entries (the same data as the chart in the web diary and the PDF)"))
    for heading in (_("Date"), _("Day"), _("Pain"), _("Trend"), _("Advice"), _("Notes")):
        table.add_column(heading)
    for row in views.rows(history):
        entry = row.step.entry
        table.add_row(row.entry_date + (" (" + _("start") + ")" if row.is_start else ""), str(row.step.day),
                      str(row.step.pain), views.trend_label(row.step.trend, lang), row.answer["action"]["name"],
                      entry.notes if entry else "")
    console.print(table)
    _print_safety_net(console, history.latest)
    console.print(Panel(Text(history.latest["disclaimer"]), border_style="dim"))
    _print_act_now(console, history.latest)


# ---- printing an outcome ---------------------------------------------------------------------

def _print_outcome(console: Console, outcome: Outcome, lang: Lang) -> None:
    from rich.panel import Panel
    from rich.text import Text

    from rugwijzer.diary import views

    _ = gettext_for(lang, DOMAIN)
    step = outcome.step
    if step.entry is not None:
        console.print(Text(_("Saved: %(date)s (day %(day)s), pain %(pain)s/10, trend: %(trend)s.") % {
            "date": step.on.isoformat(), "day": step.day, "pain": step.pain,
            "trend": views.trend_label(step.trend, lang)}, style="bold"))
    _print_advice(console, outcome.answer, lang)
    if outcome.changes is not None:
        _print_changes(console, outcome.changes, lang)
    _print_milestones(console, outcome.answer, lang)
    _print_safety_net(console, outcome.answer)
    console.print(Panel(Text(outcome.answer["disclaimer"]), border_style="dim"))
    _print_act_now(console, outcome.answer)


def _print_advice(console: Console, answer: Answer, lang: Lang) -> None:
    """What to do and where, why (the flags that set the advice), and in an emergency or urgent
    result the lower flags under "also tell the doctor" (clinical rules §10)."""
    from rich.panel import Panel
    from rich.text import Text

    _ = gettext_for(lang, DOMAIN)
    action = answer["action"]
    body = Text.assemble((action["name"], COLOURS[answer["urgency"]]), "\n", action["action"], "\n",
                         (f"→ {action['where']}", "bold"))
    for flag in answer["flags"]:
        if not flag.get("also_tell"):
            body.append(f"\n• {flag['title']}")
    also_tell = [flag for flag in answer["flags"] if flag.get("also_tell")]
    if also_tell:
        body.append(f"\n{answer['also_tell_heading']}", style="bold")
        for flag in also_tell:
            body.append(f"\n• {flag['title']}")
    console.print(Panel(body, title=_("What to do now")))


def _print_safety_net(console: Console, answer: Answer) -> None:
    """The tiers of the safety net above the advice's own level (none for an emergency)."""
    from rich.text import Text

    for tier in answer.get("safety_net", []):
        console.print(Text(tier["heading"], style=COLOURS[tier["level"]]))
        for sign in tier["signs"]:
            console.print(f"  • {sign}", highlight=False)


def _print_act_now(console: Console, answer: Answer) -> None:
    """An emergency ends with where to go and the number to call: it must not scroll away."""
    from rich.text import Text

    if answer["urgency"] == "emergency":
        console.print(Text(answer["action"]["where"], style=COLOURS["emergency"]))


def _print_changes(console: Console, diff: Changes, lang: Lang) -> None:
    from rugwijzer import bootstrap

    _ = gettext_for(lang, DOMAIN)
    if not diff.anything:
        console.print(_("Nothing changed in the advice since the previous entry."))
        return
    names = {str(k): v for k, v in bootstrap.assessor().explainer(lang).urgencies.items()}  # words, never ids
    console.rule(_("What changed"))
    if diff.urgency != diff.urgency_before:
        console.print(_("Advice: %(before)s → %(now)s") % {"before": names[diff.urgency_before],
                                                          "now": names[diff.urgency]})
    for flag in diff.new_flags:
        console.print("+ " + _("New") + f": {flag['title']}", highlight=False)
    for flag, _before in diff.level_changes:
        console.print("~ " + _("Changed") + f": {flag['title']}", highlight=False)
    for flag in diff.cleared_flags:
        console.print("- " + _("No longer") + f": {flag['title']}", highlight=False)
    for milestone in diff.milestones_reached:
        console.print(f"✓ {milestone['text']}", highlight=False)


def _print_milestones(console: Console, answer: Answer, lang: Lang) -> None:
    _ = gettext_for(lang, DOMAIN)
    ahead = [m for m in answer.get("milestones", []) if not m["reached"]]
    if ahead:
        m = ahead[0]
        console.print(_("Next milestone: %(date)s (day %(day)s): %(text)s") % {
            "date": m["date"], "day": m["day"], "text": m["text"]}, highlight=False)


# ---- end, export, delete ---------------------------------------------------------------------

@diary_app.command()
def end(
    on: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--date", help="The day you recovered YYYY-MM-DD (default: today).")] = None,
    lang: LangArg = DEFAULT_LANG,
    today_text: TodayArg = None,
) -> None:
    """End the episode (recovered). A later episode starts a new diary, not counted as the first."""
    code: Lang = lang
    today = _date(today_text, "--today", date.today())
    with _errors(code):
        episode = _service().end(_date(on, "--date", today), today)
    _ = gettext_for(code, DOMAIN)
    typer.echo(_("Episode ended on %(date)s.") % {"date": episode.ended_on})


@diary_app.command("export")
def export_command(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="csv, json or pdf.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.")],
    lang: LangArg = DEFAULT_LANG,
    region: RegionArg = RegionOption.be,
    today_text: TodayArg = None,
) -> None:
    """Export everything in the diary (every episode and entry) as CSV, JSON or PDF."""
    from rugwijzer.diary.export import export

    code: Lang = lang
    _ = gettext_for(code, DOMAIN)
    today = _date(today_text, "--today", date.today())
    with _errors(code), _progress(code) as (progress, phase):
        data = export(_service(), fmt.value, today, code, region.value, progress=progress, phase=phase)
    write_atomically(output, data)  # private (0600) temp file, renamed: all or nothing
    typer.echo(_("Exported: %(path)s") % {"path": output}, err=True)


@contextmanager
def _progress(lang: Lang) -> Iterator[tuple[Callable[[int, int], None], Callable[[str], None]]]:
    """A Rich progress bar on standard error: steps re-assessed, then writing / laying out pages."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    _ = gettext_for(lang, DOMAIN)
    names = {"assessing": _("Re-assessing every entry"), "writing": _("Writing"),
             "layout": _("Laying out the PDF pages")}
    with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(names["assessing"], total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        def phase(name: str) -> None:
            if name == "layout":  # WeasyPrint gives no progress of its own: a pulsing bar instead
                bar.update(task, visible=False)
                bar.add_task(names[name], total=None)
            else:
                bar.update(task, description=names.get(name, name))

        yield progress, phase


@diary_app.command()
def delete(
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: delete every episode and entry.")] = False,
    lang: LangArg = DEFAULT_LANG,
    interactive: InteractiveArg = None,
) -> None:
    """Delete everything in the diary, for good (export first if you want to keep a copy)."""
    code: Lang = lang
    _ = gettext_for(code, DOMAIN)
    if not yes:
        if not _interactive(interactive):
            fail(_("--yes: missing. Deleting cannot be undone; add --yes to confirm."))
        if not typer.confirm(_("Delete every episode and entry of the diary? This cannot be undone."),
                             default=False):
            raise typer.Exit(1)
    with _errors(code):
        entries, episodes = _service().delete_everything()
    typer.echo(_("Deleted: %(episodes)s episode(s) and %(entries)s entry(ies).")
               % {"episodes": episodes, "entries": entries})
