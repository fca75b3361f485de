"""ASGI middleware around the whole app: a request size limit (413) counted as the body streams in
(a chunked upload has no Content-Length to check), a 503 when the diary's storage fails, a
last-resort 500, each in the route's own format (the interoperability routes' JSON or
OperationOutcome, an HTML page elsewhere), and the security headers on every response, error
pages included. Nothing about the request is logged except its path."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable

from fastapi import HTTPException, Request
from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rugwijzer.http.api.errors import ErrorInfo, ErrorRouting, Renderer
from rugwijzer.storage.errors import StorageError

MAX_BODY_BYTES = 64 * 1024
log = logging.getLogger("rugwijzer.http.api")

# Sent with every response that does not set its own; error responses also get a policy that allows
# nothing (the app's pages set a fuller one themselves).
SECURITY_HEADERS = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}
ERROR_POLICY = {"content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"}

PageRenderer = Callable[[ErrorInfo, Scope], Response]


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
    """Wraps the app; errors on paths that ``routing`` knows are rendered by its renderers, on every
    other path by ``page`` (an HTML page)."""

    def __init__(self, app: ASGIApp, routing: ErrorRouting, max_body: int = MAX_BODY_BYTES,
                 page: PageRenderer | None = None) -> None:
        self.app, self.routing, self.max_body, self.page = app, routing, max_body, page

    def _renderer(self, scope: Scope) -> Renderer:
        routed = self.routing.renderer_for(scope["path"])
        if routed is not None:
            return routed
        page = self.page
        if page is None:
            return lambda info: Response(info.message, status_code=info.status, headers=dict(info.headers))
        return lambda info: page(info, scope)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        renderer = self._renderer(scope)
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
            if message["type"] == "http.response.start":
                started = True
                _secure(message)
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if started:
                raise
            await _send(renderer, _too_large(self.max_body), scope, receive, send)
        except StorageError as exc:  # the message names the database and the driver's error, no data
            if started:
                raise
            await _send(renderer, ErrorInfo(503, str(exc)), scope, receive, send)
        except Exception as exc:
            log.error("unhandled %s on %s", type(exc).__name__, scope["path"])
            if started:
                raise
            info = ErrorInfo(500, "internal error: the request could not be answered")
            await _send(renderer, info, scope, receive, send)


def _secure(message: Message) -> None:
    headers = MutableHeaders(scope=message)
    wanted = {**SECURITY_HEADERS, **(ERROR_POLICY if message.get("status", 200) >= 400 else {})}
    for name, value in wanted.items():
        if name not in headers:
            headers[name] = value


async def _send(renderer: Renderer, info: ErrorInfo, scope: Scope, receive: Receive, send: Send) -> None:
    response = renderer(info)
    response.headers["connection"] = "close"
    for name, value in {**SECURITY_HEADERS, **ERROR_POLICY}.items():
        response.headers.setdefault(name, value)
    await response(scope, receive, send)


# ---- this machine only (the diary's pages and its JSON API) ---------------------------------------

def _loopback(address: str | None) -> bool:
    if not address:
        return False
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def _host_name(header: str) -> str:
    """The host name of a Host header, without the port (``[::1]:8000`` -> ``::1``)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def is_local(request: Request) -> bool:
    """The browser, the server socket and the Host header are all this machine."""
    server = request.scope.get("server") or (None, None)
    host = _host_name(request.headers.get("host", ""))
    return (_loopback(request.client.host if request.client else None) and _loopback(server[0])
            and (host == "localhost" or _loopback(host)))


def local_only(request: Request) -> None:
    """404 unless the browser, the server socket and the Host header are all this machine."""
    if not is_local(request):
        raise HTTPException(status_code=404)
