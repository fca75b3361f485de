"""Schemathesis against /openapi.json, in process: no 5xx, and every response matches its schema
(status code, content type, headers and body as documented).

Two of schemathesis's checks are left out on purpose: ``positive_data_acceptance`` and
``negative_data_rejection``. JSON Schema cannot say the contract's cross-field rules
(``duration_days`` at most ``(age + 1) × 366``) nor contract §4 (a half-filled intake that already
shows an emergency is answered, one that does not is refused), so "valid per schema" and "accepted"
differ there by design. The tests of test_api.py cover those rules.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from rugwijzer.web.app import create_app

APP = create_app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
# Only the interoperability routes (other parts of the app are tested by their owners).
schema = schema.include(path_regex=r"^/(api/v1|fhir|cds-services)")

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_description(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
