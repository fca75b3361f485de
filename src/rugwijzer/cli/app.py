"""The ``rugwijzer`` command (contract §3). It only translates: files and flags in, engine answers out.

Every command imports what it needs when it runs (the engine, the web app, storage, the PDF), so
that ``rugwijzer --version`` and ``--help`` start in a fraction of a second.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from rugwijzer.cli import diary, report, screen
from rugwijzer.cli.common import (
    LangArg,
    RegionArg,
    RegionOption,
    RulesLangArg,
    fail_with_problems,
    gettext_for,
    lines,
    misconfigured,
    open_input,
    or_exit,
    parse_date,
    read_input,
)
from rugwijzer.languages import DEFAULT_LANG

if TYPE_CHECKING:
    from rugwijzer.core.knowledge import Lang, Region

app = typer.Typer(
    name="rugwijzer",
    help="Rugwijzer: triage and self-care advice for low back pain. It does not replace a doctor.",
    add_completion=False,
    no_args_is_help=True,
    # Tracebacks with local variables could print health data: never show them.
    pretty_exceptions_enable=False,
    # Plain help and usage errors: Rich's help formatter (and the Markdown parser it loads) would
    # double the time ``rugwijzer --help`` takes.
    rich_markup_mode=None,
)


class RulesFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"


def _version(value: bool) -> None:
    if value:
        from rugwijzer import __version__
        from rugwijzer.knowledge import knowledge_version

        typer.echo(f"rugwijzer {__version__} (knowledge base {or_exit(knowledge_version)})")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[Optional[bool], typer.Option(  # noqa: UP045 (Typer needs Optional here)
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = None,
) -> None:
    """Rugwijzer: triage and self-care advice for low back pain. It does not replace a doctor."""


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
    import orjson

    from rugwijzer import bootstrap
    from rugwijzer.core.validation import IntakeError

    today = parse_date(on)
    lang_code: Lang = lang
    region_code: Region = region.value
    assessor = or_exit(bootstrap.assessor)
    if jsonl:
        import gc

        # Batch work: the long-lived objects built so far (knowledge base, compiled rules) never need
        # the garbage collector's attention again; keeping them out of its scans saves real time.
        gc.freeze()
        source = sys.stdin.buffer if file is None or str(file) == "-" else open_input(file)
        out = sys.stdout.buffer
        all_ok = True
        for line, ok in assessor.assess_lines(lines(source), today, lang_code, region_code):
            out.write(line + b"\n")
            all_ok &= ok
        out.flush()
        raise typer.Exit(0 if all_ok else 2)
    try:
        answer = assessor.assess_text(read_input(file), today, lang_code, region_code)
    except IntakeError as exc:
        if as_json:
            sys.stdout.buffer.write(orjson.dumps({"error": exc.as_dict()}, option=orjson.OPT_INDENT_2) + b"\n")
        fail_with_problems(exc, lang_code)
    if as_json:
        sys.stdout.buffer.write(orjson.dumps(answer, option=orjson.OPT_INDENT_2) + b"\n")
        return
    from rich.console import Console

    from rugwijzer.cli.render import render_assessment

    render_assessment(Console(), answer, gettext_for(lang_code))


@app.command()
def rules(
    lang: RulesLangArg = DEFAULT_LANG,
    fmt: Annotated[RulesFormat, typer.Option("--format", "-f", help="table, markdown or json.")] = RulesFormat.table,
) -> None:
    """Print every rule, threshold, text and source for clinical review (the complete audit)."""
    from rugwijzer.cli.rules_view import print_rules
    from rugwijzer.knowledge import load_knowledge

    kb = or_exit(load_knowledge)
    print_rules(kb, lang, fmt.value)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; keep 127.0.0.1 for your own use.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    lang: LangArg = DEFAULT_LANG,
) -> None:
    """Start the web app (self-check, diary, API) on this machine."""
    import uvicorn

    from rugwijzer.http.web import auth
    from rugwijzer.http.web.app import create_app
    from rugwijzer.storage import StorageError, database_url

    try:
        database_url()  # a wrong setting stops here, in one line, not at the first diary page
        auth.owner_key()  # the diary's key file, made now so that its owner can find it
    except StorageError as exc:
        misconfigured(str(exc))
    _ = gettext_for(lang)
    typer.echo(f"Rugwijzer: http://{host}:{port}/  (Ctrl+C to stop)")
    link = f"http://127.0.0.1:{port}/diary/login?code={auth.new_login_code()}&lang={lang}"
    typer.echo(_("Your diary (this link opens it once; do not share it): %(url)s") % {"url": link})
    # No access log: URLs and addresses are personal enough to keep out of logs.
    uvicorn.run(create_app(), host=host, port=port, log_level="warning", access_log=False)


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
    from rugwijzer.cli.interview import check_in_terminal

    check_in_terminal(lang, region.value, parse_date(on), save)


app.add_typer(diary.diary_app, name="diary")
app.command()(report.report)
app.command()(screen.screen)


def main() -> None:
    """Console-script entry point."""
    app()
