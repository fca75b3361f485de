"""``rugwijzer report INTAKE.json -o report.pdf``: the PDF to take to the doctor.

It uses the helpers of ``rugwijzer assess`` (``cli.common``) (reading the file, the date, the error messages), so
an invalid intake gives the same message naming each field and exit status 2. The PDF is written
to a temporary file next to the target and renamed at the end: an error never leaves a partial
file behind. A partial intake that already shows an emergency (contract §4) still gives a PDF,
marked as incomplete.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from rugwijzer.cli.common import (
    LangArg,
    RegionArg,
    RegionOption,
    fail,
    fail_with_problems,
    gettext_for,
    or_exit,
    parse_date,
    read_input,
    write_atomically,
)
from rugwijzer.languages import DEFAULT_LANG

if TYPE_CHECKING:
    from rugwijzer.core.knowledge import Lang, Region


def report(
    file: Annotated[Path, typer.Argument(help="Intake JSON file; '-' reads standard input.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the PDF ('-': standard output).")],
    lang: LangArg = DEFAULT_LANG,
    region: RegionArg = RegionOption.be,
    on: Annotated[Optional[str], typer.Option(  # noqa: UP045 (Typer needs Optional here)
        "--date", help="Assessment date YYYY-MM-DD (default: today).")] = None,
) -> None:
    """Make a PDF (at most two A4 pages) with the answers and the advice, for the doctor's visit."""
    from rugwijzer import bootstrap
    from rugwijzer.core.validation import IntakeError
    from rugwijzer.report import ReportError, render_pdf
    from rugwijzer.services.json_input import load_object

    today = parse_date(on)
    lang_code: Lang = lang
    region_code: Region = region.value
    assessor = or_exit(bootstrap.assessor)
    try:
        intake = load_object(read_input(file))
        answer = assessor.assess(intake, today, lang_code, region_code)
    except IntakeError as exc:
        fail_with_problems(exc, lang_code)
    try:
        pdf = render_pdf(answer, intake, lang_code)
    except ReportError as exc:
        fail(f"cannot make the PDF: {exc}")
    _ = gettext_for(lang_code, "report")
    if str(output) == "-":
        sys.stdout.buffer.write(pdf)
        sys.stdout.buffer.flush()
        return
    write_atomically(output, pdf)
    message = _("PDF saved: %(path)s") % {"path": output}
    if not answer.get("complete", True):
        message += " (" + _("incomplete: stopped at an emergency answer") + ")"
    typer.echo(message, err=True)

