"""Which language and region the texts of an answer are in.

``?lang=`` wins over ``Accept-Language``; without either the texts are in the registry's first
language (Dutch, ``nl``). ``?region=``
(``be`` or ``nl``) picks the phone numbers and services; Belgium by default.
"""

from __future__ import annotations

import functools

from rugwijzer.languages import DEFAULT_LANG, LANGS, Lang

__all__ = ["DEFAULT_LANG", "accept_language", "choose_lang"]


def _weighted(header: str) -> list[tuple[float, int, str]]:
    """Language ranges of an Accept-Language header with their q-values (RFC 9110 §12.5.4)."""
    ranges: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            ranges.append((quality, position, tag.strip().lower()))
    return ranges


def accept_language(header: str | None) -> Lang | None:
    """The best registered language an Accept-Language header asks for, or None when it asks for none."""
    return _best(header[:500]) if header else None


@functools.lru_cache(maxsize=256)
def _best(header: str) -> Lang | None:
    """Remembered: browsers and record systems send the same few headers again and again."""
    for _, _, tag in sorted(_weighted(header), key=lambda r: (-r[0], r[1])):
        primary = tag.split("-")[0]
        for lang in LANGS:
            if primary == lang:
                return lang
    return None


def choose_lang(query: Lang | None, header: str | None) -> Lang:
    """``?lang=`` first, then Accept-Language, then Dutch."""
    return query or accept_language(header) or DEFAULT_LANG
