"""Schemathesis against /openapi.json, in process, in both modes (data that fits the description and
data that does not): no 5xx, and every response matches its schema (status code, content type,
headers and body as documented). The whole API, the local diary included: the requests arrive as
from this machine (loopback client, server and Host) and carry the diary's key, in a data folder of
their own.

Two of schemathesis's checks are left out on purpose: ``positive_data_acceptance`` and
``negative_data_rejection``. JSON Schema cannot say the contract's cross-field rules
(``duration_days`` at most ``(age + 1) × 366``) nor contract §4 (a half-filled intake that already
shows an emergency is answered, one that does not is refused), so "valid per schema" and "accepted"
differ there by design. The tests of test_api.py cover those rules.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.types import ASGIApp, Receive, Scope, Send

from rugwijzer.http.web import auth
from rugwijzer.http.web.app import create_app
from rugwijzer.storage import ENV_HOME, ENV_URL


class FromThisMachine:
    """Every request as if it came over loopback to 127.0.0.1:8000 (the diary answers only those)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = [(k, v) for k, v in scope["headers"] if k != b"host"] + [(b"host", b"127.0.0.1:8000")]
            scope = {**scope, "client": ("127.0.0.1", 50150), "server": ("127.0.0.1", 8000), "headers": headers}
        await self.app(scope, receive, send)


APP = FromThisMachine(create_app())
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
# Only the interoperability routes (other parts of the app are tested by their owners).
schema = schema.include(path_regex=r"^/(api/v1|fhir|cds-services)")
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def key() -> Iterator[str]:
    home = tempfile.mkdtemp(prefix="rugwijzer-schemathesis-")
    saved = {name: os.environ.get(name) for name in (ENV_HOME, ENV_URL)}
    os.environ[ENV_HOME] = home
    os.environ.pop(ENV_URL, None)
    try:
        yield auth.owner_key()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(home, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_description(case: schemathesis.Case, key: str) -> None:
    headers: dict[str, Any] = {"Authorization": f"Bearer {key}"} if case.path.startswith("/api/v1/diary") else {}
    case.call_and_validate(headers=headers, checks=CHECKS)


def test_without_the_key_the_diary_answers_401_as_described(key: str) -> None:
    from fastapi.testclient import TestClient

    with TestClient(APP) as client:
        response = client.get("/api/v1/diary")
    described = schema["/api/v1/diary"]["GET"].definition.raw["responses"]
    assert response.status_code == 401 and "401" in described
