"""``rugwijzer screen INPUT -o OUT``: the rules over a whole table of intakes, on DuckDB or Spark.

Only counts and file names are printed, never an answer or an id: the input is health data.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional

import typer

from rugwijzer.cli.common import gettext_for, or_exit
from rugwijzer.languages import DEFAULT_LANG, LANGS

if TYPE_CHECKING:  # the rest is imported when the command runs: --help stays fast
    from rich.progress import Progress

_OUTPUT_SUFFIXES = (".parquet", ".csv")  # the message below names them


def _stop(message: str) -> NoReturn:
    from rich.console import Console

    Console(stderr=True, highlight=False).print(f"[bold red]{message}[/]", markup=True, soft_wrap=True)
    raise typer.Exit(2)


def _bad_option(_: Any, option: str, value: object, allowed: str) -> NoReturn:
    _stop(_("%(option)s: %(value)s is not allowed (allowed: %(allowed)s)")
          % {"option": option, "value": repr(value), "allowed": allowed})


def _check_options(_: Any, input_path: Path, output: Path, engine: str, lang: str, min_cell: int,
                   report: Path | None) -> None:
    from rugwijzer.screening.job import ENGINES

    if engine not in ENGINES:
        _bad_option(_, "--engine", engine, ", ".join(ENGINES))
    if lang not in LANGS:
        _bad_option(_, "--lang", lang, ", ".join(LANGS))
    if min_cell < 1:
        _bad_option(_, "--min-cell", min_cell, _("a whole number of 1 or more"))
    if output.suffix.lower() not in _OUTPUT_SUFFIXES:
        _bad_option(_, "--output", str(output), _("a file name ending in .parquet or .csv"))
    if report is not None and report.suffix.lower() not in (".html", ".htm"):
        _bad_option(_, "--report", str(report), _("a file name ending in .html"))
    if not input_path.is_file():
        _stop(_("Cannot read %(path)s: there is no such file.") % {"path": input_path})


def _progress_bar(_: Any) -> tuple[Progress, Any]:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    bar = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                   console=console, transient=True, disable=not console.is_terminal)
    task = bar.add_task(_("Screening"), total=1.0)

    def update(done: float | None) -> None:
        if done is not None:
            bar.update(task, completed=done)

    return bar, update


def screen(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT",
                                               help="Intakes: .parquet, .csv, .jsonl, or FHIR NDJSON (.ndjson).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Results: a .parquet or .csv file.")],
    report: Annotated[Optional[Path], typer.Option(  # noqa: UP045 (Typer needs Optional here)
        "--report", help="Also write an anonymous HTML report for the occupational physician.")] = None,
    group_by: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--group-by", help="A column of the input that groups rows (e.g. department); copied to the output.")] = None,
    id_column: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--id", help="The input's id column (default: id, else the row number).")] = None,
    engine: Annotated[str, typer.Option("--engine", help="duckdb (this machine) or spark.")] = "duckdb",
    min_cell: Annotated[int, typer.Option("--min-cell", help="Report: hide counts smaller than this.")] = 5,
    lang: Annotated[str, typer.Option("--lang", "-l", help="Language of the messages and the report.")] = DEFAULT_LANG,
) -> None:
    """Screen a table of intakes: urgency, flags, STarT Back and plan ids per row, plus a call-back list."""
    _ = gettext_for(lang if lang in LANGS else DEFAULT_LANG)
    _check_options(_, input_path, output, engine, lang, min_cell, report)
    summary, connection, workdir = _run(_, input_path, output, engine, id_column, group_by)
    from rich.console import Console

    try:
        console = Console(stderr=True, highlight=False)
        console.print(_("Screened %(rows)d intakes: %(invalid)d not valid, %(callback)d to call back.")
                      % {"rows": summary.rows, "invalid": summary.invalid, "callback": summary.callback})
        console.print(_("Results: %(path)s") % {"path": summary.output})
        console.print(_("Call-back list: %(path)s") % {"path": summary.callback_path})
        if report is not None:
            _write_report(_, connection, report, lang, group_by, min_cell)
            console.print(_("Report: %(path)s") % {"path": report})
        if summary.invalid:
            console.print(_("Rows that are not valid name their fields in the error column."))
    finally:
        connection.close()
        shutil.rmtree(workdir, ignore_errors=True)
    raise typer.Exit(2 if summary.invalid else 0)


def _run(_: Any, input_path: Path, output: Path, engine: str, id_column: str | None,
         group_by: str | None) -> tuple[Any, Any, Path]:
    import duckdb

    from rugwijzer.screening.inputs import InputError, detect_format
    from rugwijzer.screening.job import Job, default_rules
    from rugwijzer.screening.run import screen as run_screen
    from rugwijzer.screening.staging import UnknownColumns


    try:
        fmt = detect_format(input_path)
    except InputError:
        _bad_option(_, "INPUT", str(input_path), ".parquet, .csv, .jsonl, .ndjson")
    if engine == "spark":
        _check_spark(_)
    rules = or_exit(default_rules)
    job = Job(input_path, fmt, output, engine, id_column, group_by)  # type: ignore[arg-type]
    bar, update = _progress_bar(_)
    try:
        with bar:
            connection, summary, workdir = run_screen(job, rules, update)
    except UnknownColumns as exc:
        _stop(_("The input has columns that are no intake fields: %(names)s. Name the id column with --id and "
                "a grouping column with --group-by, or leave them out.") % {"names": ", ".join(exc.names)})
    except InputError as exc:
        option, _space, name = str(exc).partition(" ")
        _stop(_("%(option)s: the input has no column %(name)s") % {"option": option, "name": name})
    except duckdb.Error as exc:
        # The engine's own message may quote a value from the file: only its kind is shown.
        _stop(_("The input could not be read as a table of intakes (%(kind)s).") % {"kind": type(exc).__name__})
    return summary, connection, workdir


def _check_spark(_: Any) -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        _stop(_("Spark is not installed: pip install 'rugwijzer[spark]' (Java 17 or later is needed too)."))
    if shutil.which("java") is None:
        _stop(_("--engine spark needs Java 17 or later (e.g. Debian's openjdk-17-jre-headless)."))


def _write_report(_: Any, connection: Any, report: Path, lang: str, group_by: str | None, min_cell: int) -> None:
    from rugwijzer.screening.outputs import private_files
    from rugwijzer.screening.report import render_report

    html = render_report(connection, "results", lang=lang, group_by=group_by, min_cell=min_cell)
    with private_files():
        report.write_text(html, encoding="utf-8")
    report.chmod(0o600)
