"""The ``rugwijzer`` command (contract §3). It only translates: files and flags in, engine answers out."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional

import orjson
import typer
from rich.console import Console
from rich.markup import escape

from rugwijzer import __version__
from rugwijzer.core.knowledge import Lang, Region
from rugwijzer.core.validation import IntakeError
from rugwijzer.i18n import gettext_for
from rugwijzer.knowledge import KnowledgeError
from rugwijzer.languages import DEFAULT_LANG, LANGS

app = typer.Typer(
    name="rugwijzer",
    help="Rugwijzer: triage and self-care advice for low back pain. It does not replace a doctor.",
    add_completion=False,
    no_args_is_help=True,
    # Tracebacks with local variables could print health data: never show them.
    pretty_exceptions_enable=False,
)


class RegionOption(StrEnum):
    be = "be"
    nl = "nl"


class RulesFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"


# The languages of the registry (knowledge/data/languages.yaml); the first is the default.
def _lang_choice(choices: tuple[str, ...]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in choices:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(choices)}.")
        return value
    return parse


LangArg = Annotated[str, typer.Option("--lang", "-l", parser=_lang_choice(LANGS), metavar="[" + "|".join(LANGS) + "]",
                                      help="Language of the texts.")]
RegionArg = Annotated[RegionOption, typer.Option("--region", "-r",
                                                 help="Phone numbers and services: be (112, 1733) or nl.")]


def _version(value: bool) -> None:
    if value:
        from rugwijzer.knowledge import load_knowledge

        typer.echo(f"rugwijzer {__version__} (knowledge base {load_knowledge().version})")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[Optional[bool], typer.Option(  # noqa: UP045 (Typer needs Optional here)
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = None,
) -> None:
    """Rugwijzer: triage and self-care advice for low back pain. It does not replace a doctor."""


def _read_input(file: Path | None) -> bytes:
    if file is None or str(file) == "-":
        return sys.stdin.buffer.read()
    try:
        return file.read_bytes()
    except OSError as exc:
        _fail(f"cannot read {file}: {exc.strerror}")


def _misconfigured(message: str) -> NoReturn:
    """A setting or the data folder cannot be used: one line, exit status 1."""
    Console(stderr=True).print(f"[bold red]{escape(message)}[/]", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def _fail(message: str) -> NoReturn:
    Console(stderr=True).print(f"[bold red]{message}[/]", highlight=False)
    raise typer.Exit(2)


@app.command()
def assess(
    file: Annotated[Optional[Path], typer.Argument(  # noqa: UP045
        help="Intake JSON file; '-' or nothing reads standard input.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the assessment as JSON.")] = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="One intake per line in, one JSON line out.")] = False,
    lang: LangArg = DEFAULT_LANG,
    region: RegionArg = RegionOption.be,
    on: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--date", help="Assessment date YYYY-MM-DD (default: today); milestone dates count from it.")] = None,
) -> None:
    """Assess one intake (or one per line with --jsonl) and print the advice."""
    from rugwijzer.services.assessing import default_assessor

    today = _parse_date(on)
    lang_code: Lang = lang
    region_code: Region = region.value
    assessor = _assessor(default_assessor)
    if jsonl:
        # Batch work: the long-lived objects built so far (knowledge base, compiled rules) never need
        # the garbage collector's attention again; keeping them out of its scans saves real time.
        gc.freeze()
        source = sys.stdin.buffer if file is None or str(file) == "-" else _open(file)
        out = sys.stdout.buffer
        all_ok = True
        for line, ok in assessor.assess_lines(_lines(source), today, lang_code, region_code):
            out.write(line + b"\n")
            all_ok &= ok
        out.flush()
        raise typer.Exit(0 if all_ok else 2)
    try:
        answer = assessor.assess_text(_read_input(file), today, lang_code, region_code)
    except IntakeError as exc:
        if as_json:
            sys.stdout.buffer.write(orjson.dumps({"error": exc.as_dict()}, option=orjson.OPT_INDENT_2) + b"\n")
        _fail_with_problems(exc, lang_code)
    if as_json:
        sys.stdout.buffer.write(orjson.dumps(answer, option=orjson.OPT_INDENT_2) + b"\n")
        return
    from rugwijzer.cli.render import render_assessment

    render_assessment(Console(), answer, gettext_for(lang_code))


def _assessor(factory: Any) -> Any:
    try:
        return factory()
    except KnowledgeError as exc:  # a broken knowledge file must stop everything, loudly
        # escape: a message names entries as items[lifting], which Rich would read as markup
        Console(stderr=True).print(f"[bold red]Knowledge base error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from None


def _lines(source: Any) -> Any:
    for raw in source:
        yield raw.rstrip(b"\r\n")


def _open(file: Path) -> Any:
    try:
        return file.open("rb")
    except OSError as exc:
        _fail(f"cannot read {file}: {exc.strerror}")


def _parse_date(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"--date: {value!r} is not a date (allowed: YYYY-MM-DD)")


def _fail_with_problems(exc: IntakeError, lang: Lang) -> NoReturn:
    _ = gettext_for(lang)
    console = Console(stderr=True, highlight=False)
    emergency = exc.emergency
    if emergency:  # shown first (contract §1): the error must not hide what to do now
        action = emergency["action"]
        console.print(f"[bold white on red] {action['name']} [/] [bold]{action['action']}[/]")
        console.print(f"[bold]→ {action['where']}[/]")
        for flag in emergency["flags"]:
            console.print(f"  • {flag['title']}")
        console.print(_("The valid answers already show an emergency, whatever the others are."))
    heading = _("The intake is not valid. Please correct:")
    allowed = _("allowed")
    console.print(f"[bold red]{heading}[/]")
    for problem in exc.problems:
        console.print(f"  • [bold]{problem.field}[/]: {problem.message}")
        console.print(f"    {allowed}: {problem.allowed}")
    if emergency:  # and last, so that it does not scroll away under the problems
        console.print(f"[bold white on red] → {emergency['action']['where']} [/]")
    raise typer.Exit(2)


@app.command()
def rules(
    lang: Annotated[str, typer.Option(
        "--lang", "-l", parser=_lang_choice((*LANGS, "all")), metavar="[" + "|".join((*LANGS, "all")) + "]",
        help=f"Language of the texts; 'all' shows {', '.join(LANGS)} side by side.")] = DEFAULT_LANG,
    fmt: Annotated[RulesFormat, typer.Option("--format", "-f", help="table, markdown or json.")] = RulesFormat.table,
) -> None:
    """Print every rule, threshold, text and source for clinical review (the complete audit)."""
    from rugwijzer.cli.rules_view import print_rules
    from rugwijzer.knowledge import load_knowledge

    kb = _assessor(load_knowledge)
    print_rules(kb, lang, fmt.value)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; keep 127.0.0.1 for your own use.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    lang: LangArg = DEFAULT_LANG,
) -> None:
    """Start the web app (self-check, diary, API) on this machine."""
    import uvicorn

    from rugwijzer.diary import auth
    from rugwijzer.storage import StorageError, database_url
    from rugwijzer.web.app import create_app

    try:
        database_url()  # a wrong setting stops here, in one line, not at the first diary page
        auth.owner_key()  # the diary's key file, made now so that its owner can find it
    except StorageError as exc:
        _misconfigured(str(exc))
    _ = gettext_for(lang)
    typer.echo(f"Rugwijzer: http://{host}:{port}/  (Ctrl+C to stop)")
    link = f"http://127.0.0.1:{port}/diary/login?code={auth.new_login_code()}&lang={lang}"
    typer.echo(_("Your diary (this link opens it once; do not share it): %(url)s") % {"url": link})
    # No access log: URLs and addresses are personal enough to keep out of logs.
    uvicorn.run(create_app(), host=host, port=port, log_level="warning", access_log=False)


import rugwijzer.cli.check  # noqa: E402  (registers `rugwijzer check`, the interactive self-check)
import rugwijzer.cli.diary  # noqa: E402  (registers `rugwijzer diary`)
import rugwijzer.cli.report  # noqa: E402, F401  (registers `rugwijzer report`; it reuses the helpers above)


def main() -> None:
    """Console-script entry point."""
    app()
