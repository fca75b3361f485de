"""Assess intakes: the one path every entry point goes through (CLI, web, API, FHIR, batch)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

import orjson

from rugwijzer.core.answer import Answer, Emergency
from rugwijzer.core.engine import Assessment, Engine
from rugwijzer.core.explain import Explainer
from rugwijzer.core.knowledge import KnowledgeBase, Lang, Region
from rugwijzer.core.validation import IntakeError, parse_intake
from rugwijzer.knowledge import load_knowledge
from rugwijzer.services.json_input import load_object


class Assessor:
    """Validation, engine and texts together, for one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.engine = Engine(kb)
        self._explainers: dict[tuple[Lang, Region], Explainer] = {}

    def explainer(self, lang: Lang = "nl", region: Region = "be") -> Explainer:
        key = (lang, region)
        if key not in self._explainers:
            self._explainers[key] = Explainer(self.kb, lang, region)
        return self._explainers[key]

    def assessment(self, data: Mapping[str, Any], today: date | None = None) -> Assessment:
        """Validate a decoded intake and assess it; raises IntakeError naming every bad field."""
        return self.engine.assess(parse_intake(data), today or date.today())

    def assess(self, data: Mapping[str, Any], today: date | None = None, lang: Lang = "nl",
               region: Region = "be") -> Answer:
        """The full JSON-ready answer for a decoded intake. An IntakeError carries, in
        ``emergency``, the emergency advice when the valid answers already show one."""
        day = today or date.today()
        try:
            assessment = self.engine.assess(parse_intake(data), day)
        except IntakeError as exc:
            exc.emergency = self._emergency_despite(data, exc, day, lang, region)
            raise
        return self.explainer(lang, region).explain(assessment)

    def _emergency_despite(self, data: Mapping[str, Any], error: IntakeError, today: date, lang: Lang,
                           region: Region) -> Emergency | None:
        """The error stands (contract §1: a null or a typo is never read as "no"), but a person whose
        other answers already show an emergency must not be left without that advice. The bad
        fields are treated as unknown; only an emergency that holds whatever they are is reported."""
        bad = _fields_of(error)
        # Setting fields aside can bring out a problem the first check could not see (duration
        # against age is only compared once both parse), so set those aside too until none is left.
        while "intake" not in bad:
            try:
                assessment = self.engine.assess(parse_intake({k: v for k, v in data.items() if k not in bad}), today)
                break
            except IntakeError as again:
                if _fields_of(again) <= bad:
                    return None
                bad |= _fields_of(again)
        else:
            return None
        if assessment.urgency != "emergency":
            return None
        answer = self.explainer(lang, region).explain(assessment)
        return {"urgency": "emergency", "action": answer["action"],
                "flags": [f for f in answer["flags"] if f["level"] == "emergency"],
                "disclaimer": answer["disclaimer"]}

    def assess_text(self, text: str | bytes, today: date | None = None, lang: Lang = "nl",
                    region: Region = "be") -> Answer:
        """The full answer for one intake as JSON text (repeated keys and deep nesting are refused)."""
        return self.assess(load_object(text), today, lang, region)

    def assess_lines(self, lines: Iterable[str | bytes], today: date | None = None, lang: Lang = "nl",
                     region: Region = "be") -> Iterator[tuple[bytes, bool]]:
        """Exactly one JSON line out per line in: the answer, or an error naming the line and the
        fields (a blank line is an error too, so that answers stay aligned). Yields (line, ok)."""
        day = today or date.today()
        explain = self.explainer(lang, region).explain
        for number, line in enumerate(lines, 1):
            data: dict[str, Any] | None = None
            try:
                data = load_object(line)
                answer = explain(self.engine.assess(parse_intake(data), day))
            except IntakeError as exc:
                if data is not None:
                    exc.emergency = self._emergency_despite(data, exc, day, lang, region)
                error = exc.as_dict()
                # An emergency is shown first (contract §1), then the line and the problems.
                first = {"emergency": error.pop("emergency")} if "emergency" in error else {}
                yield orjson.dumps({"error": {**first, "line": number, **error}}), False
            else:
                yield orjson.dumps(answer), True


def _fields_of(error: IntakeError) -> set[str]:
    return {problem.field.split(".")[0] for problem in error.problems}


@functools.cache
def default_assessor() -> Assessor:
    """The assessor for the packaged knowledge base, built once per process."""
    return Assessor(load_knowledge())
