"""The diary as JSON under /api/v1/diary, for the local mode only: thin routes over the diary service.

Served to this machine alone (the same check as the web diary: loopback client, server and Host
name; anything else is a 404), and to the diary's owner alone: ``Authorization: Bearer <key>`` with
the key from ``diary.key`` in the data folder, or the web diary's session cookie (else 401).
Writes need ``Content-Type: application/json`` and are refused when the
browser says the request comes from another site, so a web page elsewhere cannot write to the diary.
Nothing here is logged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from rugwijzer import bootstrap
from rugwijzer.core.validation import IntakeError
from rugwijzer.diary.errors import AlarmCheckDue, DiaryInputError, DiaryStateError
from rugwijzer.diary.model import Episode, NewEntry
from rugwijzer.diary.service import DiaryService, Emergency, Outcome
from rugwijzer.http.api.errors import JSON, ApiError, ErrorInfo
from rugwijzer.http.api.guard import local_only
from rugwijzer.http.api.models import ErrorEnvelope
from rugwijzer.http.api.params import LANG, REGION, lang_of, parameters, region_of
from rugwijzer.http.api.routes import json_response
from rugwijzer.http.api.schema import self_contained
from rugwijzer.services.json_input import load_object

router = APIRouter(prefix="/api/v1/diary", tags=["Diary (local mode)"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorEnvelope, "description": "no diary key (Bearer) or session cookie",
          "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}}},
    404: {"model": ErrorEnvelope, "description": "not served: the request does not come from this machine"},
    409: {"model": ErrorEnvelope, "description": "no open episode, or one is still open"},
    422: {"model": ErrorEnvelope, "description": "invalid input; every bad field is named (alarm questions due "
                                                  "are named too)"},
    "default": {"model": ErrorEnvelope, "description": "any other error, in the same format"},
}
_OK = {"description": "done", "content": {JSON: {"schema": {"type": "object"}}}}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class StartBody(_Strict):
    """Start an episode: when it began and the self-check answers (an intake without duration_days)."""

    onset: dt.date
    answers: dict[str, Any]


class EntryBody(_Strict):
    """One diary entry; ``alarm_answers`` only for the alarm questions asked again."""

    date: dt.date
    pain: int = Field(ge=0, le=10)
    activity: str = ""
    medication: str = ""
    notes: str = ""
    seen_doctor: bool = False
    alarm_answers: dict[str, Any] | None = None


class EndBody(_Strict):
    date: dt.date


M = TypeVar("M", bound=BaseModel)


def _today() -> dt.date:
    return bootstrap.clock()


def _guard(request: Request, writing: bool = False, body: bool = True) -> None:
    """This machine only; a write must be JSON and must not come from another site."""
    from rugwijzer.http.web import auth

    local_only(request)
    if not auth.is_owner(request):
        raise ApiError(ErrorInfo.single(
            401, "authorization", "the diary is private and this request does not carry its key",
            f"Authorization: Bearer <the key in {auth.KEY_FILE} in the data folder>, or the cookie of the diary's "
            "login link", ).with_headers({"WWW-Authenticate": 'Bearer realm="rugwijzer-diary"'}))
    if not writing:
        return
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise ApiError(ErrorInfo.single(403, "origin", "the request comes from another site", "this machine"))
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if body and kind != JSON:
        raise ApiError(ErrorInfo.single(415, "content-type", f"got {kind[:60]!r}", JSON))


async def _body(request: Request, model: type[M]) -> M:
    raw = await request.body()
    try:
        load_object(raw, "body")  # nesting limit first; a repeated key is refused by its path
        return model.model_validate_json(raw)
    except IntakeError as exc:
        raise ApiError(ErrorInfo.from_problems("invalid diary input", exc.problems)) from None
    except ValidationError as exc:
        problems = [{"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"],
                     "allowed": "see the API description at /openapi.json"} for e in exc.errors(include_url=False)]
        names = tuple(dict.fromkeys(p["field"] for p in problems))
        raise ApiError(ErrorInfo(422, "invalid diary input: " + ", ".join(names), names, tuple(problems))) from None


def _service() -> DiaryService:
    return bootstrap.diary_service()


def _diary_errors(exc: Exception) -> ApiError:
    if isinstance(exc, AlarmCheckDue):
        info = ErrorInfo(422, f"alarm questions due ({exc.reason}): " + ", ".join(exc.missing),
                         tuple(exc.missing), tuple(p.as_dict() for p in exc.problems))
        return ApiError(info)
    if isinstance(exc, DiaryInputError | IntakeError):
        body = exc.as_dict()
        return ApiError(ErrorInfo(422, body["message"], tuple(body["fields"]), tuple(body["problems"])))
    assert isinstance(exc, DiaryStateError)
    return ApiError(ErrorInfo.single(409, "episode", str(exc), "start an episode when none is open; "
                                                               "add entries and end it while it is open"))


async def _call(function: Any, *args: Any) -> Any:
    try:
        return await run_in_threadpool(function, *args)
    except (DiaryInputError, IntakeError, DiaryStateError) as exc:
        raise _diary_errors(exc) from None


def _episode(episode: Episode) -> dict[str, Any]:
    return {"id": episode.id, "onset": episode.onset.isoformat(), "started_on": episode.started_on.isoformat(),
            "ended_on": episode.ended_on.isoformat() if episode.ended_on else None, "answers": dict(episode.baseline)}


def _outcome(outcome: Outcome) -> dict[str, Any]:
    changes = asdict(outcome.changes) if outcome.changes else None
    return {"stored": True, "episode": _episode(outcome.episode),
            "entry_id": outcome.entry.id if outcome.entry else None, "answer": outcome.answer,
            "changes": changes, "alarm_reason": outcome.alarm_reason}


@router.get("", summary="The whole diary: every episode, entry and assessment", response_model=None,
            responses={200: _OK, **_ERRORS}, openapi_extra=parameters(LANG, REGION))
async def read_diary(request: Request) -> Response:
    from rugwijzer.diary.export import as_document

    _guard(request)
    service = _service()
    histories = await _call(service.histories, lang_of(request), region_of(request))
    return json_response(as_document(histories, _today(), service.assessor.kb.version), private=True)


@router.post("/episodes", summary="Start an episode with the self-check answers", status_code=201,
             response_model=None, responses={201: _OK, 200: _OK, **_ERRORS},
             openapi_extra={**parameters(LANG, REGION), "requestBody": {"required": True, "content": {
                 JSON: {"schema": self_contained(StartBody)}}}})
async def start_episode(request: Request) -> Response:
    _guard(request, writing=True)
    body = await _body(request, StartBody)
    lang, region = lang_of(request), region_of(request)
    result = await _call(_service().start, body.onset, body.answers, _today(), lang, region)
    if isinstance(result, Emergency):  # contract §4: nothing is stored, act now
        return json_response({"stored": False, "answer": result.answer}, lang, private=True)
    response = json_response(_outcome(result), lang, private=True)
    response.status_code = 201
    return response


@router.post("/entries", summary="Add an entry to the open episode (re-assessed at once)", status_code=201,
             response_model=None, responses={201: _OK, **_ERRORS},
             openapi_extra={**parameters(LANG, REGION), "requestBody": {"required": True, "content": {
                 JSON: {"schema": self_contained(EntryBody)}}}})
async def add_entry(request: Request) -> Response:
    _guard(request, writing=True)
    body = await _body(request, EntryBody)
    new = NewEntry(entry_date=body.date, pain=body.pain, activity=body.activity, medication=body.medication,
                   notes=body.notes, seen_doctor=body.seen_doctor, alarm_answers=body.alarm_answers)
    lang = lang_of(request)
    outcome = await _call(_service().add, new, _today(), lang, region_of(request))
    response = json_response(_outcome(outcome), lang, private=True)
    response.status_code = 201
    return response


@router.post("/end", summary="End the open episode (recovered)", response_model=None,
             responses={200: _OK, **_ERRORS},
             openapi_extra={"requestBody": {"required": True,
                                            "content": {JSON: {"schema": self_contained(EndBody)}}}})
async def end_episode(request: Request) -> Response:
    _guard(request, writing=True)
    body = await _body(request, EndBody)
    episode = await _call(_service().end, body.date, _today())
    return json_response({"episode": _episode(episode)}, private=True)


@router.delete("", summary="Delete everything the diary holds", response_model=None,
               responses={200: _OK, **_ERRORS})
async def delete_diary(request: Request) -> Response:
    _guard(request, writing=True, body=False)
    episodes, entries = await _call(_service().delete_everything)
    return json_response({"deleted_episodes": episodes, "deleted_entries": entries}, private=True)
