"""The JSON API under /api/v1: assessments, the rules and the question flow, statelessly."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from rugwijzer import bootstrap
from rugwijzer.core.knowledge import Lang
from rugwijzer.core.validation import IntakeError
from rugwijzer.http.api.errors import JSON, ApiError, ErrorInfo
from rugwijzer.http.api.examples import EXAMPLES, intake
from rugwijzer.http.api.models import AssessmentAnswer, ErrorEnvelope, FlowDocument, RulesDocument
from rugwijzer.http.api.params import DATE, LANG, REGION, lang_of, options, parameters, require_content_type
from rugwijzer.http.api.schema import intake_schema
from rugwijzer.services.review import review_document

EXAMPLE_DAY = date(2026, 11, 25)


def _error(status: int, description: str, examples: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"model": ErrorEnvelope, "description": description}
    if examples is not None:
        response["content"] = {JSON: {"examples": examples}}
    return response


def _invalid(data: dict[str, Any]) -> dict[str, Any]:
    try:
        bootstrap.assessor().assess(data, EXAMPLE_DAY, "en", "be")
    except IntakeError as exc:
        body = exc.as_dict()
        first = {"emergency": body.pop("emergency")} if "emergency" in body else {}
        return {"error": {**first, "status": 422, **body}}  # as the API answers it (errors.json_error)
    raise AssertionError("the invalid example was accepted")  # pragma: no cover


def _invalid_examples() -> dict[str, Any]:
    bad = {k: v for k, v in intake(pain_score=11, radiation="knee").items() if k != "fever"}
    return {
        "invalid": {"summary": "Every bad or missing field is named, with what it allows",
                    "value": _invalid(bad)},
        "invalid_with_emergency": {
            "summary": "An invalid intake whose valid answers already show an emergency: error.emergency first",
            "value": _invalid(intake(saddle_numbness=True, fever="yes"))},
    }


def _answer_examples() -> dict[str, Any]:
    assessor = bootstrap.assessor()
    return {name: {"summary": example["summary"],
                   "value": assessor.assess(example["value"], EXAMPLE_DAY, "en", "be")}
            for name, example in EXAMPLES.items() if name in ("ordinary", "urgent", "partial_emergency")}


COMMON_ERRORS: dict[int | str, dict[str, Any]] = {
    422: _error(422, "invalid query parameters"),
    "default": _error(500, "any other error, in the same format"),
}

router = APIRouter(prefix="/api/v1", tags=["JSON API"])


class JSONBytes(Response):
    """JSON bytes with their headers given as raw pairs (cheaper than Response's header handling,
    on the path of every assessment)."""

    media_type = JSON

    def __init__(self, content: bytes, raw_headers: list[tuple[bytes, bytes]], status_code: int = 200) -> None:
        self.status_code = status_code
        self.background = None
        self.body = content
        self.raw_headers = [(b"content-length", str(len(content)).encode()), (b"content-type", b"application/json"),
                            *raw_headers]


@functools.lru_cache(maxsize=16)
def _raw_headers(lang: Lang | None, private: bool) -> tuple[tuple[bytes, bytes], ...]:
    headers = [(b"vary", b"Accept-Language")]
    if lang:
        headers.append((b"content-language", lang.encode()))
    headers.append((b"cache-control", b"no-store" if private else b"public, max-age=3600"))
    return tuple(headers)


def json_response(body: Any, lang: Lang | None = None, private: bool = False) -> Response:
    """A JSON answer; ``private`` answers (about a person) are never cached."""
    return JSONBytes(orjson.dumps(body), list(_raw_headers(lang, private)))


def _require_json(request: Request) -> None:
    require_content_type(request, JSON, lambda kind: kind in (JSON, "") or kind.endswith("+json"),
                         "application/json")


@router.post(
    "/assessments",
    summary="Assess one intake",
    description=("Send one intake (contract §1) as a JSON object; get the assessment (contract §2) with "
                 "its texts. Nothing is stored or logged. Errors name every bad field and what it allows."),
    response_model=None,
    responses={
        200: {"model": AssessmentAnswer, "description": "the assessment with its texts",
              "content": {JSON: {"examples": _answer_examples()}}},
        413: _error(413, "the body is larger than 64 KB"),
        415: _error(415, "the body is not JSON"),
        422: _error(422, "the intake (or a query parameter) is invalid: every bad field is named; when the "
                         "valid answers already show an emergency whatever the bad ones are, error.emergency "
                         "carries it, first (contract §1)", _invalid_examples()),
        "default": COMMON_ERRORS["default"],
    },
    openapi_extra={**parameters(LANG, REGION, DATE), "requestBody": {"required": True, "content": {
        JSON: {"schema": intake_schema(), "examples": EXAMPLES}}}},
)
async def create_assessment(request: Request) -> Response:
    _require_json(request)
    chosen = options(request)
    body = await request.body()
    try:
        answer = bootstrap.assessor().assess_text(body, chosen.day, chosen.lang, chosen.region)
    except IntakeError as exc:
        raise ApiError(ErrorInfo.from_intake_error(exc)) from None
    return json_response(answer, chosen.lang, private=True)


@functools.cache
def _rules(lang: Lang) -> bytes:
    return orjson.dumps(review_document(bootstrap.assessor().kb, lang))


@router.get(
    "/rules",
    summary="Every rule, threshold, item and source",
    description=("The complete clinical audit as review tables, in the order of the clinical rules: every flag "
                 "(condition, level, downgrade, source, Rugwijzer's own choices), cause, STarT Back scoring, "
                 "medication caution and text, plan/avoid/tips condition and text, every text shown to people "
                 "with the phone numbers of each region resolved, the question flow's skip logic, the "
                 "partial-intake rule, the diary thresholds, the differences between sources and the references. "
                 "Texts in one language (?lang= or Accept-Language); `rugwijzer rules --lang all` shows every "
                 "language side by side."),
    response_model=None,
    responses={200: {"model": RulesDocument, "description": "the review tables"}, **COMMON_ERRORS},
    openapi_extra=parameters(LANG),
)
async def get_rules(request: Request) -> Response:
    chosen = lang_of(request)
    return Response(_rules(chosen), media_type=JSON,
                    headers={"Content-Language": chosen, "Vary": "Accept-Language",
                             "Cache-Control": "public, max-age=3600"})


@functools.cache
def _flow_document() -> bytes:
    from rugwijzer.knowledge import load_flow

    return orjson.dumps({"knowledge_version": bootstrap.assessor().kb.version,
                         **load_flow().model_dump(mode="json")})


@router.get(
    "/questionnaire",
    summary="The question flow as data",
    description=("The screens of the self-check in order, each with its questions: the intake field each "
                 "fills (startback.<key> for STarT Back; helpers only steer the flow), the kind of answer, "
                 "the options with their contract values, texts in every language, and ask_when: the condition "
                 "(in the knowledge base's condition language, over earlier answers) under which a screen "
                 "or question is asked. The same flow is served as a FHIR Questionnaire at "
                 "/fhir/Questionnaire/rugwijzer-intake."),
    response_model=None,
    responses={200: {"model": FlowDocument, "description": "the question flow"},
               "default": COMMON_ERRORS["default"]},
)
async def get_questionnaire() -> Response:
    return Response(_flow_document(), media_type=JSON, headers={"Cache-Control": "public, max-age=3600"})


@router.post("/noop", include_in_schema=False)
async def noop(request: Request) -> Response:
    """Reads the body and answers a constant: the benchmark's baseline (bench/bench_api.py)."""
    await request.body()
    return Response(b'{"ok":true}', media_type=JSON)


