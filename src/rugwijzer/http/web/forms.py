"""Reading a posted form, the same way on the self-check's and the diary's pages: every field as a
list of strings (a repeated field keeps all its values; files are ignored), the last value where one
is expected, and a language or region that falls back to the default rather than fail."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import Request

from rugwijzer.core.knowledge import REGIONS, Lang, Region
from rugwijzer.languages import DEFAULT_LANG, LANGS


async def read_form(request: Request) -> dict[str, list[str]]:
    """The posted fields. A body over 64 KB is cut off with 413 by the app's guard
    (rugwijzer.http.api.guard), counted as it streams in."""
    form = await request.form()
    fields: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        if isinstance(value, str):
            fields.setdefault(name, []).append(value)
    return fields


def last(values: Sequence[str] | None) -> str:
    """The value a person chose last (a form may post a field twice)."""
    return values[-1] if values else ""


def pick(value: str | None, allowed: Sequence[Any], default: Any) -> Any:
    """``value`` when it is one of ``allowed``, else ``default``."""
    return value if value in allowed else default


def lang_of(value: str | None) -> Lang:
    return str(pick(value, LANGS, DEFAULT_LANG))


def region_of(value: str | None) -> Region:
    region: Region = pick(value, REGIONS, "be")
    return region
