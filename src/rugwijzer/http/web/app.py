"""The FastAPI application factory. Each adapter brings its own router; this file only wires them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI

from rugwijzer import __version__
from rugwijzer.http.api import API_PREFIX, CDS_PREFIX, FHIR_PREFIX

if TYPE_CHECKING:
    from rugwijzer.http.api.guard import PageRenderer


def create_app() -> FastAPI:
    """Build the app. Routers are included in the order people meet them."""
    app = FastAPI(
        title="Rugwijzer",
        version=__version__,
        description="Triage and self-care advice for low back pain. Rugwijzer does not replace a doctor.",
        # FastAPI's /docs and /redoc pages load their scripts from a CDN: everything here is served by
        # the app itself, so only the OpenAPI description is offered.
        docs_url=None,
        redoc_url=None,
    )

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    from rugwijzer.http.web.errors import error_page, scope_lang
    from rugwijzer.http.web.errors import install as install_error_pages

    install_error_pages(app)  # HTML error pages; the interoperability routes keep their own format
    _install_interop(app, page=lambda info, scope: error_page(info, scope_lang(scope)))
    _install_selfcheck(app)
    from rugwijzer.http.web.diary import install as install_diary  # /diary, loopback and its owner only
    install_diary(app)
    return app


def _install_selfcheck(app: FastAPI) -> None:
    """The self-check pages (/, /check, /report.pdf) and their own stylesheet: no CDN."""
    from fastapi.staticfiles import StaticFiles

    from rugwijzer.http.web.pages import STATIC_DIR, STATIC_URL, router

    app.include_router(router)
    app.mount(STATIC_URL, StaticFiles(directory=str(STATIC_DIR)), name="selfcheck-static")


def _install_interop(app: FastAPI, max_body: int | None = None, page: PageRenderer | None = None) -> None:
    """Wire the interoperability routes into the app: the routers, the error handlers (one format per
    prefix) and the request size limit (counted for every path of the app)."""
    from rugwijzer.http.api.errors import ErrorRouting, install_error_handlers, json_error
    from rugwijzer.http.api.guard import MAX_BODY_BYTES, InteropGuard
    from rugwijzer.http.api.routes import router as api_router
    from rugwijzer.http.cds import router as cds_router
    from rugwijzer.http.fhir import fhir_error
    from rugwijzer.http.fhir import router as fhir_router
    from rugwijzer.http.web.diary_api import router as diary_router

    routing = ErrorRouting({API_PREFIX: json_error, FHIR_PREFIX: fhir_error, CDS_PREFIX: json_error})
    app.include_router(api_router)
    app.include_router(diary_router)  # local mode: answers only to this machine
    app.include_router(fhir_router)
    app.include_router(cds_router)
    install_error_handlers(app, routing)
    app.add_middleware(InteropGuard, routing=routing, max_body=max_body or MAX_BODY_BYTES, page=page)
