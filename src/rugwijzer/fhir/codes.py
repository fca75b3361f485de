"""Project-local canonical URLs and code systems (``http://rugwijzer.local/...`` is not a real
domain: it only makes clear that these codes are Rugwijzer's own)."""

from __future__ import annotations

BASE = "http://rugwijzer.local/fhir"
QUESTIONNAIRE_ID = "rugwijzer-intake"
QUESTIONNAIRE_URL = f"{BASE}/Questionnaire/{QUESTIONNAIRE_ID}"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
FHIR_JSON = "application/fhir+json"


def system(name: str) -> str:
    """The code system of one kind of code: ``urgency``, ``flag``, ``cause``, ``plan``, ``avoid``,
    ``assessment``, ``startback-risk``, or an intake field whose answers are codes."""
    return f"{BASE}/CodeSystem/{name.replace('_', '-').replace('.', '-')}"
