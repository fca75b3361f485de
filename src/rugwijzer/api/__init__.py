"""Interoperability: the JSON API (/api/v1), FHIR R4 (/fhir) and CDS Hooks (/cds-services).

``install(app)`` adds the routers, the error handlers (one format per prefix) and the request size
limit (counted for every path of the app). These routes are stateless: they store nothing and log nothing personal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI

if TYPE_CHECKING:
    from rugwijzer.api.guard import PageRenderer

API_PREFIX = "/api/"
FHIR_PREFIX = "/fhir/"
CDS_PREFIX = "/cds-services/"


def install(app: FastAPI, max_body: int | None = None, page: PageRenderer | None = None) -> None:
    """Wire the interoperability routes into the app (imports here keep the packages acyclic)."""
    from rugwijzer.api.diary import router as diary_router
    from rugwijzer.api.errors import ErrorRouting, install_error_handlers, json_error
    from rugwijzer.api.guard import MAX_BODY_BYTES, InteropGuard
    from rugwijzer.api.routes import router as api_router
    from rugwijzer.cds.routes import router as cds_router
    from rugwijzer.fhir.routes import fhir_error
    from rugwijzer.fhir.routes import router as fhir_router

    routing = ErrorRouting({API_PREFIX: json_error, FHIR_PREFIX: fhir_error, CDS_PREFIX: json_error})
    app.include_router(api_router)
    app.include_router(diary_router)  # local mode: answers only to this machine
    app.include_router(fhir_router)
    app.include_router(cds_router)
    install_error_handlers(app, routing)
    app.add_middleware(InteropGuard, routing=routing, max_body=max_body or MAX_BODY_BYTES, page=page)


__all__ = ["install"]
