"""The CDS Hooks request and its prefetched QuestionnaireResponse."""

from __future__ import annotations

from typing import Any, TypeGuard

from pydantic import BaseModel, ConfigDict, Field

from rugwijzer.core.errors import InvalidInput
from rugwijzer.fhir.codes import QUESTIONNAIRE_URL

SERVICE_ID = "rugwijzer-lbp-triage"
HOOK = "patient-view"
PREFETCH_KEY = "questionnaireResponse"
PREFETCH_QUERY = ("QuestionnaireResponse?subject={{context.patientId}}"
                  f"&questionnaire={QUESTIONNAIRE_URL}&_sort=-authored&_count=1")
_WITHDRAWN = {"entered-in-error"}


class HookContext(BaseModel):
    model_config = ConfigDict(extra="allow")

    patientId: str = Field(description="the patient in context")
    userId: str | None = None


class HookRequest(BaseModel):
    """A CDS Hooks 2.0 call (only what this service reads; other members are allowed)."""

    model_config = ConfigDict(extra="allow")

    hook: str
    hookInstance: str
    context: HookContext
    prefetch: dict[str, Any] | None = Field(None, description=f"'{PREFETCH_KEY}': a Bundle or a "
                                                              "QuestionnaireResponse, or null")
    fhirServer: str | None = None


def discovery() -> dict[str, Any]:
    return {"services": [{
        "hook": HOOK,
        "id": SERVICE_ID,
        "title": "Rugwijzer low back pain triage",
        "description": ("Assesses the patient's latest Rugwijzer low back pain QuestionnaireResponse: "
                        "urgency, red flags with their reasons, STarT Back risk. Stores nothing."),
        "prefetch": {PREFETCH_KEY: PREFETCH_QUERY},
        "usageRequirements": "The EHR must prefetch the latest QuestionnaireResponse; the service "
                             "does not query the FHIR server itself.",
    }]}


class PrefetchError(InvalidInput):
    """The prefetched value is not a Bundle or resource this service can read."""

    def __init__(self, field: str, message: str, allowed: str) -> None:
        super().__init__(f"{field}: {message} (allowed: {allowed})")
        self.field, self.message, self.allowed = field, message, allowed


def _is_ours(resource: Any) -> TypeGuard[dict[str, Any]]:
    if not isinstance(resource, dict) or resource.get("resourceType") != "QuestionnaireResponse":
        return False
    canonical = resource.get("questionnaire")
    ours = canonical is None or str(canonical).split("|")[0] == QUESTIONNAIRE_URL
    return ours and resource.get("status") not in _WITHDRAWN


def latest_response(prefetched: Any) -> dict[str, Any] | None:
    """The latest of our QuestionnaireResponses in a prefetched value (a Bundle or one resource)."""
    if isinstance(prefetched, dict) and prefetched.get("resourceType") == "Bundle":
        entries = prefetched.get("entry")
        if entries is not None and not isinstance(entries, list):
            raise PrefetchError("prefetch.questionnaireResponse.entry", f"got {type(entries).__name__}",
                                "a list of Bundle entries")
        candidates = [e.get("resource") for e in entries or () if isinstance(e, dict)]
    else:
        candidates = [prefetched]
    ours = [r for r in candidates if _is_ours(r)]
    if not ours:
        return None
    return max(ours, key=lambda r: str(r.get("authored") or ""))
