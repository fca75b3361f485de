"""ASGI middleware for the interoperability routes: a request size limit (413) and a last-resort
500, both in the route's error format. Nothing about the request is logged except its path."""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rugwijzer.api.errors import ErrorInfo, ErrorRouting, Renderer

MAX_BODY_BYTES = 64 * 1024
log = logging.getLogger("rugwijzer.api")


class _TooLarge(Exception):
    pass


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _too_large(limit: int) -> ErrorInfo:
    return ErrorInfo.single(413, "request", f"the request body is larger than {limit} bytes",
                            f"a body of at most {limit} bytes")


class InteropGuard:
    """Wraps the app; acts only on paths that ``routing`` knows."""

    def __init__(self, app: ASGIApp, routing: ErrorRouting, max_body: int = MAX_BODY_BYTES) -> None:
        self.app, self.routing, self.max_body = app, routing, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        renderer = self.routing.renderer_for(scope["path"]) if scope["type"] == "http" else None
        if renderer is None:
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.max_body:
            await _send(renderer, _too_large(self.max_body), scope, receive, send)
            return
        await self._guarded(renderer, scope, receive, send)

    async def _guarded(self, renderer: Renderer, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body:
                raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if started:
                raise
            await _send(renderer, _too_large(self.max_body), scope, receive, send)
        except Exception as exc:
            log.error("unhandled %s on %s", type(exc).__name__, scope["path"])
            if started:
                raise
            info = ErrorInfo(500, "internal error: the request could not be answered")
            await _send(renderer, info, scope, receive, send)


async def _send(renderer: Renderer, info: ErrorInfo, scope: Scope, receive: Receive, send: Send) -> None:
    response = renderer(info)
    response.headers["connection"] = "close"
    await response(scope, receive, send)


