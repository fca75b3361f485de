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

from babel.support import Translations

from rugwijzer.languages import LOCALE_DIR, Lang, language

__all__ = ["DOMAINS", "LOCALE_DIR", "N_", "gettext_for", "translations"]

# The catalogues (gettext domains) and the sources each is extracted from, relative to the package.
# ``make i18n`` (tools/i18n.py) extracts, updates and compiles each of them for every language of
# the registry, with the one extraction config ``locale/babel.cfg``.
DOMAINS: dict[str, tuple[str, ...]] = {
    "cli": ("cli/app.py", "cli/common.py", "cli/render.py", "cli/screen.py", "services"),
    "access": ("access.py",),
    "web": ("http/web",),  # the diary's pages (http/web/diary*.py) are left to "diary" by babel.cfg
    "check": ("cli/interview.py",),
    "report": ("report", "cli/report.py"),
    "diary": ("diary", "http/web/diary.py", "http/web/diary_export.py", "http/web/diary_api.py", "cli/diary.py"),
    "api": ("fhir", "cds", "http/fhir.py", "http/cds.py"),
    "screening": ("screening",),
}


@functools.cache
def translations(lang: Lang, domain: str = "cli") -> NullTranslations:
    """The catalogue of ``domain`` for ``lang``."""
    language(lang)  # ValueError naming the choices for an unknown language
    return Translations.load(str(LOCALE_DIR), [lang], domain=domain)


def gettext_for(lang: Lang, domain: str = "cli") -> Callable[[str], str]:
    """A ``_`` function for one language and catalogue."""
    return translations(lang, domain).gettext


def N_(message: str) -> str:
    """Mark a string for translation where it is defined; it is translated where it is shown."""
    return message
