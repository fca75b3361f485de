"""Interface strings (headings, labels, buttons) through gettext catalogues, managed with Babel.

Medical texts are not here: they live beside their rules in the knowledge base.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from gettext import NullTranslations
from pathlib import Path

from babel.support import Translations

from rugwijzer.core.knowledge import LANGS, Lang

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "rugwijzer"


@functools.cache
def translations(lang: Lang) -> NullTranslations:
    """The catalogue for ``lang`` (English msgids; 'en' has its own catalogue for wording fixes)."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}; choose one of {', '.join(LANGS)}")
    return Translations.load(str(LOCALE_DIR), [lang], domain=DOMAIN)


def gettext_for(lang: Lang) -> Callable[[str], str]:
    """A ``_`` function for one language."""
    return translations(lang).gettext
