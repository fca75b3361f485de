"""The languages Rugwijzer speaks: one registry, read from ``knowledge/data/languages.yaml``.

Every part of the program (command line, web pages, API, FHIR, PDF, the knowledge loader, the
catalogues of ``make i18n``) takes its list of languages from here, so that a new language is data
and catalogues only. ``RUGWIJZER_KNOWLEDGE_DIR`` and ``RUGWIJZER_LOCALE_DIR`` point to another
knowledge folder and catalogue folder (tests use them to add a language without touching code).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import yaml

if TYPE_CHECKING:
    from rugwijzer.core.knowledge import Region

Lang: TypeAlias = str  # a language code of the registry, e.g. "nl"

PACKAGE_DIR = Path(__file__).parent
KNOWLEDGE_DIR = Path(os.environ.get("RUGWIJZER_KNOWLEDGE_DIR") or PACKAGE_DIR / "knowledge" / "data")
LOCALE_DIR = Path(os.environ.get("RUGWIJZER_LOCALE_DIR") or PACKAGE_DIR / "locale")
REGISTRY_FILE = "languages.yaml"
_CODE = re.compile(r"^[a-z]{2,3}$")
_LOCALE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")


class LanguageError(ValueError):
    """The language registry is missing or malformed; the message names the entry."""


@dataclass(frozen=True)
class Language:
    code: Lang  # as in --lang, ?lang=, the knowledge files and lang="..." of pages and PDF
    name: str  # in the language itself, for the language switcher
    region: str  # the region whose services are shown by default
    locales: dict[str, str]  # Babel locale for dates and numbers, per region

    def locale(self, region: str) -> str:
        return self.locales.get(region) or next(iter(self.locales.values()))


def read_registry(folder: Path) -> tuple[Language, ...]:
    """The languages of ``folder/languages.yaml``, checked; the first one is the default."""
    path = folder / REGISTRY_FILE
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LanguageError(f"{REGISTRY_FILE}: cannot read: {exc}") from None
    entries = data.get("languages") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise LanguageError(f"{REGISTRY_FILE}: expected a non-empty list under 'languages'")
    languages: list[Language] = []
    for n, entry in enumerate(entries):
        where = f"{REGISTRY_FILE}: languages[{n}]"
        if not isinstance(entry, dict) or set(entry) != {"code", "name", "region", "locales"}:
            raise LanguageError(f"{where}: needs exactly code, name, region and locales")
        code, locales = entry["code"], entry["locales"]
        if not isinstance(code, str) or not _CODE.match(code):
            raise LanguageError(f"{where}: code {code!r} is not a two- or three-letter lower-case code")
        if code in {x.code for x in languages} or code == "all":
            raise LanguageError(f"{where}: code {code!r} appears twice or is reserved")
        if not all(isinstance(entry[k], str) and entry[k] for k in ("name", "region")):
            raise LanguageError(f"{where}: name and region must be non-empty texts")
        if not isinstance(locales, dict) or not locales or not all(
                isinstance(v, str) and _LOCALE.match(v) for v in locales.values()):
            raise LanguageError(f"{where}: locales maps each region to a Babel locale such as de_BE")
        languages.append(Language(code, entry["name"], entry["region"],
                                  {str(k): v for k, v in locales.items()}))
    return tuple(languages)


LANGUAGES: tuple[Language, ...] = read_registry(KNOWLEDGE_DIR)
LANGS: tuple[Lang, ...] = tuple(language.code for language in LANGUAGES)
BY_CODE: dict[Lang, Language] = {language.code: language for language in LANGUAGES}
DEFAULT_LANG: Lang = LANGS[0]
NAMES: dict[Lang, str] = {language.code: language.name for language in LANGUAGES}


def language(code: Lang) -> Language:
    """The registry entry of ``code``; ValueError naming the choices when it is not registered."""
    try:
        return BY_CODE[code]
    except KeyError:
        raise ValueError(f"unsupported language {code!r}; choose one of {', '.join(LANGS)}") from None


def is_lang(value: object) -> bool:
    return isinstance(value, str) and value in BY_CODE


def babel_locale(code: Lang, region: str) -> str:
    """The Babel locale for dates and numbers of ``code`` in ``region`` (e.g. de, be → de_BE)."""
    return language(code).locale(region)


def default_region(code: Lang) -> Region:
    """The region whose numbers and services a language shows unless the person chooses."""
    from rugwijzer.core.knowledge import REGIONS  # here: --help must not wait for the knowledge models

    region = language(code).region
    return region if region in REGIONS else "be"
