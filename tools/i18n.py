"""`make i18n`: extract, update and compile every gettext domain for every registered language.

The domains and their sources come from ``rugwijzer.i18n.DOMAINS``, the languages from the registry
(``rugwijzer.languages``, knowledge/data/languages.yaml). A language without a catalogue yet gets
one (``pybabel init``); then translate the empty entries of locale/<lang>/LC_MESSAGES/<domain>.po
and run ``make i18n`` again. Usage: python tools/i18n.py [--compile-only]
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

from rugwijzer.i18n import DOMAINS
from rugwijzer.languages import LANGS, LOCALE_DIR

PACKAGE = Path(__import__("rugwijzer").__file__).parent


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "--quiet", *args])


def main(argv: list[str]) -> int:
    compile_only = "--compile-only" in argv
    for domain, sources in DOMAINS.items():
        template = LOCALE_DIR / f"{domain}.pot"
        if not compile_only:
            pybabel("extract", "-F", str(LOCALE_DIR / "babel.cfg"), "-k", "N_", "--no-location", "--omit-header",
                    "--sort-output", "-w", "120", "-o", str(template), *(str(PACKAGE / s) for s in sources))
        for lang in LANGS:
            po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
            if not compile_only:
                if po.exists():
                    pybabel("update", "-D", domain, "-l", lang, "-i", str(template), "-d", str(LOCALE_DIR),
                            "--no-fuzzy-matching", "--ignore-pot-creation-date", "-w", "120")
                else:
                    pybabel("init", "-D", domain, "-l", lang, "-i", str(template), "-d", str(LOCALE_DIR))
            pybabel("compile", "-D", domain, "-l", lang, "-d", str(LOCALE_DIR))
        print(f"{domain}: {', '.join(LANGS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
