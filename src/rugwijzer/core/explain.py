"""Turn an assessment into a JSON-ready answer with texts for people, in one language and region.

The contract keys keep their meaning (ids, levels, order); this adds the words: why each flag
matters, what to do and whom to call, the plan, what to avoid, the tips, what to expect, the safety
net and the disclaimer. All texts come from the knowledge base; nothing is written here.
"""

from __future__ import annotations

from rugwijzer.core.answer import (
    Answer,
    Avoid,
    AvoidText,
    CauseText,
    FlagText,
    Medication,
    NamedText,
    PlanStep,
    RiskAdvice,
    RiskText,
    SafetyTier,
    StartBack,
    StratumText,
    Suspected,
    Tip,
    TitledText,
)
from rugwijzer.core.engine import Assessment
from rugwijzer.core.knowledge import URGENCIES, KnowledgeBase, Lang, Region, Text


class Explainer:
    """Looks up every text once for a (language, region) pair, so explaining is just dict work.

    What a result shows depends on its urgency (clinical-rules §10): an emergency shows what to do,
    where, why and the disclaimer, and nothing of self-care; an urgent result adds paracetamol only
    and the 112 tier of the safety net; lower levels show the plan, what to expect and milestones."""

    def __init__(self, kb: KnowledgeBase, lang: Lang, region: Region) -> None:
        self.kb, self.lang, self.region = kb, lang, region
        info = next(r for r in kb.messages.regions if r.id == region)
        self.emergency_number = info.emergency_number
        self.out_of_hours_number = info.out_of_hours_number
        self._fill = {"emergency_number": info.emergency_number,
                      "out_of_hours": info.out_of_hours[lang],
                      "out_of_hours_number": info.out_of_hours_number,
                      "emergency_department": info.emergency_department[lang],
                      "physio": info.physio[lang]}
        m = kb.messages
        lay = {r.key: self.t(r.lay) for r in kb.meta.references}
        separator = " ; " if lang == "fr" else "; "  # French typography: a space before ";"
        self.flags: dict[str, FlagText] = {f.id: {"title": self.t(f.title), "why": self.t(f.why),
                             "source_text": separator.join(lay[k] for k in kb.source_keys(f.source))}
                      for f in kb.flags}
        self.flag_medication_notes = {f.id: self.t(f.medication_note) for f in kb.flags if f.medication_note}
        self.causes: dict[str, CauseText] = {c.id: {"name": self.t(c.name), "explanation": self.t(c.explanation)}
                       for c in kb.causes}
        self.plan: dict[str, TitledText] = {p.id: {"title": self.t(p.title), "text": self.t(p.text)}
                                            for p in kb.plan.items}
        self.emphasis = {(p.id, e.id): self.t(e.text) for p in kb.plan.items for e in p.emphasis}
        self.avoid: dict[str, AvoidText] = {a.id: {"name": self.t(a.name), "why": self.t(a.why)}
                                            for a in kb.avoid.items}
        self.tips: dict[str, TitledText] = {t.id: {"title": self.t(t.title), "text": self.t(t.text)}
                                            for t in kb.tips.items}
        self.risk_texts: dict[str, RiskText] = {key: {"you": self.t(r.you), "advice": self.t(r.advice)}
                           for key, r in kb.risk_factors.items()}
        self.cautions = {c.id: self.t(c.text) for c in kb.medication.cautions}
        self.paracetamol_cautions = {c.id: self.t(c.text) for c in kb.medication.paracetamol_cautions}
        self.urgencies = {u.id: self.t(u.name) for u in m.urgencies}
        self.destinations = {d.id: {"action": self.t(d.action), "where": self.t(d.text)} for d in m.destinations}
        self.episodes: dict[str, NamedText] = {
            e.id: {"name": self.t(e.name), "text": self.t(e.text)} for e in kb.meta.episodes}
        self.strata: dict[str, StratumText] = {s.id: {"name": self.t(s.name), "care": self.t(s.care)}
                                               for s in kb.startback.strata}
        self.milestones = {ms.id: self.t(ms.text) for ms in m.milestones}
        self.safety_tiers: list[SafetyTier] = [{"level": tier.level, "heading": self.t(tier.heading),
                              "signs": [self.t(x) for x in tier.signs]} for tier in m.safety_net]
        self.prognosis = [self.t(x) for x in m.prognosis]
        self.disclaimer = self.t(m.disclaimer)
        self.pregnancy_note = self.t(m.pregnancy_note)
        self.also_tell_heading = self.t(m.also_tell_doctor)
        self.startback_notice = self.t(kb.startback.notice)
        med = kb.medication
        self.medication = {"standard": self.t(med.paracetamol_standard_text),
                           "reduced_dose": self.t(med.paracetamol_reduced_text),
                           "second_choice": self.t(med.nsaid_second_choice_text),
                           "avoid": self.t(med.nsaid_avoid_text),
                           "avoid_urgent": self.t(med.nsaid_avoid_urgent_text),
                           "muscle_relaxants": self.t(med.muscle_relaxants_text),
                           "leaflet": self.t(med.leaflet_text)}

    def t(self, text: Text) -> str:
        """One text in this language, with the region's numbers and words filled in."""
        return text[self.lang].format_map(self._fill)

    def explain(self, a: Assessment) -> Answer:
        """The full answer: contract keys (contract §2) plus texts, ready for JSON."""
        where = self.destinations[a.destination]
        action_text, destination_text = where["action"], where["where"]
        if a.urgency == "emergency" and a.pregnant and a.destination != "maternity_unit":
            action_text = f"{action_text} {self.pregnancy_note}"
            destination_text = f"{destination_text}. {self.pregnancy_note}"
        # In an emergency or urgent result, lower flags are "also tell the doctor" (§10).
        doctor_needed = a.urgency in ("emergency", "urgent")
        return {
            "urgency": a.urgency,
            "action": {"name": self.urgencies[a.urgency], "action": action_text,
                       "destination": a.destination, "where": destination_text,
                       "emergency_number": self.emergency_number,
                       "out_of_hours_number": self.out_of_hours_number},
            "flags": [{"id": f.id, "level": f.level, "source": f.source, **self.flags[f.id],
                       "also_tell": doctor_needed and f.level != a.urgency}
                      for f in a.flags],
            "also_tell_heading": self.also_tell_heading,
            "episode": a.episode,
            "episode_text": self.episodes[a.episode] if a.episode else None,
            "suspected": [Suspected(id=s, **self.causes[s]) for s in a.suspected],
            "startback": None if a.startback is None else StartBack(
                total=a.startback.total, psychosocial=a.startback.psychosocial,
                risk=a.startback.risk, name=self.strata[a.startback.risk]["name"],
                # The matched care is self-care advice: none when a doctor decides today (rules §10).
                care=self.strata[a.startback.risk]["care"] if a.expectations else "",
                notice=self.startback_notice),
            "medication": self._medication(a),
            "plan": [self._plan_step(p.id, p.emphasis) for p in a.plan],
            "avoid": [Avoid(id=i, **self.avoid[i]) for i in a.avoid],
            "tips": [Tip(id=i, **self.tips[i]) for i in a.tips],
            "risk_factors": list(a.risk_factors),
            # The risk factors said back with a step for each, beside the plan (none when a doctor decides).
            "risk_advice": [RiskAdvice(id=f, **self.risk_texts[f]) for f in a.risk_factors] if a.plan else [],
            "knowledge_version": a.knowledge_version,
            "complete": a.complete,
            "assessed_on": a.assessed_on.isoformat(),
            "onset": a.onset.isoformat() if a.onset else None,
            "expectations": a.expectations,
            "milestones": [{"id": m.id, "day": m.day, "date": m.date.isoformat(), "reached": m.reached,
                            "text": self.milestones[m.id]} for m in a.milestones],
            "safety_net": self._safety_net(a.urgency),
            "prognosis": self.prognosis if a.expectations else [],
            "disclaimer": self.disclaimer,
            "lang": self.lang,
            "region": self.region,
        }

    def _safety_net(self, urgency: str) -> list[SafetyTier]:
        """The tiers above the result's own level: none for an emergency (§10)."""
        rank = URGENCIES.index
        return [tier for tier in self.safety_tiers if rank(tier["level"]) > rank(urgency)]

    def _medication(self, a: Assessment) -> Medication | None:
        med = a.medication
        if med is None:
            return None  # an emergency: the emergency team decides (§5)
        paracetamol = [self.medication[med.paracetamol], *(self.paracetamol_cautions[c]
                                                          for c in med.paracetamol_cautions)]
        if a.urgency == "urgent":
            nsaid = [self.medication["avoid_urgent"]]
            notes = [self.medication["leaflet"]]
        else:
            nsaid = [self.medication[med.nsaid], *(self.cautions[c] for c in med.nsaid_cautions)]
            notes = [self.medication["muscle_relaxants"], self.medication["leaflet"]]
        notes = [*(self.flag_medication_notes[f.id] for f in a.flags if f.id in self.flag_medication_notes),
                 *notes]
        return {"first_choice": med.first_choice, "paracetamol": med.paracetamol,
                "paracetamol_cautions": list(med.paracetamol_cautions),
                "nsaid": med.nsaid, "nsaid_cautions": list(med.nsaid_cautions),
                "paracetamol_advice": paracetamol, "nsaid_advice": nsaid, "notes": notes,
                "advice": [*paracetamol, *nsaid, *notes]}  # all of it, in reading order

    def _plan_step(self, item_id: str, emphasis: str | None) -> PlanStep:
        text = self.plan[item_id]
        step: PlanStep = {"id": item_id, "title": text["title"], "text": text["text"]}
        if emphasis:
            step["emphasis"] = emphasis
            step["emphasis_text"] = self.emphasis[(item_id, emphasis)]
        return step
