"""The FastAPI application factory. Each adapter brings its own router; this file only wires them."""

from __future__ import annotations

from fastapi import FastAPI

from rugwijzer import __version__
from rugwijzer.api import install as install_interop


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

    from rugwijzer.web.errors import error_page, scope_lang
    from rugwijzer.web.errors import install as install_error_pages

    install_error_pages(app)  # HTML error pages; the interoperability routes keep their own format
    install_interop(app, page=lambda info, scope: error_page(info, scope_lang(scope)))
    _install_selfcheck(app)
    from rugwijzer.web.diary import install as install_diary  # /diary, loopback and its owner only
    install_diary(app)
    return app


def _install_selfcheck(app: FastAPI) -> None:
    """The self-check pages (/, /check, /report.pdf) and their own stylesheet: no CDN."""
    from fastapi.staticfiles import StaticFiles

    from rugwijzer.web.pages import STATIC_DIR, STATIC_URL, router

    app.include_router(router)
    app.mount(STATIC_URL, StaticFiles(directory=str(STATIC_DIR)), name="selfcheck-static")
