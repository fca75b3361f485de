"""``rugwijzer report INTAKE.json -o report.pdf``: the PDF to take to the doctor.

It reuses the helpers of ``rugwijzer assess`` (reading the file, the date, the error messages), so
an invalid intake gives the same message naming each field and exit status 2. The PDF is written
to a temporary file next to the target and renamed at the end: an error never leaves a partial
file behind. A partial intake that already shows an emergency (contract §4) still gives a PDF,
marked as incomplete.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Optional

import typer

from rugwijzer.cli.app import (
    LangArg,
    RegionArg,
    RegionOption,
    _assessor,
    _fail,
    _fail_with_problems,
    _parse_date,
    _read_input,
    app,
)
from rugwijzer.core.knowledge import Lang, Region
from rugwijzer.core.validation import IntakeError
from rugwijzer.i18n import gettext_for
from rugwijzer.languages import DEFAULT_LANG
from rugwijzer.services.json_input import load_object


@app.command()
def report(
    file: Annotated[Path, typer.Argument(help="Intake JSON file; '-' reads standard input.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the PDF ('-': standard output).")],
    lang: LangArg = DEFAULT_LANG,
    region: RegionArg = RegionOption.be,
    on: Annotated[Optional[str], typer.Option(  # noqa: UP045 (Typer needs Optional here)
        "--date", help="Assessment date YYYY-MM-DD (default: today).")] = None,
) -> None:
    """Make a PDF (at most two A4 pages) with the answers and the advice, for the doctor's visit."""
    from rugwijzer.report import ReportError, render_pdf
    from rugwijzer.services.assessing import default_assessor

    today = _parse_date(on)
    lang_code: Lang = lang
    region_code: Region = region.value
    assessor = _assessor(default_assessor)
    try:
        intake = load_object(_read_input(file))
        answer = assessor.assess(intake, today, lang_code, region_code)
    except IntakeError as exc:
        _fail_with_problems(exc, lang_code)
    try:
        pdf = render_pdf(answer, intake, lang_code)
    except ReportError as exc:
        _fail(f"cannot make the PDF: {exc}")
    _ = gettext_for(lang_code, "report")
    if str(output) == "-":
        sys.stdout.buffer.write(pdf)
        sys.stdout.buffer.flush()
        return
    _write_atomically(output, pdf)
    message = _("PDF saved: %(path)s") % {"path": output}
    if not answer.get("complete", True):
        message += " (" + _("incomplete: stopped at an emergency answer") + ")"
    typer.echo(message, err=True)


def _write_atomically(target: Path, data: bytes) -> None:
    """Write to a temporary file in the target's folder, then rename: all or nothing."""
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        _fail(f"cannot write {target}: {exc.strerror}")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp_name, target)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        _fail(f"cannot write {target}: {exc.strerror}")
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
