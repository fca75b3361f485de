"""The knowledge base: complete, sourced, translated, and loud when broken."""

from __future__ import annotations

import itertools
import re
import shutil
import string
from pathlib import Path

import pytest
from pydantic import BaseModel

from rugwijzer.core.explain import Explainer
from rugwijzer.core.knowledge import PLACEHOLDERS, REGIONS, KnowledgeBase, Lang, Region, Text
from rugwijzer.knowledge import DATA_DIR, SECTIONS, KnowledgeError, build, load_knowledge, read_documents
from rugwijzer.languages import LANGS
from rugwijzer.services.review import ReviewLang, review_markdown

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge()


def _texts(node: object, path: str = "") -> list[tuple[str, Text]]:
    """Every Text in the knowledge base, with where it sits."""
    found: list[tuple[str, Text]] = []
    if isinstance(node, Text):
        return [(path, node)]
    if isinstance(node, list):
        for i, item in enumerate(node):
            found += _texts(item, f"{path}[{getattr(item, 'id', i)}]")
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            found += _texts(getattr(node, name), f"{path}.{name}")
    return found


def test_every_text_exists_in_every_language(kb: KnowledgeBase) -> None:
    texts = _texts(kb)
    assert len(texts) > 150
    for where, text in texts:
        for lang in LANGS:
            value = text[lang]
            assert value.strip() and "TODO" not in value, f"{where}.{lang}"


def test_languages_differ(kb: KnowledgeBase) -> None:
    """A text copied unchanged into another language is a missed translation."""
    same = [(where, a, b) for where, t in _texts(kb) for a, b in itertools.combinations(LANGS, 2)
            if len(t[a]) > 25 and t[a] == t[b]]
    assert same == []


def test_no_fear_raising_words(kb: KnowledgeBase) -> None:
    banned = re.compile(r"\b(slijtage|degenerati\w*|beschadig\w*|usure|dégénér\w*|wear and tear|"
                        r"degeneration|damaged?|verschlei\w*|abnutzung\w*|degenerativ\w*|beschädig\w*|kaputt\w*)\b",
                        re.IGNORECASE)
    hits = [(where, lang) for where, t in _texts(kb) for lang in LANGS if banned.search(t[lang])]
    assert hits == []


def test_every_rule_and_item_names_a_known_source(kb: KnowledgeBase) -> None:
    known = {r.key for r in kb.meta.references}
    sourced = [*kb.flags, *kb.plan.items, *kb.avoid.items, *kb.tips.items, *kb.meta.episodes,
               *kb.messages.milestones, *kb.differences]
    for entry in sourced:
        keys = kb.source_keys(entry.source)
        assert keys and set(keys) <= known, entry.id


def test_every_spec_reference_is_kept(kb: KnowledgeBase) -> None:
    keys = {r.key for r in kb.meta.references}
    assert {"SEED", "KCE287", "NHG-M54", "NHG-M55", "NICE-NG59", "BASS2018", "DOWNIE2013", "VERHAGEN2016",
            "RUDWALEIT2006", "NG234", "KNGF2021", "HILL2008", "LAREB", "CBO-NSAID", "OBSTETRIC"} <= keys


def test_keele_notice_is_there(kb: KnowledgeBase) -> None:
    for lang in LANGS:
        notice = kb.startback.notice[lang]
        assert "Keele" in notice and "©" in notice


REGION_WORDS = {"emergency_number", "out_of_hours", "out_of_hours_number", "emergency_department", "physio"}


def test_placeholders_are_known(kb: KnowledgeBase) -> None:
    assert PLACEHOLDERS == REGION_WORDS  # a new placeholder needs a word in every region
    used: set[str] = set()
    for where, text in _texts(kb):
        for lang in LANGS:
            names = {f[1] for f in string.Formatter().parse(text[lang]) if f[1]}
            assert names <= REGION_WORDS, where
            used |= names
    assert {"emergency_department", "physio"} <= used


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("lang", LANGS)
def test_every_region_fills_every_placeholder(kb: KnowledgeBase, lang: Lang, region: Region) -> None:
    explainer = Explainer(kb, lang, region)
    for where, text in _texts(kb):
        filled = explainer.t(text)
        assert "{" not in filled and "}" not in filled, f"{where}.{lang}"
    be, nl = (Explainer(kb, lang, r) for r in REGIONS)
    physio = Text.model_validate(dict.fromkeys(LANGS, "{physio}"))
    if lang != "en":
        assert be.t(physio) != nl.t(physio)  # kinesitherapeut / fysiotherapeut, Kinesitherapeuten / Physiotherapeuten
    department = Text.model_validate(dict.fromkeys(LANGS, "{emergency_department}"))
    assert "SEH" in nl.t(department) and "SEH" not in be.t(department)


def _broken_copy(tmp_path: Path, filename: str, old: str, new: str) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(str(DATA_DIR), folder)
    path = folder / filename
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize(("filename", "old", "new", "expected"), [
    ("flags.yaml", 'when: numbness_tingling == "both_legs"', 'when: numbness_tingling == "both_leg"',
     r"flags\.yaml: bilateral_leg_symptoms: 'both_leg' is not one of"),
    ("flags.yaml", "when: bladder_problems", "when: bladder_problem",
     r"flags\.yaml: cauda_equina_bladder: unknown fact 'bladder_problem'"),
    ("flags.yaml", "when: bladder_problems", "when: __import__('os')",
     r"flags\.yaml: cauda_equina_bladder: .*may be called"),
    ("flags.yaml", "level: emergency", "level: critical", r"flags\.yaml: \[cauda_equina_bladder\]\.level"),
    ("flags.yaml", "source: NHG-M54 (spoed); BASS2018", "source: NHG (spoed)",
     r"flags\.yaml: cauda_equina_bowel: source"),
    ("plan.yaml", "- id: heat", "- id: stay_active", r"plan\.yaml: repeated id"),
    ("causes.yaml", "flags: [fever]", "flags: [fevers]", r"causes\.yaml: infection: unknown flag"),
    ("meta.yaml", "version: ", "version: v", r"meta\.yaml: version"),
])
def test_broken_entry_fails_loudly_naming_file_and_entry(tmp_path: Path, filename: str, old: str, new: str,
                                                         expected: str) -> None:
    folder = _broken_copy(tmp_path, filename, old, new)
    with pytest.raises(KnowledgeError, match=expected):
        build(read_documents(folder))


def test_missing_translation_fails_naming_entry(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(str(DATA_DIR), folder)
    path = folder / "tips.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if "id: lifting" in line)
    fr_line = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("fr:"))
    del lines[fr_line]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"tips\.yaml: items\[lifting\]\..*fr"):
        build(read_documents(folder))


def test_repeated_yaml_key_is_refused(tmp_path: Path) -> None:
    folder = _broken_copy(tmp_path, "flags.yaml", "    level: emergency\n", "    level: emergency\n    level: soon\n")
    with pytest.raises(KnowledgeError, match=r"flags\.yaml: .*appears twice"):
        read_documents(folder)


def test_missing_file_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(str(DATA_DIR), folder)
    (folder / "tips.yaml").unlink()
    with pytest.raises(KnowledgeError, match=r"tips\.yaml: file is missing"):
        read_documents(folder)


def test_every_section_has_its_file() -> None:
    assert {p.name for p in Path(str(DATA_DIR)).glob("*.yaml")} >= set(SECTIONS.values())


@pytest.mark.parametrize("lang", [*LANGS, "all"])
def test_generated_docs_are_current(kb: KnowledgeBase, lang: ReviewLang) -> None:
    path = ROOT / "docs" / f"knowledge-base.{lang}.md"
    assert path.read_text(encoding="utf-8") == review_markdown(kb, lang) + "\n", (
        f"regenerate with: rugwijzer rules --lang {lang} --format markdown > {path.relative_to(ROOT)}")


def test_the_differences_follow_clinical_rules_11(kb: KnowledgeBase) -> None:
    differences = {d.id: d for d in kb.differences}
    assert {"first_painkiller", "acupuncture", "age_flag", "prognosis", "children", "duration_classes"} <= set(
        differences)
    prognosis = differences["prognosis"].text
    for lang, figures in {"en": ("4 in 10", "6 in 10", "7 in 10"), "nl": ("4 op 10", "6 op 10", "7 op 10"),
                          "fr": ("4 personnes sur 10", "6 sur 10", "7 sur 10"),
                          "de": ("4 von 10", "6 von 10", "7 von 10")}.items():
        assert all(figure in prognosis[lang] for figure in figures), lang
        assert "Henschke 2008" in prognosis[lang]
    assert "PROGNOSIS" in kb.source_keys(differences["prognosis"].source)
    children = differences["children"]
    assert "NICE-NG59" in kb.source_keys(children.source) and "SEED" in kb.source_keys(children.source)
    for lang in LANGS:
        assert "16" in children.text[lang] and "Rugwijzer" in children.text[lang]


def test_the_generated_docs_name_every_flag_and_text(kb: KnowledgeBase) -> None:
    text = (ROOT / "docs" / "knowledge-base.all.md").read_text(encoding="utf-8")
    for flag in kb.flags:
        assert f"| {flag.id} |" in text
        for lang in LANGS:
            assert flag.why[lang].split("{")[0] in text  # up to a region word, filled in per region
    assert "{physio}" not in text and "{emergency_number}" not in text


def test_the_checked_knowledge_base_is_cached_and_a_broken_cache_is_rebuilt(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import rugwijzer.knowledge as knowledge

    monkeypatch.setenv(knowledge.CACHE_ENV, str(tmp_path))
    knowledge.load_knowledge.cache_clear()
    try:
        first = knowledge.load_knowledge()
        (cached,) = tmp_path.glob("knowledge-*.pickle")
        knowledge.load_knowledge.cache_clear()
        assert knowledge.load_knowledge() == first  # read back from the cache
        cached.write_bytes(b"not a pickle")
        knowledge.load_knowledge.cache_clear()
        assert knowledge.load_knowledge() == first  # rebuilt from the YAML
        monkeypatch.setenv(knowledge.CACHE_ENV, "off")
        knowledge.load_knowledge.cache_clear()
        assert knowledge.load_knowledge() == first
    finally:
        knowledge.load_knowledge.cache_clear()
