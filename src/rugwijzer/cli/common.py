"""What every command shares: the language and region options, reading input, failing in one line.

Kept import-light on purpose (typer and the standard library only at import time): ``rugwijzer
--version`` and ``--help`` import this and nothing heavier; each command imports its own engine,
storage or PDF modules when it runs.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, BinaryIO, NoReturn, TypeVar

import typer

from rugwijzer.languages import LANGS

if TYPE_CHECKING:
    from rugwijzer.core.knowledge import Lang
    from rugwijzer.core.validation import IntakeError

T = TypeVar("T")


class RegionOption(StrEnum):
    be = "be"
    nl = "nl"


def _one_of(choices: tuple[str, ...]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in choices:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(choices)}.")
        return value
    return parse


# The languages of the registry (knowledge/data/languages.yaml): a new language needs no code here.
LangArg = Annotated[str, typer.Option("--lang", "-l", parser=_one_of(LANGS), metavar="[" + "|".join(LANGS) + "]",
                                      help="Language of the texts.")]
RulesLangArg = Annotated[str, typer.Option(
    "--lang", "-l", parser=_one_of((*LANGS, "all")), metavar="[" + "|".join((*LANGS, "all")) + "]",
    help=f"Language of the texts; 'all' shows {', '.join(LANGS)} side by side.")]
RegionArg = Annotated[RegionOption, typer.Option("--region", "-r",
                                                 help="Phone numbers and services: be (112, 1733) or nl.")]


def gettext_for(lang: Lang, domain: str = "cli") -> Callable[[str], str]:
    """:func:`rugwijzer.i18n.gettext_for`, imported when a command first needs a text."""
    from rugwijzer.i18n import gettext_for as load

    return load(lang, domain)


def fail(message: str) -> NoReturn:
    """Bad input from the person: one line in red, exit status 2."""
    from rich.console import Console

    Console(stderr=True).print(f"[bold red]{message}[/]", highlight=False)
    raise typer.Exit(2)


def misconfigured(message: str) -> NoReturn:
    """A setting or the data folder cannot be used: one line, exit status 1."""
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True).print(f"[bold red]{escape(message)}[/]", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def or_exit(factory: Callable[[], T]) -> T:
    """Build the knowledge base (or something made from it); a broken knowledge file stops
    everything, loudly, with exit status 1."""
    from rugwijzer.knowledge import KnowledgeError

    try:
        return factory()
    except KnowledgeError as exc:
        from rich.console import Console
        from rich.markup import escape

        # Escaped: a message names entries as items[lifting], which Rich would take for markup.
        Console(stderr=True).print(f"[bold red]Knowledge base error:[/] {escape(str(exc))}", highlight=False,
                                   soft_wrap=True)
        raise typer.Exit(1) from None


def read_input(file: Path | None) -> bytes:
    """A file's bytes, or standard input for nothing or '-'."""
    if file is None or str(file) == "-":
        return sys.stdin.buffer.read()
    try:
        return file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror}")


def open_input(file: Path) -> BinaryIO:
    try:
        return file.open("rb")
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror}")


def parse_date(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--date: {value!r} is not a date (allowed: YYYY-MM-DD)")


def fail_with_problems(exc: IntakeError, lang: Lang) -> NoReturn:
    """An invalid intake: every problem named (and an emergency the valid answers show, first and
    last), exit status 2."""
    from rich.console import Console

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


def write_atomically(target: Path, data: bytes) -> None:
    """Write to a temporary file in the target's folder, then rename: all or nothing."""
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror}")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp_name, target)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        fail(f"cannot write {target}: {exc.strerror}")
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def lines(source: Any) -> Any:
    """Lines of a binary stream without their line ends."""
    for raw in source:
        yield raw.rstrip(b"\r\n")
