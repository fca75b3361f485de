"""One error format for every error of the interoperability routes.

The JSON API and CDS Hooks answer ``{"error": {"status", "message", "fields", "problems"}}``; each
problem names a ``field``, says what is wrong (``message``) and what is ``allowed``. The FHIR routes
answer the same information as an OperationOutcome. Which format applies is decided by the path
prefix (:class:`ErrorRouting`), so other parts of the app keep their own error pages.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from rugwijzer.core.errors import RugwijzerError
from rugwijzer.core.validation import IntakeError, Problem

JSON = "application/json"


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    """What went wrong, independent of how it is shown."""

    status: int
    message: str
    fields: tuple[str, ...] = ()
    problems: tuple[Mapping[str, Any], ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    # The emergency the valid answers already show (contract §1): every format shows it first.
    emergency: Mapping[str, Any] | None = None

    @classmethod
    def from_intake_error(cls, exc: IntakeError, status: int = 422) -> ErrorInfo:
        body = exc.as_dict()
        return cls(status, body["message"], tuple(body["fields"]), tuple(body["problems"]),
                   emergency=body.get("emergency"))

    def with_headers(self, headers: Mapping[str, str]) -> ErrorInfo:
        return ErrorInfo(self.status, self.message, self.fields, self.problems, {**self.headers, **headers})

    @classmethod
    def from_problems(cls, heading: str, problems: Sequence[Problem], status: int = 422) -> ErrorInfo:
        """An error about a body that is not an intake, in the words of the route (``heading``)."""
        names = tuple(dict.fromkeys(p.field for p in problems))
        return cls(status, f"{heading}: " + "; ".join(str(p) for p in problems), names,
                   tuple(p.as_dict() for p in problems))

    @classmethod
    def single(cls, status: int, name: str, message: str, allowed: str) -> ErrorInfo:
        """An error about one named field."""
        problem = {"field": name, "fields": [name], "message": message, "allowed": allowed}
        return cls(status, f"{name}: {message} (allowed: {allowed})", (name,), (problem,))


class ApiError(RugwijzerError):
    """Raised by a route to answer with an error in the route's format."""

    def __init__(self, info: ErrorInfo) -> None:
        super().__init__(info.message)
        self.info = info


Renderer = Callable[[ErrorInfo], Response]


def json_error(info: ErrorInfo) -> Response:
    """The JSON API's error body."""
    first = {"emergency": dict(info.emergency)} if info.emergency else {}
    body = {"error": {**first, "status": info.status, "message": info.message, "fields": list(info.fields),
                      "problems": [dict(p) for p in info.problems]}}
    return Response(orjson.dumps(body), status_code=info.status, media_type=JSON, headers=dict(info.headers))


class ErrorRouting:
    """Maps path prefixes to error renderers; paths under no prefix are left to the app."""

    def __init__(self, renderers: Mapping[str, Renderer]) -> None:
        self._renderers = sorted(renderers.items(), key=lambda item: -len(item[0]))

    def renderer_for(self, path: str) -> Renderer | None:
        for prefix, renderer in self._renderers:
            if path == prefix.rstrip("/") or path.startswith(prefix):
                return renderer
        return None


def _validation_problems(errors: Sequence[Any]) -> tuple[Mapping[str, Any], ...]:
    problems = []
    for error in errors:
        names = [str(part) for part in error.get("loc", ()) if isinstance(part, str)]
        name = names[-1] if names and names[-1] not in ("query", "header", "path", "body") else "request"
        expected = (error.get("ctx") or {}).get("expected")
        problems.append({"field": name, "fields": [name], "message": str(error.get("msg", "is not valid")),
                         "allowed": str(expected) if expected else "see the API description at /openapi.json"})
    return tuple(problems)


def _validation_info(exc: RequestValidationError) -> ErrorInfo:
    problems = _validation_problems(exc.errors())
    names = tuple(dict.fromkeys(p["field"] for p in problems))
    message = "invalid request: " + "; ".join(f"{p['field']}: {p['message']} (allowed: {p['allowed']})"
                                               for p in problems)
    return ErrorInfo(422, message, names, problems)


def allowed_methods(request: Request) -> str:
    """Every method some route takes at this path (Starlette names only the first route's)."""
    from starlette.routing import Match

    routes = request.app.router.routes
    allowed = [method for method in _METHODS
               if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)]
    return ", ".join(allowed)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


Handler = Callable[[Request, Any], Response | Awaitable[Response]]


async def _call(handler: Handler, request: Request, exc: Exception) -> Response:
    result = handler(request, exc)
    return await result if inspect.isawaitable(result) else result


def install_error_handlers(app: FastAPI, routing: ErrorRouting) -> None:
    """Register handlers that answer in the route's format under the routed prefixes and hand
    every other path to the handler that was there before (FastAPI's default if none)."""
    previous_http: Handler = app.exception_handlers.get(StarletteHTTPException, http_exception_handler)
    previous_validation: Handler = app.exception_handlers.get(RequestValidationError,
                                                               request_validation_exception_handler)

    async def on_http(request: Request, exc: Exception) -> Response:
        renderer = routing.renderer_for(request.url.path)
        if renderer is None or not isinstance(exc, StarletteHTTPException):
            return await _call(previous_http, request, exc)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request)
        return renderer(ErrorInfo(exc.status_code, str(exc.detail), headers=headers))

    async def on_validation(request: Request, exc: Exception) -> Response:
        renderer = routing.renderer_for(request.url.path)
        if renderer is None or not isinstance(exc, RequestValidationError):
            return await _call(previous_validation, request, exc)
        return renderer(_validation_info(exc))

    async def on_api_error(request: Request, exc: Exception) -> Response:
        renderer = routing.renderer_for(request.url.path) or json_error
        info = exc.info if isinstance(exc, ApiError) else ErrorInfo(500, "internal error")
        return renderer(info)

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(ApiError, on_api_error)
