"""The engine's answer (with texts) → a FHIR R4 Bundle: a RiskAssessment (urgency, flags with their
reasons, suspected causes, STarT Back) and a CarePlan (the plan, painkillers, and what to avoid).

The Bundle says what every other surface says (clinical-rules §10): one destination (the
RiskAssessment's mitigation and the CarePlan's description); no medication, plan or self-care in an
emergency; paracetamol only (and no anti-inflammatory painkillers) for urgent; the safety net's tiers
above the result's urgency and what to expect only where the answer has them."""

from __future__ import annotations

import uuid
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from rugwijzer.core.answer import Answer
from rugwijzer.fhir.codes import system
from rugwijzer.i18n import translations

ANONYMOUS = {"display": "the person who answered the questionnaire"}


def _coding(kind: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system(kind), "code": code}
    if display:
        coding["display"] = display
    return coding


def _concept(kind: str, code: str, display: str | None = None, text: str | None = None) -> dict[str, Any]:
    concept: dict[str, Any] = {"coding": [_coding(kind, code, display)]}
    if text:
        concept["text"] = text
    return concept


def _predictions(answer: Answer) -> list[dict[str, Any]]:
    action = answer["action"]
    out = [{"outcome": _concept("urgency", answer["urgency"], action["name"], action["action"]),
            "rationale": action["where"]}]
    also = answer["also_tell_heading"]
    out += [{"outcome": _concept("flag", f["id"], f["title"]),
             "qualitativeRisk": _concept("urgency", f["level"]),
             # A lower flag in an emergency or urgent result: no action of its own, tell the doctor.
             "rationale": f"{also + ' ' if f['also_tell'] else ''}{f['why']} ({f['source']})"}
            for f in answer["flags"]]
    out += [{"outcome": _concept("cause", c["id"], c["name"]), "rationale": c["explanation"]}
            for c in answer["suspected"]]
    startback = answer["startback"]
    if startback:
        out.append({"outcome": _concept("assessment", "startback", "STarT Back Tool"),
                    "qualitativeRisk": _concept("startback-risk", startback["risk"], startback["name"]),
                    "rationale": f"{_scores(answer)}. {startback['care']}".strip()})
    return out


def _scores(answer: Answer) -> str:
    startback = answer["startback"]
    assert startback is not None
    _ = translations(answer["lang"], "api").gettext
    return _("total %(total)s/9, psychosocial %(psychosocial)s/5") % {
        "total": startback["total"], "psychosocial": startback["psychosocial"]}


def _notes(answer: Answer) -> list[dict[str, str]]:
    notes = [answer["disclaimer"]]
    if answer["episode_text"]:
        notes.append(f"{answer['episode_text']['name']}: {answer['episode_text']['text']}")
    if answer["startback"]:
        notes.append(answer["startback"]["notice"])
    return [{"text": text} for text in notes]


def risk_assessment(answer: Answer, subject: dict[str, Any], basis: list[dict[str, Any]]) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "RiskAssessment",
        "status": "final" if answer["complete"] else "preliminary",
        "code": _concept("assessment", "lbp-triage", "Rugwijzer low back pain triage"),
        "subject": subject,
        "occurrenceDateTime": answer["assessed_on"],
        "prediction": _predictions(answer),
        "mitigation": answer["action"]["action"],
        "note": _notes(answer),
    }
    if basis:
        resource["basis"] = basis
    return resource


def _activity(kind: str, code: str, title: str, text: str, avoid: bool = False) -> dict[str, Any]:
    detail: dict[str, Any] = {"code": _concept(kind, code, title), "status": "not-started",
                              "description": text}
    if avoid:
        detail["doNotPerform"] = True
    return {"detail": detail}


def _medication(answer: Answer) -> list[dict[str, Any]]:
    """Paracetamol, then the anti-inflammatory painkillers: a second choice, or not to be taken."""
    med = answer["medication"]
    if med is None:  # an emergency: the emergency team decides (clinical-rules §5)
        return []
    paracetamol = _activity("medication", "paracetamol", "paracetamol", " ".join(med["paracetamol_advice"]))
    nsaid = _activity("medication", "nsaid", "NSAID", " ".join(med["nsaid_advice"]), avoid=med["nsaid"] == "avoid")
    return [paracetamol, nsaid]


def _care_notes(answer: Answer) -> list[dict[str, str]]:
    """Medication notes, what to expect, the safety net's tiers (as the answer has them), the disclaimer."""
    medication = answer["medication"]
    notes = [*(medication["notes"] if medication else []), *answer["prognosis"]]
    notes += [f"{tier['heading']} " + "; ".join(tier["signs"]) for tier in answer["safety_net"]]
    return [{"text": text} for text in [*notes, answer["disclaimer"]]]


def care_plan(answer: Answer, subject: dict[str, Any], risk_url: str) -> dict[str, Any]:
    steps = [_activity("plan", p["id"], p["title"],
                       " ".join(filter(None, (p["text"], p.get("emphasis_text"))))) for p in answer["plan"]]
    avoid = [_activity("avoid", a["id"], a["name"], a["why"], avoid=True) for a in answer["avoid"]]
    activities = steps + _medication(answer) + avoid
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "status": "active",
        "intent": "proposal",
        "title": answer["action"]["name"],
        "description": f"{answer['action']['action']} ({answer['action']['where']})",
        "subject": subject,
        "created": answer["assessed_on"],
        "supportingInfo": [{"reference": risk_url}],
        "note": _care_notes(answer),
    }
    if activities:
        resource["activity"] = activities
    return resource


def assessment_bundle(answer: Answer, subject: dict[str, Any] | None = None,
                      basis: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A collection Bundle with the RiskAssessment and the CarePlan, validated as R4."""
    who = subject or ANONYMOUS
    risk_url, plan_url = f"urn:uuid:{uuid.uuid4()}", f"urn:uuid:{uuid.uuid4()}"
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": risk_url, "resource": risk_assessment(answer, who, basis or [])},
                  {"fullUrl": plan_url, "resource": care_plan(answer, who, risk_url)}],
    }
    Bundle.model_validate(bundle)
    return bundle
