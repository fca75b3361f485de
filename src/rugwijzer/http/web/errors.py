"""Error pages of the web app (every path outside /api, /fhir and /cds-services): a small HTML page
in the person's language, with the same security headers as every other page. Texts are in
:mod:`rugwijzer.access`; the technical message (English, never personal data) is shown small below.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from jinja2 import Environment, PackageLoader
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, Response
from starlette.types import Scope

from rugwijzer.access import DOMAIN, GENERIC_TEXT, GENERIC_TITLE, HOME, TEXTS, TITLES
from rugwijzer.core.knowledge import Lang
from rugwijzer.http.api.errors import ErrorInfo
from rugwijzer.i18n import gettext_for
from rugwijzer.languages import LANGS
from rugwijzer.templating import jinja_environment


@functools.cache
def environment() -> Environment:
    return jinja_environment(PackageLoader("rugwijzer.http.web", "templates"))


def plain_page(lang: Lang, title: str, paragraphs: Sequence[str], status: int, detail: str = "",
               login: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    """A page with a heading, paragraphs, an optional technical detail and an optional key form."""
    from rugwijzer.http.web.pages import HEADERS, STATIC_URL

    _ = gettext_for(lang, DOMAIN)
    html = environment().get_template("plain.html.j2").render(
        lang=lang, title=title, paragraphs=paragraphs, detail=detail, login=login, static=STATIC_URL,
        home=_(HOME))
    return HTMLResponse(html, status_code=status,
                        headers={**HEADERS, "Cache-Control": "no-store", **(headers or {})})


def error_page(info: ErrorInfo, lang: Lang) -> HTMLResponse:
    """The page for an error status, with the technical message below when there is one."""
    _ = gettext_for(lang, DOMAIN)
    title = _(TITLES.get(info.status, GENERIC_TITLE))
    text = _(TEXTS.get(info.status, GENERIC_TEXT))
    detail = info.message if info.status in (400, 413, 503) else ""
    return plain_page(lang, title, [text], info.status, detail, headers=info.headers)


def scope_lang(scope: Scope) -> Lang:
    """``?lang=`` of the request, else its Accept-Language, else the default language (Dutch)."""
    from rugwijzer.http.api.negotiation import choose_lang

    query = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [""])[-1]
    header = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"accept-language"), None)
    return choose_lang(query if query in LANGS else None, header)


def install(app: FastAPI) -> None:
    """HTML error pages for HTTP and validation errors (the interoperability routes install their
    own handlers on top, and hand every other path back to these)."""

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        message = str(exc.detail) if exc.detail else ""
        return error_page(ErrorInfo(exc.status_code, message, headers=dict(exc.headers or {})),
                          scope_lang(request.scope))

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        names = ", ".join(str(e.get("loc", ("", ""))[-1]) for e in exc.errors())
        return error_page(ErrorInfo(422, f"not valid: {names}"[:200]), scope_lang(request.scope))

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
