"""CDS Hooks routes: discovery and the patient-view service."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from typing import Any

import orjson
from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from rugwijzer import bootstrap
from rugwijzer.cds.cards import assessment_card, emergency_problem_card, problem_card
from rugwijzer.cds.hook import (
    HOOK,
    PREFETCH_KEY,
    SERVICE_ID,
    HookRequest,
    PrefetchError,
    discovery,
    latest_response,
)
from rugwijzer.core.knowledge import Lang, Region
from rugwijzer.core.validation import IntakeError
from rugwijzer.fhir.response import InvalidAnswers, ResponseError, emergency_despite, intake_from_response
from rugwijzer.http.api.errors import JSON, ApiError, ErrorInfo
from rugwijzer.http.api.models import ErrorEnvelope
from rugwijzer.http.api.params import LANG, REGION, lang_of, parameters, region_of
from rugwijzer.http.api.schema import self_contained
from rugwijzer.i18n import gettext_for
from rugwijzer.services.json_input import load_object

router = APIRouter(prefix="/cds-services", tags=["CDS Hooks"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorEnvelope, "description": "not a valid CDS Hooks request for this service"},
    413: {"model": ErrorEnvelope, "description": "the body is larger than 64 KB"},
    422: {"model": ErrorEnvelope, "description": "invalid query parameters"},
    "default": {"model": ErrorEnvelope, "description": "any other error, in the same format"},
}
_CARDS_SCHEMA = {"type": "object", "required": ["cards"], "properties": {"cards": {"type": "array", "items": {
    "type": "object", "required": ["summary", "indicator", "source"], "properties": {
        "uuid": {"type": "string"}, "summary": {"type": "string", "maxLength": 140},
        "indicator": {"enum": ["info", "warning", "critical"]}, "detail": {"type": "string"},
        "source": {"type": "object"}, "links": {"type": "array"}}}}}}


def _request_schema() -> dict[str, Any]:
    """The request as this service takes it: the hook must be patient-view."""
    schema = self_contained(HookRequest)
    schema["properties"]["hook"] = {"title": "Hook", "enum": [HOOK]}
    return schema


def _labels(lang: Lang) -> dict[str, str]:
    _ = gettext_for(lang, "api")
    return {"reasons": _("Reasons"),
            "causes": _("Possible causes"),
            "partial": _("Assessed on a questionnaire that was not finished: the answers given already "
                         "show an emergency."),
            "incomplete": _("the latest back pain questionnaire could not be assessed (missing or invalid "
                            "answers)"),
            "invalid_emergency": _("Some answers are missing or invalid, but the valid answers already show an "
                                   "emergency, whatever the others are:"),
            # How fast each flag's level needs a doctor, in words (never the internal id).
            "level.emergency": _("emergency: now"),
            "level.urgent": _("a doctor today"),
            "level.soon": _("the GP within a few days"),
            "level.routine": _("plan a visit"),
            "startback": _("total %(total)s/9, psychosocial %(psychosocial)s/5")}


PUBLIC_URL = "RUGWIJZER_PUBLIC_URL"  # e.g. https://rugwijzer.example.org behind a proxy


def _links(request: Request, lang: Lang) -> list[dict[str, str]]:
    """The public explanation of the rules (never a link to personal data): on the public address
    when ``RUGWIJZER_PUBLIC_URL`` is set, else on this machine's loopback address and the port the
    server listens on. Never the request's Host header: a caller could make the card link anywhere."""
    _ = gettext_for(lang, "api")
    base = (os.environ.get(PUBLIC_URL) or _loopback_origin(request)).rstrip("/")
    return [{"label": _("How Rugwijzer decides: every rule and its source"),
             "url": f"{base}/api/v1/rules?lang={lang}", "type": "absolute"}]


def _loopback_origin(request: Request) -> str:
    port = (request.scope.get("server") or (None, None))[1]
    return f"http://127.0.0.1:{port}" if isinstance(port, int) and port != 80 else "http://127.0.0.1"


def _parse(body: bytes) -> HookRequest:
    try:
        hook = HookRequest.model_validate(load_object(body, "request"))
    except IntakeError as exc:
        raise ApiError(ErrorInfo.from_problems("invalid CDS Hooks request", exc.problems, status=400)) from None
    except ValidationError as exc:
        problems = [{"field": ".".join(str(p) for p in e["loc"]) or "request", "message": e["msg"],
                     "allowed": "a CDS Hooks 2.0 request"} for e in exc.errors(include_url=False)]
        names = tuple(p["field"] for p in problems)
        raise ApiError(ErrorInfo(400, "invalid CDS Hooks request: " + ", ".join(names), names,
                                 tuple(problems))) from None
    if hook.hook != HOOK:
        raise ApiError(ErrorInfo.single(400, "hook", f"got {hook.hook[:40]!r}", HOOK))
    return hook


def _cards(hook: HookRequest, request: Request, lang: Lang, region: Region) -> list[dict[str, Any]]:
    try:
        response = latest_response((hook.prefetch or {}).get(PREFETCH_KEY))
    except PrefetchError as exc:
        raise ApiError(ErrorInfo.single(400, exc.field, exc.message, exc.allowed)) from None
    if response is None:
        return []
    links, labels = _links(request, lang), _labels(lang)
    try:
        mapped = intake_from_response(response)
        answer = bootstrap.assessor().assess(mapped.intake, mapped.authored or date.today(), lang, region)
    except InvalidAnswers as exc:
        return [_problem(emergency_despite(exc, lang, region), list(exc.fields), links, labels)]
    except ResponseError as exc:
        return [problem_card(list(exc.fields), links, labels)]
    except IntakeError as exc:
        return [_problem(exc.emergency, list(exc.fields), links, labels)]
    return [assessment_card(answer, links, labels)]


def _problem(emergency: Mapping[str, Any] | None, fields: list[str], links: list[dict[str, str]],
             labels: dict[str, str]) -> dict[str, Any]:
    """An error never hides an emergency (contract §1): a critical card when the valid answers show one."""
    if emergency:
        return emergency_problem_card(emergency, fields, links, labels)
    return problem_card(fields, links, labels)


@router.get("", summary="CDS Hooks discovery", response_model=None,
            responses={200: {"description": "the services", "content": {JSON: {"schema": {"type": "object"}}}},
                       "default": _ERRORS["default"]})
async def list_services() -> Response:
    return Response(orjson.dumps(discovery()), media_type=JSON)


@router.post(
    f"/{SERVICE_ID}",
    summary="Triage of the patient's latest low back pain questionnaire (hook patient-view)",
    description=("Cards: critical for emergency and urgent, warning for soon, info otherwise, with the "
                 "reasons and a link to the public explanation of the rules; a questionnaire that cannot be "
                 "assessed gives an info card naming the answers to correct, or a critical one when its valid "
                 "answers already show an emergency. No card when there is no "
                 "prefetched QuestionnaireResponse to assess. Stateless: nothing is stored or logged."),
    response_model=None,
    responses={200: {"description": "the cards", "content": {JSON: {"schema": _CARDS_SCHEMA}}}, **_ERRORS},
    openapi_extra={**parameters(LANG, REGION),
                   "requestBody": {"required": True, "content": {JSON: {"schema": _request_schema()}}}},
)
async def triage(request: Request) -> Response:
    chosen, region = lang_of(request), region_of(request)
    hook = _parse(await request.body())
    cards = _cards(hook, request, chosen, region)
    return Response(orjson.dumps({"cards": cards}), media_type=JSON, headers={"Cache-Control": "no-store"})
