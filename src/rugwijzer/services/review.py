"""The knowledge base as review tables for clinicians: the complete audit (clinical-rules §11).

Every flag (condition, level, downgrade, source, Rugwijzer's own choices), suspected cause, the
STarT Back scoring, medication cautions and texts, plan/avoid/tips conditions and texts, every text
shown to people (with the phone numbers and words of each region resolved), the question flow's skip
logic, the partial-intake rule, the diary thresholds, the differences between sources and the
references. Shared by ``rugwijzer rules``, the generated docs and the API's rules endpoint.

Section keys and column keys are stable English ids (JSON); titles and headings are translated for
people. With ``lang="all"`` the interface is English and every column of texts shown to people is
given three times, side by side: ``why.nl``, ``why.fr``, ``why.en``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from rugwijzer.core.knowledge import REGIONS, KnowledgeBase, Lang, Region, RegionInfo, Text
from rugwijzer.i18n import N_, gettext_for
from rugwijzer.languages import LANGS

ReviewLang: TypeAlias = Lang | Literal["all"]
Cell: TypeAlias = str | Mapping[str, str]  # a plain value, or a text per language
Gettext = Callable[[str], str]

# contract §4, in one paragraph (translated in the cli catalogue).
PARTIAL_INTAKE_RULE = N_(
    "When required answers are missing and nothing else is wrong, the answers given are assessed with the "
    "missing ones unknown. A flag fires only when its condition is true whatever the unknown answers are. If "
    "at least one emergency flag fires, the answer is that emergency with complete = false: urgency emergency, "
    "the flags that fired, no plan, avoid list, tips or medication, the suspected causes from those flags, "
    "episode and STarT Back empty when their answers are unknown, and the emergency destination (the maternity "
    "unit only when pregnancy_warning is the only emergency flag). Otherwise the answer is an error that names "
    "the missing fields. An invalid answer is never read as no: the error stands, and when the valid answers "
    "already show an emergency whatever the invalid ones are, the error carries that emergency, shown first "
    "(contract §1). The question flow uses the same rule to stop at the first emergency answer; the command "
    "line, the API and FHIR $assess behave the same way.")


@dataclass
class Section:
    key: str
    title: str
    columns: list[str]  # stable keys
    headings: list[str]  # the same columns, translated
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""


@dataclass
class _Draft:
    """A section before its texts are laid out for the chosen language(s)."""

    key: str
    title: str
    columns: dict[str, str]  # key -> heading msgid
    rows: list[list[Cell]]
    note: list[Cell] = field(default_factory=list)


class _Review:
    """Builds the drafts for one choice of language: the interface in ``ui``, texts in ``langs``."""

    def __init__(self, kb: KnowledgeBase, lang: ReviewLang) -> None:
        self.kb = kb
        self.langs: tuple[Lang, ...] = LANGS if lang == "all" else (lang,)
        self.ui: Lang = "en" if lang == "all" else lang
        self._ = gettext_for(self.ui, "cli")
        self.regions = {r.id: r for r in kb.messages.regions}

    # ---- texts -----------------------------------------------------------------------------

    def text(self, text: Text | None, region: Region | None = None) -> Cell:
        """A text in each chosen language, its placeholders filled in for ``region``, or with the
        words of every region side by side when ``region`` is None."""
        if text is None:
            return ""
        return {lang: text[lang].format_map(self._words(lang, region)) for lang in self.langs}

    def own_choice(self, template: str, choice: Text | None) -> Cell:
        """'Rugwijzer's own choice: ...' in each chosen language (empty when a guideline decides)."""
        if choice is None:
            return ""
        return {lang: template.format(choice=choice[lang]) for lang in self.langs}

    def per_region(self, text: Text) -> list[tuple[str, Cell]]:
        """One row per region when the regions' words differ, else one row for all of them."""
        resolved = [(region, self.text(text, region)) for region in REGIONS]
        if all(cell == resolved[0][1] for _, cell in resolved):
            return [(", ".join(REGIONS), resolved[0][1])]
        return [(str(region), cell) for region, cell in resolved]

    def translated(self, msgid: str) -> Cell:
        """An interface string in each chosen language (for paragraphs people audit in full)."""
        return {lang: gettext_for(lang, "cli")(msgid) for lang in self.langs}

    def _words(self, lang: Lang, region: Region | None) -> dict[str, str]:
        if region is not None:
            return _region_words(self.regions[region], lang)
        both = [_region_words(self.regions[r], lang) for r in REGIONS]
        return {name: both[0][name] if all(w[name] == both[0][name] for w in both)
                else "[" + " / ".join(f"{r.upper()}: {w[name]}" for r, w in zip(REGIONS, both, strict=True)) + "]"
                for name in both[0]}

    # ---- the sections, in the order of clinical-rules.md ----------------------------------------

    def drafts(self) -> list[_Draft]:
        return [self.episodes(), self.derived(), self.flags(), self.causes(), self.startback(),
                self.startback_risk(), self.medication(), self.medication_texts(), self.plan(), self.avoid(),
                self.tips(), self.risk_factors(), self.milestones(), self.diary(), self.urgencies(),
                self.destinations(), self.regions_table(), self.safety_net(), self.messages(), self.flow(),
                self.partial_intake(), self.differences(), self.references()]

    def episodes(self) -> _Draft:
        return _Draft("episodes", N_("Episode classes (clinical-rules §1)"),
                      {"id": N_("id"), "max_days": N_("up to day"), "source": N_("source"), "name": N_("name"),
                       "text": N_("text")},
                      [[e.id, "—" if e.max_days is None else str(e.max_days), e.source, self.text(e.name),
                        self.text(e.text)] for e in self.kb.meta.episodes])

    def derived(self) -> _Draft:
        return _Draft("derived", N_("Derived facts"), {"name": N_("name"), "definition": N_("definition")},
                      [[name, text] for name, text in self.kb.meta.derived.items()])

    def flags(self) -> _Draft:
        _ = self._
        own = _("Rugwijzer's own choice: {choice}")
        rows: list[list[Cell]] = [
            [f.id, f.level, f.level_if_seen_doctor or "", f.when, f.source,
             self.own_choice(own, f.own_choice), f.destination or "",
             self.text(f.title), self.text(f.why), self.text(f.medication_note)] for f in self.kb.flags]
        return _Draft("flags", N_("Flags (clinical-rules §2)"),
                      {"id": N_("id"), "level": N_("level"), "level_if_seen_doctor": N_("if seen by a doctor"),
                       "condition": N_("condition"), "source": N_("source"), "own_choice": N_("own choice"),
                       "destination": N_("own destination"), "title": N_("title"), "why": N_("why"),
                       "medication_note": N_("medication note")},
                      rows, [_("Urgency is the highest level among the flags that fired; self_care when none "
                               "fired. Flags are independent: each fires when its condition holds."),
                             _("If seen by a doctor: the level when seen_doctor_this_episode is true (a doctor "
                               "has already looked at exactly this). In an emergency or urgent result, flags "
                               "of a lower level are listed under \"also tell the doctor\", with no action "
                               "of their own.")])

    def causes(self) -> _Draft:
        return _Draft("causes", N_("Suspected causes (clinical-rules §3)"),
                      {"id": N_("id"), "flags": N_("when any of these flags fired"), "name": N_("name"),
                       "explanation": N_("explanation")},
                      [[c.id, ", ".join(c.flags), self.text(c.name), self.text(c.explanation)]
                       for c in self.kb.causes],
                      [self._("A flag counts at whatever level it fired (also when a doctor has already seen "
                              "it). None: ordinary (non-specific) low back pain.")])

    def startback(self) -> _Draft:
        sb = self.kb.startback
        rule = self._("Risk high if psychosocial ≥ {high}; else medium if total ≥ {medium}; else low. "
                      "Source: {source}.").format(high=sb.high_if_psychosocial_at_least,
                                                  medium=sb.medium_if_total_at_least, source=sb.source)
        yes, no = self._("yes"), self._("no")
        rows: list[list[Cell]] = [[i.key, yes if i.psychosocial else no, "1", self.text(i.paraphrase)]
                                  for i in sb.items]
        rows += [[f"bothersomeness = {b.value}", yes, str(b.score), self.text(b.paraphrase)]
                 for b in sb.bothersomeness]
        return _Draft("startback", N_("STarT Back (clinical-rules §4)"),
                      {"item": N_("item"), "psychosocial": N_("psychosocial"), "score": N_("score if true"),
                       "paraphrase": N_("paraphrase")},
                      rows, [rule, self.text(sb.question_bothersomeness), self.text(sb.notice)])

    def startback_risk(self) -> _Draft:
        return _Draft("startback_risk", N_("STarT Back risk groups and matched care (clinical-rules §4)"),
                      {"risk": N_("risk"), "name": N_("name"), "care": N_("care")},
                      [[s.id, self.text(s.name), self.text(s.care)] for s in self.kb.startback.strata])

    def medication(self) -> _Draft:
        med = self.kb.medication
        rows: list[list[Cell]] = [["paracetamol", c.id, c.when, c.source, self.text(c.text)]
                                  for c in med.paracetamol_cautions]
        rows += [["NSAID", c.id, c.when, c.source, self.text(c.text)] for c in med.cautions]
        note = self._("No medication advice at all (null) when {skip} ({skip_source}). First choice: {first}; "
                      "paracetamol at a reduced dose when any paracetamol caution holds. NSAID: avoid when any "
                      "NSAID caution holds or when {avoid} ({avoid_source}); else second choice. Source: "
                      "{source}.").format(skip=med.skip_when, skip_source=med.skip_source, first=med.first_choice,
                                          avoid=med.nsaid_avoid_when, avoid_source=med.nsaid_avoid_source,
                                          source=med.source)
        return _Draft("medication", N_("Medication cautions (clinical-rules §5)"),
                      {"medicine": N_("medicine"), "caution": N_("caution"), "condition": N_("condition"),
                       "source": N_("source"), "text": N_("text")}, rows, [note])

    def medication_texts(self) -> _Draft:
        med = self.kb.medication
        shown = [("paracetamol_standard", 'paracetamol == "standard"', med.paracetamol_standard_text),
                 ("paracetamol_reduced", 'paracetamol == "reduced_dose" (+ each paracetamol caution)',
                  med.paracetamol_reduced_text),
                 ("nsaid_second_choice", 'nsaid == "second_choice"', med.nsaid_second_choice_text),
                 ("nsaid_avoid", 'nsaid == "avoid" and urgency != "urgent" (+ each NSAID caution)',
                  med.nsaid_avoid_text),
                 ("nsaid_avoid_urgent", 'urgency == "urgent"', med.nsaid_avoid_urgent_text),
                 ("muscle_relaxants", 'urgency != "urgent"', med.muscle_relaxants_text),
                 ("leaflet", "always", med.leaflet_text)]
        return _Draft("medication_texts", N_("Medication texts (clinical-rules §5), in reading order"),
                      {"id": N_("id"), "when": N_("shown when"), "text": N_("text")},
                      [[key, when, self.text(text)] for key, when, text in shown],
                      [self._("Never in an emergency. A flag's medication note (e.g. a child's dose) comes "
                              "before the muscle-relaxant and leaflet texts.")])

    def plan(self) -> _Draft:
        plan = self.kb.plan
        rows: list[list[Cell]] = [
            [p.id, p.when, "; ".join(f"{e.id}: {e.when}" for e in p.emphasis), p.source, self.text(p.title),
             self.text(p.text), _joined([self.text(e.text) for e in p.emphasis])] for p in plan.items]
        return _Draft("plan", N_("Plan (clinical-rules §6), in this order"),
                      {"id": N_("id"), "when": N_("included when"), "emphasis": N_("emphasis"),
                       "source": N_("source"), "title": N_("title"), "text": N_("text"),
                       "emphasis_text": N_("emphasis text")},
                      rows, [self._skip(plan.skip_when, plan.skip_source)])

    def avoid(self) -> _Draft:
        avoid = self.kb.avoid
        return _Draft("avoid", N_("Not recommended (clinical-rules §7)"),
                      {"id": N_("id"), "when": N_("shown when"), "source": N_("source"), "name": N_("name"),
                       "why": N_("why")},
                      [[a.id, a.when, a.source, self.text(a.name), self.text(a.why)] for a in avoid.items],
                      [self._skip(avoid.skip_when, avoid.skip_source)])

    def tips(self) -> _Draft:
        tips = self.kb.tips
        return _Draft("tips", N_("Tips (clinical-rules §8), base order"),
                      {"id": N_("id"), "personal_when": N_("first when"), "source": N_("source"),
                       "title": N_("title"), "text": N_("text")},
                      [[t.id, t.personal_when, t.source, self.text(t.title), self.text(t.text)]
                       for t in tips.items],
                      [self._skip(tips.skip_when, tips.skip_source)])

    def risk_factors(self) -> _Draft:
        return _Draft("risk_factors", N_("Risk factors said back beside the plan (Rugwijzer's own words)"),
                      {"id": N_("id"), "source": N_("source"), "you": N_("as the person said it"),
                       "advice": N_("step")},
                      [[key, r.source, self.text(r.you), self.text(r.advice)]
                       for key, r in self.kb.risk_factors.items()])

    def milestones(self) -> _Draft:
        m = self.kb.messages
        rows: list[list[Cell]] = [[str(ms.day), ms.id, ms.source, region, cell]
                                  for ms in m.milestones for region, cell in self.per_region(ms.text)]
        return _Draft("milestones", N_("Follow-up milestones (clinical-rules §9)"),
                      {"day": N_("day"), "id": N_("id"), "source": N_("source"), "region": N_("region"),
                       "text": N_("text")},
                      rows, [self._skip(m.expectations_skip_when, m.expectations_skip_source)])

    def diary(self) -> _Draft:
        from rugwijzer.knowledge.diary_rules import load_rules

        rules = load_rules()
        recheck, trend = rules.alarm_recheck, rules.trend
        rows: list[list[str]] = [
            *([f"{part}.{name}", _value(value), rule.source]
              for part, rule in (("alarm_recheck", recheck), ("trend", trend))
              for name, value in rule.model_dump().items() if name not in ("source", "justification")),
            *([f"alarm_questions.{q.field}", q.ask_when or self._("always"), "clinical-rules §2, §9"]
              for q in rules.alarm_questions)]
        return _Draft("diary", N_("Diary thresholds (clinical-rules §9; knowledge/data/diary.yaml)"),
                      {"setting": N_("setting"), "value": N_("value or condition"), "source": N_("source")},
                      [list(row) for row in rows], [trend.justification])

    def urgencies(self) -> _Draft:
        return _Draft("urgencies", N_("What to do per urgency (clinical-rules §10)"),
                      {"urgency": N_("urgency"), "name": N_("name"), "destination": N_("destination")},
                      [[u.id, self.text(u.name), u.destination] for u in self.kb.messages.urgencies],
                      [self._("One destination per result: the urgency's own, unless an emergency flag names "
                              "its own (see the flags). call_112 (an aneurysm: do not travel) wins over every "
                              "other; the maternity unit only when pregnancy_warning is the only emergency "
                              "flag, otherwise the emergency department, told about the pregnancy.")])

    def destinations(self) -> _Draft:
        rows: list[list[Cell]] = []
        for d in self.kb.messages.destinations:
            rows += [[d.id, region, self.text(d.action, region), self.text(d.text, region)] for region in REGIONS]
        return _Draft("destinations", N_("Destinations, with the phone numbers of each region (clinical-rules §10)"),
                      {"id": N_("id"), "region": N_("region"), "action": N_("action"), "where": N_("where")},
                      rows)

    def regions_table(self) -> _Draft:
        return _Draft("regions", N_("Regions: numbers and words"),
                      {"region": N_("region"), "name": N_("name"), "emergency_number": N_("emergency number"),
                       "out_of_hours": N_("out-of-hours service"), "out_of_hours_number": N_("out-of-hours number"),
                       "emergency_department": N_("emergency department"), "physio": N_("physiotherapist")},
                      [[r.id, self.text(r.name), r.emergency_number, self.text(r.out_of_hours),
                        r.out_of_hours_number or "—", self.text(r.emergency_department), self.text(r.physio)]
                       for r in self.kb.messages.regions])

    def safety_net(self) -> _Draft:
        rows: list[list[Cell]] = []
        for tier in self.kb.messages.safety_net:
            rows += [[tier.level, self._("heading"), region, cell] for region, cell in self.per_region(tier.heading)]
            rows += [[tier.level, self._("sign"), region, cell]
                     for sign in tier.signs for region, cell in self.per_region(sign)]
        return _Draft("safety_net", N_("Safety net in three tiers (clinical-rules §10)"),
                      {"level": N_("level"), "kind": N_("kind"), "region": N_("region"), "text": N_("text")},
                      rows, [self._("A result shows only the tiers above its own urgency: none for emergency, "
                                    "the emergency tier for urgent, two tiers for soon, all three for routine "
                                    "and self_care.")])

    def messages(self) -> _Draft:
        m = self.kb.messages
        texts = [("disclaimer", m.disclaimer), ("pregnancy_note", m.pregnancy_note),
                 ("also_tell_doctor", m.also_tell_doctor),
                 *((f"prognosis.{n}", text) for n, text in enumerate(m.prognosis, 1))]
        rows: list[list[Cell]] = [[key, region, cell] for key, text in texts for region, cell in self.per_region(text)]
        note = self._("The disclaimer is on every result. The pregnancy note is added to an emergency "
                      "destination other than the maternity unit. What to expect (prognosis) only when not "
                      "{skip}; source: {source}.").format(skip=m.expectations_skip_when, source=m.prognosis_source)
        return _Draft("messages", N_("Other texts shown to people (clinical-rules §10)"),
                      {"id": N_("id"), "region": N_("region"), "text": N_("text")}, rows, [note])

    def flow(self) -> _Draft:
        from rugwijzer.knowledge import load_flow

        flow, yes = load_flow(), self._("yes")
        rows: list[list[Cell]] = []
        for screen in flow.screens:
            rows.append([screen.id, "", "", screen.ask_when or self._("always"), "", "", self.text(screen.title)])
            for shown in screen.questions:  # a checklist, then each of its boxes (a yes/no field)
                skippable = bool(shown.ask_when or screen.ask_when)
                rows += [[screen.id, q.field, q.kind, q.ask_when or "",
                          _value(flow.skip_value(q)) if skippable and not q.items else "",
                          yes if q.alarm else "", self.text(q.label)] for q in (shown, *shown.items)]
        return _Draft("flow", N_("Question flow and its skip logic (questions.yaml)"),
                      {"screen": N_("screen"), "field": N_("field"), "kind": N_("kind"),
                       "ask_when": N_("asked when"), "skip_value": N_("value when not asked"),
                       "alarm": N_("alarm question"), "label": N_("question")},
                      rows, [self._("Screens in order; a screen or question is asked only when its condition "
                                    "holds (an unknown answer counts as ask). A screen row has no field. A "
                                    "checklist is followed by its boxes, each a yes/no field. Helpers only steer "
                                    "the flow and never reach the engine. The flow stops at the first screen whose "
                                    "answers already show an emergency (contract §4).")])

    def partial_intake(self) -> _Draft:
        return _Draft("partial_intake", N_("Partial intakes: never hold back an emergency (contract §4)"),
                      {"rule": N_("rule")}, [], [self.translated(PARTIAL_INTAKE_RULE)])

    def differences(self) -> _Draft:
        return _Draft("differences", N_("Differences between sources (clinical-rules §11)"),
                      {"id": N_("topic"), "source": N_("source"), "text": N_("text")},
                      [[d.id, d.source, self.text(d.text)] for d in self.kb.differences])

    def references(self) -> _Draft:
        return _Draft("references", N_("References (clinical-rules §12)"),
                      {"key": N_("key"), "citation": N_("citation"), "lay": N_("as shown to people")},
                      [[r.key, r.citation, self.text(r.lay)] for r in self.kb.meta.references])

    def _skip(self, condition: str, source: str) -> str:
        return self._("Empty when {condition} ({source}).").format(condition=condition, source=source)

    # ---- laying out the texts ------------------------------------------------------------------

    def section(self, draft: _Draft) -> Section:
        texts = [any(not isinstance(row[i], str) for row in draft.rows) for i in range(len(draft.columns))]
        per_lang = len(self.langs) > 1
        columns, headings = [], []
        for is_text, (key, heading) in zip(texts, draft.columns.items(), strict=True):
            if is_text and per_lang:
                columns += [f"{key}.{lang}" for lang in self.langs]
                headings += [f"{self._(heading)} ({lang})" for lang in self.langs]
            else:
                columns.append(key)
                headings.append(self._(heading))
        rows = [[value for is_text, cell in zip(texts, row, strict=True)
                 for value in self._values(cell, is_text and per_lang)] for row in draft.rows]
        note = "\n\n".join(paragraph for cell in draft.note for paragraph in self._paragraphs(cell))
        return Section(draft.key, self._(draft.title), columns, headings, rows, note)

    def _values(self, cell: Cell, spread: bool) -> list[str]:
        """One value per language in a column of texts (an empty cell stays empty in each)."""
        if isinstance(cell, str):
            return [cell] * len(self.langs) if spread else [cell]
        return [cell[lang] for lang in self.langs]

    def _paragraphs(self, cell: Cell) -> list[str]:
        if isinstance(cell, str):
            return [cell]
        if len(self.langs) == 1:
            return [cell[self.langs[0]]]
        return [f"{lang}: {cell[lang]}" for lang in self.langs]


def _region_words(info: RegionInfo, lang: Lang) -> dict[str, str]:
    """The placeholders a text may use, filled in for one region (as the explainer does)."""
    return {"emergency_number": info.emergency_number, "out_of_hours": info.out_of_hours[lang],
            "out_of_hours_number": info.out_of_hours_number, "emergency_department": info.emergency_department[lang],
            "physio": info.physio[lang]}


def _joined(cells: Sequence[Cell]) -> Cell:
    """Several texts in one cell, language by language."""
    texts = [c for c in cells if not isinstance(c, str)]
    if not texts:
        return ""
    return {lang: " / ".join(c[lang] for c in texts) for lang in texts[0]}


def _value(value: Any) -> str:
    """A skip value as the contract writes it (JSON)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def review_sections(kb: KnowledgeBase, lang: ReviewLang) -> list[Section]:
    """All reviewable knowledge, in the order of clinical-rules.md."""
    review = _Review(kb, lang)
    return [review.section(draft) for draft in review.drafts()]


def review_document(kb: KnowledgeBase, lang: ReviewLang) -> dict[str, Any]:
    """JSON form of the review tables (with ``lang="all"``, text columns per language)."""
    return {
        "knowledge_version": kb.version,
        "lang": lang,
        "sections": [{"key": s.key, "title": s.title, "note": s.note,
                      "rows": [dict(zip(s.columns, row, strict=True)) for row in s.rows]}
                     for s in review_sections(kb, lang)],
    }


def review_title(kb: KnowledgeBase, lang: ReviewLang) -> str:
    title = " / ".join(kb.meta.title[x] for x in LANGS) if lang == "all" else kb.meta.title[lang]
    return f"{title} — v{kb.version}"


def review_markdown(kb: KnowledgeBase, lang: ReviewLang) -> str:
    """Markdown form of the review tables (the generated docs)."""
    _ = gettext_for("en" if lang == "all" else lang, "cli")
    out = [f"# {review_title(kb, lang)}", "",
           _("Generated by `rugwijzer rules --format markdown` from `src/rugwijzer/knowledge/data/`. "
             "Do not edit by hand."), ""]
    for s in review_sections(kb, lang):
        out += [f"## {s.title}", ""]
        if s.note:
            out += [s.note, ""]
        if s.rows:
            out.append("| " + " | ".join(s.headings) + " |")
            out.append("|" + "---|" * len(s.headings))
            out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in s.rows]
            out.append("")
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
