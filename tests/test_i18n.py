"""Interface catalogues: every string translated in nl, fr and en, and the compiled .mo files current."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from rugwijzer.i18n import LOCALE_DIR
from rugwijzer.languages import LANGS

TEMPLATES = sorted(LOCALE_DIR.glob("*.pot"))


def test_there_are_catalogues() -> None:
    assert any(t.stem == "cli" for t in TEMPLATES)


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.stem for t in TEMPLATES])
@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_is_complete_and_compiled(template: Path, lang: str) -> None:
    with template.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    po_path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{template.stem}.po"
    with po_path.open("rb") as f:
        catalogue = read_po(f)
    messages = {m.id: m for m in catalogue if m.id}
    assert set(messages) == wanted, f"{po_path}: out of step with {template.name} (run the extract/update step)"
    untranslated = [m.id for m in messages.values() if not m.string or m.fuzzy]
    assert untranslated == [], f"{po_path}: untranslated or fuzzy"
    with (po_path.with_suffix(".mo")).open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = [i for i, m in messages.items() if isinstance(i, str) and compiled.gettext(i) != m.string]
    assert stale == [], f"{po_path.with_suffix('.mo')}: recompile with pybabel compile"
