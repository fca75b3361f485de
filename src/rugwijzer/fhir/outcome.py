"""An error as an OperationOutcome that names what is wrong (the mapping; no HTTP here: the FHIR
routes choose the status and the issue code, see ``rugwijzer.http.fhir``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fhir.resources.R4B.operationoutcome import OperationOutcome

from rugwijzer.core.intake import STARTBACK_KEYS, Intake
from rugwijzer.fhir.codes import system
from rugwijzer.fhir.response import link_id_expression

_LINK_IDS = frozenset([*Intake.model_fields, *(f"startback.{key}" for key in STARTBACK_KEYS)])


def _issue(problem: dict[str, Any], default_code: str) -> dict[str, Any]:
    name = str(problem.get("field", ""))
    code = "required" if "missing" in str(problem.get("message", "")) else default_code
    issue: dict[str, Any] = {
        "severity": "error", "code": code,
        "details": {"text": f"{name}: {problem.get('message')} (allowed: {problem.get('allowed')})"},
    }
    if problem.get("expression"):
        issue["expression"] = [str(problem["expression"])]
    elif name in _LINK_IDS:
        issue["expression"] = [link_id_expression(name)]
    return issue


def _emergency_issue(emergency: Any) -> dict[str, Any]:
    """The emergency that the valid answers already show (contract §1), as the first issue: the
    answer is still an error, but no record system may hide what to do now."""
    action = emergency["action"]
    flags = ", ".join(f["id"] for f in emergency["flags"])
    return {"severity": "information", "code": "informational",
            "details": {"coding": [{"system": system("urgency"), "code": "emergency"}],
                        "text": f"{action['name']}: {action['action']} ({action['where']})"},
            "diagnostics": f"emergency whatever the invalid answers are; flags: {flags}"}


def operation_outcome(code: str, message: str, problems: Sequence[Mapping[str, Any]] = (),
                      emergency: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The OperationOutcome for an error, one issue per problem (or one for the whole error), with
    the FHIR issue ``code`` (``invalid``, ``structure``, ...)."""
    issues = [_issue(dict(p), code) for p in problems]
    if not issues:
        issues = [{"severity": "error", "code": code, "details": {"text": message}}]
    if emergency:
        issues.insert(0, _emergency_issue(emergency))
    resource = {"resourceType": "OperationOutcome", "issue": issues}
    OperationOutcome.model_validate(resource)
    return resource
