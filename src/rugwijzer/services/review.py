"""The knowledge base as review tables for clinicians: every rule, threshold, item and source.

Shared by ``rugwijzer rules``, the generated docs and the API's rules endpoint. Section keys and
column keys are stable English ids (JSON); titles and headings are translated for people.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rugwijzer.core.knowledge import KnowledgeBase, Lang
from rugwijzer.i18n import N_, gettext_for


@dataclass
class Section:
    key: str
    title: str
    columns: list[str]  # stable keys
    headings: list[str]  # the same columns, translated
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""


def _section(_: Callable[[str], str], key: str, title: str, columns: dict[str, str], rows: list[list[str]],
             note: str = "") -> Section:
    return Section(key, title, list(columns), [_(h) for h in columns.values()], rows, note)


def review_sections(kb: KnowledgeBase, lang: Lang) -> list[Section]:
    """All reviewable knowledge, in the order of clinical-rules.md."""
    _ = gettext_for(lang, "cli")
    m, sb, med = kb.messages, kb.startback, kb.medication
    yes, no = _("yes"), _("no")
    return [
        _section(_, "episodes", _("Episode classes (clinical-rules §1)"),
                 {"id": N_("id"), "max_days": N_("up to day"), "source": N_("source"), "name": N_("name")},
                 [[e.id, "—" if e.max_days is None else str(e.max_days), e.source, e.name[lang]]
                  for e in kb.meta.episodes]),
        _section(_, "derived", _("Derived facts"), {"name": N_("name"), "definition": N_("definition")},
                 [[name, text] for name, text in kb.meta.derived.items()]),
        _section(_, "flags", _("Flags (clinical-rules §2)"),
                 {"id": N_("id"), "level": N_("level"), "level_if_seen_doctor": N_("if seen by a doctor"),
                  "condition": N_("condition"), "source": N_("source"), "title": N_("title"), "why": N_("why")},
                 [[f.id, f.level, f.level_if_seen_doctor or "", f.when, f.source, f.title[lang], f.why[lang]]
                  for f in kb.flags],
                 _("Urgency is the highest level among the flags that fired; self_care when none fired.")),
        _section(_, "causes", _("Suspected causes (clinical-rules §3)"),
                 {"id": N_("id"), "flags": N_("when any of these flags fired"), "name": N_("name")},
                 [[c.id, ", ".join(c.flags), c.name[lang]] for c in kb.causes]),
        _section(_, "startback", _("STarT Back (clinical-rules §4)"),
                 {"item": N_("item"), "psychosocial": N_("psychosocial"), "paraphrase": N_("paraphrase")},
                 [[i.key, yes if i.psychosocial else no, i.paraphrase[lang]] for i in sb.items]
                 + [[f"bothersomeness = {b.value}", str(b.score), b.paraphrase[lang]] for b in sb.bothersomeness],
                 _("Risk high if psychosocial ≥ {high}; else medium if total ≥ {medium}; else low. Source: {source}.")
                 .format(high=sb.high_if_psychosocial_at_least, medium=sb.medium_if_total_at_least,
                         source=sb.source) + " " + sb.notice[lang]),
        _section(_, "medication", _("Medication (clinical-rules §5)"),
                 {"caution": N_("NSAID caution"), "condition": N_("condition"), "text": N_("text")},
                 [[c.id, c.when, c.text[lang]] for c in med.cautions],
                 _("First choice: {first}. NSAID: avoid when any caution holds, else second choice. Source: "
                   "{source}.").format(first=med.first_choice, source=med.source)),
        _section(_, "plan", _("Plan (clinical-rules §6), in this order"),
                 {"id": N_("id"), "when": N_("included when"), "emphasis": N_("emphasis"),
                  "source": N_("source"), "title": N_("title")},
                 [[p.id, p.when, "; ".join(f"{e.id}: {e.when}" for e in p.emphasis), p.source, p.title[lang]]
                  for p in kb.plan.items],
                 _("Empty when {condition} ({source}).").format(condition=kb.plan.skip_when,
                                                                source=kb.plan.skip_source)),
        _section(_, "avoid", _("Not recommended (clinical-rules §7)"),
                 {"id": N_("id"), "when": N_("shown when"), "source": N_("source"), "name": N_("name")},
                 [[a.id, a.when, a.source, a.name[lang]] for a in kb.avoid.items],
                 _("Empty when {condition} ({source}).").format(condition=kb.avoid.skip_when,
                                                                source=kb.avoid.skip_source)),
        _section(_, "tips", _("Tips (clinical-rules §8), base order"),
                 {"id": N_("id"), "personal_when": N_("first when"), "source": N_("source"), "title": N_("title")},
                 [[t.id, t.personal_when, t.source, t.title[lang]] for t in kb.tips.items],
                 _("Empty when {condition} ({source}).").format(condition=kb.tips.skip_when,
                                                                source=kb.tips.skip_source)),
        _section(_, "milestones", _("Follow-up milestones (clinical-rules §9)"),
                 {"day": N_("day"), "id": N_("id"), "source": N_("source"), "text": N_("text")},
                 [[str(ms.day), ms.id, ms.source, ms.text[lang]] for ms in m.milestones]),
        _section(_, "urgencies", _("What to do per urgency (clinical-rules §10)"),
                 {"urgency": N_("urgency"), "destination": N_("destination"), "action": N_("action")},
                 [[u.id, u.destination, u.action[lang]] for u in m.urgencies]),
        _section(_, "differences", _("Differences between sources (clinical-rules §11)"),
                 {"id": N_("topic"), "source": N_("source"), "text": N_("text")},
                 [[d.id, d.source, d.text[lang]] for d in kb.differences]),
        _section(_, "references", _("References (clinical-rules §12)"),
                 {"key": N_("key"), "citation": N_("citation")},
                 [[r.key, r.citation] for r in kb.meta.references]),
    ]


def review_document(kb: KnowledgeBase, lang: Lang) -> dict[str, Any]:
    """JSON form of the review tables."""
    return {
        "knowledge_version": kb.version,
        "lang": lang,
        "sections": [{"key": s.key, "title": s.title, "note": s.note,
                      "rows": [dict(zip(s.columns, row, strict=True)) for row in s.rows]}
                     for s in review_sections(kb, lang)],
    }


def review_markdown(kb: KnowledgeBase, lang: Lang) -> str:
    """Markdown form of the review tables (the generated docs)."""
    _ = gettext_for(lang, "cli")
    out = [f"# {kb.meta.title[lang]} — v{kb.version}", "",
           _("Generated by `rugwijzer rules --format markdown` from `src/rugwijzer/knowledge/data/`. "
             "Do not edit by hand."), ""]
    for s in review_sections(kb, lang):
        out += [f"## {s.title}", ""]
        if s.note:
            out += [s.note, ""]
        out.append("| " + " | ".join(s.headings) + " |")
        out.append("|" + "---|" * len(s.headings))
        out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in s.rows]
        out.append("")
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
