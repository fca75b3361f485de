"""Interface strings (headings, labels, buttons) through gettext catalogues, managed with Babel.

Medical texts are not here: they live beside their rules in the knowledge base. Each adapter has
its own catalogue (domain): ``cli``, ``web``, ``report``, ``diary``, ... in
``locale/<lang>/LC_MESSAGES/<domain>.po`` with its compiled ``.mo`` next to it. Message ids are
English; ``en`` has a catalogue too so that wording can be fixed without touching code.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from gettext import NullTranslations
from pathlib import Path

from babel.support import Translations

from rugwijzer.core.knowledge import LANGS, Lang

LOCALE_DIR = Path(__file__).parent / "locale"


@functools.cache
def translations(lang: Lang, domain: str = "cli") -> NullTranslations:
    """The catalogue of ``domain`` for ``lang``."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}; choose one of {', '.join(LANGS)}")
    return Translations.load(str(LOCALE_DIR), [lang], domain=domain)


def gettext_for(lang: Lang, domain: str = "cli") -> Callable[[str], str]:
    """A ``_`` function for one language and catalogue."""
    return translations(lang, domain).gettext


def N_(message: str) -> str:
    """Mark a string for translation where it is defined; it is translated where it is shown."""
    return message
