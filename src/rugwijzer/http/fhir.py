"""FHIR R4 routes: the intake Questionnaire and the $assess operation. Stateless.

The HTTP side of FHIR: the mapping (``fhir.response``, ``fhir.outcome``) raises and builds without
status codes; here its errors become 400 or 422 answers, rendered as OperationOutcomes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from rugwijzer import bootstrap
from rugwijzer.core.validation import IntakeError
from rugwijzer.fhir.codes import FHIR_JSON, QUESTIONNAIRE_ID
from rugwijzer.fhir.outcome import operation_outcome
from rugwijzer.fhir.questionnaire import intake_questionnaire
from rugwijzer.fhir.response import STATUSES, InvalidAnswers, ResponseError, emergency_despite, intake_from_response
from rugwijzer.fhir.results import assessment_bundle
from rugwijzer.http.api.errors import ApiError, ErrorInfo
from rugwijzer.http.api.params import LANG, REGION, lang_of, parameters, region_of, require_content_type
from rugwijzer.services.json_input import load_object

router = APIRouter(prefix="/fhir", tags=["FHIR R4"])

_OUTCOME = {"description": "an OperationOutcome naming what is wrong",
            "content": {FHIR_JSON: {"schema": {"type": "object", "properties": {
                "resourceType": {"const": "OperationOutcome"}, "issue": {"type": "array", "minItems": 1}},
                "required": ["resourceType", "issue"]}}}}


_BODY_SCHEMA = {"oneOf": [
    {"type": "object", "title": "QuestionnaireResponse", "required": ["resourceType", "status"], "properties": {
        "resourceType": {"const": "QuestionnaireResponse"}, "status": {"enum": list(STATUSES)},
        "item": {"type": "array", "items": {"type": "object"}}}},
    {"type": "object", "title": "Parameters", "required": ["resourceType", "parameter"], "properties": {
        "resourceType": {"const": "Parameters"}, "parameter": {"type": "array", "items": {"type": "object"}}}},
]}


_ISSUE_CODES = {400: "structure", 404: "not-found", 405: "not-supported", 413: "too-long",
                415: "not-supported", 422: "invalid", 500: "exception"}


def fhir_error(info: ErrorInfo) -> Response:
    """Renderer for the /fhir prefix (see rugwijzer.http.api.errors.ErrorRouting)."""
    outcome = operation_outcome(_ISSUE_CODES.get(info.status, "processing"), info.message, info.problems,
                                info.emergency)
    return Response(orjson.dumps(outcome), status_code=info.status, media_type=FHIR_JSON, headers=dict(info.headers))


def response_error_info(exc: ResponseError, emergency: Mapping[str, Any] | None = None) -> ErrorInfo:
    """A QuestionnaireResponse that cannot be used: 400 when it is not one at all, else 422."""
    status = 400 if exc.kind == "structure" else 422
    return ErrorInfo(status, exc.message, exc.fields, exc.problems, emergency=emergency)


def fhir_response(resource: dict[str, Any], lang: str | None = None, private: bool = False) -> Response:
    headers = {"Cache-Control": "no-store" if private else "public, max-age=3600", "Vary": "Accept-Language"}
    if lang:
        headers["Content-Language"] = lang
    return Response(orjson.dumps(resource), media_type=FHIR_JSON, headers=headers)


def _unwrap(raw: dict[str, Any]) -> dict[str, Any]:
    """The QuestionnaireResponse itself, or the one inside a Parameters resource."""
    if raw.get("resourceType") != "Parameters":
        return raw
    parameters = raw.get("parameter")
    if not isinstance(parameters, list):
        raise ApiError(ErrorInfo.single(400, "parameter", f"got {type(parameters).__name__}",
                                        "a list of parameters, one whose resource is a QuestionnaireResponse"))
    for parameter in parameters:
        resource = parameter.get("resource") if isinstance(parameter, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") == "QuestionnaireResponse":
            return resource
    raise ApiError(ErrorInfo.single(400, "parameter", "holds no QuestionnaireResponse",
                                    "a parameter (e.g. 'response') whose resource is a QuestionnaireResponse"))


def _read_json(body: bytes) -> dict[str, Any]:
    try:
        return load_object(body, "resource")
    except IntakeError as exc:
        raise ApiError(ErrorInfo.from_problems("invalid FHIR resource", exc.problems, status=400)) from None


def _require_fhir_json(request: Request) -> None:
    require_content_type(request, FHIR_JSON,
                         lambda kind: kind in ("", FHIR_JSON, "application/json", "application/json+fhir"),
                         "application/fhir+json or application/json")


@router.post(
    "/QuestionnaireResponse/$assess",
    summary="Assess a QuestionnaireResponse",
    description=("Send a QuestionnaireResponse to the rugwijzer-intake Questionnaire (or a Parameters resource "
                 "holding one). Answer: a collection Bundle with a RiskAssessment (urgency, flags with "
                 "reasons, suspected causes, STarT Back) and a CarePlan (plan, painkillers, what to avoid, and "
                 "notes: what to expect, the safety net). A partial "
                 "response that already shows an emergency gives a preliminary RiskAssessment "
                 "(contract §4); an invalid one whose readable answers already show an emergency gives an "
                 "OperationOutcome whose first issue (severity information) is that emergency. Nothing is "
                 "stored."),
    response_model=None,
    responses={
        200: {"description": "a Bundle of type collection", "content": {FHIR_JSON: {"schema": {
            "type": "object", "properties": {"resourceType": {"const": "Bundle"}},
            "required": ["resourceType", "entry"]}}}},
        400: _OUTCOME, 413: _OUTCOME, 415: _OUTCOME, 422: _OUTCOME, "default": _OUTCOME,
    },
    openapi_extra={**parameters(LANG, REGION), "requestBody": {"required": True, "content": {FHIR_JSON: {
        "schema": _BODY_SCHEMA}}}},
)
async def assess_response(request: Request) -> Response:
    _require_fhir_json(request)
    chosen, region = lang_of(request), region_of(request)
    raw = _unwrap(_read_json(await request.body()))
    try:
        mapped = intake_from_response(raw)
    except InvalidAnswers as exc:  # an unreadable answer never hides an emergency (contract §1)
        raise ApiError(response_error_info(exc, emergency_despite(exc, chosen, region))) from None
    except ResponseError as exc:
        raise ApiError(response_error_info(exc)) from None
    try:
        answer = bootstrap.assessor().assess(mapped.intake, mapped.authored or date.today(), chosen, region)
    except IntakeError as exc:
        raise ApiError(ErrorInfo.from_intake_error(exc)) from None
    basis = [{"reference": f"QuestionnaireResponse/{raw['id']}"}] if raw.get("id") else []
    return fhir_response(assessment_bundle(answer, raw.get("subject"), basis), chosen, private=True)


@router.get(
    f"/Questionnaire/{QUESTIONNAIRE_ID}",
    summary="The intake as a FHIR R4 Questionnaire",
    description=("Generated from the question flow: linkId = the contract's field name (startback.<key> for "
                 "STarT Back), coded answer options, every language through the translation extension (the base "
                 "language is ?lang= or Accept-Language), enableWhen for the skip logic where FHIR can say it."),
    response_model=None,
    responses={200: {"description": "the Questionnaire", "content": {FHIR_JSON: {"schema": {
        "type": "object", "properties": {"resourceType": {"const": "Questionnaire"}},
        "required": ["resourceType", "item"]}}}}, 422: _OUTCOME, "default": _OUTCOME},
    openapi_extra=parameters(LANG),
)
async def get_questionnaire(request: Request) -> Response:
    chosen = lang_of(request)
    return fhir_response(intake_questionnaire(chosen), chosen)
