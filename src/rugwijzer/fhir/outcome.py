"""Errors of the FHIR routes as an OperationOutcome that names what is wrong."""

from __future__ import annotations

from typing import Any

import orjson
from fhir.resources.R4B.operationoutcome import OperationOutcome
from starlette.responses import Response

from rugwijzer.api.errors import ErrorInfo
from rugwijzer.core.intake import STARTBACK_KEYS, Intake
from rugwijzer.fhir.codes import FHIR_JSON, system
from rugwijzer.fhir.response import link_id_expression

_LINK_IDS = frozenset([*Intake.model_fields, *(f"startback.{key}" for key in STARTBACK_KEYS)])

_ISSUE_CODES = {400: "structure", 404: "not-found", 405: "not-supported", 413: "too-long",
                415: "not-supported", 422: "invalid", 500: "exception"}


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


def operation_outcome(info: ErrorInfo) -> dict[str, Any]:
    """The OperationOutcome for an error, one issue per problem (or one for the whole error)."""
    code = _ISSUE_CODES.get(info.status, "processing")
    issues = [_issue(dict(p), code) for p in info.problems]
    if not issues:
        issues = [{"severity": "error", "code": code, "details": {"text": info.message}}]
    if info.emergency:
        issues.insert(0, _emergency_issue(info.emergency))
    resource = {"resourceType": "OperationOutcome", "issue": issues}
    OperationOutcome.model_validate(resource)
    return resource


def fhir_error(info: ErrorInfo) -> Response:
    """Renderer for the /fhir prefix (see rugwijzer.api.errors.ErrorRouting)."""
    return Response(orjson.dumps(operation_outcome(info)), status_code=info.status, media_type=FHIR_JSON,
                    headers=dict(info.headers))
