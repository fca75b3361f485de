"""Turn an assessment into a JSON-ready answer with texts for people, in one language and region.

The contract keys keep their meaning (ids, levels, order); this adds the words: why each flag
matters, what to do and whom to call, the plan, what to avoid, the tips, what to expect, the safety
net and the disclaimer. All texts come from the knowledge base; nothing is written here.
"""

from __future__ import annotations

from typing import Any

from rugwijzer.core.engine import Assessment
from rugwijzer.core.knowledge import KnowledgeBase, Lang, Region, Text


class Explainer:
    """Looks up every text once for a (language, region) pair, so explaining is just dict work."""

    def __init__(self, kb: KnowledgeBase, lang: Lang, region: Region) -> None:
        self.kb, self.lang, self.region = kb, lang, region
        info = next(r for r in kb.messages.regions if r.id == region)
        self.emergency_number = info.emergency_number
        self.out_of_hours_number = info.out_of_hours_number
        self._fill = {"emergency_number": info.emergency_number,
                      "out_of_hours": info.out_of_hours[lang],
                      "out_of_hours_number": info.out_of_hours_number}
        m = kb.messages
        self.flags = {f.id: {"title": self.t(f.title), "why": self.t(f.why)} for f in kb.flags}
        self.causes = {c.id: {"name": self.t(c.name), "explanation": self.t(c.explanation)}
                       for c in kb.causes}
        self.plan = {p.id: {"title": self.t(p.title), "text": self.t(p.text)} for p in kb.plan.items}
        self.emphasis = {(p.id, e.id): self.t(e.text) for p in kb.plan.items for e in p.emphasis}
        self.avoid = {a.id: {"name": self.t(a.name), "why": self.t(a.why)} for a in kb.avoid.items}
        self.tips = {t.id: {"title": self.t(t.title), "text": self.t(t.text)} for t in kb.tips.items}
        self.cautions = {c.id: self.t(c.text) for c in kb.medication.cautions}
        self.urgencies = {u.id: {"name": self.t(u.name), "action": self.t(u.action)} for u in m.urgencies}
        self.destinations = {d.id: self.t(d.text) for d in m.destinations}
        self.episodes: dict[str, dict[str, str]] = {
            e.id: {"name": self.t(e.name), "text": self.t(e.text)} for e in kb.meta.episodes}
        self.strata = {s.id: {"name": self.t(s.name), "care": self.t(s.care)} for s in kb.startback.strata}
        self.milestones = {ms.id: self.t(ms.text) for ms in m.milestones}
        self.safety_net = {"emergency": [self.t(x) for x in m.safety_net_emergency],
                           "doctor": [self.t(x) for x in m.safety_net_doctor]}
        self.prognosis = [self.t(x) for x in m.prognosis]
        self.disclaimer = self.t(m.disclaimer)
        self.pregnancy_note = self.t(m.pregnancy_note)
        self.startback_notice = self.t(kb.startback.notice)
        med = kb.medication
        self.medication = {"first_choice": self.t(med.first_choice_text),
                           "second_choice": self.t(med.nsaid_second_choice_text),
                           "avoid": self.t(med.nsaid_avoid_text),
                           "muscle_relaxants": self.t(med.muscle_relaxants_text),
                           "leaflet": self.t(med.leaflet_text)}

    def t(self, text: Text) -> str:
        """One text in this language, with the region's numbers filled in."""
        return text[self.lang].format_map(self._fill)

    def explain(self, a: Assessment) -> dict[str, Any]:
        """The full answer: contract keys (contract §2) plus texts, ready for JSON."""
        med = a.medication
        destination_text = self.destinations[a.destination]
        if a.urgency == "emergency" and a.pregnant and a.destination != "maternity_unit":
            destination_text = f"{destination_text}. {self.pregnancy_note}"
        return {
            "urgency": a.urgency,
            "action": {**self.urgencies[a.urgency], "destination": a.destination,
                       "where": destination_text, "emergency_number": self.emergency_number,
                       "out_of_hours_number": self.out_of_hours_number},
            "flags": [{"id": f.id, "level": f.level, "source": f.source, **self.flags[f.id]}
                      for f in a.flags],
            "episode": a.episode,
            "episode_text": self.episodes[a.episode] if a.episode else None,
            "suspected": [{"id": s, **self.causes[s]} for s in a.suspected],
            "startback": None if a.startback is None else {
                "total": a.startback.total, "psychosocial": a.startback.psychosocial,
                "risk": a.startback.risk, **self.strata[a.startback.risk],
                "notice": self.startback_notice},
            "medication": self._medication(med.first_choice, med.nsaid, med.nsaid_cautions),
            "plan": [self._plan_step(p.id, p.emphasis) for p in a.plan],
            "avoid": [{"id": i, **self.avoid[i]} for i in a.avoid],
            "tips": [{"id": i, **self.tips[i]} for i in a.tips],
            "risk_factors": list(a.risk_factors),
            "knowledge_version": a.knowledge_version,
            "complete": a.complete,
            "assessed_on": a.assessed_on.isoformat(),
            "onset": a.onset.isoformat() if a.onset else None,
            "milestones": [{"id": m.id, "day": m.day, "date": m.date.isoformat(), "reached": m.reached,
                            "text": self.milestones[m.id]} for m in a.milestones],
            "safety_net": self.safety_net,
            "prognosis": self.prognosis,
            "disclaimer": self.disclaimer,
            "lang": self.lang,
            "region": self.region,
        }

    def _medication(self, first_choice: str, nsaid: str, cautions: tuple[str, ...]) -> dict[str, Any]:
        steps = [self.medication["first_choice"],
                 self.medication["second_choice"] if nsaid == "second_choice" else self.medication["avoid"]]
        caution_texts = [self.cautions[c] for c in cautions]
        notes = [self.medication["muscle_relaxants"], self.medication["leaflet"]]
        return {"first_choice": first_choice, "nsaid": nsaid, "nsaid_cautions": list(cautions),
                "steps": steps, "caution_texts": caution_texts, "notes": notes,
                "advice": [*steps, *caution_texts, *notes]}  # all of it, in reading order

    def _plan_step(self, item_id: str, emphasis: str | None) -> dict[str, Any]:
        step: dict[str, Any] = {"id": item_id, **self.plan[item_id]}
        if emphasis:
            step["emphasis"] = emphasis
            step["emphasis_text"] = self.emphasis[(item_id, emphasis)]
        return step
